"""Statutory (s.55) responses: milestones, comments, approval, publishing and the s.55(6) copies.

Plain functions that flush and never commit (the request or command commits through save()).
Publishing writes the PDF, its HTML copy and its Word copy once under instance/published: each to a
temporary file, flushed and synced, then linked into place (never over an existing file), and only
then recorded. For an office that works in Welsh the Welsh PDF, HTML and Word copies are written in
the same publish, beside the English ones: both languages or neither. A refused publish writes
nothing: no file and no row.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.db import audit, db, write_transactions
from tracker.documents.phrases import ENGLISH, WELSH
from tracker.documents.response import (
    DEFAULT_STATUTORY_PARAGRAPH,
    DEFAULT_STATUTORY_PARAGRAPH_CY,
    render_response_body,
    render_response_pdf,
    response_trackings,
)
from tracker.documents.word import render_response_docx
from tracker.domain import response_tasks
from tracker.domain.completeness import SENT_TO, Missing, days_late, missing_items, source_of
from tracker.domain.statuses import Role
from tracker.models import Force, Inspection, PublishedVersion, SentReminder, StatutoryResponse, User, utcnow
from tracker.services import DomainError
from tracker.services.reminders import Outgoing, RunReport, send_all
from tracker.services.tracking import check_version


class IncompleteResponse(DomainError):
    """Publishing was refused: the response lacks what the list says."""

    def __init__(self, missing: list[Missing]):
        """Keep the list of what is missing; the message names how many."""
        super().__init__(f"The response cannot be published: {len(missing)} "
                         f"{'thing is' if len(missing) == 1 else 'things are'} missing", field=None)
        self.missing = missing


def get_response(force_slug: str, inspection_slug: str) -> StatutoryResponse | None:
    """The statutory response of a force to an inspection, or None."""
    return db.session.scalar(
        sa.select(StatutoryResponse)
        .join(Force, StatutoryResponse.force_id == Force.id)
        .join(Inspection, StatutoryResponse.inspection_id == Inspection.id)
        .where(Force.slug == force_slug, Inspection.slug == inspection_slug)
    )


def responses_for_forces(force_ids: list[int]) -> list[StatutoryResponse]:
    """The responses of these forces, the nearest deadline first."""
    if not force_ids:
        return []
    return list(db.session.scalars(
        sa.select(StatutoryResponse).where(StatutoryResponse.force_id.in_(force_ids))
        .options(joinedload(StatutoryResponse.inspection), joinedload(StatutoryResponse.force))
        .order_by(StatutoryResponse.published_on.is_not(None), StatutoryResponse.due_on.desc(), StatutoryResponse.id)
    ))


def published_responses(force: Force) -> list[StatutoryResponse]:
    """The force's responses that have at least one published version, newest report first."""
    return list(db.session.scalars(
        sa.select(StatutoryResponse)
        .join(Inspection, StatutoryResponse.inspection_id == Inspection.id)
        .where(StatutoryResponse.force_id == force.id,
               sa.exists().where(PublishedVersion.response_id == StatutoryResponse.id))
        .options(contains_eager(StatutoryResponse.inspection), selectinload(StatutoryResponse.versions))
        .order_by(Inspection.published_on.desc(), Inspection.id.desc())
    ))


MILESTONE_FIELDS = ("chief_invited_on", "chief_comments_due_on", "chief_comments_received_on")
COMMENT_FIELDS = ("chief_comments", "chief_comments_absence", "pcc_comments", "pcc_response_to_chief")
# Their Welsh versions (an office that works in Welsh): saved with them, published with them.
WELSH_COMMENT_FIELDS = tuple(f"{name}_cy" for name in COMMENT_FIELDS)


