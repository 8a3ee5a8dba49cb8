"""The data model: typed SQLAlchemy 2.0 models on one declarative base.

Times are stored as naive UTC (the same on SQLite and PostgreSQL); dates are calendar dates.
Enumerated values are stored as their strings, with no database-specific enum types.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .deadlines import DeadlineKind, Rag
from .extensions import db
from .statuses import ActionStatus, HmicfrsView, InspectionType, Kind, Role, TrackingStatus


def utcnow() -> datetime:
    """Return the current time as naive UTC, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum_cls, **kwargs):
    """A portable VARCHAR column holding an enum's string values, checked by the database."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        name=enum_cls.__name__.lower(),
        **kwargs,
    )


class TimestampMixin:
    """Created and updated times shared by every changeable record."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """A version number for optimistic locking: a save against an old version is refused."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")


user_forces = sa.Table(
    "user_forces",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("force_id", sa.ForeignKey("forces.id", ondelete="CASCADE"), primary_key=True),
)

recommendation_themes = sa.Table(
    "recommendation_themes",
    db.metadata,
    sa.Column("recommendation_id", sa.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_recommendation_themes_theme_id", "theme_id"),
)


class Force(TimestampMixin, db.Model):
    """A territorial police force and its local policing body (the PCC, or a mayor)."""

    __tablename__ = "forces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))  # "Cumbria Constabulary"
    area: Mapped[str] = mapped_column(sa.String(200))  # "Cumbria"
    opcc_name: Mapped[str] = mapped_column(sa.String(200))  # the office that publishes responses
    commissioner_title: Mapped[str] = mapped_column(sa.String(200))  # "Cumbria Police and Crime Commissioner"
    # The statutory paragraph printed on responses; None means the standard wording.
    statutory_paragraph: Mapped[str | None] = mapped_column(sa.Text)
    # Whether this force explains areas for improvement as s.55(5B) requires for recommendations.
    explain_areas_for_improvement: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<Force {self.slug}>"


class Theme(db.Model):
    """A subject a recommendation concerns, for seeing work across inspections."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))


class Inspection(TimestampMixin, VersionedMixin, db.Model):
    """An HMICFRS inspection report."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    published_on: Mapped[date] = mapped_column(index=True)
    type: Mapped[InspectionType] = mapped_column(enum_column(InspectionType))
    url: Mapped[str | None] = mapped_column(sa.String(1000))
    key_findings: Mapped[str | None] = mapped_column(sa.Text)

    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="inspection", order_by="Recommendation.position", cascade="all, delete-orphan"
    )
    scope: Mapped[list[InspectionForce]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": VersionedMixin.version}

    def __repr__(self) -> str:
        return f"<Inspection {self.slug}>"


class InspectionForce(db.Model):
    """A force an inspection concerns, or one left out of a national report with the reason."""

    __tablename__ = "inspection_forces"

    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True)
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"), primary_key=True)
    in_scope: Mapped[bool] = mapped_column(default=True)
    exclusion_reason: Mapped[str | None] = mapped_column(sa.Text)

    inspection: Mapped[Inspection] = relationship(back_populates="scope")
    force: Mapped[Force] = relationship()

    __table_args__ = (sa.Index("ix_inspection_forces_force_id", "force_id"),)


