"""Signing in and access: Flask-Login sessions, CSRF on every form, roles and per-force isolation.

A user sees and changes only the records of the forces they belong to. A record of another force
answers 404, the same as one that does not exist, so its existence is not disclosed.

Sessions: `start_session(user)` is the one way a person is signed in (the password form, and any
other sign-in, call it); `end_sessions(user)` ends every session of a user. A session carries the
user's session token, checked on every request: a new token (sign-out, a password reset, a change
of role or forces, deactivation) ends every session that holds the old one, even a copied cookie.
A session also ends after TRACKER_SESSION_IDLE_MINUTES without a request, and
TRACKER_SESSION_HOURS after it began, whatever happens in between.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from functools import wraps

from flask import abort, current_app, g, request, session
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from tracker.domain.statuses import Role
from tracker.models import User, utcnow
from tracker.services import save, set_actor
from tracker.services import users as user_service

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see this page"
login_manager.login_message_category = "info"
csrf = CSRFProtect()

# What a session carries beside Flask-Login's user id: the token, and when it began and was last used.
_TOKEN, _STARTED, _SEEN = "session_token", "session_started", "session_seen"
# The last-used time is written into the cookie at most this often, not on every request.
_SEEN_RESOLUTION = 60


def init_app(app) -> None:
    """Wire sessions, CSRF, the audit actor and the security headers into the app."""
    login_manager.init_app(app)
    csrf.init_app(app)
    app.before_request(_before_request)
    app.after_request(_security_headers)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The signed-in user, if this session is still theirs: the token matches, the account can sign
    in, and the session has neither lain idle too long nor outlived its lifetime. Otherwise the
    session is emptied and the request is signed out."""
    user = user_service.get_signed_in_user(int(user_id)) if user_id.isdigit() else None
    now = int(utcnow().timestamp())
    token, started, seen = session.get(_TOKEN), session.get(_STARTED), session.get(_SEEN)
    if (user is None or not user.active or not user.session_token or not isinstance(token, str)
            or not hmac.compare_digest(token, user.session_token)
            or not isinstance(started, int) or not isinstance(seen, int)
            or now - seen > _idle_limit().total_seconds() or now - started > _lifetime().total_seconds()):
        session.clear()
        return None
    if now - seen >= _SEEN_RESOLUTION:
        session[_SEEN] = now
    return user


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["TRACKER_SESSION_IDLE_MINUTES"])


def _lifetime() -> timedelta:
    return timedelta(hours=current_app.config["TRACKER_SESSION_HOURS"])


def start_session(user: User) -> None:
    """Sign the user in on this browser: a new session carrying the user's session token (made, and
    saved, if they have none). Anything the browser's old session held is dropped first."""
    if not user.session_token:
        user.session_token = user_service.new_session_token()
        save()
    session.clear()
    login_user(user)
    session.update(session_fields(user.session_token))


def session_fields(session_token: str) -> dict:
    """What a new session carries beside Flask-Login's own keys: the user's session token and the
    time it began (the tests sign in with these too)."""
    now = int(utcnow().timestamp())
    return {_TOKEN: session_token, _STARTED: now, _SEEN: now}


def end_sessions(user: User) -> None:
    """End every session of the user, on every browser (this one too, if it is theirs), and save."""
    user_service.end_sessions(user)
    save()
    if current_user.is_authenticated and current_user.id == user.id:
        logout_user()
        session.clear()


def keep_own_session(user: User) -> None:
    """After a change that ended the user's sessions (saved already): if the user is the one signed
    in here, their current session carries on with the new token."""
    if current_user.is_authenticated and current_user.id == user.id and user.active:
        session[_TOKEN] = user.session_token


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
    if current_app.config.get("SESSION_COOKIE_SECURE"):  # behind HTTPS (TRACKER_SECURE_COOKIES=1): HTTPS only, a year
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
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
