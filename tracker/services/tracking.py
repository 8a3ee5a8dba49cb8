"""Per-force tracking of recommendations: statuses, actions and progress updates."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.db import audit, db
from tracker.domain.deadlines import Rag
from tracker.domain.statuses import ActionStatus, TrackingStatus, sign_off_refusal, tracking_change_errors
from tracker.models import (
    Action,
    ExtensionRequest,
    Inspection,
    ProgressUpdate,
    PublishedVersion,
    Recommendation,
    StatutoryResponse,
    Tracking,
    User,
    utcnow,
)
from tracker.services import MAX_ID, ConflictError, DomainError, get_by_id


def check_version(record, submitted_version: int | None) -> None:
    """Refuse a save made against an older version of the record than the one stored."""
    if submitted_version is not None and int(submitted_version) != record.version:
        raise ConflictError(
            "Someone else saved this record after you opened it. Your changes have not been saved: "
            "they are still in the form below. Check the current record, then save again."
        )


def set_tracking_status(
    tracking: Tracking, status: TrackingStatus, on: date, no_action_reason: str | None = None
) -> None:
    """Move a tracking row through its lifecycle; closing it records the day it closed."""
    errors = tracking_change_errors(status, no_action_reason)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    tracking.status = status
    tracking.no_action_reason = no_action_reason if status is TrackingStatus.NO_FURTHER_ACTION else None
    if status.is_closed:
        tracking.closed_on = tracking.closed_on or on
        if status is TrackingStatus.COMPLETE:
            tracking.implemented_on = tracking.implemented_on or on
    else:
        tracking.closed_on = None


TRACKING_FIELDS = ("lead_officer", "rag_forecast", "pcc_explanation", "chief_comment", "chief_comment_not_for_publication",
                   "hmicfrs_view", "hmicfrs_view_on", "verified_on", "implemented_on", "blocked_by", "percent_complete")

DATE_SET = "The due date is set: to change it, ask for an extension on the tracking page"


def update_tracking(tracking: Tracking, submitted_version: int | None, on: date, *, status: TrackingStatus | None = None,
                    no_action_reason: str | None = None, target_date: date | None = None, **fields) -> None:
    """Apply an edit of a tracking row made against `submitted_version`; refuse it if that is stale.

    `fields` are plain columns (TRACKING_FIELDS); status and target date go through their rules.
    """
    check_version(tracking, submitted_version)
    unknown = set(fields) - set(TRACKING_FIELDS)
    if unknown:
        raise ValueError(f"not tracking fields: {sorted(unknown)}")
    if status is not None:
        set_tracking_status(tracking, status, on, no_action_reason)
    if target_date != tracking.target_date:
        if tracking.due_on is not None:
            raise DomainError(DATE_SET, field="target_date")
        set_target_date(tracking, target_date)
    percent = fields.get("percent_complete")
    if percent is not None and not 0 <= percent <= 100:
        raise DomainError("Per cent complete must be a whole number from 0 to 100", field="percent_complete")
    for name, value in fields.items():
        setattr(tracking, name, value.strip() or None if isinstance(value, str) else value)


def set_target_date(tracking: Tracking, target: date | None) -> None:
    """Set the force's own target date; without one the recommendation's deadline applies (and an approved
    extension's date over either)."""
    tracking.target_date = target
    tracking.due_on = tracking.revised_due_on or target or tracking.recommendation.deadline_date


def set_forecast(tracking: Tracking, submitted_version: int | None, rating: Rag | None) -> None:
    """The owner's forecast: will it complete on time (on track, at risk, off track), or not set."""
    check_version(tracking, submitted_version)
    tracking.rag_forecast = rating


def add_action(tracking: Tracking, title: str, **fields) -> Action:
    """Add an action against a tracking row (it belongs to the tracking row's force)."""
    action = Action(tracking=tracking, force=tracking.force, inspection_id=tracking.inspection_id, title=title,
                    **fields)
    if action.status is not None and ActionStatus(action.status).is_closed and action.completed_on is None:
        raise DomainError("Enter the date the action was completed", field="completed_on")
    db.session.add(action)
    return action


def set_action_status(action: Action, status: ActionStatus, on: date) -> None:
    """Change an action's status; closing it records the day, reopening clears it."""
    action.status = status
    if status.is_closed:
        action.completed_on = action.completed_on or on
    else:
        action.completed_on = None


def add_progress_update(action: Action, occurred_on: date, text: str, author: User | None = None,
                        not_for_publication: bool = False, public: bool = False,
                        text_cy: str | None = None) -> ProgressUpdate:
    """Log a dated progress update on an action (on the public page only when `public`; for a force
    that works in Welsh, only with its Welsh version, published with the English together)."""
    if not text.strip():
        raise DomainError("Enter what was done", field="text")
    if public and (not_for_publication or action.not_for_publication):
        raise DomainError("An update not for publication cannot be published on the public page", field="public")
    text_cy = (text_cy or "").strip() or None
    if public and action.force.works_in_welsh and text_cy is None:
        raise DomainError("Enter what was done in Welsh: the office publishes in Welsh and English together",
                          field="text_cy")
    update = ProgressUpdate(action=action, occurred_on=occurred_on, text=text.strip(), author=author,
                            not_for_publication=not_for_publication, public=public, text_cy=text_cy)
    db.session.add(update)
    return update


# --- the pages' data access -------------------------------------------------------------


def get_tracking(tracking_id: int) -> Tracking | None:
    """Return a tracking row with its recommendation, inspection and force, or None."""
    return get_by_id(Tracking, tracking_id)


def get_tracking_page(tracking_id: int) -> Tracking | None:
    """Return a tracking row with everything its page shows loaded in a handful of queries, read afresh
    even if the row was loaded before: the page is cached under the data state's tokens read since,
    and a save committed in between must not be cached under its own new tokens as the row was."""

    if not 0 < tracking_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(Tracking).where(Tracking.id == tracking_id).execution_options(populate_existing=True).options(
            joinedload(Tracking.force), joinedload(Tracking.verified_by),
            selectinload(Tracking.extension_requests).options(
                joinedload(ExtensionRequest.recorded_by), joinedload(ExtensionRequest.decided_by)),
            joinedload(Tracking.recommendation).joinedload(Recommendation.inspection)
            .load_only(Inspection.slug, Inspection.title, Inspection.source),
            selectinload(Tracking.actions).options(
                joinedload(Action.signed_off_by),
                selectinload(Action.updates).options(joinedload(ProgressUpdate.author),
                                                     selectinload(ProgressUpdate.evidence_files)),
            ),
        )
    )


