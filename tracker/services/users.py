"""Users: creation and passwords (hashed with Argon2id)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from tracker.db import audit, db
from tracker.domain import access
from tracker.domain.statuses import Role
from tracker.models import Force, User
from tracker.services import MAX_ID, DomainError, get_by_id

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return _hasher.hash(password)


def password_hasher() -> PasswordHasher:
    """The Argon2id hasher every password is hashed and checked with."""
    return _hasher


def hash_matches(password_hash: str, password: str) -> bool:
    """Check a password against a hash (in constant time)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_matches(user: User, password: str) -> bool:
    """Check a password against the user's hash (in constant time)."""
    return hash_matches(user.password_hash, password)


def new_session_token() -> str:
    """A fresh secret for a user's sessions."""
    return secrets.token_urlsafe(32)


def end_sessions(user: User) -> None:
    """End every session of the user: each carries the old token, which no longer matches."""
    user.session_token = new_session_token()


def get_user_by_email(email: str) -> User | None:
    """Return the user with this email address (compared without case), or None."""
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))


def held_force_ids(user: User) -> set[int]:
    """The forces within a person's reach: their own, or every force for a service administrator."""
    if user.role is Role.SERVICE_ADMIN:
        return set(db.session.scalars(sa.select(Force.id)))
    return {force.id for force in user.forces}


def may_manage(actor: User, user: User) -> bool:
    """Whether the administrator may see, change, reset or unlock this user."""
    return access.may_manage_user(actor.role, held_force_ids(actor), user.role, [f.id for f in user.forces])


def check_grant(actor: User | None, role: Role, forces: list[Force], current_role: Role | None = None) -> None:
    """Refuse a role or forces the acting administrator may not give (None: the command line, which may)."""
    if actor is None:
        return
    refusal = access.grant_refusal(actor.role, held_force_ids(actor), Role(role), [f.id for f in forces], current_role)
    if refusal:
        raise DomainError(refusal, field="role" if "administrator" in refusal else "forces")


def create_user(email: str, name: str, role: Role, forces: list[Force], password: str, *,
                by: User | None = None) -> User:
    """Create a user; refuse a taken email address, a short password, or a reach the creator lacks.

    `by` is the administrator creating the user on the users page; the command line passes None.
    A service administrator belongs to every force.
    """
    check_grant(by, role, forces)
    if Role(role) is Role.SERVICE_ADMIN:
        forces = list(db.session.scalars(sa.select(Force).order_by(Force.name)))
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


def list_users(actor: User) -> list[User]:
    """The users this administrator manages (those whose forces are all within their reach), by name."""
    users = db.session.scalars(sa.select(User).options(selectinload(User.forces)).order_by(User.name, User.email))
    held = held_force_ids(actor)
    return [u for u in users if access.may_manage_user(actor.role, held, u.role, [f.id for f in u.forces])]


def update_user(user: User, *, name: str, role: Role, forces: list[Force], active: bool, by: User | None = None) -> None:
    """Change a user's name, role, forces and whether they may sign in (within `by`'s reach)."""
    if not name.strip():
        raise DomainError("Enter the person's name", field="name")
    if not forces:
        raise DomainError("Select at least one force", field="forces")
    check_grant(by, role, forces, current_role=user.role)
    if Role(role) is Role.SERVICE_ADMIN:
        forces = list(db.session.scalars(sa.select(Force).order_by(Force.name)))
    reach_changed = (Role(role) is not user.role or {f.id for f in forces} != {f.id for f in user.forces}
                     or (user.active and not active))
    user.name, user.role, user.forces, user.active = name.strip(), Role(role), list(forces), active
    if reach_changed:  # sessions begun with the old role or forces end
        end_sessions(user)


