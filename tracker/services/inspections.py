"""Inspections, their recommendations, the forces they concern, and the per-force records
(tracking and statutory responses) that follow from them."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..deadlines import DeadlineKind, parse_deadline, statutory_response_deadline
from ..extensions import db
from ..models import Force, Inspection, InspectionForce, Recommendation, StatutoryResponse, Tracking, User


def get_inspection(slug: str) -> Inspection | None:
    """Return the inspection with this slug, or None."""
    return db.session.scalar(sa.select(Inspection).where(Inspection.slug == slug))


def get_force(slug: str) -> Force | None:
    """Return the force with this slug, or None."""
    return db.session.scalar(sa.select(Force).where(Force.slug == slug))


def apply_deadline(recommendation: Recommendation, published_on: date) -> None:
    """Read the recommendation's written deadline into its date, unless a person overrode it."""
    if recommendation.deadline_overridden:
        return
    deadline = parse_deadline(recommendation.deadline_text, published_on)
    recommendation.deadline_kind = deadline.kind
    recommendation.deadline_date = deadline.date


def override_deadline(recommendation: Recommendation, new_date: date | None, user: User | None) -> None:
    """Set the recommendation's due date by hand; the override and who made it are kept."""
    recommendation.deadline_date = new_date
    recommendation.deadline_kind = DeadlineKind.DATE if new_date else DeadlineKind.NONE
    recommendation.deadline_overridden = True
    recommendation.deadline_overridden_by = user
    refresh_due_dates(recommendation)


def refresh_due_dates(recommendation: Recommendation) -> None:
    """Copy the recommendation's deadline to every tracking row that has no target date of its own."""
    db.session.flush()
    db.session.execute(
        sa.update(Tracking)
        .where(Tracking.recommendation_id == recommendation.id, Tracking.target_date.is_(None))
        .values(due_on=recommendation.deadline_date, version=Tracking.version + 1)
        .execution_options(synchronize_session=False)
    )


def set_scope(inspection: Inspection, forces: list[Force], exclusions: dict[Force, str] | None = None) -> None:
    """Record which forces the inspection concerns (and which were left out, and why)."""
    exclusions = exclusions or {}
    existing = {row.force_id: row for row in inspection.scope}
    for force in forces:
        row = existing.get(force.id)
        reason = exclusions.get(force)
        if row is None:
            inspection.scope.append(InspectionForce(force=force, in_scope=reason is None, exclusion_reason=reason))
        else:
            row.in_scope, row.exclusion_reason = reason is None, reason


def ensure_force_records(inspection: Inspection) -> None:
    """Create the tracking rows and statutory response of every in-scope force that lacks them."""
    db.session.flush()
    force_ids = [row.force_id for row in inspection.scope if row.in_scope]
    if not force_ids:
        return
    rec_ids = [rec.id for rec in inspection.recommendations]
    have_tracking = {
        (rec_id, force_id)
        for rec_id, force_id in db.session.execute(
            sa.select(Tracking.recommendation_id, Tracking.force_id).where(Tracking.recommendation_id.in_(rec_ids))
        )
    } if rec_ids else set()
    for rec in inspection.recommendations:
        for force_id in force_ids:
            if (rec.id, force_id) not in have_tracking:
                db.session.add(Tracking(recommendation_id=rec.id, force_id=force_id, due_on=rec.deadline_date))
    have_response = set(
        db.session.scalars(
            sa.select(StatutoryResponse.force_id).where(StatutoryResponse.inspection_id == inspection.id)
        )
    )
    due = statutory_response_deadline(inspection.published_on)
    for force_id in force_ids:
        if force_id not in have_response:
            db.session.add(StatutoryResponse(inspection_id=inspection.id, force_id=force_id, due_on=due))
    db.session.flush()
