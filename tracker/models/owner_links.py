"""Links that let an action's owner, who may have no account, give a progress update by email."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import db, utcnow

if TYPE_CHECKING:  # relationships name other areas' models by string
    from tracker.models.forces import User
    from tracker.models.tracking import Action


class OwnerLink(db.Model):
    """One emailed link to one action's update page, for one purpose.

    The link carries a random secret (signed, with the link's id, action and purpose); only the
    secret's SHA-256 is kept. It works until it expires, is revoked (by an editor, or by a newer link
    for the same action) or has been used to send an update.
    """

    __tablename__ = "owner_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    # Copied from the action: the audit trail and the history keep the link's events inside its force.
    force_id: Mapped[int] = mapped_column(sa.ForeignKey("forces.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(sa.String(30))  # what the link may do: "progress_update"
    recipient: Mapped[str] = mapped_column(sa.String(320))  # the owner's email it was sent to
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # hex SHA-256 of the secret
    # The due date the request was sent before (none for one sent by hand): the command sends one per due date.
    due_on: Mapped[date | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()  # when the mail server accepted the email
    used_at: Mapped[datetime | None] = mapped_column()  # when the owner's update was saved through it
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(200))

    action: Mapped[Action] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    __table_args__ = (sa.Index("ix_owner_links_action_id_due_on", "action_id", "due_on"),)

    def __repr__(self) -> str:
        return f"<OwnerLink {self.id} of action {self.action_id}>"
