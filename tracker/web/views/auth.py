"""Signing in and out."""

from __future__ import annotations

import re

import requests
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from joserfc.errors import JoseError
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import InputRequired

from tracker.services import DomainError, save
from tracker.services import sign_in as sign_in_service
from tracker.services import users as user_service
from tracker.web import oidc
from tracker.web.auth import end_sessions, start_session
from tracker.web.forms import TrackerForm

bp = Blueprint("auth", __name__)


class SignInForm(TrackerForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


# One answer for every failure: a wrong password, an unknown or deactivated account, a lock, a
# paused address. Which one it was is not told.
FAILED = ("Enter a correct email address and password. After repeated wrong passwords, signing in "
          "is paused for 15 minutes.")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with an email address and password (see tracker.services.sign_in for the limits)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    if not oidc.local_sign_in():
        if request.method == "POST":
            abort(403)
        return render_template("auth/sign_in.html", form=None, organisation=oidc.enabled())
    form = SignInForm()
    if form.validate_on_submit():
        user = sign_in_service.attempt(form.email.data, form.password.data, request.remote_addr or "")
        save()
        if user is not None:
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
        form.email.errors.append(FAILED)
    return render_template("auth/sign_in.html", form=form, organisation=oidc.enabled())


# A path on this site: a slash, then only the characters an address's path and query are written
# in. No whitespace or control characters (browsers drop a tab or newline, so "/\t/evil" becomes
# "//evil"), no backslash (read as a slash), nothing outside ASCII.
_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*")


def safe_next(target: str | None) -> str:
    """The 'next' address to go to after signing in, if it is a path on this site; else the home page."""
    if target and _LOCAL_PATH.fullmatch(target):
        return target
    return url_for("main.index")


@bp.post("/sign-out")
@login_required
def sign_out():
    """Sign out everywhere: every session of the user ends, including any copy of this one's cookie
    (a POST with its CSRF token, so no other site can sign a user out)."""
    end_sessions(current_user._get_current_object())
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


# --- the organisation's account (OpenID Connect) -------------------------------------------------------

REFUSALS = {
    "incomplete": "The sign-in with your organisation's account did not complete. Go back to the sign-in page "
                  "and try again.",
    "tenant": "Your account belongs to an organisation that does not use this tracker.",
    "identity": "Your organisation's account did not say who you are (no email address).",
    "no_role": "Your organisation's account does not give you a role in tracker or a force to work on. "
               "Ask whoever manages access to tracker in your organisation to add you to its tracker groups.",
    "inactive": "Your tracker account is switched off. Ask a tracker administrator to switch it on.",
    user_service.LINKED_ELSEWHERE:
        "The tracker account with your email address is linked to a different organisation account. "
        "Ask a tracker administrator to check which organisation account should sign in to it.",
    user_service.EMAIL_NOT_VERIFIED:
        "A tracker account with your email address already exists, but your organisation's account did not "
        "confirm that the email address is verified, so it cannot sign in to that account. "
        "Ask a tracker administrator for help.",
}


def _refuse(reason: str, status: int = 403):
    """The page that says why the account cannot sign in (nothing is made or changed)."""
    return render_template("auth/refused.html", message=REFUSALS[reason]), status


@bp.get("/sign-in/organisation")
def organisation_sign_in():
    """Send the browser to the organisation's identity provider, with a fresh state, nonce and PKCE challenge."""
    if not oidc.enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    session["sign_in_next"] = safe_next(request.args.get("next"))
    return oidc.client().authorize_redirect(url_for("auth.organisation_callback", _external=True))


@bp.get("/sign-in/organisation/callback")
def organisation_callback():
    """Where the identity provider sends the browser back: check everything, then sign in (making the
    user at their first sign-in, or bringing their role and forces up to date)."""
    if not oidc.enabled():
        abort(404)
    try:
        token = oidc.client().authorize_access_token()
    except (oidc.OAuthError, JoseError, requests.RequestException, ValueError, KeyError) as error:
        current_app.logger.warning("Organisation sign-in refused: %s", error)
        return _refuse("incomplete", 400)
    account = oidc.read_account(token)
    tenant = current_app.config.get("TRACKER_OIDC_TENANT")
    if tenant and account.tenant != tenant:
        return _refuse("tenant")
    if not account.subject:
        return _refuse("identity")
    forces = user_service.forces_by_slugs(account.grant.forces, account.grant.every_force) if account.grant else []
    if not forces:
        current_app.logger.info("Organisation sign-in refused: no role or force for %s", account.email)
        return _refuse("no_role")
    try:
        user = user_service.user_for_account(account.issuer, account.subject, account.email,
                                             email_verified=account.email_verified)
        if user is None and not account.email:  # a new user needs an email address
            return _refuse("identity")
        if user is not None and not user.active:
            return _refuse("inactive")
        user = user_service.sign_in_account(user, issuer=account.issuer, subject=account.subject,
                                            email=account.email, name=account.name, role=account.grant.role,
                                            forces=forces)
    except user_service.AccountNotLinked as refusal:
        save()  # the refusal, in the audit trail
        current_app.logger.warning("Organisation sign-in refused (%s): %s %s for the account of %s",
                                   refusal.reason, account.issuer, account.subject, refusal.user.email)
        return _refuse(refusal.reason)
    except DomainError:
        current_app.logger.warning("Organisation sign-in not finished: %s %s", account.issuer, account.subject)
        return _refuse("incomplete", 409)
    if not user.active:  # made or switched off by another sign-in since the look
        return _refuse("inactive")
    save()
    target = safe_next(session.pop("sign_in_next", None))
    start_session(user)
    return redirect(target)
