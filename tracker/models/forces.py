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
    # The PCC's (or mayor's) name, printed on published responses.
    pcc_name: Mapped[str | None] = mapped_column(sa.String(200))
    # The office's public face, set by its administrators: the public pages name the office, link to
    # its own website and say how to reach it (for another format of a document, for example).
    opcc_website: Mapped[str | None] = mapped_column(sa.String(500))
    opcc_email: Mapped[str | None] = mapped_column(sa.String(320))
    opcc_phone: Mapped[str | None] = mapped_column(sa.String(50))
    opcc_address: Mapped[str | None] = mapped_column(sa.Text)
    # The office works in Welsh as well as English (Welsh Language Standards): what it publishes has
    # a Welsh version too.
    works_in_welsh: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Its names in Welsh, which the Welsh copies of its documents print ("Heddlu Dyfed-Powys").
    name_cy: Mapped[str | None] = mapped_column(sa.String(200))
    opcc_name_cy: Mapped[str | None] = mapped_column(sa.String(200))
    commissioner_title_cy: Mapped[str | None] = mapped_column(sa.String(200))
    # The statutory paragraph printed on responses; None means the standard wording.
    statutory_paragraph: Mapped[str | None] = mapped_column(sa.Text)
    statutory_paragraph_cy: Mapped[str | None] = mapped_column(sa.Text)  # its Welsh wording (None: the standard one)
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
    # Wrong passwords, counted in the database so a lock holds across every worker process: the
    # count of the window that began at failed_logins_since, and the lock it led to.
    failed_logins: Mapped[int] = mapped_column(default=0)
    failed_logins_since: Mapped[datetime | None] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The organisation's account (OpenID Connect) this user signs in with: its issuer and subject.
    oidc_issuer: Mapped[str | None] = mapped_column(sa.String(500))
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255))
    # Every signed-in session carries this; a new one ends all the sessions that carry the old.
    session_token: Mapped[str | None] = mapped_column(sa.String(64))

    forces: Mapped[list[Force]] = relationship(secondary=user_forces, order_by="Force.name")

    __table_args__ = (sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_users_oidc_issuer_subject"),)

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def locked_at(self, now: datetime) -> bool:
        """Whether the account is locked after repeated wrong passwords at this time."""
        return self.locked_until is not None and self.locked_until > now

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class SignInAddress(db.Model):
    """Wrong passwords from one client address in the window that began at `since` (any accounts,
    known or not), so one address is paused before it can lock anyone's account."""

    __tablename__ = "sign_in_addresses"

    address: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    since: Mapped[datetime] = mapped_column()
