"""Personal access tokens for the data API: each user makes, sees and revokes their own."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from tracker.models import utcnow
from tracker.services import tokens as service
from tracker.web.forms import TrackerForm, as_choices
from tracker.web.saving import saving

bp = Blueprint("tokens", __name__)


class TokenForm(TrackerForm):
    """A new token: what it is for and how long it lasts."""

    name = StringField("Name", widget=GovTextInput(), description="What the token is for, like ‘Power BI board report’",
                       validators=[InputRequired("Enter a name for the token"),
                                   Length(max=service.NAME_LENGTH, message="The name must be 100 characters or fewer")])
    expires = RadioField("Expires after", widget=GovRadioInput(), choices=as_choices(service.LIFETIMES.items()), default="90",
                         validators=[InputRequired("Select when the token expires")])
    submit = SubmitField("Create token", widget=GovSubmitInput())


class RevokeForm(TrackerForm):
    """Revoke one token (a button only)."""

    submit = SubmitField("Revoke", widget=GovSubmitInput())


@bp.route("/settings/api-tokens", methods=["GET", "POST"])
@login_required
def index():
    """The user's tokens, and the form that makes one; a new token's secret is shown once, here."""
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        with saving(form) as attempt:
            token, secret = service.create_token(current_user, form.name.data, int(form.expires.data))
        if attempt.ok:
            flash(f"Token ‘{token.name}’ created. Copy it now: you will not be able to see it again.", "success")
            form = TokenForm(formdata=None)
        else:
            secret = None
    return render_template("tokens/index.html", form=form, secret=secret, tokens=service.tokens_of(current_user.id),
                           revoke_form=RevokeForm(), now=utcnow())


@bp.post("/settings/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of the user's own tokens (another user's answers 404)."""
    token = service.token_of(current_user.id, token_id) or abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        with saving(form) as attempt:
            service.revoke_token(token)
        if attempt.ok:
            flash(f"Token ‘{token.name}’ revoked. Anything using it can no longer read tracker.", "success")
    return redirect(url_for("tokens.index"))
