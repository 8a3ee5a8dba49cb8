"""Owners' update links: made, emailed, opened, used and revoked, every use in the audit trail.

A link's token is signed with the app's secret key (itsdangerous, HMAC-SHA256, a salt of its own)
and names the link's id, its action, its purpose and a random secret of 256 bits. The database keeps
the link (tracker.models.OwnerLink) with only the SHA-256 of the secret: a copy of the database does
not give working links, and a token whose secret does not match its row (compared in constant time)
is refused. A token altered in any way fails its signature before the database is asked anything.

So a link cannot be guessed: forging one needs the secret key, and a real one for another action
names that action (its address must match). Nothing the page shows leads to any other record.

Sending reuses the reminders' SMTP sending (tracker.services.reminders.send_all): an email is
recorded as sent (sent_reminders) once the server accepts it. The command sends one link per action
and due date; a link whose email the server did not take is revoked, and the next run sends another.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.orm import joinedload

from tracker.db import audit, db, write_transactions
from tracker.domain.formatting import govuk_date, govuk_datetime
from tracker.domain.owner_links import (
    DEFAULT_DAYS,
    DEFAULT_LEAD_DAYS,
    PURPOSE,
    LinkFacts,
    Refusal,
    expiry,
    is_email_address,
    refusal,
    wants_link,
)
from tracker.domain.statuses import ActionStatus
from tracker.models import Action, OwnerLink, ProgressUpdate, Recommendation, SentReminder, Tracking, User, utcnow
from tracker.services import DomainError, get_by_id
from tracker.services.evidence import store_file
from tracker.services.overdue import in_scope
from tracker.services.reminders import Outgoing, RunReport, send_all
from tracker.services.tracking import add_progress_update, set_action_status

log = logging.getLogger(__name__)

SALT = "tracker.owner-link"
PATH = "/owner-update/{action_id}/{token}"  # the owner's page (tracker.web.views.owner_links)
MAX_TOKEN_LENGTH = 400  # a real token is about 170 characters; anything longer is not read at all
TEXT_LENGTH = 20_000


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})


def _digest(secret: str) -> str:
    """The hex SHA-256 of a link's secret, as stored (enough for 256 random bits: nothing to guess)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def address(base_url: str, action_id: int, token: str) -> str:
    """The link's absolute address on the site at `base_url`."""
    return base_url.rstrip("/") + PATH.format(action_id=action_id, token=token)


# --- making and revoking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    """A link just made, and its token (never stored: it goes into one email)."""

    link: OwnerLink
    token: str


def working_links(action_ids: list[int], now: datetime | None = None) -> dict[int, list[OwnerLink]]:
    """The links of these actions that still work (not revoked, used or expired), newest first, by action."""
    if not action_ids:
        return {}
    now = now or utcnow()
    found: dict[int, list[OwnerLink]] = {}
    for link in db.session.scalars(
            sa.select(OwnerLink).where(OwnerLink.action_id.in_(action_ids), OwnerLink.revoked_at.is_(None),
                                       OwnerLink.used_at.is_(None), OwnerLink.expires_at > now)
            .options(joinedload(OwnerLink.created_by)).order_by(OwnerLink.created_at.desc(), OwnerLink.id.desc())):
        found.setdefault(link.action_id, []).append(link)
    return found


def issue(action: Action, secret_key: str, *, days: int = DEFAULT_DAYS, by: User | None = None,
          due_on: date | None = None, now: datetime | None = None) -> Issued:
    """Make a link for the action's owner; the action's links that still work are revoked (replaced).

    Refused when the action has no valid owner's email, or needs no update (complete or cancelled).
    """
    recipient = (action.owner_email or "").strip()
    if not recipient:
        raise DomainError("Add the owner's email address to the action before sending them a link", field="send")
    if not is_email_address(recipient):
        raise DomainError("The owner's email address is not in the correct format: correct it on the action first",
                          field="send")
    if ActionStatus(action.status).is_closed:
        raise DomainError("This action is complete or cancelled: it needs no update", field="send")
    now = now or utcnow()
    for old in working_links([action.id], now).get(action.id, []):
        revoke(old, by, "Replaced by a newer link", now)
    secret = secrets.token_urlsafe(32)
    link = OwnerLink(action=action, force_id=action.force_id, purpose=PURPOSE, recipient=recipient,
                     secret_hash=_digest(secret), due_on=due_on, created_at=now, created_by=by,
                     expires_at=expiry(now, days))
    db.session.add(link)
    db.session.flush()
    token = _serializer(secret_key).dumps({"l": link.id, "a": action.id, "p": PURPOSE, "s": secret})
    return Issued(link, token)


def revoke(link: OwnerLink, by: User | None, reason: str, now: datetime | None = None) -> None:
    """Stop a link working (the row stays, so the audit trail's events naming it keep their meaning)."""
    if link.revoked_at is not None:
        return
    link.revoked_at = now or utcnow()
    link.revoked_by = by
    link.revoked_reason = reason
    db.session.flush()


def link_of(action: Action, link_id: int) -> OwnerLink | None:
    """One of the action's links by id, or None (another action's link is None too)."""
    link = get_by_id(OwnerLink, link_id)
    return link if link is not None and link.action_id == action.id else None


