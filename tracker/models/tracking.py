"""Each force's tracking of a recommendation: its actions, their progress updates and evidence."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.deadlines import Rag
from tracker.domain.extensions import ExtensionStatus
from tracker.domain.statuses import ActionStatus, HmicfrsView, TrackingStatus
from tracker.models.base import TimestampMixin, VersionedMixin, db, enum_column
from tracker.models.inspections import Recommendation  # the copy of inspection_id reads it

if TYPE_CHECKING:  # relationships name other areas' models by string
    from tracker.models.forces import Force, User
    from tracker.models.owner_links import OwnerLink


class Tracking(TimestampMixin, VersionedMixin, db.Model):
    """One force's tracking of one recommendation."""

    __tablename__ = "trackings"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"))
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"))
    # Copied from the recommendation (which never changes inspection), so that overdue views on a past
    # date leave out inspections not yet published then from their index alone, with no join. Always
    # filled (_copy_inspection_id below); nullable only because SQLite could not add it NOT NULL in place.
    # No ON DELETE: deleting an inspection deletes the row through its recommendation first.
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspections.id"))
    status: Mapped[TrackingStatus] = mapped_column(enum_column(TrackingStatus), default=TrackingStatus.AWAITING_REVIEW)
    no_action_reason: Mapped[str | None] = mapped_column(sa.Text)
    lead_officer: Mapped[str | None] = mapped_column(sa.String(200))
    target_date: Mapped[date | None] = mapped_column()
    # The date of the last approved extension (ExtensionRequest): once there is one, it is the date in force.
    revised_due_on: Mapped[date | None] = mapped_column()
    # The date this item is due: the revised date, else the target date when one is set, else the
    # recommendation's deadline. Kept on the row (services.tracking.set_target_date,
    # services.inspections.refresh_due_dates, services.extensions.decide) so overdue views use one index.
    due_on: Mapped[date | None] = mapped_column()
    # The day it was closed (complete or no further action): overdue views ask "closed by then?".
    closed_on: Mapped[date | None] = mapped_column()
    rag_forecast: Mapped[Rag | None] = mapped_column(enum_column(Rag))  # the owner's: on track, at risk, off track
    # Blocked by an external dependency: what it waits for (None: not blocked). A flag beside the status,
    # not a status: a blocked item is still open and in its lifecycle (being progressed, as HMICFRS's
    # register has it), still overdue when its date passes (boards want to see it), and unblocks back
    # to where it was.
    blocked_by: Mapped[str | None] = mapped_column(sa.Text)
    # Per cent complete set by hand (0 to 100); None: computed from the actions (forecast.percent_complete).
    percent_complete: Mapped[int | None] = mapped_column()
    pcc_explanation: Mapped[str | None] = mapped_column(sa.Text)  # s.55(5B)
    chief_comment: Mapped[str | None] = mapped_column(sa.Text)
    # Their Welsh versions, for a force that works in Welsh.
    pcc_explanation_cy: Mapped[str | None] = mapped_column(sa.Text)
    chief_comment_cy: Mapped[str | None] = mapped_column(sa.Text)
    # Operationally sensitive: the chief's comment is left out of the public response document.
    chief_comment_not_for_publication: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Closure in three keys: the force marks it implemented, the OPCC verifies, HMICFRS's view.
    implemented_on: Mapped[date | None] = mapped_column()
    verified_on: Mapped[date | None] = mapped_column()
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    hmicfrs_view: Mapped[HmicfrsView] = mapped_column(enum_column(HmicfrsView), default=HmicfrsView.NOT_KNOWN)
    hmicfrs_view_on: Mapped[date | None] = mapped_column()

    recommendation: Mapped[Recommendation] = relationship(back_populates="trackings")
    force: Mapped[Force] = relationship()
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    actions: Mapped[list[Action]] = relationship(
        back_populates="tracking", order_by="Action.id", cascade="all, delete-orphan"
    )
    extension_requests: Mapped[list[ExtensionRequest]] = relationship(
        back_populates="tracking", order_by="ExtensionRequest.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": VersionedMixin.version}
    __table_args__ = (
        sa.UniqueConstraint("recommendation_id", "force_id", name="uq_trackings_recommendation_id_force_id"),
        sa.CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_complete_range"),
        # Closed date included so "open on the as-of date" is judged in the index, without reading
        # the (mostly closed) rows; the inspection too, for "published by the as-of date" (see bench/).
        sa.Index("ix_trackings_force_id_due_on_closed_on_inspection_id", "force_id", "due_on", "closed_on",
                 "inspection_id"),
        # The closed date first: the counts read the open rows, and those closed after the as-of date,
        # without the closed ones (overdue.summary_counts).
        sa.Index("ix_trackings_force_id_closed_on_due_on_inspection_id", "force_id", "closed_on", "due_on",
                 "inspection_id"),
        sa.Index("ix_trackings_due_on", "due_on"),
        # An inspection's page: its forces' trackings.
        sa.Index("ix_trackings_inspection_id_force_id", "inspection_id", "force_id"),
        # What waits to be verified (the reviewer's queue): only those rows, so its cost follows the
        # queue's length, not the history's.
        sa.Index("ix_trackings_awaiting_verification", "force_id", "implemented_on", "inspection_id", "verified_on",
                 "recommendation_id",
                 sqlite_where=sa.text("implemented_on IS NOT NULL AND verified_on IS NULL"),
                 postgresql_where=sa.text("implemented_on IS NOT NULL AND verified_on IS NULL")),
    )


