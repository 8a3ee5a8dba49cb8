"""Signing in with a password: one answer for every failure, the same work for every address, and
wrong passwords counted in the database per account and per client address.

Why two counts, and why these numbers. A lock on an account stops someone guessing its password,
but anyone who knows the address could keep it locked, and so keep its owner out. So each client
address is paused first: after ADDRESS_FAILURES wrong passwords (to any accounts, known or not) in
a WINDOW it is refused, without a password being checked, until its window ends. An account is
locked only after ACCOUNT_FAILURES wrong passwords within a WINDOW, and one address can add at
most 2 × ADDRESS_FAILURES to any one WINDOW of an account (its windows do not overlap), so no one
address can lock an account, however long it keeps trying: it takes several working together.
A lock lasts LOCK_FOR, after which the count starts again from nothing; an administrator can lift
it at any time (audited), and a password reset lifts it too. Wrong passwords from a paused address
or at a locked account are not counted again, so they do not lengthen either.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.db import audit, db
from tracker.models import SignInAddress, User, utcnow
from tracker.services import users as user_service

WINDOW = timedelta(minutes=15)
ADDRESS_FAILURES = 5
ACCOUNT_FAILURES = 12
LOCK_FOR = timedelta(minutes=15)
# Address rows whose window ended this long ago say nothing any more and are removed.
FORGET_AFTER = timedelta(days=1)

_dummy_hashes: dict[tuple, str] = {}


def _dummy_hash() -> str:
    """A hash made with the same parameters as the users' (so checking it costs the same), of a
    password nobody knows; for an address that names no account."""
    hasher = user_service.password_hasher()
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len, hasher.salt_len)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(secrets.token_urlsafe(24))
    return _dummy_hashes[key]


def _address_row(address: str, now: datetime) -> SignInAddress:
    """The client address's row, made if missing and locked for this transaction (so two workers
    counting at once both count); a window that has ended starts again. Written through the ORM
    only, so that the page cache is left alone (data_state.NOT_CACHED)."""
    row = db.session.get(SignInAddress, address, with_for_update=True)
    if row is None:
        for old in db.session.scalars(sa.select(SignInAddress).where(
                SignInAddress.since < now - WINDOW - FORGET_AFTER).limit(100)):
            db.session.delete(old)
        try:
            with db.session.begin_nested():
                row = SignInAddress(address=address, failures=0, since=now)
                db.session.add(row)
        except IntegrityError:  # another worker made it first
            row = db.session.get(SignInAddress, address, with_for_update=True, populate_existing=True)
    if now - row.since >= WINDOW:
        row.failures, row.since = 0, now
    return row


def _expire_lock(user: User, now: datetime) -> None:
    """An ended lock, or an ended window of wrong passwords, leaves nothing behind: the count restarts."""
    if user.locked_until is not None and user.locked_until <= now:
        user.failed_logins, user.failed_logins_since, user.locked_until = 0, None, None
    elif user.failed_logins_since is not None and now - user.failed_logins_since >= WINDOW and user.locked_until is None:
        user.failed_logins, user.failed_logins_since = 0, None


def _count_failure(user: User, now: datetime) -> None:
    """One more wrong password in the account's window; the lock when there are too many."""
    if user.failed_logins_since is None:
        user.failed_logins, user.failed_logins_since = 0, now
    user.failed_logins += 1
    if user.failed_logins >= ACCOUNT_FAILURES:
        user.locked_until = now + LOCK_FOR


def attempt(email: str, password: str, address: str, now: datetime | None = None) -> User | None:
    """The user, if the password is theirs and neither their account nor the address is held back;
    otherwise None, the same for every reason. The caller saves either way (the counts are kept).

    Every attempt checks exactly one Argon2 hash (a dummy one for an unknown address), so the time
    taken does not tell a real account from an unknown one.
    """
    now = now or utcnow()
    address = (address or "unknown")[:64]
    row = _address_row(address, now)
    email = (email or "").strip().lower()
    # An address no account can have (too long, or holding a NUL, which PostgreSQL refuses) names none.
    user = None if len(email) > 320 or "\x00" in email else db.session.scalar(
        sa.select(User).where(sa.func.lower(User.email) == email).with_for_update()
    )
    if user is not None:
        _expire_lock(user, now)
    # An account without a password (one that signs in with the organisation's account) costs the same.
    real_hash = user is not None and user.password_hash.startswith("$argon2")
    matches = user_service.hash_matches(user.password_hash if real_hash else _dummy_hash(), password or "") and real_hash
    address_paused = row.failures >= ADDRESS_FAILURES
    account_locked = user is not None and user.locked_at(now)
    if user is not None and user.active and matches and not address_paused and not account_locked:
        user.failed_logins, user.failed_logins_since = 0, None
        db.session.flush()
        return user
    if not address_paused:
        row.failures += 1
        if user is not None and not account_locked:
            _count_failure(user, now)
    db.session.flush()
    return None


def unlock(user: User) -> None:
    """Lift a lock after wrong passwords (an administrator's action, recorded in the audit trail)."""
    user.failed_logins, user.failed_logins_since, user.locked_until = 0, None, None
    audit.record(db.session, user, "unlocked")
