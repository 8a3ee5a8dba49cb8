"""Inspections, the forces they concern, their recommendations and themes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.clocks import DEFAULT_RESPONDENT, Respondent, Source
from tracker.domain.deadlines import DeadlineKind
from tracker.domain.statuses import InspectionType, Kind
from tracker.models.base import TimestampMixin, VersionedMixin, db, enum_column

if TYPE_CHECKING:  # relationships name other areas' models by string
    from tracker.models.forces import Force, User
    from tracker.models.tracking import Tracking


recommendation_themes = sa.Table(
    "recommendation_themes",
    db.metadata,
    sa.Column("recommendation_id", sa.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_recommendation_themes_theme_id", "theme_id"),
)


class Theme(db.Model):
    """A subject a recommendation concerns, for seeing work across inspections."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))


class Inspection(TimestampMixin, VersionedMixin, db.Model):
    """A source document whose recommendations the force and its PCC must answer.

    Named for the first source (an HMICFRS inspection report); `source` says which body's document
    it is: an HMICFRS police or fire inspection, an IOPC recommendation letter or report, a coroner's
    report to prevent future deaths, or another document. `published_on` is the day the source's
    clock runs from: the publication day (HMICFRS), the day the recommendation was made (IOPC), the
    date of the report (coroner); see Source.date_label.
    """

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    published_on: Mapped[date] = mapped_column(index=True)
    type: Mapped[InspectionType] = mapped_column(enum_column(InspectionType))
    url: Mapped[str | None] = mapped_column(sa.String(1000))
    key_findings: Mapped[str | None] = mapped_column(sa.Text)
    source: Mapped[Source] = mapped_column(enum_column(Source), default=Source.HMICFRS,
                                           server_default=Source.HMICFRS.value, index=True)
    # Who must answer; None: the source's usual respondent (DEFAULT_RESPONDENT).
    respondent: Mapped[Respondent | None] = mapped_column(enum_column(Respondent))
    reference: Mapped[str | None] = mapped_column(sa.String(120))  # the IOPC's or the coroner's reference
    coroner_area: Mapped[str | None] = mapped_column(sa.String(200))
    deceased_name: Mapped[str | None] = mapped_column(sa.String(200))  # "the inquest into the death of ..."
    # The date printed on a coroner's report: "within 56 days of the date of this report, namely by ...".
    printed_due_on: Mapped[date | None] = mapped_column()
    # For a source with no fixed period (a fire action plan, other documents): the date the OPCC set.
    target_due_on: Mapped[date | None] = mapped_column()

    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="inspection", order_by="Recommendation.position", cascade="all, delete-orphan"
    )
    scope: Mapped[list[InspectionForce]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": VersionedMixin.version}

    def __repr__(self) -> str:
        return f"<Inspection {self.slug}>"

    def left_out(self, force_id: int) -> InspectionForce | None:
        """The force's scope row when it is out of this inspection's scope (with the reason), else None."""
        return next((row for row in self.scope if row.force_id == force_id and not row.in_scope), None)

    @property
    def answered_by(self) -> Respondent:
        """Who must answer: the respondent recorded, or the source's usual one."""
        return self.respondent or DEFAULT_RESPONDENT[Source(self.source)]


class InspectionForce(db.Model):
    """A force an inspection concerns, or one left out of a national report with the reason."""

    __tablename__ = "inspection_forces"

    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True)
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"), primary_key=True)
    in_scope: Mapped[bool] = mapped_column(default=True)
    exclusion_reason: Mapped[str | None] = mapped_column(sa.Text)

    inspection: Mapped[Inspection] = relationship(back_populates="scope")
    force: Mapped[Force] = relationship()

    __table_args__ = (
        sa.Index("ix_inspection_forces_force_id", "force_id"),
        # The few forces left out (overdue.in_scope, in every query of the dashboard): read from this
        # index alone rather than by scanning every force of every inspection (PostgreSQL did, twice a query).
        sa.Index("ix_inspection_forces_left_out", "inspection_id", "force_id",
                 sqlite_where=sa.text("in_scope IS 0"), postgresql_where=sa.text("in_scope IS false")),
    )


class Recommendation(TimestampMixin, VersionedMixin, db.Model):
    """A numbered item in a report: a recommendation, an area for improvement or a cause of concern."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # order within the report
    ref: Mapped[str | None] = mapped_column(sa.String(60))  # "3.2", "T10": pages print the kind before it
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