def revoke_by_editor(link: OwnerLink, user: User) -> None:
    """An editor revokes a link: refused when it no longer works anyway."""
    if link.revoked_at is not None or link.used_at is not None or link.expires_at <= utcnow():
        raise DomainError("This link no longer works: there is nothing to revoke", field="revoke")
    revoke(link, user, f"Revoked by {user.name}")


# --- the owner's page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """What a token opened: its link (None when nothing names one) and why it is refused (None: it works)."""

    link: OwnerLink | None
    refusal: Refusal | None

    @property
    def works(self) -> bool:
        return self.link is not None and self.refusal is None


def _payload(token: str, secret_key: str) -> dict | None:
    """The token's signed contents when the signature holds and they have the expected shape, else None."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH or not token.isascii():
        return None
    serializer = _serializer(secret_key)
    try:
        payload = serializer.loads(token)
    except (BadData, ValueError, UnicodeError):
        return None
    # Only the very text tracker wrote: base64 lets a last character differ in bits it ignores.
    if not hmac.compare_digest(serializer.dumps(payload), token):
        return None
    if (not isinstance(payload, dict) or set(payload) != {"l", "a", "p", "s"}
            or not all(isinstance(payload[k], int) and not isinstance(payload[k], bool) for k in ("l", "a"))
            or not all(isinstance(payload[k], str) for k in ("p", "s"))):
        return None
    return payload


def open_link(token: str, action_id: int, secret_key: str, now: datetime | None = None) -> Opened:
    """Check a token used at the address of action `action_id`: its link and whether it works now.

    Nothing is recorded here (record_use does that); a token that names no link is logged, without it.
    """
    payload = _payload(token, secret_key)
    if payload is None:
        log.warning("owner link refused: %s (action %s)", Refusal.TAMPERED, action_id)
        return Opened(None, Refusal.TAMPERED)
    link = get_by_id(OwnerLink, payload["l"])
    if link is None:
        log.warning("owner link refused: %s (link %s)", Refusal.UNKNOWN, payload["l"])
        return Opened(None, Refusal.UNKNOWN)
    # The secret decides, in constant time; the signed action and purpose must be the row's own.
    if (not hmac.compare_digest(link.secret_hash, _digest(payload["s"])) or payload["a"] != link.action_id
            or payload["p"] != link.purpose):
        return Opened(link, Refusal.WRONG_SECRET)
    facts = LinkFacts(link.action_id, link.purpose, link.expires_at, link.revoked_at, link.used_at)
    return Opened(link, refusal(facts, action_id, PURPOSE, now or utcnow()))


def record_use(opened: Opened, event: str, address_action_id: int | None = None) -> None:
    """Write a use of a link into the audit trail under the link's id, never its token: `event` ("opened",
    "update sent") when it works; "opened after use" when its update was sent already; else the refusal
    ("refused: expired"). A token that names no link has no row to name (open_link logged it)."""
    if opened.link is None:
        return
    if opened.refusal is None:
        name = event
    elif opened.refusal is Refusal.USED and event == "opened":
        name = "opened after use"
    else:
        name = f"refused: {opened.refusal}"
    changes = {"address_action": address_action_id} if opened.refusal is Refusal.WRONG_ACTION else {}
    audit.record(db.session, opened.link, name, changes)


def page_of(link: OwnerLink) -> Action:
    """The action a working link opens, with what its page shows loaded."""
    return db.session.scalar(
        sa.select(Action).where(Action.id == link.action_id).options(
            joinedload(Action.force),
            joinedload(Action.tracking).joinedload(Tracking.recommendation).joinedload(Recommendation.inspection)))


def send_update(link: OwnerLink, text: str, implemented: bool, files: list[tuple[str, bytes]],
                evidence_dir: str | Path, today: date, now: datetime | None = None) -> ProgressUpdate:
    """The owner's update through a working link: a progress update with its evidence files, the
    action marked implemented (complete, waiting for a chief officer's sign-off) when they say so;
    the link is used up."""
    if len(text or "") > TEXT_LENGTH:
        raise DomainError(f"The update must be {TEXT_LENGTH:,} characters or fewer", field="text")
    action = link.action
    update = add_progress_update(action, today, text or "")
    update.owner_link = link
    for filename, data in files:
        store_file(update, filename, data, evidence_dir)
    if implemented and not ActionStatus(action.status).is_closed:
        set_action_status(action, ActionStatus.COMPLETE, today)
    link.used_at = now or utcnow()
    db.session.flush()
    audit.record(db.session, link, "update sent", {"progress_update": update.id, "implemented": bool(implemented)})
    return update


# --- sending ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A link made and the email that carries it, not yet sent."""

    link_id: int
    message: Outgoing


def email_for(link: OwnerLink, address_: str) -> tuple[str, str]:
    """The subject and text of the email that carries a link."""
    action = link.action
    rec = action.tracking.recommendation
    due = f"It is due on {govuk_date(action.due_on)}.\n\n" if action.due_on else ""
    # One line whatever the title holds (a header with a line break in it is refused, and would end the headers).
    subject = " ".join(f"Update needed: {action.title} ({action.force.name})".split())
    body = (
        f"{action.force.name}'s Office of the Police and Crime Commissioner asks for an update on an action "
        f"you own{f' ({action.owner})' if action.owner else ''}.\n\n"
        f"Action: {action.title}\n"
        f"In answer to: {rec.kind.label} {rec.ref} of \"{rec.inspection.title}\"\n{due}"
        "Give your update on this page (you do not need to sign in). You can attach evidence, and say whether "
        f"the action has been implemented:\n{address_}\n\n"
        f"The link works for this action only, for one update, until {govuk_datetime(link.expires_at)} (UTC). "
        "Do not forward this email: whoever has the link can give an update on the action.\n\n"
        "If you were not expecting this email, you can ignore it.\n"
    )
    return subject, body


def _pending(link: OwnerLink, token: str, base_url: str, item: tuple[str, int, str, date]) -> Pending:
    subject, body = email_for(link, address(base_url, link.action_id, token))
    return Pending(link.id, Outgoing(*item, recipient=link.recipient, subject=subject, body=body))


def by_hand(action: Action, user: User, secret_key: str, base_url: str, days: int = DEFAULT_DAYS) -> Pending:
    """An editor sends the owner a link now (recorded, once sent, under the link's own id)."""
    issued = issue(action, secret_key, days=days, by=user, due_on=None)
    return _pending(issued.link, issued.token, base_url, ("owner_link", issued.link.id, "by_hand", utcnow().date()))


def due_links(today: date, secret_key: str, base_url: str, report: RunReport, *, days: int = DEFAULT_DAYS,
              lead_days: int = DEFAULT_LEAD_DAYS) -> list[Pending]:
    """Make the links owed on `today`: one per open action with an owner's email, due within `lead_days`,
    whose owner was not sent one for that due date, and holds no working link sent by hand. A link
    made for an earlier due date is replaced."""
    horizon = date.fromordinal(today.toordinal() + lead_days)
    candidates = list(db.session.scalars(
        sa.select(Action).where(Action.due_on.between(today, horizon), Action.completed_on.is_(None),
                                Action.status.not_in([s for s in ActionStatus if s.is_closed]),
                                Action.owner_email.is_not(None), in_scope(Action.inspection_id, Action.force_id))
        .options(joinedload(Action.force)).order_by(Action.due_on, Action.id)))
    candidates = [a for a in candidates if wants_link(a.status, a.due_on, a.owner_email, today, lead_days)]
    ids = [a.id for a in candidates]
    sent = {(item_id, due) for item_id, due in db.session.execute(
        sa.select(SentReminder.item_id, SentReminder.due_on).where(
            SentReminder.item_type == "action", SentReminder.kind == "owner_link", SentReminder.item_id.in_(ids or [-1])))}
    holding = working_links(ids)
    out = []
    for action in candidates:
        if (action.id, action.due_on) in sent:
            report.already_sent += 1
            continue
        if any(link.due_on in (None, action.due_on) for link in holding.get(action.id, [])):
            report.already_sent += 1  # the owner holds a working link for this request (or one sent by hand)
            continue
        if not is_email_address(action.owner_email):
            report.no_recipient += 1
            report.errors.append(f"Action {action.id}: the owner's email address is not in the correct format")
            continue
        issued = issue(action, secret_key, days=days, due_on=action.due_on)
        out.append(_pending(issued.link, issued.token, base_url, ("action", action.id, "owner_link", action.due_on)))
    return out


def deliver(pending: list[Pending], config: dict, report: RunReport | None = None) -> RunReport:
    """Send the links' emails over one SMTP connection; a link whose email the server took is marked
    sent, any other is revoked (its email never arrived). Commits, as the reminders' sending does:
    the links must be saved before their emails go, and each email's record as soon as it is accepted."""
    report = report if report is not None else RunReport()
    if not pending:
        return report
    db.session.commit()  # the links exist before anyone can follow them
    with write_transactions():
        send_all([p.message for p in pending], config, report)
        for item in pending:
            m = item.message
            accepted = db.session.scalar(sa.select(SentReminder.sent_at).where(
                SentReminder.item_type == m.item_type, SentReminder.item_id == m.item_id, SentReminder.kind == m.kind,
                SentReminder.due_on == m.due_on))
            link = db.session.get(OwnerLink, item.link_id)
            if accepted is not None:
                link.sent_at = accepted
            else:
                revoke(link, None, "The email could not be sent")
        db.session.commit()
    return report


def run(today: date, config: dict, secret_key: str) -> RunReport:
    """Send every link owed on `today` (the command): built on TRACKER_BASE_URL."""
    report = RunReport()
    base_url = config.get("TRACKER_BASE_URL") or "http://127.0.0.1:5000"
    pending = due_links(today, secret_key, base_url, report, days=int(config.get("TRACKER_OWNER_LINK_DAYS", DEFAULT_DAYS)),
                        lead_days=int(config.get("TRACKER_OWNER_LINK_LEAD_DAYS", DEFAULT_LEAD_DAYS)))
    deliver(pending, config, report)
    return report
