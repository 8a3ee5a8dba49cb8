"""Statutory (s.55) responses: milestones, comments, approval, publishing and the s.55(6) copies.

Plain functions that flush and never commit (the request or command commits through save()).
Publishing writes the PDF once under instance/published: to a temporary file, flushed and synced,
then linked into place (never over an existing file), and only then recorded. A refused publish
writes nothing: no file and no row.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.db import audit, db
from tracker.documents.response import render_response_body, render_response_pdf, response_trackings
from tracker.domain.completeness import Missing, days_late, missing_items
from tracker.models import Force, Inspection, PublishedVersion, StatutoryResponse, User, utcnow
from tracker.services import DomainError
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


MILESTONE_FIELDS = ("chief_invited_on", "chief_comments_due_on", "chief_comments_received_on", "drafted_on")
COMMENT_FIELDS = ("pcc_comments", "chief_comments", "chief_comments_absence", "pcc_response_to_chief")


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
    if response.drafted_on is None:
        response.drafted_by = None
    elif response.drafted_by_id is None and user is not None:
        response.drafted_by = user


def update_comments(response: StatutoryResponse, submitted_version: int | None, user: User | None, **texts) -> None:
    """Save the comments (PCC's, chief constable's, the PCC's response); a change withdraws an approval."""
    check_version(response, submitted_version)
    unknown = set(texts) - set(COMMENT_FIELDS)
    if unknown:
        raise ValueError(f"not comment fields: {sorted(unknown)}")
    changed = False
    for name, value in texts.items():
        value = (value or "").strip() or None
        if getattr(response, name) != value:
            setattr(response, name, value)
            changed = True
    if changed and response.approved_on is not None:
        response.approved_on = None
        response.approved_by = None
        audit.record(db.session, response, "approval withdrawn", {"reason": ["", "the comments changed"]})


def approve(response: StatutoryResponse, user: User, on: date) -> None:
    """Approve the drafted response: a reviewer (or administrator) other than the person who drafted it."""
    if not user.role.can_sign_off:
        raise DomainError("Only a reviewer can approve a response")
    if response.drafted_on is None:
        raise DomainError("Record the date the response was drafted before it is approved")
    if response.drafted_by is not None and response.drafted_by.id == user.id:
        raise DomainError("The response must be approved by someone other than the person who drafted it")
    response.approved_on = on
    response.approved_by = user
    audit.record(db.session, response, "approved", {"approved_on": [None, on.isoformat()]})


def published_path(published_dir: Path, version: PublishedVersion) -> Path:
    """The file of a published version under the published folder."""
    path = (Path(published_dir) / version.filename).resolve()
    if Path(published_dir).resolve() not in path.parents:
        raise DomainError("The published file is not in the published folder")
    return path


def html_path(pdf_path: Path) -> Path:
    """The public HTML copy kept beside a published PDF."""
    return pdf_path.with_suffix(".html")


def published_html(published_dir: Path, version: PublishedVersion) -> str | None:
    """The stored HTML body of a published version (what the public page shows), or None."""
    path = html_path(published_path(published_dir, version))
    return path.read_text("utf-8") if path.is_file() else None


def write_once(path: Path, data: bytes) -> None:
    """Write `data` to a new file at `path`: temp file, flush, fsync, then link into place; never overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
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


def check_publishable(response: StatutoryResponse, user: User) -> list[Missing]:
    """Refuse with DomainError when the user or the approval does not allow publishing; return what is missing."""
    if not user.role.can_edit:
        raise DomainError("Only an editor can publish a response")
    if response.approved_on is None:
        raise DomainError("A reviewer must approve the response before it is published")
    return missing_items(response, response_trackings(response))


def publish(response: StatutoryResponse, user: User, published_dir: Path, reason: str | None = None,
            now: datetime | None = None) -> PublishedVersion:
    """Publish the response as a new version: checks, render, write once, then record it.

    Refused (IncompleteResponse, DomainError) before anything is written when something is
    missing, the response is not approved, or a republication has no reason.
    """
    now = now or utcnow()
    missing = check_publishable(response, user)
    if missing:
        raise IncompleteResponse(missing)
    number = len(response.versions) + 1
    reason = (reason or "").strip() or None
    if number > 1 and reason is None:
        raise DomainError("Enter why the response is being published again", field="reason")
    pdf = render_response_pdf(response, public=True)
    body = render_response_body(response, public=True)
    sha256 = hashlib.sha256(pdf).hexdigest()
    filename = f"{response.force.slug}/{response.inspection.slug}-v{number}.pdf"
    # Built unattached: nothing enters the session until the file is safely written.
    version = PublishedVersion(
        response_id=response.id, number=number, filename=filename, sha256=sha256, size=len(pdf),
        published_at=now, published_by_id=user.id, reason=reason, days_late=days_late(response.due_on, now.date()),
    )
    pdf_path = published_path(published_dir, version)
    write_once(pdf_path, pdf)
    try:
        write_once(html_path(pdf_path), body.encode("utf-8"))
    except Exception:
        pdf_path.unlink(missing_ok=True)
        raise
    response.versions.append(version)
    if response.published_on is None:
        response.published_on = now.date()
    audit.record(db.session, response, "published",
                 {"version": [None, number], "sha256": [None, sha256], "days_late": [None, version.days_late]})
    db.session.flush()
    return version


def discard_unrecorded(published_dir: Path, version: PublishedVersion) -> None:
    """Remove the files of a version whose row could not be saved, so no unrecorded file remains."""
    pdf_path = published_path(published_dir, version)
    pdf_path.unlink(missing_ok=True)
    html_path(pdf_path).unlink(missing_ok=True)


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


def set_statutory_paragraph(force: Force, text: str | None) -> None:
    """Set the force's wording of the statutory paragraph (blank: the standard wording)."""
    force.statutory_paragraph = (text or "").strip() or None
