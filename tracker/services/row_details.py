"""What a board's export adds to the overdue view's rows: full texts, lead officer, the PCC's
explanation, the latest update and the first due date. A few grouped queries per chunk of rows,
never one per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from tracker.db import db
from tracker.domain.forecast import percent_in_force
from tracker.domain.register import Row, RowDetails, full_text
from tracker.domain.statuses import ActionStatus
from tracker.models import Action, ProgressUpdate, Recommendation, StatutoryResponse, Tracking
from tracker.services.extensions import approved_revisions

# Ids per query: an export of every open item at national scale stays under the databases' limits
# on bound parameters.
CHUNK = 5_000

Latest = tuple[date, int, str]  # (occurred on, id, text): the latest update is the greatest


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _trackings(tracking_ids: Iterable[int]) -> dict[int, tuple]:
    """Each tracking's (lead officer, PCC's explanation, recommendation's words, deadline, what it is blocked
    by, per cent complete set by hand)."""
    found = {}
    for chunk in _chunks(tracking_ids):
        q = (sa.select(Tracking.id, Tracking.lead_officer, Tracking.pcc_explanation, Recommendation.text,
                       Recommendation.bullets, Recommendation.deadline_date, Tracking.blocked_by,
                       Tracking.percent_complete)
             .join(Recommendation, Tracking.recommendation_id == Recommendation.id)
             .where(Tracking.id.in_(chunk)))
        for tracking_id, lead, explanation, text, bullets, deadline, blocked_by, by_hand in db.session.execute(q):
            found[tracking_id] = (lead, explanation, full_text(text, bullets), deadline, blocked_by, by_hand)
    return found


def _actions(action_ids: Iterable[int]) -> dict[int, tuple]:
    """Each action's (title, due date)."""
    found = {}
    for chunk in _chunks(action_ids):
        q = sa.select(Action.id, Action.title, Action.due_on).where(Action.id.in_(chunk))
        found.update({action_id: (title, due) for action_id, title, due in db.session.execute(q)})
    return found


def _responses(response_ids: Iterable[int]) -> dict[int, date | None]:
    """Each statutory response's original due date (before any extension)."""
    found = {}
    for chunk in _chunks(response_ids):
        q = sa.select(StatutoryResponse.id, StatutoryResponse.original_due_on).where(StatutoryResponse.id.in_(chunk))
        found.update({response_id: original for response_id, original in db.session.execute(q)})
    return found


def _latest_updates(tracking_ids: Iterable[int], as_of: date) -> tuple[dict[int, Latest], dict[int, Latest]]:
    """The latest progress update on or before the as-of date of each action of the trackings, and
    of each tracking (over its actions)."""
    by_action: dict[int, Latest] = {}
    by_tracking: dict[int, Latest] = {}
    for chunk in _chunks(tracking_ids):
        q = (sa.select(Action.id, Action.tracking_id, ProgressUpdate.occurred_on, ProgressUpdate.id, ProgressUpdate.text)
             .join(Action, ProgressUpdate.action_id == Action.id)
             .where(Action.tracking_id.in_(chunk), ProgressUpdate.occurred_on <= as_of))
        for action_id, tracking_id, occurred_on, update_id, text in db.session.execute(q):
            update = (occurred_on, update_id, text)
            by_action[action_id] = max(by_action.get(action_id, update), update)
            by_tracking[tracking_id] = max(by_tracking.get(tracking_id, update), update)
    return by_action, by_tracking


def _done_by_tracking(tracking_ids: Iterable[int], as_of: date) -> dict[int, list[bool | None]]:
    """Each tracking's actions as flags for forecast.percent_complete: complete by the as-of date,
    not yet, or cancelled (None)."""
    found: dict[int, list[bool | None]] = {}
    for chunk in _chunks(tracking_ids):
        q = sa.select(Action.tracking_id, Action.status, Action.completed_on).where(Action.tracking_id.in_(chunk))
        for tracking_id, status, completed_on in db.session.execute(q):
            done = None if status is ActionStatus.CANCELLED else (
                status is ActionStatus.COMPLETE and (completed_on is None or completed_on <= as_of))
            found.setdefault(tracking_id, []).append(done)
    return found


def details(rows: list[Row], as_of: date) -> dict[tuple[str, int], RowDetails]:
    """Each row's details, by (type, id)."""
    tracking_ids = [r.tracking_id for r in rows if r.tracking_id is not None]
    trackings = _trackings(tracking_ids)
    actions = _actions(r.id for r in rows if r.type == "action")
    responses = _responses(r.id for r in rows if r.type == "statutory_response")
    latest_by_action, latest_by_tracking = _latest_updates(tracking_ids, as_of)
    done = _done_by_tracking([r.tracking_id for r in rows if r.type == "recommendation"], as_of)
    revisions = approved_revisions([r.tracking_id for r in rows if r.type == "recommendation"],
                                   [r.id for r in rows if r.type == "action"])
    found = {}
    for row in rows:
        if row.type == "statutory_response":
            found[(row.type, row.id)] = RowDetails(text=row.title, original_due=responses.get(row.id))
            continue
        lead, explanation, text, deadline, blocked_by, by_hand = trackings.get(
            row.tracking_id, (None, None, row.title, None, None, None))
        percent, is_by_hand = None, False
        if row.type == "action":
            title, original = actions.get(row.id, (row.title, row.due))
            text, latest, blocked_by = title, latest_by_action.get(row.id), None
            revision = revisions.get(("action", row.id))
        else:
            original, latest = deadline, latest_by_tracking.get(row.tracking_id)
            revision = revisions.get(("recommendation", row.tracking_id))
            percent, is_by_hand = percent_in_force(by_hand, done.get(row.tracking_id, []))
        found[(row.type, row.id)] = RowDetails(
            text=text, lead_officer=lead, pcc_explanation=explanation,
            latest_update=latest[2] if latest else None, latest_update_on=latest[0] if latest else None,
            # The date first set: before the first approved extension, when there is one.
            original_due=revision.original_due if revision else original,
            percent_complete=percent, percent_by_hand=is_by_hand, blocked_by=blocked_by,
            revision_reason=revision.reason if revision else None,
        )
    return found
