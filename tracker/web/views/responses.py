"""The response pages: the task list in the order of the law and the one page of each task (for an s.55
response: invitation, the chief constable's comments, the PCC's comments, every explanation on one page,
sending for approval, the PCC's approval with its declaration, publishing, the copies sent), previews and
the Word copy. Another source's response has only its own tasks (every answer on one page, approval,
publishing, and sending it to the IOPC or the coroner): the s.55 pages answer it 404 and are not linked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from tracker.documents.pdf import PdfRenderError
from tracker.documents.response import (
    DEFAULT_STATUTORY_PARAGRAPH,
    DEFAULT_STATUTORY_PARAGRAPH_CY,
    document_context,
    render_response_pdf,
    response_trackings,
)
from tracker.documents.word import render_response_docx
from tracker.domain import completeness, response_tasks
from tracker.domain.addressees import addressee_phrase, for_information
from tracker.domain.clocks import Source
from tracker.models import ClockPause
from tracker.services import clocks as clock_service
from tracker.services import get_by_id, save
from tracker.services import inspections as inspection_service
from tracker.services import responses as response_service
from tracker.web.auth import can_edit, editor_required, require_force, user_force_ids
from tracker.web.caching import DraftPdfs
from tracker.web.forms import VersionField, form_for, posted_text
from tracker.web.saving import saving
from tracker.web.views.response_forms import (
    ApproveForm,
    CommentsForm,
    CopiesForm,
    CopyFromForm,
    EndPauseForm,
    ExplanationsForm,
    ExtensionForm,
    GeneralCommentsForm,
    InviteForm,
    MilestonesForm,
    PauseForm,
    PublishForm,
    ReadyForm,
    SentForm,
    StatutoryParagraphForm,
)

bp = Blueprint("responses", __name__, url_prefix="/responses")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _load(force_slug: str, inspection_slug: str, editors: bool = False):
    """The response, or 404 when it does not exist or belongs to a force the user is not in; then, for an
    editor's page, 403 to anyone else (the force is checked first, so another force's record is never disclosed)."""
    response = response_service.get_response(force_slug, inspection_slug)
    if response is None:
        abort(404)
    require_force(response.force_id)
    if editors and not can_edit():
        abort(403)
    return response


def _s55_only(response) -> None:
    """404 for a page of an s.55 step (the chief constable's invitation and comments, the copies to HMICFRS
    and the Home Secretary) asked of another source's response: its duty has no such step."""
    if clock_service.source_of(response) is not Source.HMICFRS:
        abort(404)


def _other_sources_only(response) -> None:
    """404 for the general comments page asked of an s.55 response: its comments page has them."""
    if clock_service.source_of(response) is Source.HMICFRS:
        abort(404)


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
    """A response's page: its tasks in the order of the law, each with its status and the page that does it."""
    response = _load(force_slug, inspection_slug)
    trackings = response_trackings(response)
    return render_template(
        "responses/show.html",
        response=response,
        tasks=response_tasks.tasks(response, trackings),
        missing=completeness.missing_items(response, trackings),
        changed=response_tasks.changed_since_publication(response, trackings),
        changed_since_approval=(response_tasks.changed_parts(response.approved_sections, response, trackings)
                                if response.approved_on else []),
        copies_outstanding=completeness.copies_outstanding(response),
        today=date.today(),
        can_edit=can_edit(),
        can_approve=current_user.role.can_approve_responses,
        ready_form=ReadyForm(),
        fix_href=fix_href,
        previous=response_service.previous_responses(response) if can_edit() else [],
        clock=clock_service.clock_of(response),
        source=clock_service.source_of(response),
        sent_to=completeness.SENT_TO.get(clock_service.source_of(response)),
        word_copies={v.number for v in response.versions
                     if response_service.docx_path(response_service.published_path(_published_dir(), v)).is_file()},
    )