def update_milestones(response: StatutoryResponse, submitted_version: int | None, user: User | None, **dates) -> None:
    """Set the s.55 milestone dates made against `submitted_version`; refuse a stale edit."""
    check_version(response, submitted_version)
    unknown = set(dates) - set(MILESTONE_FIELDS)
    if unknown:
        raise ValueError(f"not milestone fields: {sorted(unknown)}")
    if dates.get("chief_comments_received_on") and dates.get("chief_invited_on") and \
            dates["chief_comments_received_on"] < dates["chief_invited_on"]:
        raise DomainError("The date the comments were received must be on or after the date the chief constable was invited",
                          field="chief_comments_received_on")
    for name, value in dates.items():
        setattr(response, name, value)


def update_comments(response: StatutoryResponse, submitted_version: int | None, user: User | None, *,
                    chief_comments_received_on: date | None = None, **texts) -> None:
    """Save the comments s.55(5) publishes together: the chief constable's (with the day they came, or why
    there are none), the PCC's, and the PCC's response to the chief's, and any of their Welsh versions.
    A change makes an approval stop counting."""
    check_version(response, submitted_version)
    unknown = set(texts) - set(COMMENT_FIELDS) - set(WELSH_COMMENT_FIELDS)
    if unknown:
        raise ValueError(f"not comment fields: {sorted(unknown)}")
    texts = {name: (value or "").strip() or None for name, value in texts.items()}
    comments = texts.get("chief_comments", response.chief_comments)
    absence = texts.get("chief_comments_absence", response.chief_comments_absence)
    if comments and absence:
        raise DomainError("Enter either the chief constable's comments or why there are none, not both",
                          field="chief_comments_absence")
    if "chief_comments" in texts:
        if chief_comments_received_on and response.chief_invited_on and chief_comments_received_on < response.chief_invited_on:
            raise DomainError("The date the comments were received must be on or after the date the chief constable "
                              "was invited", field="chief_comments_received_on")
        if comments and chief_comments_received_on is None:
            raise DomainError("Enter the date the chief constable's comments were received",
                              field="chief_comments_received_on")
        response.chief_comments_received_on = chief_comments_received_on if comments else None
    for name, value in texts.items():
        setattr(response, name, value)


def update_invitation(response: StatutoryResponse, submitted_version: int | None, user: User | None, *,
                      chief_invited_on: date | None, chief_comments_due_on: date | None) -> None:
    """Record the s.55(4) invitation: when the chief constable was invited, and the date comments are asked by."""
    check_version(response, submitted_version)
    if chief_invited_on is None:
        raise DomainError("Enter the date the chief constable was invited to comment", field="chief_invited_on")
    if chief_comments_due_on is None:
        raise DomainError("Enter the date by which the chief constable's comments are asked",
                          field="chief_comments_due_on")
    if chief_comments_due_on < chief_invited_on:
        raise DomainError("The date comments are asked by must be on or after the date of the invitation",
                          field="chief_comments_due_on")
    response.chief_invited_on = chief_invited_on
    response.chief_comments_due_on = chief_comments_due_on


class ExplanationEntry(NamedTuple):
    """One row of the explanations page as posted: the version it was opened at and its texts. A Welsh
    text of None was not on the page (an office that works in English only) and is left as it is."""

    version: int | None
    explanation: str | None
    chief_comment: str | None
    explanation_cy: str | None = None
    chief_comment_cy: str | None = None


def save_explanations(response: StatutoryResponse, user: User | None, entries: dict[int, tuple]) -> int:
    """Save the PCC's explanations, and the chief constable's comment on each (with their Welsh versions),
    in one go; return how many changed.

    `entries` maps a tracking id of the response to an ExplanationEntry (or the same as a tuple). A row
    saved by someone else meanwhile refuses the whole save.
    """
    by_id = {tracking.id: tracking for tracking in response_trackings(response)}
    changed = 0
    for tracking_id, entry in entries.items():
        entry = ExplanationEntry(*entry)
        tracking = by_id.get(tracking_id)
        if tracking is None:
            raise DomainError("A recommendation on this page is not part of this response")
        check_version(tracking, entry.version)
        texts = {"pcc_explanation": entry.explanation, "chief_comment": entry.chief_comment}
        for name, welsh in (("pcc_explanation_cy", entry.explanation_cy), ("chief_comment_cy", entry.chief_comment_cy)):
            if welsh is not None:
                texts[name] = welsh
        texts = {name: (value or "").strip() or None for name, value in texts.items()}
        if any(getattr(tracking, name) != value for name, value in texts.items()):
            for name, value in texts.items():
                setattr(tracking, name, value)
            changed += 1
    return changed


