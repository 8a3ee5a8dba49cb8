"""Records about the data: the audit trail, the data-state tokens and the counts of open items."""

from __future__ import annotations

from datetime import date, datetime
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


class OpenItemCount(db.Model):
    """How many items of one kind a force has open, due on one day, in one month, or with no due date
    (`span`: day, month, undated): kept by the database's triggers as items change
    (tracker.db.open_item_counts), so that the dashboard's counts read a few hundred of these rather
    than every open item."""

    __tablename__ = "open_item_counts"

    # No foreign key: the rows of a force's items are kept by triggers, even as a force goes.
    force_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    span: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    starts_on: Mapped[date] = mapped_column(primary_key=True)  # the due date, its month's first day, or 0001-01-01
    item_type: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    open_items: Mapped[int] = mapped_column()

    __table_args__ = {"sqlite_with_rowid": False}


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
