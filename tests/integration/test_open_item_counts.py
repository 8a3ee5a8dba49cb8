"""The counts the database keeps as steps (tracker.db.open_item_counts): they follow every kind of write,
whoever makes it (a service, a bulk statement, a cascade, a force left out of scope, an inspection's
publication date moved), and the dashboard's counts read from them equal those counted from the items on
any date, past or to come, window and kind."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import get_force, get_inspection, get_tracking, make_inspection
from tracker.db import db, open_item_counts
from tracker.domain.statuses import ActionStatus, TrackingStatus
from tracker.models import (
    Action,
    Inspection,
    InspectionForce,
    OpenItemStep,
    Recommendation,
    StatutoryResponse,
    Tracking,
)
from tracker.services import inspections as inspection_service
from tracker.services import overdue
from tracker.services.tracking import add_action, set_action_status, set_target_date, set_tracking_status


def assert_kept_counts_right() -> None:
    """The kept counts equal a count made now from the items, row by row."""
    db.session.flush()
    assert open_item_counts.differences(db.session.connection()) == []


def kept_total(force_slug: str, item_type: str) -> int:
    """A force's open items of a kind now, by the kept steps (all the years' steps of "open")."""
    c = OpenItemStep
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(c.change), 0)).where(
        c.force_id == get_force(force_slug).id, c.item_type == item_type, c.measure == "open", c.span == "year"))


def test_the_seed_data_is_counted(app):
    assert_kept_counts_right()
    assert kept_total("cumbria", "recommendation") > 0 and kept_total("cumbria", "statutory_response") > 0


def test_closing_reopening_and_a_new_date_move_the_counts(app):
    tracking = get_tracking("cumbria", "4.1")
    assert tracking.closed_on is None
    before = kept_total("cumbria", "recommendation")
    set_tracking_status(tracking, TrackingStatus.COMPLETE, date(2022, 6, 1))
    assert_kept_counts_right()
    assert kept_total("cumbria", "recommendation") == before - 1
    set_tracking_status(tracking, TrackingStatus.BEING_PROGRESSED, date(2022, 6, 2))
    assert_kept_counts_right()
    assert kept_total("cumbria", "recommendation") == before
    set_target_date(tracking, date(2031, 2, 28))
    set_target_date(tracking, None)
    assert_kept_counts_right()


def test_actions_added_completed_and_deleted_move_the_counts(app):
    tracking = get_tracking("cumbria", "3.2")
    before = kept_total("cumbria", "action")
    action = add_action(tracking, "Train every call handler", due_on=date(2027, 1, 31))
    assert_kept_counts_right()
    assert kept_total("cumbria", "action") == before + 1
    undated = add_action(tracking, "Review the policy")
    assert_kept_counts_right()
    set_action_status(action, ActionStatus.COMPLETE, date(2026, 12, 1))
    assert_kept_counts_right()
    db.session.delete(undated)
    assert_kept_counts_right()
    assert kept_total("cumbria", "action") == before


def test_a_published_response_is_no_longer_counted(app):
    response = db.session.scalar(sa.select(StatutoryResponse).where(StatutoryResponse.published_on.is_(None))
                                 .order_by(StatutoryResponse.id).limit(1))
    force = db.session.get(type(get_force("cumbria")), response.force_id).slug
    before = kept_total(force, "statutory_response")
    response.published_on = date(2026, 11, 2)
    assert_kept_counts_right()
    assert kept_total(force, "statutory_response") == before - 1


def test_a_force_left_out_of_an_inspection_is_no_longer_counted_and_counts_again_when_brought_back(app):
    inspection = get_inspection("vawg-2021")
    cumbria = get_force("cumbria")
    before = kept_total("cumbria", "recommendation")
    open_here = db.session.scalar(sa.select(sa.func.count()).select_from(Tracking).where(
        Tracking.inspection_id == inspection.id, Tracking.force_id == cumbria.id, Tracking.closed_on.is_(None)))
    assert open_here
    inspection_service.set_force_scope(inspection, cumbria, False, "Not inspected")
    assert_kept_counts_right()
    assert kept_total("cumbria", "recommendation") == before - open_here
    inspection_service.set_force_scope(inspection, cumbria, True, None)
    assert_kept_counts_right()
    assert kept_total("cumbria", "recommendation") == before


def test_a_scope_row_deleted_or_moved_to_another_force_is_followed(app):
    inspection = get_inspection("vawg-2021")
    cumbria, lancashire = get_force("cumbria"), get_force("lancashire")
    inspection_service.set_force_scope(inspection, cumbria, False, "Not inspected")
    db.session.flush()
    db.session.execute(sa.delete(InspectionForce).where(InspectionForce.inspection_id == inspection.id,
                                                        InspectionForce.force_id == lancashire.id))
    db.session.execute(sa.update(InspectionForce).where(InspectionForce.inspection_id == inspection.id,
                                                        InspectionForce.force_id == cumbria.id)
                       .values(force_id=lancashire.id))
    assert_kept_counts_right()
    db.session.execute(sa.delete(InspectionForce).where(InspectionForce.inspection_id == inspection.id))
    assert_kept_counts_right()


def test_bulk_statements_and_cascades_are_followed(app):
    cumbria = get_force("cumbria")
    db.session.execute(sa.update(Action).where(Action.force_id == cumbria.id).values(due_on=date(2030, 5, 17)))
    db.session.execute(sa.update(Tracking).where(Tracking.force_id == cumbria.id, Tracking.closed_on.is_(None))
                       .values(closed_on=date(2026, 1, 1)))
    assert_kept_counts_right()
    # Deleting an inspection deletes its recommendations, their trackings and actions, its scope and its
    # responses: with a force left out of it, whatever order the cascade goes in.
    inspection = get_inspection("vawg-2021")
    inspection_service.set_force_scope(inspection, get_force("lancashire"), False, "Not inspected")
    db.session.flush()
    db.session.execute(sa.delete(StatutoryResponse).where(StatutoryResponse.inspection_id == inspection.id))
    db.session.execute(sa.delete(Recommendation).where(Recommendation.inspection_id == inspection.id))
    db.session.execute(sa.delete(Inspection).where(Inspection.id == inspection.id))
    assert_kept_counts_right()


def test_a_new_inspection_and_its_records_are_counted(app):
    make_inspection(forces=("cumbria", "lancashire"))
    assert_kept_counts_right()


def test_a_rebuild_gives_the_same_counts(app):
    connection = db.session.connection()
    kept = sorted(connection.execute(sa.select(OpenItemStep.__table__).where(OpenItemStep.change != 0)).all())
    assert len(kept) > 100
    open_item_counts.rebuild(connection)
    assert sorted(connection.execute(sa.select(OpenItemStep.__table__)).all()) == kept


def test_a_bulk_load_counts_once_at_the_end_and_keeps_the_triggers(app):
    connection = db.session.connection()
    tracking = get_tracking("cumbria", "3.2")
    with open_item_counts.bulk_load(connection):
        connection.execute(sa.insert(Action), [
            {"tracking_id": tracking.id, "force_id": tracking.force_id, "inspection_id": tracking.inspection_id,
             "title": f"Bulk {i}", "due_on": date(2027, 3, i + 1), "status": ActionStatus.NOT_STARTED}
            for i in range(5)])
    assert_kept_counts_right()
    add_action(tracking, "After the load", due_on=date(2027, 4, 1))
    assert_kept_counts_right()


# --- the dashboard's counts from the kept steps equal those from the items ----------------------------

def counted_both_ways(f: overdue.ItemFilter, soon_days: int) -> tuple[dict, dict]:
    """summary_counts' figures from the kept steps, and from the items (checking every publication date)."""
    def summed(statement) -> dict:
        totals = {t: [0, 0, 0] for t in overdue.ITEM_TYPES}
        for item_type, *figures in db.session.execute(statement):
            totals[item_type] = [a + int(b or 0) for a, b in zip(totals[item_type], figures, strict=True)]
        return totals

    return (summed(overdue._kept_counts_statement(f, soon_days)),
            summed(overdue._summary_statement(f, soon_days, True)))


