"""Records about the data: the audit trail and the data-state token."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import db, utcnow

if TYPE_CHECKING:  # relationships name other areas' models by string
    from tracker.models.forces import User


class DataState(db.Model):
    """One token per reach of the data, new after every write within it (tracker.db.data_state):
    `shared` for what every force's pages show (the inspections' names and dates, the themes, and any
    write whose reach is not known), `force:<id>` for one force's records, and finer reaches within a
    force (`force-wide:<id>`, `tracking:<id>`, `insp:<inspection>/<force>`) and of one inspection
    (`insp:<inspection>`). Cached pages are keyed by
    the shared token and the tokens of what they show."""

    __tablename__ = "data_states"

    scope: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # insp:<id>/<id>: 26 at most
    token: Mapped[str] = mapped_column(sa.String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(db.Model):
    """Who changed what, when, from what to what. Rows are only ever added."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    entity_type: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[int] = mapped_column()
    force_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forces.id", ondelete="SET NULL"))
    event: Mapped[str] = mapped_column(sa.String(30))  # created, updated, deleted, or a domain verb
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {field: [old, new]}

    user: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)