@bp.route("/<force_slug>/<inspection_slug>/milestones", methods=["GET", "POST"])
@login_required
def milestones(force_slug: str, inspection_slug: str):
    """Change the s.55 milestone dates together (optimistic locking through the hidden version)."""
    return _edit_response(force_slug, inspection_slug, MilestonesForm, response_service.update_milestones,
                          response_service.MILESTONE_FIELDS, "responses/milestones.html", "Milestones saved")


@bp.route("/<force_slug>/<inspection_slug>/invite", methods=["GET", "POST"])
@login_required
def invite(force_slug: str, inspection_slug: str):
    """Record the s.55(4) invitation of the chief constable's comments, and the date they are asked by."""
    return _edit_response(force_slug, inspection_slug, InviteForm, _update_invitation,
                          ("chief_invited_on", "chief_comments_due_on"), "responses/invite.html", "Invitation saved")


def _update_invitation(response, version, user, **dates) -> None:
    """The invitation's two dates, through the service."""
    response_service.update_invitation(response, version, user, **dates)


@bp.route("/<force_slug>/<inspection_slug>/comments", methods=["GET", "POST"])
@login_required
def comments(force_slug: str, inspection_slug: str):
    """The comments published together (s.55(5)): the chief constable's, or why there are none; the PCC's; and
    the PCC's response to the chief's."""
    return _edit_response(force_slug, inspection_slug, CommentsForm, response_service.update_comments,
                          ("chief_comments_received_on", *response_service.COMMENT_FIELDS), "responses/comments.html",
                          "Comments saved")


@bp.route("/<force_slug>/<inspection_slug>/general-comments", methods=["GET", "POST"])
@login_required
def general_comments(force_slug: str, inspection_slug: str):
    """The PCC's comments another source's response publishes before its answers (an s.55 response has
    them on its comments page)."""
    return _edit_response(force_slug, inspection_slug, GeneralCommentsForm, response_service.update_comments,
                          ("pcc_comments",), "responses/general_comments.html", "Comments saved",
                          check_source=_other_sources_only)


def _edit_response(force_slug, inspection_slug, form_cls, update, fields, template: str, saved: str, *,
                   check_source=_s55_only):
    """One edit form of an s.55 response: load (or 404, then 403; 404 for another source), validate, update
    against the version, save, back to the tasks. For an office that works in Welsh, each field's Welsh
    version on the form is saved with it."""
    response = _load(force_slug, inspection_slug, editors=True)
    check_source(response)
    form = form_for(form_cls, response)
    if response.force.works_in_welsh:
        fields = (*fields, *(f"{name}_cy" for name in fields if f"{name}_cy" in form))
    if form.validate_on_submit():
        with saving(form, record=response) as attempt:
            update(response, form.version.data, current_user, **{name: form[name].data for name in fields})
        if attempt.ok:
            flash(saved, "success")
            return redirect(_page_url(response))
    return render_template(template, response=response, form=form)


