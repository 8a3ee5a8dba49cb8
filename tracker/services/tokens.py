"""Personal access tokens for the data API: made and revoked by their user, kept only as a hash.

A token's secret is shown once, when it is made; the database keeps its SHA-256, which is enough
for a secret of 256 random bits (no slow hash is needed: nothing can be guessed from it). A token
acts as its user: the same forces and role, and it stops working when the user is deactivated,
when it expires or when it is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.db import db
from tracker.models import ApiToken, User, utcnow
from tracker.services import DomainError, get_by_id

PREFIX = "trk_"  # so a leaked token is recognised for what it is (by people and secret scanners)
# The lifetimes a user picks from, in days.
LIFETIMES = {"30": "30 days", "90": "90 days", "365": "1 year"}
NAME_LENGTH = 100
# last_used_at is written at most this often per token, so that the API's reads are not all writes.
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    """The hex SHA-256 of a token's secret, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str, days: int, now: datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for the user; return it with its secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter a name for the token", field="name")
    if len(name) > NAME_LENGTH:
        raise DomainError(f"The name must be {NAME_LENGTH} characters or fewer", field="name")
    if str(days) not in LIFETIMES:
        raise DomainError("Select when the token expires", field="expires")
    now = now or utcnow()
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, secret_hash=_digest(secret), created_at=now,
                     expires_at=now + timedelta(days=int(days)))
    db.session.add(token)
    db.session.flush()
    return token, secret


def tokens_of(user_id: int) -> list[ApiToken]:
    """The user's tokens that are not revoked (expired ones too, so they can see them), newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def token_of(user_id: int, token_id: int) -> ApiToken | None:
    """One of the user's own tokens that is not revoked, or None (another user's token is None too)."""
    token = get_by_id(ApiToken, token_id)
    if token is None or token.user_id != user_id or token.revoked_at is not None:
        return None
    return token


def revoke_token(token: ApiToken) -> None:
    """Stop a token working (the row stays, so log lines naming its id still mean something)."""
    token.revoked_at = utcnow()
    db.session.flush()


def find_token(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The token with this secret if it works now (not expired, not revoked, its user active), else None."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    now = now or utcnow()
    # With its user and the user's forces, which every API request reads next: one query, not three.
    token = db.session.execute(
        sa.select(ApiToken).where(ApiToken.secret_hash == _digest(secret))
        .options(joinedload(ApiToken.user).joinedload(User.forces))
    ).unique().scalar_one_or_none()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.active:
        return None
    return token


def needs_touch(token: ApiToken, now: datetime | None = None) -> bool:
    """Whether the token's last use is worth writing down again (never used, or not for a minute)."""
    now = now or utcnow()
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION


def touch(token_id: int, now: datetime | None = None) -> None:
    """Write down that the token was used now."""
    token = get_by_id(ApiToken, token_id)
    if token is not None:
        token.last_used_at = now or utcnow()
        db.session.flush()
