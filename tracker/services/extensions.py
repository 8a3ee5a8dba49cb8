"""Extension requests: a due date, once set, moves only through a request that a chief officer or the
board approves or refuses (tracker.domain.extensions). Approval moves the date in force (the row's
due_on, which every overdue view reads); refusal changes nothing; every request stays, so the
original date and each revision with its decision are always there to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.db import db
from tracker.domain.extensions import (
    ExtensionStatus,
    decision_errors,
    may_decide_extensions,
    may_request_extensions,
    request_errors,
)
from tracker.models import Action, ExtensionRequest, Recommendation, Tracking, User, utcnow
from tracker.services import DomainError, get_by_id
from tracker.services.overdue import in_scope
from tracker.services.tracking import check_version

__all__ = [
    "ExtensionStatus", "Revision", "approved_revisions", "decide", "get_request", "may_decide_extensions",
    "may_request_extensions", "original_due_dates", "pending_count", "pending_extension_requests", "request",
]


def _raise_first(errors: dict[str, str]) -> None:
    """Refuse with the first error, against its field."""
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)


def _item_closed(tracking: Tracking, action: Action | None) -> bool:
    """Whether the item asked about is closed (nothing left to extend)."""
    return action.status.is_closed if action is not None else tracking.status.is_closed


def item_closed_since(extension: ExtensionRequest) -> bool:
    """Whether the item a request asks about has closed since (it may then only be refused)."""
    return _item_closed(extension.tracking, extension.action)


def _has_pending(tracking: Tracking, action: Action | None) -> bool:
    """Whether a request for this item already waits for a decision."""
    return bool(db.session.scalar(
        sa.select(sa.func.count(ExtensionRequest.id)).where(
            ExtensionRequest.tracking_id == tracking.id,
            ExtensionRequest.action_id.is_(None) if action is None else ExtensionRequest.action_id == action.id,
            ExtensionRequest.status == ExtensionStatus.PENDING)))


def request(tracking: Tracking, user: User | None, *, new_due_on: date | None, reason: str | None,
            requested_by: str | None, action: Action | None = None) -> ExtensionRequest:
    """Record a request to move the due date of the recommendation (or of one of its actions) later."""
    if action is not None and action.tracking is not tracking:
        raise ValueError("the action is not one of this tracking row's")
    in_force = action.due_on if action is not None else tracking.due_on
    _raise_first(request_errors(in_force, _item_closed(tracking, action), new_due_on, reason, requested_by,
                                _has_pending(tracking, action)))
    extension = ExtensionRequest(
        tracking=tracking, action=action, force_id=tracking.force_id, previous_due_on=in_force, new_due_on=new_due_on,
        reason=reason.strip(), requested_by=requested_by.strip(), recorded_by_id=user.id if user else None,
        status=ExtensionStatus.PENDING,
    )
    db.session.add(extension)
    db.session.flush()
    return extension


def decide(extension: ExtensionRequest, user: User, submitted_version: int | None, *, approve: bool | None,
           reason: str | None, today: date, board: str | None = None, decided_on: date | None = None) -> None:
    """Approve or refuse a request, in the user's own name or recording the board's decision (`board`).

    Approval makes the new date the one in force (a recommendation's revised date, or the action's due
    date); refusal leaves every date as it was. Only chief officers and administrators decide.
    """
    if not may_decide_extensions(user.role):
        raise DomainError("Only a chief officer or an administrator decides extension requests", field="decision")
    check_version(extension, submitted_version)
    by_board = board is not None
    _raise_first(decision_errors(extension.status, approve, reason, by_board, board, decided_on, today,
                                 recorded_it_yourself=extension.recorded_by_id == user.id,
                                 closed=_item_closed(extension.tracking, extension.action)))
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decision_reason = reason.strip()
    extension.decided_by_id = user.id
    extension.decided_by_body = board.strip() if by_board else None
    extension.decided_on = decided_on if by_board else today
    extension.decided_at = utcnow()
    if approve:
        if extension.action is not None:
            extension.action.due_on = extension.new_due_on
        else:
            extension.tracking.revised_due_on = extension.new_due_on
            extension.tracking.due_on = extension.new_due_on
    db.session.flush()


def get_request(extension_id: int) -> ExtensionRequest | None:
    """One extension request, or None."""
    return get_by_id(ExtensionRequest, extension_id)


# --- what boards and pages read --------------------------------------------------------------


def _pending(force_ids: Iterable[int]) -> sa.Select:
    """The requests of the forces awaiting a decision, oldest first (items out of scope wait for nobody)."""
    return (sa.select(ExtensionRequest)
            .join(Tracking, ExtensionRequest.tracking_id == Tracking.id)
            .where(ExtensionRequest.force_id.in_(list(force_ids)), ExtensionRequest.status == ExtensionStatus.PENDING,
                   in_scope(Tracking.inspection_id, Tracking.force_id))
            .order_by(ExtensionRequest.created_at, ExtensionRequest.id))


def pending_extension_requests(force_ids: Iterable[int], limit: int | None = None) -> list[ExtensionRequest]:
    """Extension requests of these forces awaiting a decision, oldest first, each with its tracking row,
    recommendation (and inspection), action, force and recorder loaded."""
    q = _pending(force_ids).options(
        joinedload(ExtensionRequest.tracking).joinedload(Tracking.recommendation).joinedload(Recommendation.inspection),
        joinedload(ExtensionRequest.tracking).joinedload(Tracking.force),
        joinedload(ExtensionRequest.action), joinedload(ExtensionRequest.recorded_by),
    )
    return list(db.session.scalars(q if limit is None else q.limit(limit)).unique())


def pending_count(force_ids: Iterable[int]) -> int:
    """How many extension requests of these forces await a decision."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(_pending(force_ids).order_by(None).subquery())) or 0