def mark_ready(response: StatutoryResponse, user: User, on: date) -> None:
    """The editor sends the drafted response for approval: nothing may be missing; the date and who are kept."""
    if not user.role.can_edit:
        raise DomainError("Only an editor can send the response for approval")
    missing = missing_items(response, response_trackings(response))
    if missing:
        raise IncompleteResponse(missing)
    response.drafted_on = on
    response.drafted_by = user
    audit.record(db.session, response, "sent for approval", {"drafted_on": [None, on.isoformat()]})


def approvers(response: StatutoryResponse) -> list[User]:
    """The active approvers (the PCC, the OPCC's chief executive) of the response's force."""
    return [user for user in db.session.scalars(
        sa.select(User).where(User.role == Role.APPROVER, User.active.is_(True)).order_by(User.id))
        if any(force.id == response.force_id for force in user.forces)]


def approval_request_email(response: StatutoryResponse, address: str) -> tuple[str, str]:
    """The subject and text of the email that asks the approvers to approve (address: the check-answers page)."""
    drafted_by = response.drafted_by.name if response.drafted_by else "The OPCC"
    subject = f"Approve the response to {response.inspection.title}"
    body = (f"{drafted_by} has sent the {response.force.commissioner_title}'s response to "
            f"\"{response.inspection.title}\" for approval.\n\n"
            f"The statutory deadline is {response.due_on.day} {response.due_on:%B %Y}.\n\n"
            f"Check the response and approve it on behalf of the Police and Crime Commissioner:\n{address}\n")
    return subject, body


def email_approvers(response: StatutoryResponse, address: str, config: dict) -> RunReport:
    """Email each approver of the force that the response waits for them, through the reminders' SMTP sending.

    Each email is recorded once the server accepts it (as reminders are), keyed by the approver, the
    response and the day it was sent for approval: sending for approval again that day sends nothing twice.
    """
    report = RunReport()
    subject, body = approval_request_email(response, address)
    kind = f"response-{response.id}"
    sent = set(db.session.scalars(sa.select(SentReminder.item_id).where(
        SentReminder.item_type == "approval_request", SentReminder.kind == kind,
        SentReminder.due_on == response.drafted_on)))
    recipients = approvers(response)
    messages = [Outgoing("approval_request", user.id, kind, response.drafted_on, user.email, subject, body)
                for user in recipients if user.id not in sent]
    report.no_recipient = 0 if recipients else 1
    db.session.rollback()  # end the reading transaction: each accepted email is committed on its own
    with write_transactions():
        send_all(messages, config, report)
    return report


def approve(response: StatutoryResponse, user: User, on: date, declaration: bool = True) -> None:
    """The PCC's approver approves the response sent for approval, declaring it; its text is fingerprinted."""
    if not user.role.can_approve_responses:
        raise DomainError("Only the PCC or someone approving on the PCC's behalf can approve a response")
    trackings = response_trackings(response)
    missing = missing_items(response, trackings)
    if missing:
        raise IncompleteResponse(missing)
    if response.drafted_on is None:
        raise DomainError("The response has not been sent for approval yet", field="ready")
    if response.drafted_by is not None and response.drafted_by.id == user.id:
        raise DomainError("The response must be approved by someone other than the person who drafted it")
    if not declaration:
        raise DomainError("Confirm that you approve these comments on behalf of the Police and Crime Commissioner",
                          field="declaration")
    response.approved_on = on
    response.approved_by = user
    response.approved_sections = response_tasks.dump(response_tasks.sections(response, trackings))
    audit.record(db.session, response, "approved", {"approved_on": [None, on.isoformat()]})