@bp.route("/<force_slug>/<inspection_slug>/explanations", methods=["GET", "POST"])
@login_required
def explanations(force_slug: str, inspection_slug: str):
    """Every recommendation's text and deadline with its explanation and the chief constable's comment: one save."""
    response = _load(force_slug, inspection_slug, editors=True)
    trackings = response_trackings(response)
    form = ExplanationsForm()
    errors: dict[str, str] = {}
    welsh = response.force.works_in_welsh
    values = {t.id: response_service.ExplanationEntry(t.version, t.pcc_explanation, t.chief_comment,
                                                      t.pcc_explanation_cy, t.chief_comment_cy) for t in trackings}
    if form.validate_on_submit():
        values = {t.id: _posted_explanation(t.id, welsh) for t in trackings}
        errors = _explanation_errors(values)
        if not errors:
            send = form.send.data and response.drafted_on is None
            with saving(form) as attempt:
                changed = response_service.save_explanations(response, current_user, values)
                if send:  # the last task before approval done: saved and sent in one go
                    response_service.mark_ready(response, current_user, date.today())
            if attempt.ok:
                flash(f"Explanations saved ({changed} changed)", "success")
                if send:
                    _email_approvers(response)
                return redirect(_page_url(response))
            trackings = response_trackings(response)  # read again: a refused save rolled back
    source = clock_service.source_of(response)
    if source is Source.HMICFRS:
        afi = bool(response.force.explain_areas_for_improvement)
        rows = [(t, completeness.requires_explanation(t.recommendation.kind, t.recommendation.addressed_to, afi))
                for t in trackings]
    else:  # every item the document makes of the force is answered, whoever it names
        rows = [(t, t.recommendation.kind != "area_for_improvement") for t in trackings]
    return render_template(
        "responses/explanations.html", response=response, form=form, values=values, errors=errors, welsh=welsh,
        source=source, heading=(response_tasks.ANSWER_TASKS[source][0] if source is not Source.HMICFRS
                                else "Explain what is done about each recommendation"),
        action_missing={m.tracking_id: m.message for m in completeness.missing_items(response, trackings)
                        if m.needs == completeness.ACTION},
        needed=[t for t, required in rows if required],
        others=[t for t, required in rows if not required],
        for_information=for_information, addressee_phrase=addressee_phrase,
        can_send=response.drafted_on is None and (source is not Source.HMICFRS
                                                  or not completeness.missing_comments(response)),
        error_links=[{"text": message, "href": f"#{anchor}"} for anchor, message in errors.items()],
    )


def _posted_explanation(tracking_id: int, welsh: bool) -> response_service.ExplanationEntry:
    """One row of the explanations page as posted (its Welsh texts only for an office that works in Welsh)."""
    # Cleaned as every form is (no control characters: PostgreSQL refuses a NUL in text).
    form = posted_text(request.form, multiline={k for k in request.form if str(k).startswith(("explanation-", "chief-"))})
    return response_service.ExplanationEntry(
        form.get(f"version-{tracking_id}", type=int), form.get(f"explanation-{tracking_id}", ""),
        form.get(f"chief-{tracking_id}", ""),
        form.get(f"explanation-cy-{tracking_id}", "") if welsh else None,
        form.get(f"chief-cy-{tracking_id}", "") if welsh else None)


EXPLANATION_LIMITS = (  # each text of a row: its field's id, and what is said when it is too long
    ("explanation", "explanation-{}", "The explanation must be 20,000 characters or fewer"),
    ("chief_comment", "chief-{}", "The chief constable's comment must be 20,000 characters or fewer"),
    ("explanation_cy", "explanation-cy-{}", "The explanation in Welsh must be 20,000 characters or fewer"),
    ("chief_comment_cy", "chief-cy-{}", "The chief constable's comment in Welsh must be 20,000 characters or fewer"),
)


def _explanation_errors(values: dict) -> dict[str, str]:
    """The explanations page's errors by field id: a text too long, or a row posted without its version
    (without it the save could overwrite someone else's)."""
    errors = {}
    for tid, entry in values.items():
        too_long = [(anchor.format(tid), message) for name, anchor, message in EXPLANATION_LIMITS
                    if len(getattr(entry, name) or "") > 20_000]
        if too_long:
            errors[too_long[0][0]] = too_long[0][1]
        elif entry.version is None:
            errors[f"explanation-{tid}"] = VersionField.MESSAGE
    return errors


@bp.post("/<force_slug>/<inspection_slug>/ready")
@login_required
def ready(force_slug: str, inspection_slug: str):
    """The editor sends the response for approval (drafted date and who), and the approvers are emailed."""
    response = _load(force_slug, inspection_slug, editors=True)
    if not ReadyForm().validate_on_submit():
        abort(400)
    with saving() as attempt:
        response_service.mark_ready(response, current_user, date.today())
    if attempt.ok:
        _email_approvers(response)
    return redirect(_page_url(response))


