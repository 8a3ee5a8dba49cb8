"""The append-only audit trail, written automatically for every change to an audited record.

A session listener compares each flushed record with what it was and inserts one audit row per
created, changed or deleted record, in the same transaction: a rolled-back request leaves no
audit row behind, and no code path can change a record without one.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from tracker import models

AUDITED = (
    models.Force,
    models.Inspection,
    models.InspectionForce,
    models.Recommendation,
    models.Tracking,
    models.Action,
    models.ExtensionRequest,
    models.ProgressUpdate,
    models.EvidenceFile,
    models.OwnerLink,
    models.StatutoryResponse,
    models.ClockExtension,
    models.ClockPause,
    models.PublishedVersion,
    models.User,
)
# Bookkeeping columns whose changes say nothing to a reader of the history.
IGNORED = {"created_at", "updated_at", "version"}
# Secrets: the history says they changed, never what to.
REDACTED = {"password_hash", "calendar_token", "session_token", "secret_hash"}
ACTOR_KEY = "audit_actor_id"


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit event."""


def set_actor(session: Session, user_id: int | None) -> None:
    """Name the user whose changes the session's next flushes record."""
    session.info[ACTOR_KEY] = user_id


def record(session: Session, obj, event_name: str, changes: dict | None = None) -> None:
    """Add an explicit domain event (approved, published, signed off...) for a record."""
    session.add(
        models.AuditEvent(
            user_id=session.info.get(ACTOR_KEY),
            entity_type=type(obj).__name__,
            entity_id=_entity_id(obj),
            force_id=_force_id(obj),
            event=event_name,
            changes=changes or {},
        )
    )


def _json_value(value):
    """Turn a column value into something JSON holds, readable in the History tab."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _entity_id(obj) -> int:
    """Return the record's id; association rows use their first key."""
    if isinstance(obj, models.InspectionForce):
        return obj.inspection_id
    return obj.id


def _force_id(obj) -> int | None:
    """Return the force a record belongs to, so that history stays inside its force."""
    if isinstance(obj, models.Force):
        return obj.id
    if (force_id := getattr(obj, "force_id", None)) is not None:
        return force_id
    # Reached through a parent, only if it is loaded: no query is run during a flush.
    for parent_name in ("action", "update"):
        parent = obj.__dict__.get(parent_name)
        if parent is not None:
            return _force_id(parent)
    return None


def _changes(obj, created: bool) -> dict:
    """Return {column: [old, new]} for the record's changed columns."""
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in IGNORED:
            continue
        history = state.attrs[key].history
        if created:
            new = history.added[0] if history.added else getattr(obj, key, None)
            if new is None:
                continue
            old = None
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        else:
            continue
        if key in REDACTED:
            changes[key] = ["(hidden)", "(changed)"]
        else:
            changes[key] = [_json_value(old), _json_value(new)]
    return changes


def _refuse_audit_changes(session, flush_context, instances):
    """Keep the trail append-only: no audit event may be changed or deleted."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, models.AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTrailIsAppendOnly("audit events cannot be changed or deleted")


def _write_audit_rows(session, flush_context):
    """Insert one audit row for each audited record this flush created, changed or deleted."""
    rows = []
    actor = session.info.get(ACTOR_KEY)
    for obj in session.new:
        if isinstance(obj, AUDITED):
            rows.append((obj, "created", _changes(obj, created=True)))
    for obj in session.dirty:
        if isinstance(obj, AUDITED) and session.is_modified(obj, include_collections=False):
            changes = _changes(obj, created=False)
            if changes:
                rows.append((obj, "updated", changes))
    for obj in session.deleted:
        if isinstance(obj, AUDITED):
            rows.append((obj, "deleted", {}))
    if not rows:
        return
    now = models.utcnow()
    session.connection().execute(
        sa.insert(models.AuditEvent.__table__),
        [
            {
                "occurred_at": now,
                "user_id": actor,
                "entity_type": type(obj).__name__,
                "entity_id": _entity_id(obj),
                "force_id": _force_id(obj),
                "event": name,
                "changes": changes,
            }
            for obj, name, changes in rows
        ],
    )


LISTENERS = (
    (Session, "before_flush", _refuse_audit_changes),
    (Session, "after_flush", _write_audit_rows),
)
