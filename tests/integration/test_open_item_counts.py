"""The counts of open items the database keeps (tracker.db.open_item_counts): they follow every kind of
write, whoever makes it (a service, a bulk statement, a cascade, a force left out of scope), and the
dashboard's counts read from them equal those counted from the items on any date, window and kind."""

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
    OpenItemCount,
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
    """A force's open items of a kind, by the kept counts (the months and the undated)."""
    c = OpenItemCount
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(c.open_items), 0)).where(
        c.force_id == get_force(force_slug).id, c.item_type == item_type, c.span.in_(("month", "undated"))))


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
    kept = sorted(connection.execute(sa.select(OpenItemCount.__table__).where(OpenItemCount.open_items != 0)).all())
    open_item_counts.rebuild(connection)
    assert sorted(connection.execute(sa.select(OpenItemCount.__table__)).all()) == kept


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


# --- the dashboard's counts from the kept counts equal those from the items ----------------------------

def counted_both_ways(f: overdue.ItemFilter, soon_days: int) -> tuple[dict, dict]:
    """summary_counts' figures from the kept counts (and the items closed later), and from the items."""
    def summed(statements) -> dict:
        totals = {t: [0, 0, 0] for t in overdue.ITEM_TYPES}
        for statement in statements:
            for item_type, *figures in db.session.execute(statement):
                totals[item_type] = [a + int(b or 0) for a, b in zip(totals[item_type], figures, strict=True)]
        return totals

    kept = summed([overdue._kept_counts_statement(f, soon_days),
                   overdue._summary_statement(f, soon_days, False, ("closed_later",))])
    return kept, summed([overdue._summary_statement(f, soon_days, False)])


FORCE_SETS = (("cumbria",), ("cumbria", "lancashire", "leicestershire", "hampshire-and-isle-of-wight"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(as_of=st.dates(date(2021, 1, 1), date(2032, 12, 31)), window=st.sampled_from(list(overdue.WINDOWS)),
       item_type=st.sampled_from([None, *overdue.ITEM_TYPES]), soon_days=st.sampled_from([0, 1, 30, 45]),
       forces=st.sampled_from(FORCE_SETS))
def test_the_kept_counts_answer_as_the_items_do(app, as_of, window, item_type, soon_days, forces):
    f = overdue.ItemFilter(as_of=as_of, force_ids=tuple(get_force(s).id for s in forces), window=window,
                           item_type=item_type, check_published=False)
    kept, counted = counted_both_ways(f, soon_days)
    assert kept == counted


@pytest.mark.parametrize("as_of", [date(2022, 3, 1), date(2022, 3, 31), date(2022, 4, 1), date(2022, 2, 28)])
def test_the_edges_of_a_month_and_of_the_due_date(app, as_of):
    """Items due on the as-of date, the day before, the first and last of its month and the last day
    "due soon" reaches, counted as the items count them."""
    tracking = get_tracking("cumbria", "3.2")
    for day in (as_of, as_of - timedelta(days=1), as_of.replace(day=1), as_of + timedelta(days=30),
                as_of + timedelta(days=31), (as_of.replace(day=1) - timedelta(days=1))):
        add_action(tracking, f"Due {day}", due_on=day)
    assert_kept_counts_right()
    for window in overdue.WINDOWS:
        f = overdue.ItemFilter(as_of=as_of, force_ids=(tracking.force_id,), window=window, check_published=False)
        kept, counted = counted_both_ways(f, 30)
        assert kept == counted, window


def test_the_dashboard_reads_the_kept_counts_only_where_they_answer(app):
    cumbria = (get_force("cumbria").id,)
    today = overdue.ItemFilter(as_of=date(2040, 1, 1), force_ids=cumbria)
    assert overdue.kept_counts_serve(overdue.resolve(today))
    assert overdue.kept_counts_serve(overdue.resolve(overdue.ItemFilter(as_of=date(2040, 1, 1), force_ids=cumbria,
                                                                        item_type="action", window="open")))
    # An inspection published after the as-of date: its items are in the kept counts, so the items count.
    assert not overdue.kept_counts_serve(overdue.resolve(overdue.ItemFilter(as_of=date(2021, 1, 1), force_ids=cumbria)))
    for narrowed in ({"owner": "Chief Superintendent"}, {"status": "in_progress"}, {"kind": "recommendation"},
                     {"inspection_id": 1}, {"theme_id": 1}, {"blocked": True}, {"source": "iopc"},
                     {"inspection_type": "peel"}):
        assert not overdue.kept_counts_serve(overdue.resolve(
            overdue.ItemFilter(as_of=date(2040, 1, 1), force_ids=cumbria, **narrowed))), narrowed


def test_the_kept_counts_path_gives_the_dashboard_its_figures(app):
    """summary_counts on a date the kept counts answer gives what the items give."""
    forces = tuple(get_force(s).id for s in FORCE_SETS[1])
    for window in overdue.WINDOWS:
        f = overdue.resolve(overdue.ItemFilter(as_of=date(2040, 1, 1), force_ids=forces, window=window))
        assert overdue.kept_counts_serve(f)
        figures = overdue.summary_counts(f)
        _kept, counted = counted_both_ways(f, 30)
        assert {t: [c["overdue"], c["due_soon"], c["in_window"]] for t, c in figures.items()} == counted
        assert sum(c["in_window"] for c in figures.values()) == overdue.count_items(f)


def test_check_counts_says_they_agree_and_finds_and_mends_a_difference(app, runner):
    result = runner.invoke(args=["check-counts"])
    assert result.exit_code == 0 and "agree" in result.output
    db.session.execute(sa.text("UPDATE open_item_counts SET open_items = open_items + 3 "
                               "WHERE span = 'month' AND force_id = :force"), {"force": get_force("cumbria").id})
    result = runner.invoke(args=["check-counts"])
    assert result.exit_code == 1 and "differ" in result.output and f"force {get_force('cumbria').id}" in result.output
    result = runner.invoke(args=["check-counts", "--rebuild"])
    assert result.exit_code == 0 and "counted afresh" in result.output
    assert_kept_counts_right()
