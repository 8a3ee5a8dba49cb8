"""The ageing table of the forces' open recommendations: how long each has been open (since its
report was published) on the as-of date, by lead officer."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tracker.db import db
from tracker.domain.ageing import AgeingRow, ageing_table
from tracker.models import Inspection, Tracking
from tracker.services.overdue import in_scope


def open_recommendations_ageing(force_ids, as_of: date) -> tuple[list[AgeingRow], AgeingRow]:
    """The forces' recommendations open on the as-of date (not closed by then, of reports published
    by then, in scope), counted by lead officer and age band: one query of two columns."""
    q = (
        sa.select(Tracking.lead_officer, Inspection.published_on)
        .join(Inspection, Tracking.inspection_id == Inspection.id)
        .where(Tracking.force_id.in_(list(force_ids)), Inspection.published_on <= as_of,
               sa.or_(Tracking.closed_on.is_(None), Tracking.closed_on > as_of),
               in_scope(Tracking.inspection_id, Tracking.force_id))
    )
    return ageing_table(((owner, opened_on) for owner, opened_on in db.session.execute(q)), as_of)
