"""Tables of the oversight area: sent reminders, notification preferences, meeting packs."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import db, utcnow
from tracker.models.tracking import Action, Tracking

if TYPE_CHECKING:  # relationships name other areas' models by string
    from tracker.models.forces import Force, User


class SentReminder(db.Model):
    """A reminder or digest that the SMTP server accepted: written once, so it is never sent twice."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(sa.String(30))  # recommendation, action, digest
    item_id: Mapped[int] = mapped_column()  # a tracking, an action, or the digest's user
    kind: Mapped[str] = mapped_column(sa.String(20))  # due_30, due_7, due_1, overdue, weekly
    due_on: Mapped[date] = mapped_column()  # the due date reminded of (the digest's day for a digest)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("item_type", "item_id", "kind", "due_on", name="uq_sent_reminders_item_kind_due"),
    )


class NotificationPreference(db.Model):
    """What emails a user gets; a user without a row gets both."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    due_reminders: Mapped[bool] = mapped_column(default=True)
    weekly_digest: Mapped[bool] = mapped_column(default=True)


class MeetingPack(db.Model):
    """A committee pack made for a meeting, kept: the meeting's and the previous meeting's dates, the
    dashboard view it was made from, its content (domain.committee_pack.PackContent as JSON, from which
    its PDF and Word copies are drawn) and which items it held in what state, for the next pack to
    compare. (Packs made before packs were kept have no content.)"""

    __tablename__ = "meeting_packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"))
    as_of: Mapped[date] = mapped_column()  # the meeting's date
    previous_meeting_on: Mapped[date | None] = mapped_column()
    # The dashboard view's filters but its date, as canonical JSON: the next pack of the same view compares.
    view: Mapped[str | None] = mapped_column(sa.Text)
    content: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    items: Mapped[list[MeetingPackItem]] = relationship(back_populates="pack", cascade="all, delete-orphan")
    force: Mapped[Force] = relationship()
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_meeting_packs_force_id_as_of", "force_id", "as_of"),)


class MeetingPackItem(db.Model):
    """One item of a meeting pack and its state then (overdue, due_soon, no_date)."""

    __tablename__ = "meeting_pack_items"

    pack_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_packs.id", ondelete="CASCADE"), primary_key=True)
    item_type: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(20))

    pack: Mapped[MeetingPack] = relationship(back_populates="items")


# Indexes for the dashboard's owner filter and the "open on the as-of date" test.
sa.Index("ix_trackings_force_id_lead_officer", Tracking.force_id, Tracking.lead_officer)
sa.Index("ix_actions_force_id_owner", Action.force_id, Action.owner)
sa.Index("ix_trackings_force_id_closed_on", Tracking.force_id, Tracking.closed_on)
