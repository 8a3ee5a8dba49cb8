"""Owners' update links: the owner's page (no sign-in: the emailed link is the key), and the editors'
buttons on the tracking page that send a link now or revoke one.

The owner's page reaches exactly one action, the one its link was made for; its address names the
action too, and a link used at another action's address is refused. Every refusal shows the same
page, which says nothing of why (the audit trail does, under the link's id). Its answers are never
cached, and carry `Referrer-Policy: no-referrer`, so the token in the address is not sent on to
anywhere the page links to or loads from.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.domain.owner_links import Refusal
from tracker.domain.statuses import ActionStatus
from tracker.services import evidence as evidence_service
from tracker.services import owner_links as service
from tracker.services import rollback, save, write_transactions
from tracker.web.forms import OwnerLinkForm, OwnerUpdateForm
from tracker.web.saving import saving
from tracker.web.uploads import status_of, takes_files
from tracker.web.views._helpers import own_action, require_editor

bp = Blueprint("owner_links", __name__)


@bp.after_request
def _keep_the_token_private(response):
    """No page of a link is stored, indexed, or names its address to another."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/owner-update/<int:action_id>/<link_token>", methods=["GET", "POST"])
@takes_files
def update(action_id: int, link_token: str):
    """The owner's page: give a progress update with evidence, and say whether the action is implemented."""
    with write_transactions():
        rollback()  # begin again as a transaction that writes: even opening the page is recorded
        opened = service.open_link(link_token, action_id, current_app.secret_key)
        if opened.refusal is Refusal.USED and request.method == "GET":
            service.record_use(opened, "opened")
            save()
            return render_template("owner_links/received.html", title="Your update has been sent", link=opened.link)
        if not opened.works:
            service.record_use(opened, "opened" if request.method == "GET" else "update sent", address_action_id=action_id)
            save()
            return render_template("owner_links/refused.html", title="This link does not work"), 404
        link = opened.link
        action = service.page_of(link)
        form = OwnerUpdateForm()
        if ActionStatus(action.status).is_closed:
            del form.implemented  # complete or cancelled already: nothing to mark
        if form.validate_on_submit():
            with saving(form) as attempt:
                files = [(upload.filename, upload.read()) for upload in form.files.data or [] if upload and upload.filename]
                implemented = form.implemented is not None and form.implemented.data == "yes"
                service.send_update(link, form.text.data, implemented, files,
                                    current_app.config["TRACKER_EVIDENCE_DIR"], date.today())
            evidence_service.discard_unrecorded()  # a refused save leaves none of its files behind
            if attempt.ok:
                return redirect(url_for(".update", action_id=action_id, link_token=link_token))
        service.record_use(opened, "opened" if request.method == "GET" else "update not saved")  # its errors shown
        save()
        return render_template("owner_links/update.html", title="Give an update on your action", form=form,
                               action=action, link=link), status_of(form)


@bp.post("/actions/<int:action_id>/owner-links")
@login_required
def send(action_id: int):
    """An editor emails the action's owner a link now (it replaces any link the owner still holds). The
    link is built on the address the editor is using."""
    action = own_action(action_id)
    require_editor()
    if not OwnerLinkForm().validate_on_submit():
        abort(400)
    with saving() as attempt:
        pending = service.by_hand(action, current_user, current_app.secret_key, request.url_root,
                                  days=current_app.config["TRACKER_OWNER_LINK_DAYS"])
    if attempt.ok:
        report = service.deliver([pending], current_app.config)
        if report.sent:
            flash(f"A link to give an update was sent to {pending.message.recipient}", "success")
        else:
            current_app.logger.warning("owner link %s not sent: %s", pending.link_id, "; ".join(report.errors))
            flash("The email could not be sent, so the link was revoked. Try again later, or tell an administrator "
                  "if it keeps happening.", "error")
    return redirect(url_for("tracking.show", tracking_id=action.tracking_id) + f"#action-{action.id}")


@bp.post("/actions/<int:action_id>/owner-links/<int:link_id>/revoke")
@login_required
def revoke(action_id: int, link_id: int):
    """An editor revokes a link that still works: it opens nothing from now on."""
    action = own_action(action_id)
    require_editor()
    link = service.link_of(action, link_id)
    if link is None:
        abort(404)
    if not OwnerLinkForm().validate_on_submit():
        abort(400)
    with saving() as attempt:
        service.revoke_by_editor(link, current_user)
    if attempt.ok:
        flash(f"The link sent to {link.recipient} was revoked: it no longer works", "success")
    return redirect(url_for("tracking.show", tracking_id=action.tracking_id) + f"#action-{action.id}")