def get_action(action_id: int) -> Action | None:
    """Return an action, or None."""
    return get_by_id(Action, action_id)


def record_verification(tracking: Tracking, user: User | None) -> None:
    """Name who verified the item when the OPCC's verification date is set (and nobody when cleared)."""
    if tracking.verified_on is None:
        tracking.verified_by = None
    elif tracking.verified_by is None:
        tracking.verified_by = user


ACTION_FIELDS = ("title", "owner", "owner_email", "due_on", "evidence", "not_for_publication", "description")


def update_action(action: Action, submitted_version: int | None, on: date, *, status: ActionStatus,
                  completed_on: date | None = None, **fields) -> None:
    """Apply an edit of an action made against `submitted_version`; refuse it if that is stale."""
    check_version(action, submitted_version)
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValueError(f"not action fields: {sorted(unknown)}")
    if "title" in fields and not (fields["title"] or "").strip():
        raise DomainError("Enter what the action is", field="title")
    if "due_on" in fields and fields["due_on"] != action.due_on and action.due_on is not None:
        raise DomainError(DATE_SET, field="due_on")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip() if name == "title" else (value.strip() or None)
        setattr(action, name, value)
    status = ActionStatus(status)
    if status.is_closed:
        action.completed_on = completed_on or action.completed_on or on
    else:
        action.completed_on = None
    action.status = status


def sign_off_action(action: Action, user: User, on: date, submitted_version: int | None = None,
                    note: str | None = None) -> None:
    """A chief officer signs off an action marked complete with its evidence (or a note); who, when and their
    note are kept, and the trail says so."""
    check_version(action, submitted_version)
    if action.signed_off_at is not None:
        raise DomainError("This action has already been signed off", field="sign_off")
    refusal = sign_off_refusal(action.status, action.evidence, bool(action.updates))
    if refusal:
        raise DomainError(refusal, field="sign_off")
    action.signed_off_by = user
    action.signed_off_at = utcnow()
    action.sign_off_note = (note or "").strip() or None
    audit.record(db.session, action, "signed off", {"signed_off_by": [None, user.name],
                                                    **({"note": [None, action.sign_off_note]} if action.sign_off_note else {})})


def published_since_sign_off(action: Action) -> bool:
    """Whether a version of the force's response to the inspection was published after the action was signed off."""
    return relied_on(action, last_publication(action.force_id, action.inspection_id))


def last_publication(force_id: int, inspection_id: int | None) -> datetime | None:
    """When a version of the force's response to the inspection was last published (None: never)."""
    return db.session.scalar(
        sa.select(sa.func.max(PublishedVersion.published_at))
        .join(StatutoryResponse, PublishedVersion.response_id == StatutoryResponse.id)
        .where(StatutoryResponse.force_id == force_id, StatutoryResponse.inspection_id == inspection_id))


def relied_on(action: Action, last_published: datetime | None) -> bool:
    """Whether the response's last publication came after the action's sign-off, and so relied on it
    (the sign-off can then no longer be undone)."""
    return action.signed_off_at is not None and last_published is not None and last_published >= action.signed_off_at


def undo_sign_off(action: Action, user: User, submitted_version: int | None = None) -> None:
    """Take back a sign-off, until the next publication of the response has relied on it."""
    check_version(action, submitted_version)
    if action.signed_off_at is None:
        raise DomainError("This action is not signed off", field="sign_off")
    if published_since_sign_off(action):
        raise DomainError("The response was published after this sign-off: it can no longer be undone", field="sign_off")
    audit.record(db.session, action, "sign-off undone", {"signed_off_by": [action.signed_off_by.name if action.signed_off_by
                                                                           else None, None]})
    action.signed_off_by = None
    action.signed_off_at = None
    action.sign_off_note = None
