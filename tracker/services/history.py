"""The History tab: a record's audit events, in the words a reader uses, kept inside its force."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.db import db
from tracker.models import (
    Action,
    AuditEvent,
    EvidenceFile,
    ExtensionRequest,
    InspectionForce,
    OwnerLink,
    ProgressUpdate,
    Recommendation,
)


def _events(*conditions, force_ids: list[int] | None = None) -> list[AuditEvent]:
    """Return the events matching any of the conditions, newest first, limited to the forces given."""
    query = sa.select(AuditEvent).where(sa.or_(*conditions)).options(joinedload(AuditEvent.user))
    if force_ids is not None:
        query = query.where(sa.or_(AuditEvent.force_id.is_(None), AuditEvent.force_id.in_(force_ids)))
    return list(db.session.scalars(query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())))


def _of(entity_type: str, ids) -> sa.ColumnElement:
    """Events of records of one type, by id (a list or a subquery)."""
    return sa.and_(AuditEvent.entity_type == entity_type, AuditEvent.entity_id.in_(ids))


def tracking_history(tracking_id: int, force_id: int) -> list[AuditEvent]:
    """The tracking row's own events, with those of its extension requests (its actions' too)."""
    extension_ids = sa.select(ExtensionRequest.id).where(ExtensionRequest.tracking_id == tracking_id)
    return _events(_of("Tracking", [tracking_id]), _of("ExtensionRequest", extension_ids), force_ids=[force_id])


def action_history(action: Action) -> list[AuditEvent]:
    """The action's events, with those of its progress updates, their evidence files and its owner's links."""
    update_ids = sa.select(ProgressUpdate.id).where(ProgressUpdate.action_id == action.id)
    file_ids = sa.select(EvidenceFile.id).join(ProgressUpdate).where(ProgressUpdate.action_id == action.id)
    link_ids = sa.select(OwnerLink.id).where(OwnerLink.action_id == action.id)
    return _events(_of("Action", [action.id]), _of("ProgressUpdate", update_ids), _of("EvidenceFile", file_ids),
                   _of("OwnerLink", link_ids), force_ids=[action.force_id])


def inspection_history(inspection_id: int, force_ids: list[int]) -> list[AuditEvent]:
    """The inspection's events, its recommendations' and its scope's (only the user's forces' scope rows)."""
    rec_ids = sa.select(Recommendation.id).where(Recommendation.inspection_id == inspection_id)
    return _events(_of("Inspection", [inspection_id]), _of("Recommendation", rec_ids),
                   _of(InspectionForce.__name__, [inspection_id]), force_ids=force_ids)
