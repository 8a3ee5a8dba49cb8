"""Forces, the people who sign in, and which forces each belongs to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.statuses import Role
from tracker.models.base import TimestampMixin, db, enum_column

user_forces = sa.Table(
    "user_forces",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("force_id", sa.ForeignKey("forces.id", ondelete="CASCADE"), primary_key=True),
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
    # The organisation's account (OpenID Connect) this user signs in with: its issuer and subject.
    oidc_issuer: Mapped[str | None] = mapped_column(sa.String(500))
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255))

    forces: Mapped[list[Force]] = relationship(secondary=user_forces, order_by="Force.name")

    __table_args__ = (sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_users_oidc_issuer_subject"),)

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"
