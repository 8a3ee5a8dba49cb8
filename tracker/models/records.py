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


class OpenItemStep(db.Model):
    """How many items of one kind of a force a measure (open, overdue, due within N days) gains or loses
    on the days of one span (a day, a month or a year): kept by the database's triggers as items change
    (tracker.db.open_item_counts). The measure's count on a date is the sum of its steps up to it, so
    the dashboard's counts read a few hundred of these, on any date, rather than every item."""

    __tablename__ = "open_item_steps"

    # No foreign key: the rows of a force's items are kept by triggers, even as a force goes.
    force_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    measure: Mapped[str] = mapped_column(sa.String(8), primary_key=True)  # open, overdue, due_7, due_30, due_90
    span: Mapped[str] = mapped_column(sa.String(5), primary_key=True)  # day, month, year
    starts_on: Mapped[date] = mapped_column(primary_key=True)  # the day, or its month's or year's first day
    item_type: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    change: Mapped[int] = mapped_column()

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
