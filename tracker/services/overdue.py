"""What is overdue (or due soon) on any as-of date: recommendations, actions and statutory responses.

Three queries, one per kind of item, each on an indexed due date; nothing is loaded per row.
An item closed after the as-of date still counts as open on it, so past dates answer truthfully.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from ..deadlines import DUE_SOON_DAYS, days_overdue
from ..extensions import db
from ..models import Action, Force, Inspection, Recommendation, StatutoryResponse, Tracking


@dataclass(frozen=True)
class DueItem:
    """One row of an overdue view."""

    type: str  # recommendation, action or statutory_response
    id: int
    force: str  # slug
    force_name: str
    inspection: str  # slug
    inspection_title: str
    ref: str | None
    title: str
    owner: str | None
    status: str
    due: date
    days_overdue: int
    tracking_id: int | None = None

    def as_json(self) -> dict:
        """Return the item for JSON output, with ISO dates."""
        data = asdict(self)
        data["due"] = self.due.isoformat()
        return data


def _open_on(due_col, closed_col, as_of: date, until: date):
    """Items due before `until` and not closed on `as_of`."""
    return sa.and_(due_col < until, sa.or_(closed_col.is_(None), closed_col > as_of))


def _short(text: str, length: int = 120) -> str:
    """Shorten a recommendation's text to a title."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def due_items(as_of: date, force_ids: list[int] | None = None, within_days: int = 0) -> list[DueItem]:
    """Return the items open on `as_of` and due before it, or within `within_days` after it.

    With within_days=0 this is the overdue list; most days overdue first.
    """
    until = as_of + timedelta(days=within_days + 1) if within_days else as_of
    items: list[DueItem] = []

    tracking_q = (
        sa.select(Tracking, Recommendation.ref, Recommendation.text, Inspection.slug, Inspection.title, Force.slug, Force.name)
        .join(Recommendation, Tracking.recommendation_id == Recommendation.id)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .join(Force, Tracking.force_id == Force.id)
        .where(_open_on(Tracking.due_on, Tracking.closed_on, as_of, until))
    )
    action_q = (
        sa.select(Action, Tracking.id, Recommendation.ref, Inspection.slug, Inspection.title, Force.slug, Force.name)
        .join(Tracking, Action.tracking_id == Tracking.id)
        .join(Recommendation, Tracking.recommendation_id == Recommendation.id)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .join(Force, Action.force_id == Force.id)
        .where(_open_on(Action.due_on, Action.completed_on, as_of, until))
    )
    response_q = (
        sa.select(StatutoryResponse, Inspection.slug, Inspection.title, Force.slug, Force.name, Force.commissioner_title)
        .join(Inspection, StatutoryResponse.inspection_id == Inspection.id)
        .join(Force, StatutoryResponse.force_id == Force.id)
        .where(_open_on(StatutoryResponse.due_on, StatutoryResponse.published_on, as_of, until))
    )
    if force_ids is not None:
        tracking_q = tracking_q.where(Tracking.force_id.in_(force_ids))
        action_q = action_q.where(Action.force_id.in_(force_ids))
        response_q = response_q.where(StatutoryResponse.force_id.in_(force_ids))

    for t, ref, text, i_slug, i_title, f_slug, f_name in db.session.execute(tracking_q):
        items.append(DueItem("recommendation", t.id, f_slug, f_name, i_slug, i_title, ref, _short(text),
                             t.lead_officer, t.status.value, t.due_on, days_overdue(t.due_on, as_of), t.id))
    for a, tracking_id, ref, i_slug, i_title, f_slug, f_name in db.session.execute(action_q):
        items.append(DueItem("action", a.id, f_slug, f_name, i_slug, i_title, ref, a.title,
                             a.owner, a.status.value, a.due_on, days_overdue(a.due_on, as_of), tracking_id))
    for r, i_slug, i_title, f_slug, f_name, commissioner in db.session.execute(response_q):
        items.append(DueItem("statutory_response", r.id, f_slug, f_name, i_slug, i_title, None,
                             f"s.55 response to {i_title}", commissioner, "published" if r.published_on else "not published",
                             r.due_on, days_overdue(r.due_on, as_of)))
    items.sort(key=lambda item: (-item.days_overdue, item.due, item.force, item.inspection, item.ref or ""))
    return items


def overdue_items(as_of: date, force_ids: list[int] | None = None) -> list[DueItem]:
    """Return what is overdue on `as_of`: open and due before that day."""
    return due_items(as_of, force_ids)


def due_soon_items(as_of: date, force_ids: list[int] | None = None, days: int = DUE_SOON_DAYS) -> list[DueItem]:
    """Return what is open and due from `as_of` up to `days` days after it."""
    return [item for item in due_items(as_of, force_ids, within_days=days) if item.due >= as_of]
