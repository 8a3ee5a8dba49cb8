"""The statutory (s.55) response pages: milestones, comments, completeness, preview, approve, publish, copies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from tracker.documents.pdf import PdfRenderError
from tracker.documents.response import (
    DEFAULT_STATUTORY_PARAGRAPH,
    document_context,
    render_response_pdf,
    response_trackings,
)
from tracker.domain import completeness
from tracker.domain.statuses import Role
from tracker.models import ClockPause
from tracker.services import clocks as clock_service
from tracker.services import get_by_id, save
from tracker.services import inspections as inspection_service
from tracker.services import responses as response_service
from tracker.web.auth import can_edit, editor_required, require_force, roles_required, user_force_ids
from tracker.web.forms import form_for
from tracker.web.saving import saving
from tracker.web.views.response_forms import (
    ApproveForm,
    CommentsForm,
    CopiesForm,
    EndPauseForm,
    ExtensionForm,
    MilestonesForm,
    PauseForm,
    PublishForm,
    StatutoryParagraphForm,
)

bp = Blueprint("responses", __name__, url_prefix="/responses")


def _load(force_slug: str, inspection_slug: str):
    """The response, or 404 when it does not exist or belongs to a force the user is not in."""
    response = response_service.get_response(force_slug, inspection_slug)
    if response is None:
        abort(404)
    require_force(response.force_id)
    return response


def _page_url(response) -> str:
    """The address of a response's page."""
    return url_for("responses.show", force_slug=response.force.slug, inspection_slug=response.inspection.slug)


def _published_dir() -> Path:
    """The folder published PDFs are written to (instance/published)."""
    return Path(current_app.config["TRACKER_PUBLISHED_DIR"])


@bp.get("/")
@login_required
def index():
    """The statutory responses of the user's forces, with their deadlines and stages."""
    return render_template("responses/index.html", responses=response_service.responses_for_forces(user_force_ids()),
                           today=date.today(), stage=completeness.stage)


@bp.get("/<force_slug>/<inspection_slug>")
@login_required
def show(force_slug: str, inspection_slug: str):
    """A response's page: milestones, countdown, comments, what is missing, preview, approval, versions."""
    response = _load(force_slug, inspection_slug)
    trackings = response_trackings(response)
    missing = completeness.missing_items(response, trackings)
    return render_template(
        "responses/show.html",
        response=response,
        missing=missing,
        stage=completeness.stage(response),
        copies_outstanding=completeness.copies_outstanding(response),
        today=date.today(),
        can_edit=can_edit(),
        can_approve=current_user.role.can_sign_off,
        approve_form=ApproveForm(),
        publish_form=PublishForm(),
        clock=clock_service.clock_of(response),
        source=clock_service.source_of(response),
    )


@bp.route("/<force_slug>/<inspection_slug>/milestones", methods=["GET", "POST"])
@editor_required
def milestones(force_slug: str, inspection_slug: str):
    """Edit the s.55 milestone dates (optimistic locking through the hidden version)."""
    return _edit_response(force_slug, inspection_slug, MilestonesForm, response_service.update_milestones,
                          response_service.MILESTONE_FIELDS, "responses/milestones.html", "Milestones saved")


@bp.route("/<force_slug>/<inspection_slug>/comments", methods=["GET", "POST"])
@editor_required
def comments(force_slug: str, inspection_slug: str):
    """Edit the PCC's and chief constable's comments and the PCC's response to them."""
    return _edit_response(force_slug, inspection_slug, CommentsForm, response_service.update_comments,
                          response_service.COMMENT_FIELDS, "responses/comments.html", "Comments saved")


def _edit_response(force_slug, inspection_slug, form_cls, update, fields, template: str, saved: str):
    """One edit form of a response: load (or 404), validate, update against the version, save, redirect."""
    response = _load(force_slug, inspection_slug)
    form = form_for(form_cls, response)
    if form.validate_on_submit():
        with saving(form, record=response) as attempt:
            update(response, form.version.data, current_user, **{name: form[name].data for name in fields})
        if attempt.ok:
            flash(saved, "success")
            return redirect(_page_url(response))
    return render_template(template, response=response, form=form)


