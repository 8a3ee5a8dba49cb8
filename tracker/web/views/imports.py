"""Importing an inspection report's recommendations: paste text or upload a file, check and edit
the preview, confirm to save them all in one transaction.

Nothing is saved before confirmation, and nothing is kept on the server in between: the preview
carries every item in its own form fields, and the confirmation reads them back from the form.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SubmitField, TextAreaField

from tracker.domain import importer
from tracker.domain.deadlines import parse_deadline
from tracker.domain.formatting import plural
from tracker.domain.statuses import Kind, Role
from tracker.models import Inspection
from tracker.services import imports as import_service
from tracker.services import inspections as inspection_service
from tracker.web.auth import editor_required, user_force_ids
from tracker.web.forms import TrackerForm, date_from_boxes, posted_text
from tracker.web.saving import saving
from tracker.web.uploads import SmallEnough, status_of, takes_files, takes_text
from tracker.web.views._helpers import require_shared_change

bp = Blueprint("imports", __name__)


class PasteForm(TrackerForm):
    """The first step: the pasted text or an uploaded file."""
    text = TextAreaField("Paste the recommendations", widget=GovTextArea())
    file = FileField("Or upload the report", widget=GovFileInput(), validators=[SmallEnough()])
    submit = SubmitField("Read the recommendations", widget=GovSubmitInput())


class FieldErrors:
    """Errors of the preview's hand-made fields, shaped for base.html's error summary (keys are ids)."""

    def __init__(self):
        """No errors yet."""
        self.errors: dict[str, list[str]] = {}

    def __contains__(self, name: str) -> bool:
        """The fields are not WTForms fields: the summary links to each by its id."""
        return False

    def add(self, field_id: str, message: str) -> None:
        """Record an error against the field with this id."""
        self.errors.setdefault(field_id, []).append(message)

    def get(self, field_id: str) -> str | None:
        """The first error of a field, or None."""
        messages = self.errors.get(field_id)
        return messages[0] if messages else None


def _load_inspection(slug: str) -> Inspection:
    """The inspection, or 404 if it does not exist or concerns none of the editor's forces; 403 if the
    editor does not belong to every force it concerns (its recommendations are shared by them all)."""
    inspection = inspection_service.get_inspection(slug)
    if inspection is None:
        abort(404)
    concerned = inspection_service.concerned_force_ids(inspection)
    if current_user.role is not Role.SERVICE_ADMIN and concerned and not concerned & set(user_force_ids()):
        abort(404)
    require_shared_change(inspection)
    return inspection


def _done_url(inspection: Inspection) -> str:
    """The inspection's own page when the app has one, else this import page."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule == "/inspections/<slug>" and "GET" in (rule.methods or ()):
            return url_for(rule.endpoint, slug=inspection.slug)
    return url_for("imports.start", slug=inspection.slug)


# The longest text the importer reads, in UTF-8's widest characters: a report pasted whole is read (and
# one too long for the importer refused by it, on the form), not refused as too large for a form.
PASTED_TEXT_BYTES = 4 * importer.MAX_TEXT_CHARS


