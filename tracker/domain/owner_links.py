"""The rules of the links that let an action's owner give an update by email, without an account.

A link is for one action and one purpose. It works from when it is made until the first of: it
expires (TRACKER_OWNER_LINK_DAYS after it was made, 7 by default), it is revoked (by an editor, or
replaced by a newer link for the same action), or an update has been sent through it.

Why one update per link, and page views without limit: the email asks for one update before one
due date, and a link that stays usable after doing that is only a longer chance for a forwarded or
leaked email to be used. Opening the page changes nothing, so it may be opened as often as the owner
needs (and mail scanners that open every link in an email, as Microsoft's Safe Links does, cannot use
it up). An owner with more to say gets a new link: the next due date sends one, an editor can send
one at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from tracker.domain.statuses import ActionStatus

PURPOSE = "progress_update"  # the only thing a link may do: give an action's progress update
DEFAULT_DAYS = 7  # how long a link works
DEFAULT_LEAD_DAYS = 7  # how long before an action's due date the command sends its link
EMAIL_LENGTH = 320


class Refusal(StrEnum):
    """Why a link does not open its page (the page says none of this: the audit trail does)."""

    TAMPERED = "tampered"  # not a link tracker made, or altered: nothing names a link
    UNKNOWN = "unknown"  # signed, but its link is gone (the action was deleted)
    WRONG_SECRET = "wrong secret"
    WRONG_ACTION = "wrong action"  # a link for one action used in another action's address
    WRONG_PURPOSE = "wrong purpose"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED = "used"  # an update was sent through it already


@dataclass(frozen=True)
class LinkFacts:
    """What decides whether a stored link still works."""

    action_id: int
    purpose: str
    expires_at: datetime
    revoked_at: datetime | None
    used_at: datetime | None


def refusal(link: LinkFacts, action_id: int, purpose: str, now: datetime) -> Refusal | None:
    """Why the link cannot be used now for `purpose` on action `action_id`, or None when it can.

    A used link is refused last: the owner who sent their update may still see that it arrived.
    """
    if link.action_id != action_id:
        return Refusal.WRONG_ACTION
    if link.purpose != purpose:
        return Refusal.WRONG_PURPOSE
    if link.revoked_at is not None:
        return Refusal.REVOKED
    if now >= link.expires_at:
        return Refusal.EXPIRED
    if link.used_at is not None:
        return Refusal.USED
    return None


def expiry(made_at: datetime, days: int) -> datetime:
    """When a link made at `made_at` stops working."""
    return made_at + timedelta(days=days)


def wants_link(status: ActionStatus, due_on: date | None, owner_email: str | None, today: date,
               lead_days: int = DEFAULT_LEAD_DAYS) -> bool:
    """Whether an action's owner is owed a link today: the action is open, has an owner's email, and is
    due within `lead_days` from today (not yet past: the reminders chase what is overdue)."""
    if ActionStatus(status).is_closed or due_on is None or not (owner_email or "").strip():
        return False
    return today <= due_on <= today + timedelta(days=lead_days)


def is_email_address(value: str | None) -> bool:
    """A plausible email address: one @ with something either side and a dot in the domain, no spaces,
    no angle brackets or commas (it goes into an email's To header as it is)."""
    value = (value or "").strip()
    if not value or len(value) > EMAIL_LENGTH or any(c.isspace() or c in "<>,;\"()[]\\" for c in value):
        return False
    local, at, domain = value.rpartition("@")
    return bool(at and local and "@" not in local and "." in domain.strip(".") and not domain.startswith(".")
                and not domain.endswith(".") and ".." not in domain)


def action_stage(status: ActionStatus, signed_off: bool) -> str:
    """The words for where an action stands: a complete action is implemented (the force says so) and
    waits for a chief officer to verify it by signing it off."""
    status = ActionStatus(status)
    if status is ActionStatus.COMPLETE and not signed_off:
        return "Implemented – awaiting verification"
    return status.label
