"""Signing in and out."""

from __future__ import annotations

import re
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import InputRequired

from tracker.services import save
from tracker.services import users as user_service
from tracker.web.auth import is_locked, register_failed_sign_in, register_sign_in

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def sign_in_delay(failed_logins: int) -> float:
    """Seconds to wait before answering a wrong password: doubling from the second failure, at most 4."""
    if failed_logins < 2:
        return 0.0
    return min(4.0, 0.25 * 2 ** (failed_logins - 2))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with an email address and password; slowed and then locked after wrong passwords."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = user_service.get_user_by_email(form.email.data)
        if user is not None and is_locked(user):
            form.password.errors.append(
                "This account is locked for 15 minutes after too many wrong passwords. Try again later."
            )
        elif user is None or not user.active or not user_service.password_matches(user, form.password.data):
            if user is not None:
                register_failed_sign_in(user)
                save()
                time.sleep(sign_in_delay(user.failed_logins) * current_app.config.get("TRACKER_SIGN_IN_DELAY_SCALE", 1))
            form.email.errors.append("Enter a correct email address and password")
        else:
            register_sign_in(user)
            save()
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form)


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
    """Sign out (a POST with its CSRF token, so no other site can sign a user out)."""
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))
