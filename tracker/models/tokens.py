"""Personal access tokens: how a user's reporting tools (Power BI, Excel) read the data API as them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import db, utcnow

if TYPE_CHECKING:  # relationships name other areas' models by string
    from tracker.models.forces import User


class ApiToken(db.Model):
    """A token a user made for the API: only the SHA-256 of its secret is kept, never the secret."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))  # what the user calls it: "Power BI board report"
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # hex SHA-256 of the secret
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} of user {self.user_id}>"