class Recommendation(TimestampMixin, VersionedMixin, db.Model):
    """A numbered item in a report: a recommendation, an area for improvement or a cause of concern."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # order within the report
    ref: Mapped[str | None] = mapped_column(sa.String(60))  # "3.2", "Recommendation 2"
    kind: Mapped[Kind] = mapped_column(enum_column(Kind), default=Kind.RECOMMENDATION)
    addressed_to: Mapped[str | None] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    bullets: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    deadline_text: Mapped[str | None] = mapped_column(sa.String(300))
    deadline_kind: Mapped[DeadlineKind] = mapped_column(enum_column(DeadlineKind), default=DeadlineKind.NONE)
    # Immediate deadlines hold the publication date: due from publication.
    deadline_date: Mapped[date | None] = mapped_column()
    deadline_overridden: Mapped[bool] = mapped_column(default=False)
    deadline_overridden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="SET NULL"))

    inspection: Mapped[Inspection] = relationship(back_populates="recommendations")
    parent: Mapped[Recommendation | None] = relationship(
        remote_side="Recommendation.id", foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Recommendation]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Recommendation.position"
    )
    superseded_by: Mapped[Recommendation | None] = relationship(remote_side="Recommendation.id", foreign_keys=[superseded_by_id])
    deadline_overridden_by: Mapped[User | None] = relationship(foreign_keys=[deadline_overridden_by_id])
    themes: Mapped[list[Theme]] = relationship(secondary=recommendation_themes, order_by="Theme.name")
    trackings: Mapped[list[Tracking]] = relationship(back_populates="recommendation", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": VersionedMixin.version}
    __table_args__ = (
        sa.UniqueConstraint("inspection_id", "ref", name="uq_recommendations_inspection_id_ref"),
        sa.Index("ix_recommendations_inspection_id_position", "inspection_id", "position"),
    )

    def __repr__(self) -> str:
        return f"<Recommendation {self.ref}>"


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
    # The date this item is due: the target date when one is set, else the recommendation's deadline.
    # Kept on the row (by tracker.tracking.refresh_due_dates) so overdue views use one index.
    due_on: Mapped[date | None] = mapped_column()
    # The day it was closed (complete or no further action): overdue views ask "closed by then?".
    closed_on: Mapped[date | None] = mapped_column()
    rag_forecast: Mapped[Rag | None] = mapped_column(enum_column(Rag))
    pcc_explanation: Mapped[str | None] = mapped_column(sa.Text)  # s.55(5B)
    chief_comment: Mapped[str | None] = mapped_column(sa.Text)
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

    __mapper_args__ = {"version_id_col": VersionedMixin.version}
    __table_args__ = (
        sa.UniqueConstraint("recommendation_id", "force_id", name="uq_trackings_recommendation_id_force_id"),
        # Closed date included so "open on the as-of date" is judged in the index, without reading
        # the (mostly closed) rows; the inspection too, for "published by the as-of date": see bench/
        # and the issue-8 figures.
        sa.Index("ix_trackings_force_id_due_on_closed_on_inspection_id", "force_id", "due_on", "closed_on",
                 "inspection_id"),
        # The closed date first: the counts read the open rows, and those closed after the as-of date,
        # without the closed ones (overdue.summary_counts).
        sa.Index("ix_trackings_force_id_closed_on_due_on_inspection_id", "force_id", "closed_on", "due_on",
                 "inspection_id"),
        sa.Index("ix_trackings_due_on", "due_on"),
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

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
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


class StatutoryResponse(TimestampMixin, VersionedMixin, db.Model):
    """One force's s.55 response to one inspection, with its milestones."""

    __tablename__ = "statutory_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id", ondelete="CASCADE"))
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"))
    # publication + 55 days, kept on the row for the overdue views (see deadlines.statutory_response_deadline).
    due_on: Mapped[date] = mapped_column()
    chief_invited_on: Mapped[date | None] = mapped_column()  # s.55(4)
    chief_comments_due_on: Mapped[date | None] = mapped_column()  # the date the PCC specified
    chief_comments_received_on: Mapped[date | None] = mapped_column()
    chief_comments: Mapped[str | None] = mapped_column(sa.Text)
    # Why the chief constable's comments are not published (none received): recorded, not left blank.
    chief_comments_absence: Mapped[str | None] = mapped_column(sa.Text)
    pcc_comments: Mapped[str | None] = mapped_column(sa.Text)
    pcc_response_to_chief: Mapped[str | None] = mapped_column(sa.Text)  # s.55(5)
    drafted_on: Mapped[date | None] = mapped_column()
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    approved_on: Mapped[date | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_on: Mapped[date | None] = mapped_column()
    sent_to_hmicfrs_on: Mapped[date | None] = mapped_column()  # s.55(6)
    sent_to_home_secretary_on: Mapped[date | None] = mapped_column()
    sent_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    inspection: Mapped[Inspection] = relationship()
    force: Mapped[Force] = relationship()
    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    sent_recorded_by: Mapped[User | None] = relationship(foreign_keys=[sent_recorded_by_id])
    versions: Mapped[list[PublishedVersion]] = relationship(
        back_populates="response", order_by="PublishedVersion.number"
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

    response: Mapped[StatutoryResponse] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("response_id", "number", name="uq_published_versions_response_id_number"),)


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in, with one role and membership of one or more forces."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.VIEWER)
    active: Mapped[bool] = mapped_column(default=True)
    # Counted in the database so a lockout holds across several worker processes.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    forces: Mapped[list[Force]] = relationship(secondary=user_forces, order_by="Force.name")

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class DataState(db.Model):
    """One row whose token is new after every write (tracker.data_state): cached pages are keyed by it."""

    __tablename__ = "data_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("id = 1", name="ck_data_state_one_row"),)


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

from . import oversight_models  # noqa: E402,F401  (the oversight area's tables share this metadata)