def _email_approvers(response) -> None:
    """Email the approvers that the response waits for them, and say whether it went."""
    address = url_for("responses.approve", force_slug=response.force.slug, inspection_slug=response.inspection.slug,
                      _external=True)
    report = response_service.email_approvers(response, address, current_app.config)
    if report.no_recipient:
        flash("Sent for approval. No approver of this force has an account: ask an administrator to add the PCC",
              "success")
    elif report.failed:
        current_app.logger.warning("approval request not emailed: %s", "; ".join(report.errors))
        flash("Sent for approval, but the email to the approvers could not be sent: tell them yourself", "success")
    else:
        flash("Sent for approval: the approvers have been emailed", "success")


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
        pdf = render_response_pdf(response, public=True, draft=True, store=DraftPdfs())
    except PdfRenderError:
        current_app.logger.exception("the draft response could not be rendered")
        abort(500)
    return current_app.response_class(
        pdf, mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{force_slug}-{inspection_slug}-draft.pdf"'},
    )


@bp.route("/<force_slug>/<inspection_slug>/approve", methods=["GET", "POST"])
@login_required
def approve(force_slug: str, inspection_slug: str):
    """Check your answers, then approve on behalf of the PCC (approvers only): what is missing links to its fix."""
    response = _load(force_slug, inspection_slug)
    if not current_user.role.can_approve_responses:
        abort(403)
    form = ApproveForm()
    refusal_links: list[dict] = []
    if form.validate_on_submit():
        def refused(error) -> None:
            """Each missing thing links to the page that fixes it; other refusals go on the form."""
            if isinstance(error, response_service.IncompleteResponse):
                refusal_links.extend(_fix_links(response, error.missing))
            elif error.field == "ready":
                refusal_links.append({"text": error.message, "href": _page_url(response) + "#task-ready"})
            else:
                (form.declaration.errors if error.field == "declaration" else form.form_errors).append(error.message)

        with saving(form, show=refused) as attempt:
            response_service.approve(response, current_user, date.today(), bool(form.declaration.data))
        if attempt.ok:
            flash("Response approved on behalf of the Police and Crime Commissioner", "success")
            return redirect(_page_url(response))
    trackings = response_trackings(response)
    missing = completeness.missing_items(response, trackings)
    if request.method == "GET" and missing:
        refusal_links = _fix_links(response, missing)
    elif request.method == "GET" and response.drafted_on is None:
        refusal_links = [{"text": "The response has not been sent for approval yet",
                          "href": _page_url(response) + "#task-ready"}]
    return render_template("responses/approve.html", form=form, error_links=refusal_links,
                           stands=response_tasks.approval_stands(response, trackings),
                           **document_context(response, public=True, draft=True))


def _fix_links(response, missing) -> list[dict]:
    """An error summary's entries: each missing thing with a link to the page that fixes it. Someone who
    cannot edit (the PCC's approver) is sent to the task list, which says who does it, not to a page they
    cannot open."""
    if not can_edit():
        return [{"text": f"{item.message} (an editor of the force does this)", "href": _page_url(response)}
                for item in missing]
    return [{"text": item.message, "href": fix_href(response, item)} for item in missing]


# The field of the explanations page each missing text of a recommendation is written in, by the
# Missing's field (an English explanation has none).
_EXPLANATION_ANCHORS = {None: "explanation-{}", "pcc_explanation_cy": "explanation-cy-{}",
                        "chief_comment_cy": "chief-cy-{}"}


