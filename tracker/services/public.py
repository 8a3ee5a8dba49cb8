"""What the public pages read beyond the published documents: each office's public face, the forces
with something published, and the statutory deadlines still to come."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from tracker.db import db
from tracker.models import Force, Inspection, PublishedVersion, StatutoryResponse

PUBLIC_DETAILS = ("opcc_website", "opcc_email", "opcc_phone", "opcc_address")


def set_public_details(force: Force, **details: str | None) -> None:
    """Set the office's website address and contact details (blank ones become None)."""
    for name in PUBLIC_DETAILS:
        value = (details.get(name) or "").strip()
        setattr(force, name, value or None)
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
