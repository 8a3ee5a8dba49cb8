"""One force's tracking of a recommendation: the page, its edit form, actions, progress updates,
evidence files and the History tabs.

Every route loads the record and then `require_force`: another force's record answers 404 before
any role check, so its existence is never disclosed. Viewers change nothing (403); reviewers edit
only the chief constable's comment and sign actions off; editors and administrators change the rest.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from tracker.documents.response import ANSWER_HEADINGS
from tracker.domain.clocks import Source
from tracker.domain.deadlines import due_state, rag_rating
from tracker.domain.forecast import percent_complete, percent_source
from tracker.domain.formatting import label
from tracker.domain.owner_links import action_stage
from tracker.domain.statuses import ActionStatus, HmicfrsView, TrackingStatus, sign_off_refusal
from tracker.services import evidence as evidence_service
from tracker.services import extensions as extension_service
from tracker.services import history as history_service
from tracker.services import owner_links as owner_link_service
from tracker.services import tracking as service
from tracker.services import tracking_page_reach
from tracker.web.auth import can_edit, require_force
from tracker.web.caching import csrf_slot, remember_within, with_csrf
from tracker.web.forms import (
    ActionForm,
    ChiefCommentForm,
    EditActionForm,
    ProgressUpdateForm,
    SignOffForm,
    TrackingForm,
    UndoSignOffForm,
    form_for,
)
from tracker.web.saving import saving
from tracker.web.uploads import status_of, takes_files
from tracker.web.views._helpers import is_reviewer, own_action, require_editor
from tracker.web.views.extension_forms import ForecastForm

bp = Blueprint("tracking", __name__)


def _tracking(tracking_id: int, for_page: bool = False):
    """The tracking row, if it belongs to one of the user's forces; else 404."""
    tracking = service.get_tracking_page(tracking_id) if for_page else service.get_tracking(tracking_id)
    if tracking is None:
        abort(404)
    require_force(tracking.force_id)
    return tracking


_action = own_action  # the action, if it belongs to one of the user's forces; else 404



def may_forecast() -> bool:
    """The owner's forecast is set by the force's editors and its chief officers (who lead the work)."""
    return can_edit() or current_user.role.can_sign_off


@bp.get("/tracking/<int:tracking_id>")
@login_required
def show(tracking_id: int):
    """The tracking page: status, dates, RAG and forecast, comments, closure keys, extension requests,
    actions and their updates. Its content is drawn once for every user of the force with the same
    role, until something it shows changes (the tracking, what hangs from it, the force's other
    records, the shared data), the day ends or an owner's link in it expires."""
    tracking = _tracking(tracking_id)
    page = remember_within(
        "tracking-page", tracking_page_reach(tracking.force_id, tracking.id),
        (tracking.id, current_user.role.value, date.today()),
        lambda: _page_parts(service.get_tracking_page(tracking.id) or abort(404), csrf_slot()),  # gone meanwhile
        until=lambda parts: parts["expires_at"])
    return render_template("_cached_page.html", page={**page, "body": with_csrf(page["body"])})


def _show(tracking, forecast_form: ForecastForm, status: int = 200):
    """Draw the tracking page with the forecast form as posted, when it was refused (not cached)."""
    page = _page_parts(tracking, generate_csrf(), forecast_form)
    return render_template("_cached_page.html", page=page, form=forecast_form), status


def _relied_on_for(tracking):
    """Whether a publication relied on an action's sign-off, with the last publication read once for
    every action of the page."""
    if not current_user.role.can_sign_off:  # only those who may undo a sign-off are asked
        return lambda action: False
    last = service.last_publication(tracking.force_id, tracking.inspection_id)
    return lambda action: service.relied_on(action, last)