def set_password(user: User, password: str) -> None:
    """Give a user a new password, lift any lock, and end every session that used the old one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more", field="password")
    user.password_hash = hash_password(password)
    user.failed_logins, user.failed_logins_since, user.locked_until = 0, None, None
    end_sessions(user)


# --- organisation accounts (OpenID Connect) ---------------------------------------------------------

# The password hash of a user made by their organisation's account: no password matches it.
NO_PASSWORD = "!no-password: signs in with the organisation's account"


def forces_by_slugs(slugs: tuple[str, ...] | list[str], every: bool = False) -> list[Force]:
    """The forces with these slugs (or every force), by name; slugs naming no force are left out."""
    query = sa.select(Force).order_by(Force.name)
    if not every:
        query = query.where(Force.slug.in_(list(slugs)))
    return list(db.session.scalars(query))


class AccountNotLinked(Exception):
    """An organisation's account that may not take over the tracker account holding its email address.

    The refusal is already in the audit trail (unsaved): the caller saves, then tells the person why.
    """

    def __init__(self, reason: str, user: User):
        super().__init__(reason)
        self.reason, self.user = reason, user


# Why an organisation's account is not linked to the tracker account with its email address.
LINKED_ELSEWHERE = "linked_elsewhere"
EMAIL_NOT_VERIFIED = "email_not_verified"
_REFUSED_BECAUSE = {
    LINKED_ELSEWHERE: "already linked to another organisation account",
    EMAIL_NOT_VERIFIED: "the identity provider did not say the email address is verified",
}


def user_for_account(issuer: str, subject: str, email: str, *, email_verified: bool) -> User | None:
    """The user of an organisation's account: the one linked to its issuer and subject, else the one
    holding its email address (whose account it then becomes), else None (a new user).

    OpenID Connect Core 1.0 (section 5.7) says the issuer and subject "are the only Claims that an RP
    can rely upon as a stable identifier for the End-User", so an email address links an account
    only when nothing else can go wrong: the tracker account is linked to no organisation account
    yet (one linked to another is never moved to a second identity), and the identity provider has
    verified the address (`email_verified`, see tracker.web.oidc). Otherwise AccountNotLinked, with
    the refusal recorded against the tracker account in the audit trail.
    """
    user = db.session.scalar(sa.select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject))
    if user is not None:
        return user
    holder = get_user_by_email(email) if email else None
    if holder is None:
        return None
    if holder.oidc_issuer is not None or holder.oidc_subject is not None:
        reason = LINKED_ELSEWHERE
    elif not email_verified:
        reason = EMAIL_NOT_VERIFIED
    else:
        return holder
    audit.record(db.session, holder, "organisation sign-in refused", {
        "refused": [None, _REFUSED_BECAUSE[reason]], "oidc_issuer": [None, issuer], "oidc_subject": [None, subject]})
    db.session.flush()
    raise AccountNotLinked(reason, holder)


def unlink_account(user: User) -> None:
    """Unlink the user from their organisation account (its issuer and subject; the audit trail keeps
    which it was) and end their sessions. The next organisation account to sign in with the user's
    email address may link to it again, on the terms of user_for_account."""
    if user.oidc_issuer is None and user.oidc_subject is None:
        return
    user.oidc_issuer, user.oidc_subject = None, None
    end_sessions(user)


def sign_in_account(user: User | None, *, issuer: str, subject: str, email: str, name: str, role: Role,
                    forces: list[Force]) -> User:
    """Make the user of an organisation's account, or bring theirs up to date: the identity provider
    decides the role and forces at every sign-in."""
    if not forces:
        raise DomainError("The account gives no force", field="forces")
    name = (name or "").strip() or email
    if user is not None and user.oidc_subject is not None and (user.oidc_issuer, user.oidc_subject) != (issuer, subject):
        raise DomainError("That tracker account is linked to another organisation account")
    if user is None:
        made = _make_account_user(issuer=issuer, subject=subject, email=email, name=name, role=role, forces=forces)
        if made is not None:
            return made
        user = _made_meanwhile(issuer, subject, email)
    if user.role != role or {f.id for f in user.forces} != {f.id for f in forces}:
        end_sessions(user)  # sessions begun with the old role or forces end
    if user.role != role:
        user.role = role
    if {f.id for f in user.forces} != {f.id for f in forces}:
        user.forces = list(forces)
    if user.name != name[:200]:
        user.name = name[:200]
    if user.oidc_issuer != issuer or user.oidc_subject != subject:
        user.oidc_issuer, user.oidc_subject = issuer, subject
    db.session.flush()
    return user


def _made_meanwhile(issuer: str, subject: str, email: str) -> User:
    """The user another sign-in made between user_for_account's look and our write (two browsers, or a
    double click, at the first sign-in): this account's, to sign in to; or AccountNotLinked if it is a
    second account with the same address, which is never made."""
    user = db.session.scalar(sa.select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject))
    if user is not None:
        return user
    holder = get_user_by_email(email)
    if holder is None:  # the other write went back: nothing to sign in to yet
        raise DomainError("Sign in again: another sign-in with this account did not finish")
    raise AccountNotLinked(LINKED_ELSEWHERE, holder)


def _make_account_user(*, issuer: str, subject: str, email: str, name: str, role: Role,
                       forces: list[Force]) -> User | None:
    """The new user of an organisation's account, written in a savepoint; None if the database refuses
    it (another user holds its address or its account, made since we looked), the rest of the
    transaction as it was."""
    user = User(email=email.strip().lower(), name=name[:200], role=role, forces=list(forces),
                password_hash=NO_PASSWORD, oidc_issuer=issuer, oidc_subject=subject)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        return None
    return user