@bp.route("/<force_slug>/<inspection_slug>/extension", methods=["GET", "POST"])
@editor_required
def extension(force_slug: str, inspection_slug: str):
    """Record an extension of the response's period: the new date, who granted it, on what application."""
    response = _load(force_slug, inspection_slug)
    form = ExtensionForm()
    if form.validate_on_submit():
        with saving(form, record=response) as attempt:
            clock_service.grant_extension(response, current_user, new_due_on=form.new_due_on.data,
                                          granted_by=form.granted_by.data, applied_on=form.applied_on.data,
                                          granted_on=form.granted_on.data, note=form.note.data)
        if attempt.ok:
            flash("Extension recorded", "success")
            return redirect(_page_url(response) + "#clock")
    return render_template("responses/clock_form.html", response=response, form=form,
                           heading="Record an extension", fields=("new_due_on", "granted_by", "applied_on",
                                                                  "granted_on", "note"))


@bp.route("/<force_slug>/<inspection_slug>/pause", methods=["GET", "POST"])
@editor_required
def pause(force_slug: str, inspection_slug: str):
    """Record judicial review proceedings started: the period runs on by every day they last."""
    response = _load(force_slug, inspection_slug)
    form = PauseForm()
    if form.validate_on_submit():
        with saving(form, record=response) as attempt:
            clock_service.start_pause(response, current_user, started_on=form.started_on.data, note=form.note.data)
        if attempt.ok:
            flash("Judicial review proceedings recorded", "success")
            return redirect(_page_url(response) + "#clock")
    return render_template("responses/clock_form.html", response=response, form=form,
                           heading="Record judicial review proceedings", fields=("started_on", "note"))


@bp.route("/pauses/<int:pause_id>/end", methods=["GET", "POST"])
@editor_required
def end_pause(pause_id: int):
    """Record the day judicial review proceedings ended."""
    pause = get_by_id(ClockPause, pause_id)
    if pause is None:
        abort(404)
    require_force(pause.force_id)
    response = pause.response
    form = EndPauseForm()
    if request.method == "GET":
        form.version.data = pause.version
    if form.validate_on_submit():
        with saving(form, record=pause) as attempt:
            clock_service.end_pause(pause, form.version.data, ended_on=form.ended_on.data)
        if attempt.ok:
            flash("The end of the proceedings is recorded", "success")
            return redirect(_page_url(response) + "#clock")
    return render_template("responses/clock_form.html", response=response, form=form,
                           heading="Record the end of the judicial review proceedings", fields=("ended_on",))


@bp.get("/<force_slug>/<inspection_slug>/preview")
@login_required
def preview(force_slug: str, inspection_slug: str):
    """The document as HTML before publishing: the public copy, or the internal one with ?copy=internal."""
    response = _load(force_slug, inspection_slug)
    internal = request.args.get("copy") == "internal"
    context = document_context(response, public=not internal, draft=True)
    return render_template("responses/document.html", back_url=_page_url(response), back_text="Back to the response",
                           preview=True, internal=internal, **context)


@bp.get("/<force_slug>/<inspection_slug>/preview.pdf")
@login_required
def preview_pdf(force_slug: str, inspection_slug: str):
    """The public copy as a draft PDF, marked as not published."""
    response = _load(force_slug, inspection_slug)
    try:
        pdf = render_response_pdf(response, public=True, draft=True)
    except PdfRenderError:
        current_app.logger.exception("the draft response could not be rendered")
        abort(500)
    return current_app.response_class(
        pdf, mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{force_slug}-{inspection_slug}-draft.pdf"'},
    )


@bp.post("/<force_slug>/<inspection_slug>/approve")
@roles_required(*(role for role in Role if role.can_sign_off))
def approve(force_slug: str, inspection_slug: str):
    """A reviewer other than the drafter approves the response."""
    response = _load(force_slug, inspection_slug)
    form = ApproveForm()
    if form.validate_on_submit():
        with saving() as attempt:
            response_service.approve(response, current_user, date.today())
        if attempt.ok:
            flash("Response approved", "success")
    return redirect(_page_url(response))