def _page_parts(tracking, csrf: str, forecast_form: ForecastForm | None = None) -> dict:
    """The tracking page's title, breadcrumbs and content (each form's CSRF token `csrf`), and when
    the first owner's link it shows expires."""
    today = date.today()
    if forecast_form is None:
        forecast_form = ForecastForm(formdata=None, obj=tracking)
    by_hand = tracking.percent_complete is not None
    percent = tracking.percent_complete if by_hand else percent_complete(
        None if a.status is ActionStatus.CANCELLED else a.status is ActionStatus.COMPLETE for a in tracking.actions)
    rec, inspection = tracking.recommendation, tracking.recommendation.inspection
    owner_links = owner_link_service.working_links([a.id for a in tracking.actions])
    body = render_template(
        "tracking/_page.html", tracking=tracking, rec=rec, inspection=inspection, today=today,
        current_rag=rag_rating(due_state(tracking.due_on, tracking.closed_on, today)),
        can_edit=can_edit(), is_reviewer=is_reviewer(),
        can_sign_off=current_user.role.can_sign_off, csrf_token=lambda: csrf,
        sign_off_refusal=sign_off_refusal, published_since_sign_off=_relied_on_for(tracking),
        form=forecast_form, may_forecast=may_forecast(), percent=percent,
        percent_source=percent_source(percent, by_hand),
        may_request=extension_service.may_request_extensions(current_user.role),
        may_decide=extension_service.may_decide_extensions(current_user.role),
        owner_links=owner_links, action_stage=action_stage,
        # The answer's name in the document the source calls for (an s.55 response's explanation).
        answer_heading=("The PCC's explanation (s.55(5B))" if inspection.source is Source.HMICFRS
                        else ANSWER_HEADINGS[Source(inspection.source)]),
    )
    breadcrumbs = render_template("_breadcrumbs.html", items=[
        {"text": "Inspections", "href": url_for("inspections.index")},
        {"text": inspection.title, "href": url_for("inspections.show", slug=inspection.slug) + f"#rec-{rec.id}"}])
    return {"title": f"{label(rec.kind)} {rec.ref}: {tracking.force.name}", "breadcrumbs": Markup(breadcrumbs),
            "body": Markup(body),
            "expires_at": min((link.expires_at for links in owner_links.values() for link in links), default=None)}


@bp.post("/tracking/<int:tracking_id>/forecast")
@login_required
def forecast(tracking_id: int):
    """Set the owner's forecast (on track, at risk, off track) from the tracking page."""
    tracking = _tracking(tracking_id)
    if not may_forecast():
        abort(403)
    form = ForecastForm()
    if form.validate_on_submit():
        with saving(form, record=tracking) as attempt:
            service.set_forecast(tracking, form.version.data, form.rating())
        if attempt.ok:
            flash("Forecast saved", "success")
            return redirect(url_for(".show", tracking_id=tracking.id, _anchor="forecast"))
    return _show(service.get_tracking_page(tracking.id) or abort(404), form)


