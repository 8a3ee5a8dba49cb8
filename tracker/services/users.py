"""Users: creation and passwords (hashed with Argon2id)."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import joinedload, selectinload

from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import Force, User
from tracker.services import MAX_ID, DomainError, get_by_id

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    """Check a password against the user's hash (in constant time)."""
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def get_user_by_email(email: str) -> User | None:
    """Return the user with this email address (compared without case), or None."""
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))


def create_user(email: str, name: str, role: Role, forces: list[Force], password: str) -> User:
    """Create a user; refuse a taken email address or a short password."""
    email = email.strip().lower()
    if get_user_by_email(email) is not None:
        raise DomainError("A user with that email address already exists", field="email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more", field="password")
    user = User(email=email, name=name, role=role, forces=list(forces), password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def get_user(user_id: int) -> User | None:
    """Return the user with this id, or None."""
    return get_by_id(User, user_id)


def get_signed_in_user(user_id: int) -> User | None:
    """The signed-in user with the forces every page names (one query)."""
    if not 0 < user_id <= MAX_ID:
        return None
    return db.session.get(User, user_id, options=[joinedload(User.forces)])


def list_users() -> list[User]:
    """Return every user, by name."""
    return list(db.session.scalars(sa.select(User).options(selectinload(User.forces)).order_by(User.name, User.email)))


def update_user(user: User, *, name: str, role: Role, forces: list[Force], active: bool) -> None:
    """Change a user's name, role, forces and whether they may sign in."""
    if not name.strip():
        raise DomainError("Enter the person's name", field="name")
    if not forces:
        raise DomainError("Select at least one force", field="forces")
    user.name, user.role, user.forces, user.active = name.strip(), Role(role), list(forces), active


def set_password(user: User, password: str) -> None:
    """Give a user a new password (and lift any lockout)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more", field="password")
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