@bp.route("/<force_slug>/<inspection_slug>/publish", methods=["GET", "POST"])
@editor_required
def publish(force_slug: str, inspection_slug: str):
    """Publish the approved, complete response as a new version (a reason is needed from version 2)."""
    response = _load(force_slug, inspection_slug)
    form = PublishForm()
    missing: list = []
    if form.validate_on_submit():
        version = None

        def refused(refusal) -> None:
            """Say why nothing was published, and remove the files of a version that was not recorded."""
            if isinstance(refusal, response_service.IncompleteResponse):
                missing.extend(refusal.missing)
            elif version is not None:
                response_service.discard_unrecorded(_published_dir(), version)
            if refusal.field == "reason":
                form.reason.errors = [refusal.message]
            else:
                flash(refusal.message, "error")

        try:
            with saving(show=refused) as attempt:
                version = response_service.publish(response, current_user, _published_dir(), reason=form.reason.data)
        except PdfRenderError:
            current_app.logger.exception("the response could not be rendered for publishing")
            flash("The document could not be produced. Nothing has been published.", "error")
        except Exception:
            if version is not None:
                response_service.discard_unrecorded(_published_dir(), version)
            raise
        else:
            if attempt.ok:
                late = f", {version.days_late} days after the statutory deadline" if version.days_late else ""
                flash(f"Version {version.number} published{late}", "success")
                return redirect(_page_url(response))
    elif request.method == "GET":
        missing = completeness.missing_items(response, response_trackings(response))
    return render_template("responses/publish.html", response=response, form=form, missing=missing,
                           republishing=bool(response.versions))


@bp.get("/<force_slug>/<inspection_slug>/versions/<int:number>.pdf")
@login_required
def version_pdf(force_slug: str, inspection_slug: str, number: int):
    """Download a published version (every version stays available)."""
    response = _load(force_slug, inspection_slug)
    return send_version(response, number)


def send_version(response, number: int):
    """Send a published version's PDF, or 404 (shared with the public pages)."""
    version = next((v for v in response.versions if v.number == number), None)
    if version is None:
        abort(404)
    path = response_service.published_path(_published_dir(), version)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=Path(version.filename).name, etag=version.sha256)


@bp.route("/<force_slug>/<inspection_slug>/copies", methods=["GET", "POST"])
@editor_required
def copies(force_slug: str, inspection_slug: str):
    """Record the s.55(6) copies sent to HMICFRS and the Home Secretary."""
    response = _load(force_slug, inspection_slug)
    if response.published_on is None:
        flash("Publish the response before recording the copies sent", "error")
        return redirect(_page_url(response))
    form = form_for(CopiesForm, response)
    if form.validate_on_submit():
        with saving(form, record=response) as attempt:
            response_service.record_copies_sent(response, form.version.data, current_user,
                                                form.sent_to_hmicfrs_on.data, form.sent_to_home_secretary_on.data)
        if attempt.ok:
            flash("Copies recorded", "success")
            return redirect(_page_url(response))
    return render_template("responses/copies.html", response=response, form=form)


@bp.route("/<force_slug>/statutory-paragraph/edit", methods=["GET", "POST"])
@editor_required
def statutory_paragraph(force_slug: str):
    """Edit the force's wording of the statutory paragraph printed on its responses."""
    force = inspection_service.get_force(force_slug)
    if force is None:
        abort(404)
    require_force(force.id)
    form = form_for(StatutoryParagraphForm, force,
                    statutory_paragraph=force.statutory_paragraph or DEFAULT_STATUTORY_PARAGRAPH)
    if form.validate_on_submit():
        response_service.set_statutory_paragraph(force, form.statutory_paragraph.data)
        save()
        flash("Statutory paragraph saved", "success")
        return redirect(url_for("responses.index"))
    return render_template("responses/statutory_paragraph.html", force=force, form=form)