def published_path(published_dir: Path, version: PublishedVersion, language: str = ENGLISH) -> Path | None:
    """The PDF of a published version in a language under the published folder (None: the version has
    no copy in that language)."""
    filename = version.filename if language == ENGLISH else version.filename_cy
    if filename is None:
        return None
    path = (Path(published_dir) / filename).resolve()
    if Path(published_dir).resolve() not in path.parents:
        raise DomainError("The published file is not in the published folder")
    return path


def html_path(pdf_path: Path) -> Path:
    """The public HTML copy kept beside a published PDF."""
    return pdf_path.with_suffix(".html")


def docx_path(pdf_path: Path) -> Path:
    """The Word copy kept beside a published PDF (versions published before Word copies were kept have none)."""
    return pdf_path.with_suffix(".docx")


def published_html(published_dir: Path, version: PublishedVersion, language: str = ENGLISH) -> str | None:
    """The stored HTML body of a published version in a language (what the public page shows), or None."""
    pdf_path = published_path(published_dir, version, language)
    path = html_path(pdf_path) if pdf_path else None
    return path.read_text("utf-8") if path is not None and path.is_file() else None


def published_languages(version: PublishedVersion) -> list[str]:
    """The languages a version was published in: English, and Welsh where it has a Welsh copy."""
    return [ENGLISH] + ([WELSH] if version.filename_cy else [])


def _copies(response: StatutoryResponse, language: str, published: tuple[date, int]) -> tuple[bytes, bytes, bytes]:
    """A version's PDF, HTML body and Word copy in one language."""
    return (render_response_pdf(response, public=True, published=published, language=language),
            render_response_body(response, public=True, published=published, language=language).encode("utf-8"),
            render_response_docx(response, language=language, published=published))