@bp.route("/tracking/<int:tracking_id>/edit", methods=["GET", "POST"])
@login_required
def edit(tracking_id: int):
    """Edit the tracking (editors), or only the chief constable's comment (reviewers)."""
    tracking = _tracking(tracking_id)
    if not (can_edit() or is_reviewer()):
        abort(403)
    reviewer_only = not can_edit()
    conflict = False
    form = form_for(ChiefCommentForm if reviewer_only else TrackingForm, tracking)
    for_information = tracking.status is TrackingStatus.FOR_INFORMATION
    if for_information and not reviewer_only:
        del form.status, form.no_action_reason  # follows from the addressee: not set here
    if tracking.due_on is not None and not reviewer_only:
        del form.target_date  # a date in force moves only through an extension request
    if form.validate_on_submit():
        with saving(form, record=tracking) as attempt:
            if reviewer_only:
                service.update_tracking(tracking, form.version.data, date.today(), target_date=tracking.target_date,
                                        chief_comment=form.chief_comment.data or "",
                                        chief_comment_not_for_publication=bool(form.chief_comment_not_for_publication.data))
            else:
                service.update_tracking(
                    tracking, form.version.data, date.today(),
                    status=None if for_information else TrackingStatus(form.status.data),
                    no_action_reason=None if for_information else form.no_action_reason.data,
                    target_date=form.target_date.data if "target_date" in form else tracking.target_date,
                    lead_officer=form.lead_officer.data or "", rag_forecast=form.rag_forecast.data or None,
                    blocked_by=form.blocked_by.data or "", percent_complete=form.percent_complete.data,
                    chief_comment_not_for_publication=bool(form.chief_comment_not_for_publication.data),
                    implemented_on=form.implemented_on.data, verified_on=form.verified_on.data,
                    hmicfrs_view=HmicfrsView(form.hmicfrs_view.data or HmicfrsView.NOT_KNOWN.value),
                    hmicfrs_view_on=form.hmicfrs_view_on.data,
                )
                service.record_verification(tracking, current_user)
        conflict = attempt.conflict
        if attempt.ok:
            flash("Tracking saved", "success")
            return redirect(url_for(".show", tracking_id=tracking.id))
    return render_template("tracking/edit.html", form=form, tracking=tracking, rec=tracking.recommendation,
                           reviewer_only=reviewer_only, conflict=conflict)


def _action_fields(form: ActionForm, action=None) -> dict:
    """The action's plain fields from the form (its due date from the action, once set: not on the form)."""
    return {"title": form.title.data, "owner": form.owner.data or "", "owner_email": form.owner_email.data or "",
            "due_on": form.due_on.data if "due_on" in form else action.due_on,
            "evidence": form.evidence.data or "", "not_for_publication": bool(form.not_for_publication.data)}


@bp.route("/tracking/<int:tracking_id>/actions/new", methods=["GET", "POST"])
@login_required
def new_action(tracking_id: int):
    """Add an action against a recommendation for this force."""
    tracking = _tracking(tracking_id)
    require_editor()
    form = ActionForm()
    if form.validate_on_submit():
        with saving(form) as attempt:
            fields = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in _action_fields(form).items()}
            status = ActionStatus(form.status.data)
            completed_on = form.completed_on.data or (date.today() if status.is_closed else None)
            action = service.add_action(tracking, fields.pop("title"), status=status, completed_on=completed_on, **fields)
        if attempt.ok:
            flash(f"Action added: {action.title}", "success")
            return redirect(url_for(".show", tracking_id=tracking.id) + f"#action-{action.id}")
    return render_template("tracking/action_form.html", form=form, tracking=tracking, action=None)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(action_id: int):
    """Edit an action (refused if someone else saved it meanwhile)."""
    action = _action(action_id)
    require_editor()
    form = form_for(EditActionForm, action)
    if action.due_on is not None:
        del form.due_on  # a date in force moves only through an extension request
    if form.validate_on_submit():
        with saving(form, record=action) as attempt:
            service.update_action(action, form.version.data, date.today(), status=form.status.data,
                                  completed_on=form.completed_on.data, **_action_fields(form, action))
        if attempt.ok:
            flash(f"Action saved: {action.title}", "success")
            return redirect(url_for(".show", tracking_id=action.tracking_id) + f"#action-{action.id}")
    return render_template("tracking/action_form.html", form=form, tracking=action.tracking, action=action)


@bp.route("/actions/<int:action_id>/sign-off", methods=["GET", "POST"])
@login_required
def sign_off(action_id: int):
    """Confirm a sign-off: the action's evidence and last update, an optional note, then sign it off (chief officers)."""
    action = _action(action_id)
    if not current_user.role.can_sign_off:
        abort(403)
    form = SignOffForm()
    if request.method == "GET":
        form.version.data = action.version
    refusal = sign_off_refusal(action.status, action.evidence, bool(action.updates)) if not action.signed_off_at else None
    if form.validate_on_submit():
        with saving(form, record=action) as attempt:
            service.sign_off_action(action, current_user, date.today(), form.version.data, note=form.note.data)
        if attempt.ok:
            flash(f"Action signed off as complete: {action.title}", "success")
            return redirect(url_for(".show", tracking_id=action.tracking_id) + f"#action-{action.id}")
    return render_template("tracking/sign_off.html", form=form, action=action, tracking=action.tracking,
                           last_update=action.updates[0] if action.updates else None, refusal=refusal)


