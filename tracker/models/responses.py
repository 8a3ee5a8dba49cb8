"""Statutory responses (s.55) and their published versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import TimestampMixin, VersionedMixin, db, utcnow

if TYPE_CHECKING:  # relationships name other areas' models by string
    from tracker.models.forces import Force, User
    from tracker.models.inspections import Inspection


class StatutoryResponse(TimestampMixin, VersionedMixin, db.Model):
    """One force's s.55 response to one inspection, with its milestones."""

    __tablename__ = "statutory_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id", ondelete="CASCADE"))
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"))
    # The last day now in force, kept on the row for the overdue views: the source's clock read with its
    # extensions and pauses (clocks.response_clock); None while judicial review proceedings run, or when
    # the source has no fixed period and no date was set. original_due_on keeps the statutory date.
    due_on: Mapped[date | None] = mapped_column()
    original_due_on: Mapped[date | None] = mapped_column()
    chief_invited_on: Mapped[date | None] = mapped_column()  # s.55(4)
    chief_comments_due_on: Mapped[date | None] = mapped_column()  # the date the PCC specified
    chief_comments_received_on: Mapped[date | None] = mapped_column()
    chief_comments: Mapped[str | None] = mapped_column(sa.Text)
    # Why the chief constable's comments are not published (none received): recorded, not left blank.
    chief_comments_absence: Mapped[str | None] = mapped_column(sa.Text)
    pcc_comments: Mapped[str | None] = mapped_column(sa.Text)
    pcc_response_to_chief: Mapped[str | None] = mapped_column(sa.Text)  # s.55(5)
    # Their Welsh versions, for a force that works in Welsh: both languages are published together.
    chief_comments_cy: Mapped[str | None] = mapped_column(sa.Text)
    chief_comments_absence_cy: Mapped[str | None] = mapped_column(sa.Text)
    pcc_comments_cy: Mapped[str | None] = mapped_column(sa.Text)
    pcc_response_to_chief_cy: Mapped[str | None] = mapped_column(sa.Text)
    drafted_on: Mapped[date | None] = mapped_column()
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    approved_on: Mapped[date | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A fingerprint of each part of the text as approved (JSON): an approval counts only while they match.
    approved_sections: Mapped[str | None] = mapped_column(sa.Text)
    published_on: Mapped[date | None] = mapped_column()
    # First published outside tracker (back-filled): published_on is the real date, entered by this person.
    published_outside: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    publication_entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    sent_to_hmicfrs_on: Mapped[date | None] = mapped_column()  # s.55(6)
    sent_to_home_secretary_on: Mapped[date | None] = mapped_column()
    # The day the response went to the body that asked for it: the IOPC (Police Reform Act 2002 Sch 3
    # para 28B(2)) or the coroner (Coroners and Justice Act 2009 Sch 5 para 7(2)).
    sent_to_source_on: Mapped[date | None] = mapped_column()
    sent_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    inspection: Mapped[Inspection] = relationship()
    force: Mapped[Force] = relationship()
    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    sent_recorded_by: Mapped[User | None] = relationship(foreign_keys=[sent_recorded_by_id])
    publication_entered_by: Mapped[User | None] = relationship(foreign_keys=[publication_entered_by_id])
    versions: Mapped[list[PublishedVersion]] = relationship(
        back_populates="response", order_by="PublishedVersion.number"
    )
    extensions: Mapped[list[ClockExtension]] = relationship(
        back_populates="response", order_by="ClockExtension.id", cascade="all, delete-orphan"
    )
    pauses: Mapped[list[ClockPause]] = relationship(
        back_populates="response", order_by="ClockPause.started_on", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": VersionedMixin.version}
    __table_args__ = (
        sa.UniqueConstraint("inspection_id", "force_id", name="uq_statutory_responses_inspection_id_force_id"),
        sa.Index("ix_statutory_responses_force_id_due_on_published_on", "force_id", "due_on", "published_on"),
        sa.Index("ix_responses_force_id_published_on_due_on_inspection_id", "force_id", "published_on",
                 "due_on", "inspection_id"),
        sa.Index("ix_statutory_responses_due_on", "due_on"),
    )

    @property
    def closed_on(self) -> date | None:
        """A response is done, for the overdue views, on the day it was published."""
        return self.published_on


class PublishedVersion(db.Model):
    """A published PDF of a statutory response: written once, never overwritten."""

    __tablename__ = "published_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("statutory_responses.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column()
    filename: Mapped[str] = mapped_column(sa.String(255))  # under instance/published
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(sa.Text)  # why it was published again
    days_late: Mapped[int] = mapped_column(default=0)
    # A fingerprint of each part of the text as published (JSON): what changed since is read against it.
    sections: Mapped[str | None] = mapped_column(sa.Text)
    # The Welsh copy published with it (a force that works in Welsh), beside the English one.
    filename_cy: Mapped[str | None] = mapped_column(sa.String(255))
    sha256_cy: Mapped[str | None] = mapped_column(sa.String(64))
    size_cy: Mapped[int | None] = mapped_column()

    response: Mapped[StatutoryResponse] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("response_id", "number", name="uq_published_versions_response_id_number"),)


class ClockExtension(TimestampMixin, db.Model):
    """An extension of a response's period, as granted: the new last day, by whom, on what application."""

    __tablename__ = "clock_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("statutory_responses.id", ondelete="CASCADE"), index=True)
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"))  # for the history's reach
    new_due_on: Mapped[date] = mapped_column()
    granted_by: Mapped[str] = mapped_column(sa.String(200))  # "the Director General", "HM Senior Coroner for ..."
    applied_on: Mapped[date | None] = mapped_column()  # the date the application was received
    granted_on: Mapped[date | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    response: Mapped[StatutoryResponse] = relationship(back_populates="extensions")
    recorded_by: Mapped[User | None] = relationship()


class ClockPause(TimestampMixin, VersionedMixin, db.Model):
    """Judicial review proceedings of an IOPC recommendation: the days they run extend the period."""

    __tablename__ = "clock_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("statutory_responses.id", ondelete="CASCADE"), index=True)
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"))
    started_on: Mapped[date] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()  # None: still in progress
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    response: Mapped[StatutoryResponse] = relationship(back_populates="pauses")
    recorded_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": VersionedMixin.version}