def write_once(path: Path, data: bytes) -> bool:
    """Write `data` to a new file at `path`: temp file, flush, fsync, then link into place; never overwrite.

    A file already there with exactly these bytes is the same publication (the documents are
    reproducible: a database restored or made again publishes the same bytes): it is left as it is and
    False returned. Any other file there is refused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        if path.is_file() and path.read_bytes() == data:
            return False
        raise DomainError(f"A published file already exists at {path.name}: it is never overwritten")
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(temp, path)  # fails if the file exists: unlike rename, it cannot overwrite
        except FileExistsError:
            raise DomainError(f"A published file already exists at {path.name}: it is never overwritten") from None
    finally:
        temp.unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return True


def check_publishable(response: StatutoryResponse, user: User) -> list[Missing]:
    """Refuse with DomainError when the user or the approval does not allow publishing; return what is missing."""
    if not user.role.can_edit:
        raise DomainError("Only an editor can publish a response")
    trackings = response_trackings(response)
    if response.approved_on is None:
        raise DomainError("The PCC must approve the response before it is published")
    if not response_tasks.approval_stands(response, trackings):
        raise DomainError("The response changed after it was approved: the PCC must approve it again")
    return missing_items(response, trackings)


def publish(response: StatutoryResponse, user: User, published_dir: Path, reason: str | None = None,
            now: datetime | None = None, first_published_on: date | None = None) -> PublishedVersion:
    """Publish the response as a new version: checks, render, write once, then record it.

    `first_published_on` is the real date of a response first published outside tracker (a
    back-filled record): it becomes the publication date, days late are counted from it, and the
    response records that it was so entered, and by whom. Refused (IncompleteResponse,
    DomainError) before anything is written when something is missing, the response is not
    approved (or changed since), a republication has no reason, or the date is impossible.
    """
    now = now or utcnow()
    missing = check_publishable(response, user)
    if missing:
        raise IncompleteResponse(missing)
    number = len(response.versions) + 1
    reason = (reason or "").strip() or None
    if number > 1 and reason is None:
        raise DomainError("Enter why the response is being published again", field="reason")
    if first_published_on is not None:
        if number > 1:
            raise DomainError("The date of first publication can only be given the first time", field="published_on")
        if first_published_on > now.date():
            raise DomainError("The date it was published must be today or in the past", field="published_on")
        if first_published_on < response.inspection.published_on:
            raise DomainError("The date it was published must be on or after the day the report was published",
                              field="published_on")
    published_on = response.published_on or first_published_on or now.date()
    languages = [ENGLISH] + ([WELSH] if response.force.works_in_welsh else [])
    copies = {language: _copies(response, language, (published_on, number)) for language in languages}
    pdf = copies[ENGLISH][0]
    sha256 = hashlib.sha256(pdf).hexdigest()
    filename = f"{response.force.slug}/{response.inspection.slug}-v{number}.pdf"
    late_from = first_published_on or now.date()
    # Built unattached: nothing enters the session until the files are safely written.
    version = PublishedVersion(
        response_id=response.id, number=number, filename=filename, sha256=sha256, size=len(pdf),
        # A back-filled version is dated by its real publication (the audit trail keeps when it was entered).
        published_at=datetime.combine(first_published_on, time()) if first_published_on else now,
        published_by_id=user.id, reason=reason, days_late=days_late(response.due_on, late_from),
        sections=response_tasks.dump(response_tasks.sections(response, response_trackings(response))),
    )
    if WELSH in copies:
        welsh_pdf = copies[WELSH][0]
        version.filename_cy = f"{response.force.slug}/{response.inspection.slug}-v{number}.cy.pdf"
        version.sha256_cy, version.size_cy = hashlib.sha256(welsh_pdf).hexdigest(), len(welsh_pdf)
    written: list[Path] = []
    try:
        for language, (pdf_bytes, html_bytes, docx_bytes) in copies.items():
            pdf_path = published_path(published_dir, version, language)
            for path, data in ((pdf_path, pdf_bytes), (html_path(pdf_path), html_bytes), (docx_path(pdf_path), docx_bytes)):
                if write_once(path, data):  # only what this publish wrote is taken away on failure
                    written.append(path)
    except Exception:
        for path in written:  # both languages or neither
            path.unlink(missing_ok=True)
        raise
    response.versions.append(version)
    if response.published_on is None:
        response.published_on = published_on
    if first_published_on is not None:
        response.published_outside = True
        response.publication_entered_by = user
    audit.record(db.session, response, "published",
                 {"version": [None, number], "sha256": [None, sha256], "days_late": [None, version.days_late],
                  **({"sha256_cy": [None, version.sha256_cy]} if version.sha256_cy else {}),
                  **({"first_published_outside_tracker_on": [None, first_published_on.isoformat()]}
                     if first_published_on else {})})
    db.session.flush()
    return version


def discard_unrecorded(published_dir: Path, version: PublishedVersion) -> None:
    """Remove the files of a version whose row could not be saved, so no unrecorded file remains."""
    for language in published_languages(version):
        pdf_path = published_path(published_dir, version, language)
        for path in (pdf_path, html_path(pdf_path), docx_path(pdf_path)):
            path.unlink(missing_ok=True)


def record_copies_sent(response: StatutoryResponse, submitted_version: int | None, user: User,
                       hmicfrs_on: date | None, home_secretary_on: date | None) -> None:
    """Record the s.55(6) copies sent to HMICFRS and the Home Secretary (date, and who recorded it)."""
    check_version(response, submitted_version)
    if response.published_on is None:
        raise DomainError("Publish the response before recording the copies sent")
    for name, value in (("sent_to_hmicfrs_on", hmicfrs_on), ("sent_to_home_secretary_on", home_secretary_on)):
        if value is not None and value < response.published_on:
            raise DomainError("A copy cannot be sent before the response was published", field=name)
    response.sent_to_hmicfrs_on = hmicfrs_on
    response.sent_to_home_secretary_on = home_secretary_on
    response.sent_recorded_by = user


def record_sent_to_source(response: StatutoryResponse, submitted_version: int | None, user: User,
                          sent_on: date | None) -> None:
    """Record the day the published response was sent to the body that asked for it: the IOPC (Police
    Reform Act 2002 Sch 3 para 28B(2)) or the coroner (Coroners and Justice Act 2009 Sch 5 para 7(2))."""
    check_version(response, submitted_version)
    if source_of(response) not in SENT_TO:
        raise DomainError("Only a response to the IOPC or to a coroner is sent to the body that asked for it")
    if response.published_on is None:
        raise DomainError("Publish the response before recording that it was sent")
    if sent_on is None:
        raise DomainError("Enter the date the response was sent", field="sent_to_source_on")
    if sent_on < response.published_on:
        raise DomainError("The response cannot be sent before it was published", field="sent_to_source_on")
    response.sent_to_source_on = sent_on
    response.sent_recorded_by = user
    audit.record(db.session, response, "sent", {"sent_to": [None, SENT_TO[source_of(response)]],
                                                 "sent_on": [None, sent_on.isoformat()]})


def set_statutory_paragraph(force: Force, text: str | None, pcc_name: str | None = None,
                            text_cy: str | None = None) -> None:
    """Set the force's wording of the statutory paragraph and the PCC's name; for an office that works in
    Welsh, its Welsh wording too (None: left as it is). Blank, or the standard wording, is kept as None:
    the standard wording, whose Welsh is standard too."""
    force.statutory_paragraph = _own_wording(text, DEFAULT_STATUTORY_PARAGRAPH)
    force.pcc_name = (pcc_name or "").strip() or None
    if text_cy is not None:
        force.statutory_paragraph_cy = _own_wording(text_cy, DEFAULT_STATUTORY_PARAGRAPH_CY)


def _own_wording(text: str | None, standard: str) -> str | None:
    """A paragraph as typed, or None when it is blank or the standard wording (spaces do not count)."""
    text = (text or "").strip()
    return None if not text or " ".join(text.split()) == " ".join(standard.split()) else text


def previous_responses(response: StatutoryResponse) -> list[StatutoryResponse]:
    """The force's other responses that have the PCC's comments to start from, newest report first."""
    return list(db.session.scalars(
        sa.select(StatutoryResponse)
        .join(Inspection, StatutoryResponse.inspection_id == Inspection.id)
        .where(StatutoryResponse.force_id == response.force_id, StatutoryResponse.id != response.id,
               StatutoryResponse.pcc_comments.is_not(None))
        .options(contains_eager(StatutoryResponse.inspection))
        .order_by(Inspection.published_on.desc(), Inspection.id.desc())
    ))


def _same_text(text: str) -> str:
    """A recommendation's text for comparing: spaces and case do not count."""
    return " ".join(text.split()).casefold()


def copy_from_previous(response: StatutoryResponse, source: StatutoryResponse) -> int:
    """Start from a previous response: copy the PCC's comments, and the explanation of every recommendation
    with the same text, into what is still blank here (nothing written is overwritten). Return how many
    explanations were copied."""
    if source.force_id != response.force_id or source.id == response.id:
        raise DomainError("Select one of this force's other responses", field="source")
    if not (response.pcc_comments or "").strip():
        response.pcc_comments = source.pcc_comments
    explained = {_same_text(t.recommendation.text): t.pcc_explanation
                 for t in response_trackings(source) if (t.pcc_explanation or "").strip()}
    copied = 0
    for tracking in response_trackings(response):
        explanation = explained.get(_same_text(tracking.recommendation.text))
        if explanation and not (tracking.pcc_explanation or "").strip():
            tracking.pcc_explanation = explanation
            copied += 1
    audit.record(db.session, response, "started from another response",
                 {"source": [None, source.inspection.slug], "explanations_copied": [None, copied]})
    return copied