@dataclass(frozen=True)
class Revision:
    """The last approved revision of an item's due date: the date first set, the date now in force, why,
    and who decided it when."""

    original_due: date
    revised_due: date
    reason: str
    decided_by: str
    decided_on: date | None


# Ids per query, under the databases' limits on bound parameters.
CHUNK = 5_000


def _approved(tracking_ids: Iterable[int], action_ids: Iterable[int]) -> dict[tuple[str, int], list[ExtensionRequest]]:
    """The approved requests of some recommendations' own dates (by tracking id) and of some actions, in the
    order they were decided, by ("recommendation", tracking id) or ("action", action id)."""
    found: dict[tuple[str, int], list[ExtensionRequest]] = {}
    tracking_ids, action_ids = sorted(set(tracking_ids)), sorted(set(action_ids))
    for start in range(0, max(len(tracking_ids), len(action_ids)), CHUNK):
        trackings, actions = tracking_ids[start:start + CHUNK], action_ids[start:start + CHUNK]
        q = (sa.select(ExtensionRequest).options(joinedload(ExtensionRequest.decided_by))
             .where(ExtensionRequest.status == ExtensionStatus.APPROVED,
                    sa.or_(sa.and_(ExtensionRequest.action_id.is_(None), ExtensionRequest.tracking_id.in_(trackings)),
                           ExtensionRequest.action_id.in_(actions)))
             .order_by(ExtensionRequest.decided_at, ExtensionRequest.id))
        for extension in db.session.scalars(q):
            key = ("action", extension.action_id) if extension.action_id else ("recommendation", extension.tracking_id)
            found.setdefault(key, []).append(extension)
    return found


def approved_revisions(tracking_ids: Iterable[int], action_ids: Iterable[int] = ()) -> dict[tuple[str, int], Revision]:
    """Each revised item's original date and last approved revision (with its reason and who decided),
    by ("recommendation", tracking id) or ("action", action id): a few queries, never one per item."""
    revisions = {}
    for key, approved in _approved(tracking_ids, action_ids).items():
        last = approved[-1]
        revisions[key] = Revision(
            original_due=approved[0].previous_due_on, revised_due=last.new_due_on, reason=last.reason,
            decided_by=last.decided_by_body or (last.decided_by.name if last.decided_by else "Not recorded"),
            decided_on=last.decided_on,
        )
    return revisions


def original_due_dates(tracking_ids: Iterable[int], action_ids: Iterable[int] = ()) -> dict[tuple[str, int], date]:
    """The date first set of each item whose date was revised, by ("recommendation", tracking id) or
    ("action", action id): the date in force before its first approved extension."""
    return {key: revision.original_due for key, revision in approved_revisions(tracking_ids, action_ids).items()}
