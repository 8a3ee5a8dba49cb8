"""Extension requests: asking for a due date to move later, and a chief officer's (or the board's)
decision on it.

Every route loads the record and then `require_force`: another force's request answers 404 before any
role check. Editors and chief officers ask; chief officers and administrators decide; viewers and the
PCC's approvers read the requests on the tracking page only.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.domain.formatting import govuk_date
from tracker.services import extensions as service
from tracker.services import tracking as tracking_service
from tracker.web.auth import require_force
from tracker.web.forms import as_choices, form_for
from tracker.web.saving import saving
from tracker.web.views.extension_forms import ExtensionDecisionForm, ExtensionRequestForm

bp = Blueprint("extensions", __name__)


def _extendable(tracking) -> list[tuple[str, str, object]]:
    """The tracking's dates an extension may be asked for, as (value, label, action or None): the
    recommendation's and each action's, while open and dated."""
    rec = tracking.recommendation
    items = []
    if tracking.due_on is not None and not tracking.status.is_closed:
        items.append(("recommendation", f"{rec.kind.label} {rec.ref}: due {govuk_date(tracking.due_on)}", None))
    for action in tracking.actions:
        if action.due_on is not None and not action.status.is_closed:
            items.append((f"action-{action.id}", f"Action: {action.title}: due {govuk_date(action.due_on)}", action))
    return items


@bp.route("/tracking/<int:tracking_id>/extensions/new", methods=["GET", "POST"])
@login_required
def new(tracking_id: int):
    """Record a request to move a due date of the recommendation or of one of its actions later."""
    tracking = tracking_service.get_tracking(tracking_id)
    if tracking is None:
        abort(404)
    require_force(tracking.force_id)
    if not service.may_request_extensions(current_user.role):
        abort(403)
    items = _extendable(tracking)
    form = ExtensionRequestForm()
    form.item.choices = as_choices([(value, label) for value, label, _action in items])
    if request.method == "GET":
        asked = request.args.get("item", "")
        form.item.data = asked if asked in {v for v, _l, _a in items} else (items[0][0] if len(items) == 1 else None)
    if items and form.validate_on_submit():
        action = {value: action for value, _label, action in items}[form.item.data]
        with saving(form) as attempt:
            service.request(tracking, current_user, action=action, new_due_on=form.new_due_on.data,
                            reason=form.reason.data, requested_by=form.requested_by.data)
        if attempt.ok:
            flash("Extension request recorded: a chief officer or the board decides it", "success")
            return redirect(url_for("tracking.show", tracking_id=tracking.id, _anchor="extensions"))
    return render_template("extensions/new.html", form=form, tracking=tracking, rec=tracking.recommendation,
                           items=items)


@bp.route("/extensions/<int:extension_id>/decide", methods=["GET", "POST"])
@login_required
def decide(extension_id: int):
    """Approve or refuse an extension request (chief officers and administrators)."""
    extension = service.get_request(extension_id)
    if extension is None:
        abort(404)
    require_force(extension.force_id)
    if not service.may_decide_extensions(current_user.role):
        abort(403)
    form = form_for(ExtensionDecisionForm, extension)
    closed = service.item_closed_since(extension)
    # An item closed since the request has no date left to move: only refusing is offered.
    form.decision.choices = as_choices(
        ([] if closed else [("approve", f"Approve: the due date becomes {govuk_date(extension.new_due_on)}")])
        + [("refuse", f"Refuse: the due date stays {govuk_date(extension.previous_due_on)}")])
    if request.method == "POST" and form.decided_by.data != "board":
        # The board's name and date sit under their radio, posted (and shown without JavaScript) whichever
        # is chosen: a decision in one's own name ignores them, half-typed or not.
        form.board.data, form.decided_on.data, form.decided_on.process_errors = "", None, []
    if form.validate_on_submit():
        by_board = form.decided_by.data == "board"
        with saving(form, record=extension) as attempt:
            service.decide(extension, current_user, form.version.data, approve=form.decision.data == "approve",
                           reason=form.decision_reason.data, today=date.today(),
                           board=(form.board.data or "") if by_board else None,
                           decided_on=form.decided_on.data if by_board else None)
        if attempt.ok:
            flash(f"Extension {extension.status.label.lower()}", "success")
            return redirect(url_for("tracking.show", tracking_id=extension.tracking_id, _anchor="extensions"))
    return render_template("extensions/decide.html", form=form, extension=extension, tracking=extension.tracking,
                           rec=extension.tracking.recommendation, closed=closed)