@bp.post("/actions/<int:action_id>/sign-off/undo")
@login_required
def undo_sign_off(action_id: int):
    """A chief officer takes a sign-off back, until the response has been published since."""
    action = _action(action_id)
    if not current_user.role.can_sign_off:
        abort(403)
    form = UndoSignOffForm()
    if not form.validate_on_submit():
        abort(400)
    with saving() as attempt:
        service.undo_sign_off(action, current_user, form.version.data)
    if attempt.ok:
        flash(f"Sign-off undone: {action.title}", "success")
    return redirect(url_for(".show", tracking_id=action.tracking_id) + f"#action-{action.id}")


@bp.route("/actions/<int:action_id>/updates/new", methods=["GET", "POST"])
@login_required
@takes_files
def new_update(action_id: int):
    """Log a dated progress update on an action, with optional evidence files."""
    action = _action(action_id)
    require_editor()
    form = ProgressUpdateForm()
    if request.method == "GET":
        form.occurred_on.data = date.today()
    if form.validate_on_submit():
        with saving(form) as attempt:
            update = service.add_progress_update(action, form.occurred_on.data, form.text.data, current_user,
                                                 not_for_publication=bool(form.not_for_publication.data),
                                                 public=bool(form.public.data), text_cy=form.text_cy.data)
            for upload in form.files.data or []:
                if upload and upload.filename:
                    evidence_service.store_file(update, upload.filename, upload.read(),
                                                current_app.config["TRACKER_EVIDENCE_DIR"])
        evidence_service.discard_unrecorded()  # a refused save leaves none of its files behind
        if attempt.ok:
            flash("Progress update added", "success")
            return redirect(url_for(".show", tracking_id=action.tracking_id) + f"#action-{action.id}")
    return render_template("tracking/update_form.html", form=form, action=action, tracking=action.tracking), status_of(form)


@bp.get("/evidence/<int:evidence_id>")
@login_required
def evidence(evidence_id: int):
    """Download an evidence file of one of the user's forces, always as an attachment."""
    record = evidence_service.get_evidence(evidence_id)
    if record is None:
        abort(404)
    require_force(record.update.action.force_id)
    path = evidence_service.path_of(record, current_app.config["TRACKER_EVIDENCE_DIR"])
    if path is None:
        abort(404)
    # The type without its parameters: the charset of a text file is added once, by send_file.
    response = send_file(path, mimetype=record.content_type.split(";")[0].strip(), as_attachment=True,
                         download_name=evidence_service.display_name(record.filename), max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/tracking/<int:tracking_id>/history")
@login_required
def history(tracking_id: int):
    """The tracking row's audit events."""
    tracking = _tracking(tracking_id)
    rec = tracking.recommendation
    return render_template(
        "history.html", title=f"History: {rec.kind.label} {rec.ref}, {tracking.force.name}",
        events=history_service.tracking_history(tracking.id, tracking.force_id),
        back_url=url_for(".show", tracking_id=tracking.id), back_text=f"{rec.kind.label} {rec.ref}",
    )


@bp.get("/actions/<int:action_id>/history")
@login_required
def action_history(action_id: int):
    """The action's audit events, with those of its progress updates and evidence files."""
    action = _action(action_id)
    return render_template(
        "history.html", title=f"History: action {action.title}", events=history_service.action_history(action),
        back_url=url_for(".show", tracking_id=action.tracking_id) + f"#action-{action.id}", back_text="Back to the tracking page",
    )