FORCE_SETS = (("cumbria",), ("cumbria", "lancashire", "leicestershire", "hampshire-and-isle-of-wight"))
WINDOWS = [*overdue.WINDOWS, "reminders"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(as_of=st.dates(date(2015, 1, 1), date(2032, 12, 31)), window=st.sampled_from(WINDOWS),
       item_type=st.sampled_from([None, *overdue.ITEM_TYPES]), soon_days=st.sampled_from(open_item_counts.DUE_WITHIN),
       forces=st.sampled_from(FORCE_SETS))
def test_the_kept_counts_answer_as_the_items_do(app, as_of, window, item_type, soon_days, forces):
    f = overdue.ItemFilter(as_of=as_of, force_ids=tuple(get_force(s).id for s in forces), window=window,
                           item_type=item_type)
    kept, counted = counted_both_ways(f, soon_days)
    assert kept == counted


def test_the_counts_on_every_day_of_a_year_of_changes(app):
    """Day by day through the seed's busiest years, every measure kept equals the items' count: the
    edges of each day, month and year, items closed before, on and after the day, inspections published
    after it."""
    forces = tuple(get_force(s).id for s in FORCE_SETS[1])
    day = date(2021, 12, 1)
    while day <= date(2023, 2, 1):
        for window in ("open", "90", "7"):
            kept, counted = counted_both_ways(overdue.ItemFilter(as_of=day, force_ids=forces, window=window), 30)
            assert kept == counted, (day, window)
        day += timedelta(days=3)


@pytest.mark.parametrize("as_of", [date(2022, 3, 1), date(2022, 3, 31), date(2022, 4, 1), date(2022, 2, 28),
                                   date(2022, 1, 1), date(2021, 12, 31)])
def test_the_edges_of_a_month_a_year_and_the_due_date(app, as_of):
    """Items due on the as-of date, the day before, the first and last of its month and year and the last
    day each window reaches, and closed on the as-of date or the day after, counted as the items count
    them."""
    tracking = get_tracking("cumbria", "3.2")
    days = (as_of, as_of - timedelta(days=1), as_of.replace(day=1), as_of.replace(month=1, day=1),
            as_of + timedelta(days=7), as_of + timedelta(days=8), as_of + timedelta(days=30),
            as_of + timedelta(days=31), as_of + timedelta(days=90), as_of + timedelta(days=91),
            as_of.replace(day=1) - timedelta(days=1))
    for day in days:
        add_action(tracking, f"Due {day}", due_on=day)
        for closed in (as_of, as_of + timedelta(days=1)):
            set_action_status(add_action(tracking, f"Due {day}, done {closed}", due_on=day), ActionStatus.COMPLETE, closed)
    assert_kept_counts_right()
    for window in WINDOWS:
        for soon_days in open_item_counts.DUE_WITHIN:
            f = overdue.ItemFilter(as_of=as_of, force_ids=(tracking.force_id,), window=window)
            kept, counted = counted_both_ways(f, soon_days)
            assert kept == counted, (window, soon_days)


def test_an_inspection_published_on_another_day_moves_its_items(app):
    """Its items were not open before it was published: moving the date moves them, in every force."""
    inspection = get_inspection("vawg-2021")
    published = inspection.published_on
    forces = tuple(get_force(s).id for s in FORCE_SETS[1])
    before = overdue.ItemFilter(as_of=published - timedelta(days=1), force_ids=forces, window="open")
    kept, _counted = counted_both_ways(before, 30)
    inspection.published_on = published - timedelta(days=40)
    db.session.flush()
    assert_kept_counts_right()
    moved, counted = counted_both_ways(before, 30)
    assert moved == counted
    assert moved["recommendation"][2] > kept["recommendation"][2]  # its recommendations open a day earlier now


def test_an_inspection_deleted_with_its_items_takes_its_steps(app):
    """Deleted in one statement, its items going by the cascade (when they can no longer read its date),
    or by the session, children first."""
    other = make_inspection(forces=("cumbria", "lancashire"))
    db.session.flush()
    assert_kept_counts_right()
    db.session.delete(other)
    db.session.flush()
    assert_kept_counts_right()
    inspection = get_inspection("vawg-2021")
    inspection_service.set_force_scope(inspection, get_force("lancashire"), False, "Not inspected")
    db.session.flush()
    db.session.execute(sa.delete(Tracking).where(Tracking.inspection_id == inspection.id))
    db.session.execute(sa.delete(Inspection).where(Inspection.id == inspection.id))
    assert_kept_counts_right()


def test_the_dashboard_reads_the_kept_counts_only_where_they_answer(app):
    cumbria = (get_force("cumbria").id,)
    for as_of in (date(2040, 1, 1), date(2021, 1, 1)):  # today's view, and a past date
        for window in WINDOWS:
            assert overdue.kept_counts_serve(overdue.ItemFilter(as_of=as_of, force_ids=cumbria, window=window))
    assert overdue.kept_counts_serve(overdue.ItemFilter(as_of=date(2040, 1, 1), force_ids=cumbria, item_type="action"))
    # A window or a "due soon" they do not keep, and every narrowing by what they do not record.
    assert not overdue.kept_counts_serve(overdue.ItemFilter(as_of=date(2040, 1, 1), force_ids=cumbria, window="45"))
    assert not overdue.kept_counts_serve(overdue.ItemFilter(as_of=date(2040, 1, 1), force_ids=cumbria), soon_days=45)
    for narrowed in ({"owner": "Chief Superintendent"}, {"status": "in_progress"}, {"kind": "recommendation"},
                     {"inspection_id": 1}, {"theme_id": 1}, {"blocked": True}, {"source": "iopc"},
                     {"inspection_type": "peel"}, {"inspection_words": ("custody",)}):
        assert not overdue.kept_counts_serve(overdue.ItemFilter(as_of=date(2040, 1, 1), force_ids=cumbria,
                                                                **narrowed)), narrowed


def test_every_window_of_the_dashboard_is_kept():
    """A window added to the dashboard without its measure kept would be counted from the items: right,
    but growing with them. Keep it (DUE_WITHIN, and a migration that rebuilds the steps)."""
    assert all(overdue._window_measures(window) for window in WINDOWS)
    assert overdue.DUE_SOON_DAYS in open_item_counts.DUE_WITHIN


def test_the_kept_counts_path_gives_the_dashboard_its_figures(app):
    """summary_counts on a date the kept steps answer gives what the items give, today and in the past."""
    forces = tuple(get_force(s).id for s in FORCE_SETS[1])
    for as_of in (date(2040, 1, 1), date(2022, 5, 17)):
        for window in overdue.WINDOWS:
            f = overdue.ItemFilter(as_of=as_of, force_ids=forces, window=window)
            assert overdue.kept_counts_serve(f)
            figures = overdue.summary_counts(f)
            _kept, counted = counted_both_ways(f, 30)
            assert {t: [c["overdue"], c["due_soon"], c["in_window"]] for t, c in figures.items()} == counted
            assert sum(c["in_window"] for c in figures.values()) == overdue.count_items(overdue.resolve(f))


def test_check_counts_says_they_agree_and_finds_and_mends_a_difference(app, runner):
    result = runner.invoke(args=["check-counts"])
    assert result.exit_code == 0 and "agree" in result.output
    db.session.execute(sa.text("UPDATE open_item_steps SET change = change + 3 "
                               "WHERE span = 'month' AND force_id = :force"), {"force": get_force("cumbria").id})
    result = runner.invoke(args=["check-counts"])
    assert result.exit_code == 1 and "differ" in result.output and f"force {get_force('cumbria').id}" in result.output
    result = runner.invoke(args=["check-counts", "--rebuild"])
    assert result.exit_code == 0 and "counted afresh" in result.output
    assert_kept_counts_right()