class Action(TimestampMixin, VersionedMixin, db.Model):
    """Something the force does against a recommendation."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_id: Mapped[int] = mapped_column(sa.ForeignKey("trackings.id", ondelete="CASCADE"), index=True)
    # Copied from the tracking so that per-force overdue queries need no join.
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"))
    # Copied from the tracking too: past-date overdue views check the inspection's publication with no join
    # (always filled, as the tracking's is).
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspections.id"))
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    owner_email: Mapped[str | None] = mapped_column(sa.String(320))
    due_on: Mapped[date | None] = mapped_column()
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus), default=ActionStatus.NOT_STARTED)
    completed_on: Mapped[date | None] = mapped_column()
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    not_for_publication: Mapped[bool] = mapped_column(default=False)
    signed_off_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    signed_off_at: Mapped[datetime | None] = mapped_column()
    sign_off_note: Mapped[str | None] = mapped_column(sa.Text)

    tracking: Mapped[Tracking] = relationship(back_populates="actions")
    force: Mapped[Force] = relationship()
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="action", order_by="ProgressUpdate.occurred_on.desc(), ProgressUpdate.id.desc()",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": VersionedMixin.version}
    __table_args__ = (
        sa.Index("ix_actions_force_id_due_on_completed_on_inspection_id", "force_id", "due_on", "completed_on",
                 "inspection_id"),
        sa.Index("ix_actions_force_id_completed_on_due_on_inspection_id", "force_id", "completed_on", "due_on",
                 "inspection_id"),
        sa.Index("ix_actions_due_on", "due_on"),
        # One inspection's actions in a force (the dashboard filtered by an inspection): without it, SQLite
        # read the force's whole history in due-date order to find the few (70 ms at 10x the national set).
        sa.Index("ix_actions_inspection_id_force_id", "inspection_id", "force_id"),
        # Actions not signed off (those complete wait in the reviewer's queue): only those rows.
        sa.Index("ix_actions_awaiting_sign_off", "force_id", "status", "completed_on", "inspection_id", "signed_off_at",
                 sqlite_where=sa.text("signed_off_at IS NULL"), postgresql_where=sa.text("signed_off_at IS NULL")),
    )


class ProgressUpdate(TimestampMixin, db.Model):
    """A dated entry in an action's log of progress."""

    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"))
    occurred_on: Mapped[date] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    not_for_publication: Mapped[bool] = mapped_column(default=False)
    # Chosen to show on the public page of the published response, as progress since publication.
    public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    text_cy: Mapped[str | None] = mapped_column(sa.Text)  # its Welsh version, for a force that works in Welsh
    # Sent by the action's owner through an emailed link (they may have no account, so no author).
    owner_link_id: Mapped[int | None] = mapped_column(sa.ForeignKey("owner_links.id", ondelete="SET NULL"))

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
    owner_link: Mapped[OwnerLink | None] = relationship()
    evidence_files: Mapped[list[EvidenceFile]] = relationship(back_populates="update", cascade="all, delete-orphan")

    __table_args__ = (sa.Index("ix_progress_updates_action_id_occurred_on", "action_id", "occurred_on"),)


class EvidenceFile(TimestampMixin, db.Model):
    """A file attached to a progress update, stored under instance/evidence by its hash."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(sa.ForeignKey("progress_updates.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))  # as uploaded, for display
    stored_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))

    update: Mapped[ProgressUpdate] = relationship(back_populates="evidence_files")


class ExtensionRequest(TimestampMixin, VersionedMixin, db.Model):
    """A request to move a recommendation's (tracking row's) or an action's due date later, and its decision.

    Never deleted while its item lives: the original date (the first approved request's previous date)
    and every revision stay readable. Recorded at created_at by recorded_by; decided at decided_at.
    """

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_id: Mapped[int] = mapped_column(sa.ForeignKey("trackings.id", ondelete="CASCADE"), index=True)
    # Set when the request is for one of the tracking row's actions, else the recommendation's own date.
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"))
    previous_due_on: Mapped[date] = mapped_column()  # the date in force when it was asked for
    new_due_on: Mapped[date] = mapped_column()
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_by: Mapped[str] = mapped_column(sa.String(200))  # who asked, as named (they may have no account)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[ExtensionStatus] = mapped_column(enum_column(ExtensionStatus), default=ExtensionStatus.PENDING)
    decided_on: Mapped[date | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    # Who entered the decision; decided_by_body names the board or meeting when it was theirs (else this user's).
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_body: Mapped[str | None] = mapped_column(sa.String(200))
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)

    tracking: Mapped[Tracking] = relationship(back_populates="extension_requests")
    action: Mapped[Action | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": VersionedMixin.version}
    __table_args__ = (sa.Index("ix_extension_requests_force_id_status", "force_id", "status"),)


@sa.event.listens_for(Tracking, "before_insert")
@sa.event.listens_for(Action, "before_insert")
def _copy_inspection_id(mapper, connection, target) -> None:
    """Fill a new tracking row's or action's copied inspection_id when its creator left it out: from the
    recommendation (or tracking row) in the session, else read from the database."""
    if target.inspection_id is not None:
        return
    if isinstance(target, Tracking):
        parent, model, parent_id = target.__dict__.get("recommendation"), Recommendation, target.recommendation_id
    else:
        parent, model, parent_id = target.__dict__.get("tracking"), Tracking, target.tracking_id
    if parent is not None and parent.inspection_id is not None:
        target.inspection_id = parent.inspection_id
    else:
        target.inspection_id = connection.scalar(sa.select(model.inspection_id).where(model.id == parent_id))