@bp.route("/inspections/<slug>/import", methods=["GET", "POST"])
@editor_required
@takes_files
@takes_text(PASTED_TEXT_BYTES)
def start(slug: str):
    """Paste the report's text or upload its file; a valid submission shows the preview (nothing saved)."""
    inspection = _load_inspection(slug)
    if request.method == "POST":
        try:  # a file over the limit comes marked (tracker.web.uploads); text too long for a form is refused
            request.form  # noqa: B018  (reads the body here, within the app's size limits)
        except RequestEntityTooLarge:
            return _too_large(inspection)
    form = PasteForm()
    if form.validate_on_submit():
        result = _read_submission(form, inspection)
        if result is not None:
            rows = _rows_from_result(result, import_service.likely_duplicates(inspection, result.items))
            return _preview(inspection, rows, [str(w) for w in result.warnings], FieldErrors(),
                            len(result.removed), publication=_publication_read(result))
    return render_template("imports/start.html", form=form, inspection=inspection,
                           max_mb=_max_upload_bytes() // (1024 * 1024)), status_of(form)


def _max_upload_bytes() -> int:
    """The largest file the page accepts: the app's upload limit, and never more than the importer's."""
    return min(current_app.config.get("MAX_CONTENT_LENGTH") or importer.MAX_FILE_BYTES, importer.MAX_FILE_BYTES)


def _too_large(inspection: Inspection):
    """Refuse a request too large to read, on the form, with the limit that applies."""
    form = PasteForm(formdata=None)
    # A file over the limit comes marked, not here: only a body over the hard cap, or a text over its own.
    if (request.content_length or 0) > current_app.config["TRACKER_MAX_REQUEST_BYTES"]:
        form.file.errors = [f"The selected file must be smaller than {_max_upload_bytes() // (1024 * 1024)} MB"]
    else:
        form.text.errors = ["The pasted text is too long: paste the recommendations section only, "
                            "or upload the report as a file"]
    return render_template("imports/start.html", form=form, inspection=inspection, max_mb=_max_upload_bytes() // (1024 * 1024)), 413


def _read_submission(form: PasteForm, inspection: Inspection) -> importer.ParseResult | None:
    """What the pasted text or the uploaded file holds, or None with the form's errors set.

    An uploaded file is read in a child process with memory and time limits (import_service.read_upload);
    a refusal, naming the limit it met, goes on the file field and the form keeps the rest.
    """
    upload = form.file.data
    pasted = (form.text.data or "").strip()
    if upload and upload.filename:
        if pasted:
            form.text.errors.append("Paste text or choose a file, not both")
            return None
        try:
            return import_service.read_upload(upload.filename, upload.read(importer.MAX_FILE_BYTES + 1),
                                              inspection.published_on, **current_app.config.get("TRACKER_IMPORT_LIMITS", {}))
        except importer.ImportFileError as exc:
            form.file.errors.append(exc.message)
            return None
    if not pasted:
        form.text.errors.append("Paste the text of the report's recommendations, or choose a file to upload")
        return None
    try:
        return importer.parse_text(form.text.data, inspection.published_on)
    except importer.ImportFileError as exc:
        form.text.errors.append(exc.message)
        return None


def _rows_from_result(result: importer.ParseResult, duplicates: list[str | None]) -> list[dict]:
    """The preview's rows, one per item read, as the form fields show them (likely duplicates unticked)."""
    rows = []
    for number, item in enumerate(result.items):
        rows.append({
            "number": number, "include": duplicates[number] is None, "duplicate": duplicates[number] or "",
            "ref": item.ref or "", "kind": item.kind.value, "parent_ref": item.parent_ref or "",
            "addressed_to": item.addressed_to or "", "text": item.text, "bullets": "\n".join(item.bullets),
            "deadline_text": item.deadline_text or "", "deadline": _date_parts(item.deadline),
            "deadline_read": item.deadline.isoformat() if item.deadline else "",
            "flags": list(item.flags), "line": item.line or "",
        })
    return rows


def _date_parts(value: date | None) -> dict:
    """A date as the day, month and year fields of a GOV.UK date input."""
    if value is None:
        return {"day": "", "month": "", "year": ""}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


def _publication_read(result: importer.ParseResult) -> dict:
    """The publication date the text states and the words stating it, for the person to check."""
    return {"read": result.published.isoformat() if result.published else "", "phrase": result.published_text or "",
            "dates": [{"label": label, "read": when.isoformat(), "words": words} for label, when, words in result.dates]}


def _preview(inspection, rows, warnings, errors: FieldErrors, removed: int = 0, status: int = 200,
             publication: dict | None = None):
    """Show the editable preview."""
    publication = publication or {"read": "", "phrase": "", "dates": []}
    read = date.fromisoformat(publication["read"]) if publication["read"] else None
    # Other dates the text states (a coroner's report's date and "namely by" date, an IOPC date made).
    stated = [dict(d, date=date.fromisoformat(d["read"])) for d in publication.get("dates", [])]
    return render_template("imports/preview.html", inspection=inspection, rows=rows, warnings=warnings,
                           form=errors, errors=errors, removed=removed, kinds=Kind.choices(),
                           kind_labels=dict(Kind.choices()), publication=publication, published_read=read,
                           stated_dates=stated), status


@bp.post("/inspections/<slug>/import/confirm")
@editor_required
def confirm(slug: str):
    """Save the previewed (and edited) items in one transaction, or show the preview again with errors."""
    inspection = _load_inspection(slug)
    # The preview's hand-made fields are cleaned as every form's are: text only, no control characters.
    posted = posted_text(request.form, multiline={k for k in request.form if str(k).endswith(("-text", "-bullets"))})
    rows, warnings = _rows_from_form(posted)
    errors = FieldErrors()
    if not rows:
        flash("There was nothing to import: paste or upload the recommendations again")
        return redirect(url_for("imports.start", slug=slug))
    publication = _publication_from_form(posted)
    items, numbers = _items_from_rows(rows, inspection.published_on, errors)
    if not items and not errors.errors:
        errors.add(f"items-{rows[0]['number']}-include", "Select at least one item to import")
    if not errors.errors:
        for problem in import_service.check_items(inspection, items, numbers):
            errors.add(problem.field or "items-0-ref", problem.message)
    if errors.errors:
        return _preview(inspection, rows, warnings, errors, status=400, publication=publication)
    with saving(show=lambda refusal: errors.add(refusal.field or "items-0-ref", refusal.message)) as attempt:
        import_service.add_parsed_items(inspection, items, current_user)
    if not attempt.ok:
        return _preview(inspection, rows, warnings, errors, status=400, publication=publication)
    flash(f"{plural(len(items), 'item')} imported into {inspection.title}", "success")
    return redirect(_done_url(inspection))


def _publication_from_form(form) -> dict:
    """The publication date read from the text and its words, as the preview carried them."""
    read = form.get("published_read", "")
    try:
        date.fromisoformat(read)
    except ValueError:
        read = ""
    dates = []
    for label, when, words in zip(form.getlist("date_label"), form.getlist("date_read"), form.getlist("date_words"),
                                  strict=False):
        try:
            date.fromisoformat(when)
        except ValueError:
            continue  # not a date the preview wrote: left out
        dates.append({"label": label, "read": when, "words": words})
    return {"read": read, "phrase": form.get("published_phrase", ""), "dates": dates}


def _rows_from_form(form) -> tuple[list[dict], list[str]]:
    """The preview's rows as the person left them, read back from the submitted form."""
    try:
        count = min(int(form.get("count", "0")), 2000)
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        prefix = f"items-{i}-"
        if f"{prefix}text" not in form:
            continue
        rows.append({
            "number": i,
            "include": form.get(f"{prefix}include") == "yes",
            "duplicate": form.get(f"{prefix}duplicate", ""),
            "ref": form.get(f"{prefix}ref", "").strip(),
            "kind": form.get(f"{prefix}kind", ""),
            "parent_ref": form.get(f"{prefix}parent_ref", "").strip(),
            "addressed_to": form.get(f"{prefix}addressed_to", "").strip(),
            "text": form.get(f"{prefix}text", "").replace("\r\n", "\n").strip(),
            "bullets": form.get(f"{prefix}bullets", "").replace("\r\n", "\n").strip(),
            "deadline_text": form.get(f"{prefix}deadline_text", "").strip(),
            "deadline": {part: form.get(f"{prefix}deadline-{part}", "").strip() for part in ("day", "month", "year")},
            "deadline_read": form.get(f"{prefix}deadline_read", ""),
            "flags": form.getlist(f"{prefix}flag"),
            "line": form.get(f"{prefix}line", ""),
        })
    return rows, form.getlist("warning")


def _items_from_rows(rows: list[dict], published: date | None, errors: FieldErrors):
    """The included rows as items to save, recording each field's error; and their form numbers.

    `published` is the date deadlines counted from publication run from.
    """
    items, numbers = [], []
    for row in rows:
        if not row["include"]:
            continue
        i = row["number"]
        name = f"item {i + 1}" + (f" (reference {row['ref']})" if row["ref"] else "")
        try:
            kind = Kind(row["kind"])
        except ValueError:
            errors.add(f"items-{i}-kind", f"Select the kind of {name}")
            kind = Kind.RECOMMENDATION
        if not row["text"]:
            errors.add(f"items-{i}-text", f"Enter the text of {name}")
        entered = _date_from_parts(row["deadline"], f"items-{i}-deadline", name, errors)
        read = row["deadline_read"] or None
        if entered is not False and (entered.isoformat() if entered else None) == read:
            # The person left the date as read: read it again from the deadline as now written.
            deadline = parse_deadline(row["deadline_text"] or None, published).date
        else:
            deadline = entered or None
        items.append(importer.ParsedItem(
            ref=row["ref"] or None, kind=kind, text=row["text"], parent_ref=row["parent_ref"] or None,
            addressed_to=row["addressed_to"] or None,
            bullets=[b.strip() for b in row["bullets"].split("\n") if b.strip()],
            deadline_text=row["deadline_text"] or None, deadline=deadline,
        ))
        numbers.append(i)
    return items, numbers


def _date_from_parts(parts: dict, field_id: str, name: str, errors: FieldErrors):
    """A date from day, month and year fields: None when all are empty, False (with an error) when not a date."""
    if not any(parts.values()):
        return None
    if not all(parts.values()):
        errors.add(f"{field_id}-day", f"The date of {name} must include a day, month and year, or be left empty")
        return False
    try:
        return date_from_boxes(parts["day"], parts["month"], parts["year"])
    except ValueError:
        errors.add(f"{field_id}-day", f"The date of {name} must be a real date")
        return False
