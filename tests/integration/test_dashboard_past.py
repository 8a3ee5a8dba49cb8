"""The dashboard on a past as-of date: inspections published after it are left out, items closed after
it count as open; and the inspection copied onto tracking rows and actions, which those views read."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import get_force
from tests.page_check import item_keys as rows_of
from tracker.db import db
from tracker.domain.statuses import ActionStatus, InspectionType, Kind, Role, TrackingStatus
from tracker.models import Action, Inspection, Recommendation, Tracking
from tracker.services import inspections as inspection_service
from tracker.services import overdue
from tracker.services.tracking import add_action, set_action_status, set_target_date, set_tracking_status

BEFORE = date(2022, 4, 1)  # the late inspection is not published yet
AFTER = date(2022, 6, 10)  # both are published; the early one's items are closed


def _inspection(slug: str, published: date, due: date, action_due: date, closed: date | None = None):
    """An inspection of cumbria with one recommendation, its tracking row due on `due` and one action;
    both closed on `closed` when given. Returns (inspection, tracking, action)."""
    inspection = Inspection(slug=slug, title=f"Inspection {slug}", published_on=published,
                            type=InspectionType.FORCE_SPECIFIC)
    db.session.add(inspection)
    rec = Recommendation(ref="9.1", kind=Kind.RECOMMENDATION, position=1, text=f"Recommendation of {slug}", bullets=[])
    inspection.recommendations.append(rec)
    inspection_service.apply_deadline(rec, published)
    inspection_service.set_scope(inspection, [get_force("cumbria")])
    inspection_service.ensure_force_records(inspection)
    db.session.flush()
    tracking = db.session.scalar(sa.select(Tracking).where(Tracking.recommendation_id == rec.id))
    set_target_date(tracking, due)  # a force's own target may fall before the report came out
    action = add_action(tracking, f"Action of {slug}", due_on=action_due, owner="Superintendent")
    db.session.flush()
    if closed:
        set_tracking_status(tracking, TrackingStatus.COMPLETE, closed)
        set_action_status(action, ActionStatus.COMPLETE, closed)
    db.session.commit()
    return inspection, tracking, action


@pytest.fixture
def items(app):
    """An early inspection whose items closed after BEFORE, and one published after BEFORE whose items
    were due before it."""
    early = _inspection("early-2022", date(2022, 1, 10), date(2022, 3, 1), date(2022, 3, 10), closed=date(2022, 5, 2))
    late = _inspection("late-2022", date(2022, 5, 1), date(2022, 3, 5), date(2022, 3, 20))
    return early, late


def _keys(inspection_items) -> set[str]:
    """The dashboard keys of an inspection's tracking row and action."""
    _inspection, tracking, action = inspection_items
    return {f"recommendation-{tracking.id}", f"action-{action.id}"}


def test_the_rows_of_each_day_are_those_that_existed_and_were_open_then(items, as_role):
    early, late = items
    client = as_role(Role.REVIEWER, ("cumbria",))
    before = set(rows_of(client.get(f"/?as_of={BEFORE.isoformat()}&per_page=100").get_data(as_text=True)))
    after = set(rows_of(client.get(f"/?as_of={AFTER.isoformat()}&per_page=100").get_data(as_text=True)))
    assert _keys(early) <= before  # closed after the as-of date: still overdue on it
    assert not _keys(late) & before  # not published yet, though due
    assert not _keys(early) & after  # closed by then
    assert _keys(late) <= after  # published and overdue


@pytest.mark.parametrize("as_of", [BEFORE, date(2022, 5, 1), AFTER])
@pytest.mark.parametrize("extra", [{}, {"window": "open"}, {"window": "30"}, {"kind": "recommendation"},
                                   {"item_type": "action"}, {"inspection_type": "force_specific"}])
def test_counts_rows_and_pages_agree_on_a_past_date(items, as_of, extra):
    """The counts (each table's own inspection column) agree with the plain count and the rows (the
    recommendation's inspection), with the publication filter on or off."""
    early, late = items
    forces = (get_force("cumbria").id, get_force("lancashire").id)
    for check in (None, True):  # None: decided by the data; True: always filtered
        f = overdue.ItemFilter(as_of=as_of, force_ids=forces, check_published=check, **extra)
        rows = overdue.list_items(f, page=None)
        counts = overdue.summary_counts(f)
        assert sum(c["in_window"] for c in counts.values()) == overdue.count_items(f) == len(rows)
        keys = {f"{r.type}-{r.id}" for r in rows}
        if as_of < late[0].published_on:
            assert not _keys(late) & keys
        first_page = overdue.list_items(f, page=1, per_page=3)
        assert [(r.type, r.id) for r in first_page] == [(r.type, r.id) for r in rows[:3]]


def test_the_inspection_filter_reads_the_copied_inspection(items):
    early, late = items
    forces = (get_force("cumbria").id,)
    f = overdue.ItemFilter(as_of=BEFORE, force_ids=forces, inspection_id=early[0].id)
    rows = overdue.list_items(f, page=None)
    assert {f"{r.type}-{r.id}" for r in rows if r.type != "statutory_response"} == _keys(early)
    assert {r.inspection for r in rows} == {"early-2022"}
    counts = overdue.summary_counts(f)
    assert counts["recommendation"]["overdue"] == 1 and counts["action"]["overdue"] == 1
    f = overdue.ItemFilter(as_of=BEFORE, force_ids=forces, inspection_id=late[0].id)
    assert overdue.list_items(f, page=None) == [] and overdue.count_items(f) == 0
    assert all(c["overdue"] == 0 for c in overdue.summary_counts(f).values())


def test_every_tracking_row_and_action_carries_its_recommendations_inspection(app):
    mismatched = db.session.scalar(
        sa.select(sa.func.count()).select_from(Action)
        .join(Tracking, Action.tracking_id == Tracking.id)
        .join(Recommendation, Tracking.recommendation_id == Recommendation.id)
        .where(sa.or_(Action.inspection_id.is_(None), Tracking.inspection_id.is_(None),
                      Action.inspection_id != Recommendation.inspection_id,
                      Tracking.inspection_id != Recommendation.inspection_id))
    )
    assert mismatched == 0
    without = sa.select(sa.func.count()).select_from(Tracking).where(Tracking.inspection_id.is_(None))
    assert db.session.scalar(without) == 0


def test_rows_made_without_the_inspection_get_it_on_insert(app):
    """A creator that leaves the copied inspection out (giving ids, or the relationship) still gets it right."""
    inspection = Inspection(slug="bare-2022", title="Bare", published_on=date(2022, 1, 10), type=InspectionType.OTHER)
    recs = [Recommendation(ref=str(n), kind=Kind.RECOMMENDATION, position=n, text="Text", bullets=[]) for n in (1, 2)]
    inspection.recommendations.extend(recs)
    db.session.add(inspection)
    db.session.flush()
    cumbria = get_force("cumbria")
    by_id = Tracking(recommendation_id=recs[0].id, force_id=cumbria.id)
    by_relationship = Tracking(recommendation=recs[1], force_id=cumbria.id)
    db.session.add_all([by_id, by_relationship])
    db.session.flush()
    actions = [Action(tracking_id=by_id.id, force_id=cumbria.id, title="By id"),
               Action(tracking=by_relationship, force_id=cumbria.id, title="By relationship")]
    db.session.add_all(actions)
    db.session.flush()
    assert {row.inspection_id for row in [by_id, by_relationship, *actions]} == {inspection.id}