def fix_href(response, item) -> str:
    """The page, and the field on it, where a missing thing of the response is written."""
    f, i = response.force.slug, response.inspection.slug
    if item.tracking_id and item.needs == completeness.ACTION:  # an action, its date, or "no action"
        return url_for("tracking.show", tracking_id=item.tracking_id)
    if item.field == "statutory_paragraph_cy":
        return url_for("responses.statutory_paragraph", force_slug=f) + "#statutory_paragraph_cy"
    if item.tracking_id:
        return (url_for("responses.explanations", force_slug=f, inspection_slug=i)
                + "#" + _EXPLANATION_ANCHORS[item.field].format(item.tracking_id))
    if clock_service.source_of(response) is not Source.HMICFRS:  # only its general comments need Welsh here
        return url_for("responses.general_comments", force_slug=f, inspection_slug=i) + "#pcc_comments_cy"
    anchor = item.field or ("chief-comments" if "chief constable" in item.message else "pcc-comments")
    return url_for("responses.comments", force_slug=f, inspection_slug=i) + "#" + anchor


@bp.route("/<force_slug>/<inspection_slug>/publish", methods=["GET", "POST"])
@login_required
def publish(force_slug: str, inspection_slug: str):
    """Publish the approved, complete response as a new version (a reason is needed from version 2)."""
    response = _load(force_slug, inspection_slug, editors=True)
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
            if refusal.field in ("reason", "published_on"):
                form[refusal.field].errors = [refusal.message]
            else:
                flash(refusal.message, "error")

        try:
            with saving(show=refused) as attempt:
                version = response_service.publish(response, current_user, _published_dir(), reason=form.reason.data,
                                                   first_published_on=form.published_on.data)
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
    trackings = response_trackings(response)
    missing = missing or completeness.missing_items(response, trackings)
    return render_template("responses/publish.html", form=form, missing=missing, fix_href=fix_href,
                           republishing=bool(response.versions),
                           stands=response_tasks.approval_stands(response, trackings),
                           changed=response_tasks.changed_since_publication(response, trackings),
                           **document_context(response, public=True))


@bp.get("/<force_slug>/<inspection_slug>/versions/<int:number>.pdf")
@login_required
def version_pdf(force_slug: str, inspection_slug: str, number: int):
    """Download a published version (every version stays available)."""
    response = _load(force_slug, inspection_slug)
    return send_version(response, number)


@bp.get("/<force_slug>/<inspection_slug>/versions/<int:number>.docx")
@login_required
def version_docx(force_slug: str, inspection_slug: str, number: int):
    """Download a published version's Word copy (404 for a version published before Word copies were kept)."""
    response = _load(force_slug, inspection_slug)
    return send_version(response, number, "docx")


@bp.get("/<force_slug>/<inspection_slug>/versions/<int:number>.<any('cy.pdf', 'cy.docx'):copy>")
@login_required
def version_copy(force_slug: str, inspection_slug: str, number: int, copy: str):
    """Download a published version's Welsh copies, PDF and Word (an office that works in Welsh)."""
    response = _load(force_slug, inspection_slug)
    return send_version(response, number, copy)


# Each copy a version is kept in: its language and its kind of file.
COPIES = {"pdf": ("en", "pdf"), "cy.pdf": ("cy", "pdf"), "docx": ("en", "docx"), "cy.docx": ("cy", "docx")}
MIMETYPES = {"pdf": "application/pdf", "docx": DOCX}


def send_version(response, number: int, copy: str = "pdf"):
    """Send a published version's PDF (or another of its copies, `copy` as in COPIES), or 404 (shared
    with the public pages)."""
    version = next((v for v in response.versions if v.number == number), None)
    if version is None:
        abort(404)
    language, kind = COPIES[copy]
    path = response_service.published_path(_published_dir(), version, language)
    if path is not None and kind == "docx":
        path = response_service.docx_path(path)
    if path is None or not path.is_file():
        abort(404)
    etag = {"pdf": version.sha256, "cy.pdf": version.sha256_cy}.get(copy)
    return send_file(path, mimetype=MIMETYPES[kind], download_name=path.name, etag=etag or True,
                     as_attachment=kind == "docx")


