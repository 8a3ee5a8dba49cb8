"""Signing in and access: Flask-Login sessions, CSRF on every form, roles and per-force isolation.

A user sees and changes only the records of the forces they belong to. A record of another force
answers 404, the same as one that does not exist, so its existence is not disclosed.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import wraps

from flask import abort, g, request, session
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from tracker.domain.statuses import Role
from tracker.models import User, utcnow
from tracker.services import set_actor
from tracker.services import users as user_service

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see this page"
login_manager.login_message_category = "info"
csrf = CSRFProtect()

# Wrong passwords: each failure past the first few is slowed, and then the account is locked.
FAILURES_BEFORE_LOCK = 5
LOCK_FOR = timedelta(minutes=15)


def init_app(app) -> None:
    """Wire sessions, CSRF, the audit actor and the security headers into the app."""
    login_manager.init_app(app)
    csrf.init_app(app)
    app.before_request(_before_request)
    app.after_request(_security_headers)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """Load the signed-in user for Flask-Login, with the forces every page names (one query)."""
    return user_service.get_signed_in_user(int(user_id))


def _before_request() -> None:
    """Name the acting user for the audit trail, and make a nonce for the page's one inline script."""
    g.csp_nonce = secrets.token_urlsafe(16)
    set_actor(current_user.id if current_user.is_authenticated else None)


def _security_headers(response):
    """Headers every response carries: no framing, no sniffing, scripts only from us."""
    nonce = g.get("csp_nonce", "")
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # Signed-in pages are never stored by browsers or proxies. Read from the session cookie, not the
    # user record: after a commit that would load the record again just to say so.
    if not request.path.startswith("/static/") and session.get("_user_id"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def act_as(user: User | None) -> None:
    """Make `user` the request's current_user (None: nobody), whatever the session cookie says.

    For requests that authenticate otherwise than by the cookie (the data API's tokens): Flask-Login
    keeps the request's user in g._login_user, which current_user reads.
    """
    g._login_user = user if user is not None else login_manager.anonymous_user()


def user_force_ids(user=None) -> list[int]:
    """The ids of the forces the user belongs to."""
    user = user or current_user
    if not user or not user.is_authenticated:
        return []
    return [force.id for force in user.forces]


def require_force(force_id: int) -> None:
    """Answer 404 unless the signed-in user belongs to this force."""
    if force_id not in user_force_ids():
        abort(404)


def can_edit(user=None) -> bool:
    """Admins and editors change records."""
    user = user or current_user
    return bool(user and user.is_authenticated and user.role.can_edit)


def roles_required(*roles: Role):
    """Decorator: only these roles may use the view (others get 403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


editor_required = roles_required(*(role for role in Role if role.can_edit))
admin_required = roles_required(*(role for role in Role if role.is_admin))


def register_failed_sign_in(user: User) -> None:
    """Count a wrong password in the database (so it holds across workers); lock after too many."""
    user.failed_logins += 1
    if user.failed_logins >= FAILURES_BEFORE_LOCK:
        user.locked_until = utcnow() + LOCK_FOR


def is_locked(user: User) -> bool:
    """True while the account is locked after repeated wrong passwords."""
    return user.locked_until is not None and user.locked_until > utcnow()


def register_sign_in(user: User) -> None:
    """A right password clears the count of failures."""
    user.failed_logins = 0
    user.locked_until = None
