"""What the public pages read beyond the published documents: each office's public face, the forces
with something published, and the statutory deadlines still to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from tracker.db import db
from tracker.documents.response import response_trackings
from tracker.domain.statuses import Kind, TrackingStatus
from tracker.models import Force, Inspection, ProgressUpdate, PublishedVersion, StatutoryResponse, Tracking

PUBLIC_DETAILS = ("opcc_website", "opcc_email", "opcc_phone", "opcc_address",
                  # The Welsh names, for Welsh pages and documents (blank: the English name is used).
                  "opcc_name_cy", "name_cy", "commissioner_title_cy")


def set_public_details(force: Force, works_in_welsh: bool | None = None, **details: str | None) -> None:
    """Set the office's website address, contact details and Welsh names (blank ones become None; spaces
    around a name are dropped), and whether it publishes in Welsh too (None: unchanged)."""
    for name in PUBLIC_DETAILS:
        value = (details.get(name) or "").strip()
        setattr(force, name, value or None)
    if works_in_welsh is not None:
        force.works_in_welsh = works_in_welsh
    db.session.flush()


def forces_with_published_responses() -> list[tuple[Force, int]]:
    """Every force with at least one published response, by name, with how many it has published."""
    published = sa.exists().where(PublishedVersion.response_id == StatutoryResponse.id)
    rows = db.session.execute(
        sa.select(Force, sa.func.count(StatutoryResponse.id))
        .join(StatutoryResponse, StatutoryResponse.force_id == Force.id)
        .where(published)
        .group_by(Force.id)
        .order_by(Force.name)
    ).all()
    return [(force, count) for force, count in rows]


def upcoming_deadlines(force: Force, today: date) -> list[StatutoryResponse]:
    """The force's responses not yet published whose date is today or later, soonest first."""
    return list(db.session.scalars(
        sa.select(StatutoryResponse)
        .join(Inspection, StatutoryResponse.inspection_id == Inspection.id)
        .where(StatutoryResponse.force_id == force.id, StatutoryResponse.published_on.is_(None),
               StatutoryResponse.due_on.is_not(None), StatutoryResponse.due_on >= today)
        .options(contains_eager(StatutoryResponse.inspection))
        .order_by(StatutoryResponse.due_on, Inspection.title)
    ))


@dataclass(frozen=True)
class PublicProgress:
    """What the public page says of one recommendation since the response was published."""

    ref: str
    kind: str
    text: str
    status: str
    completed_on: date | None
    update_text: str | None
    update_on: date | None
    update_text_cy: str | None = None  # its Welsh version (a force that works in Welsh)


def public_updates(tracking: Tracking) -> list[ProgressUpdate]:
    """The tracking's updates someone chose to publish, never one (or one of an action) not for publication."""
    return [update for action in tracking.actions if not action.not_for_publication
            for update in action.updates if update.public and not update.not_for_publication]


def progress_since_publication(response: StatutoryResponse) -> list[PublicProgress]:
    """For every recommendation of the response, in report order: its status now, the date it was
    completed (when it is), and the latest update published on the public page with its date."""
    rows = []
    for tracking in response_trackings(response):
        rec = tracking.recommendation
        latest = max(public_updates(tracking), key=lambda u: (u.occurred_on, u.id), default=None)
        rows.append(PublicProgress(
            ref=rec.ref or "", kind=Kind(rec.kind).label, text=rec.text, status=TrackingStatus(tracking.status).label,
            completed_on=tracking.closed_on if tracking.status is TrackingStatus.COMPLETE else None,
            update_text=latest.text if latest else None, update_on=latest.occurred_on if latest else None,
            update_text_cy=latest.text_cy if latest else None))
    return rows