@bp.route("/<force_slug>/<inspection_slug>/copies", methods=["GET", "POST"])
@login_required
def copies(force_slug: str, inspection_slug: str):
    """Record the s.55(6) copies sent to HMICFRS and the Home Secretary."""
    response = _load(force_slug, inspection_slug, editors=True)
    _s55_only(response)
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


@bp.route("/<force_slug>/<inspection_slug>/sent", methods=["GET", "POST"])
@login_required
def sent(force_slug: str, inspection_slug: str):
    """Record the day the published response was sent to the IOPC or the coroner (404 for another source)."""
    response = _load(force_slug, inspection_slug, editors=True)
    body = completeness.SENT_TO.get(clock_service.source_of(response))
    if body is None:
        abort(404)
    if response.published_on is None:
        flash("Publish the response before recording that it was sent", "error")
        return redirect(_page_url(response))
    form = form_for(SentForm, response)
    form.sent_to_source_on.label.text = f"Date the response was sent to {body}"
    if form.validate_on_submit():
        with saving(form, record=response) as attempt:
            response_service.record_sent_to_source(response, form.version.data, current_user,
                                                   form.sent_to_source_on.data)
        if attempt.ok:
            flash(f"Recorded: sent to {body}", "success")
            return redirect(_page_url(response))
    return render_template("responses/sent.html", response=response, form=form, body=body,
                           source=clock_service.source_of(response))


@bp.route("/<force_slug>/statutory-paragraph/edit", methods=["GET", "POST"])
@login_required
def statutory_paragraph(force_slug: str):
    """Edit the force's wording of the statutory paragraph printed on its responses, and the PCC's name."""
    force = inspection_service.get_force(force_slug)
    if force is None:
        abort(404)
    require_force(force.id)
    if not can_edit():
        abort(403)
    form = form_for(StatutoryParagraphForm, force,
                    statutory_paragraph=force.statutory_paragraph or DEFAULT_STATUTORY_PARAGRAPH,
                    statutory_paragraph_cy=force.statutory_paragraph_cy or DEFAULT_STATUTORY_PARAGRAPH_CY)
    form.welsh = force.works_in_welsh
    if form.validate_on_submit():
        response_service.set_statutory_paragraph(force, form.statutory_paragraph.data, form.pcc_name.data,
                                                 form.statutory_paragraph_cy.data if form.welsh else None)
        save()
        flash("Statutory paragraph saved", "success")
        return redirect(url_for("responses.index"))
    return render_template("responses/statutory_paragraph.html", force=force, form=form)



@bp.get("/<force_slug>/<inspection_slug>/draft.docx")
@login_required
def draft_docx(force_slug: str, inspection_slug: str):
    """The public copy as a Word document, for the PCC's office to edit and sign off the record."""
    response = _load(force_slug, inspection_slug)
    return current_app.response_class(
        render_response_docx(response), mimetype=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{force_slug}-{inspection_slug}-draft.docx"'},
    )


@bp.route("/<force_slug>/<inspection_slug>/start-from", methods=["GET", "POST"])
@login_required
def start_from(force_slug: str, inspection_slug: str):
    """Start from a previous response: its PCC's comments, and the explanations of recommendations with the same text."""
    response = _load(force_slug, inspection_slug, editors=True)
    previous = response_service.previous_responses(response)
    form = CopyFromForm()
    form.source.choices = [(str(r.id), f"{r.inspection.title} ({r.inspection.published_on:%Y})") for r in previous]
    if form.validate_on_submit():
        source = next((r for r in previous if str(r.id) == form.source.data), None)
        if source is None:
            form.source.errors = ["Select one of this force's other responses"]
        else:
            with saving(form, record=response) as attempt:
                copied = response_service.copy_from_previous(response, source)
            if attempt.ok:
                flash(f"Started from the response to {source.inspection.title}: the PCC's comments and "
                      f"{copied} explanations copied where nothing was written", "success")
                return redirect(_page_url(response))
    return render_template("responses/start_from.html", response=response, form=form, previous=previous)
