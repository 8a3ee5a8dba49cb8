"""Reminder emails: to each owner 30, 7 and 1 days before a due date and once it has passed, and a
weekly digest of overdue and due-soon items to each force's chief officers (role reviewer).

Each reminder is sent once only however often the command runs: a row in sent_reminders (unique on
item type, item id, reminder kind and due date) is written only after the SMTP server accepted the
message. A message the server refused, or could not take, has no row, so the next run sends it.
A run that missed a day sends the reminder of the stage the item is in now (it does not send the
stages it missed), so an owner is never flooded.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa

from tracker.db import db, write_transactions
from tracker.domain.deadlines import DUE_SOON_DAYS
from tracker.domain.formatting import govuk_date, govuk_date_short, plural
from tracker.domain.progress import Progress, quiet
from tracker.domain.statuses import Role
from tracker.models import Action, Force, NotificationPreference, SentReminder, User, user_forces
from tracker.services.overdue import ITEM_TYPES, ItemFilter, Row, list_items

log = logging.getLogger(__name__)

STAGE_WORDS = {
    "due_30": "Due in 30 days",
    "due_7": "Due in 7 days",
    "due_1": "Due tomorrow",
    "overdue": "Overdue",
}


def stage(due: date, today: date) -> str | None:
    """The reminder an item due on `due` is owed on `today`: due_30, due_7, due_1, overdue or none."""
    days = (due - today).days
    if days < 0:
        return "overdue"
    if days <= 1:
        return "due_1"
    if days <= 7:
        return "due_7"
    if days <= 30:
        return "due_30"
    return None


@dataclass
class Outgoing:
    """One email to send, and the sent_reminders key it is recorded under once accepted."""

    item_type: str
    item_id: int
    kind: str
    due_on: date
    recipient: str
    subject: str
    body: str


@dataclass
class RunReport:
    """What a run did."""

    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    no_recipient: int = 0
    opted_out: int = 0
    errors: list[str] = field(default_factory=list)


def _users_by_name_and_email() -> tuple[dict[str, User], dict[str, User], dict[int, set[int]], dict[int, NotificationPreference]]:
    """Active users by lower-cased name and email, their forces, and their preferences (three queries)."""
    users = list(db.session.scalars(sa.select(User).where(User.active.is_(True))))
    by_name = {u.name.strip().lower(): u for u in users}
    by_email = {u.email.strip().lower(): u for u in users}
    memberships: dict[int, set[int]] = {}
    for user_id, force_id in db.session.execute(sa.select(user_forces.c.user_id, user_forces.c.force_id)):
        memberships.setdefault(user_id, set()).add(force_id)
    prefs = {p.user_id: p for p in db.session.scalars(sa.select(NotificationPreference))}
    return by_name, by_email, memberships, prefs


def _link(base_url: str, row: Row) -> str:
    """The item's page as an absolute address."""
    return base_url.rstrip("/") + row.url


def due_reminders(today: date, base_url: str, report: RunReport) -> list[Outgoing]:
    """The owner reminders owed on `today` and not sent yet."""
    force_ids = tuple(db.session.scalars(sa.select(Force.id)))
    rows = [r for r in list_items(ItemFilter(as_of=today, force_ids=force_ids, window="reminders"),
                                  sort="due", descending=False, page=None)
            if r.type in ("recommendation", "action") and r.due is not None]
    action_emails = dict(db.session.execute(
        sa.select(Action.id, Action.owner_email).where(Action.id.in_([r.id for r in rows if r.type == "action"] or [-1]))
    ).all())
    force_by_slug = dict(db.session.execute(sa.select(Force.slug, Force.id)).all())
    by_name, by_email, memberships, prefs = _users_by_name_and_email()
    sent = _sent_keys(rows)
    out = []
    for row in rows:
        kind = stage(row.due, today)
        if kind is None:
            continue
        if (row.type, row.id, kind, row.due) in sent:
            report.already_sent += 1
            continue
        recipient = None
        user = None
        if row.type == "action" and action_emails.get(row.id):
            recipient = action_emails[row.id].strip()
            user = by_email.get(recipient.lower())
        elif row.owner:
            user = by_name.get(row.owner.strip().lower()) or by_email.get(row.owner.strip().lower())
            # Only someone of the item's force is told about it.
            if user is not None and force_by_slug[row.force] in memberships.get(user.id, set()):
                recipient = user.email
        if recipient is None:
            report.no_recipient += 1
            continue
        if user is not None and user.id in prefs and not prefs[user.id].due_reminders:
            report.opted_out += 1
            continue
        words = STAGE_WORDS[kind]
        title = f"{ITEM_TYPES[row.type]}{' ' + row.ref if row.ref else ''}"
        when = (f"was due on {govuk_date(row.due)} and is {plural(row.days_overdue, 'day')} overdue" if kind == "overdue"
                else f"is due on {govuk_date(row.due)}")
        body = (
            f"{title} of {row.inspection_title}, for {row.force_name}, {when}.\n\n"
            f"{row.title}\n\nOwner: {row.owner or 'not set'}\nStatus: {row.status_label}\n\n"
            f"Update it here: {_link(base_url, row)}\n\n"
            "You get this email because you own this item in tracker. You can turn these reminders off on the "
            f"Email settings page: {base_url.rstrip('/')}/settings/notifications\n"
        )
        out.append(Outgoing(row.type, row.id, kind, row.due, recipient,
                            f"{words}: {title} ({row.force_name})", body))
    return out


def _sent_keys(rows: list[Row]) -> set[tuple]:
    """The (type, id, kind, due) keys already sent for these items (one query)."""
    if not rows:
        return set()
    conds = []
    for item_type in ("recommendation", "action"):
        ids = [r.id for r in rows if r.type == item_type]
        if ids:
            conds.append(sa.and_(SentReminder.item_type == item_type, SentReminder.item_id.in_(ids)))
    q = sa.select(SentReminder.item_type, SentReminder.item_id, SentReminder.kind, SentReminder.due_on).where(sa.or_(*conds))
    return {tuple(r) for r in db.session.execute(q)}


def digests(today: date, base_url: str, weekday: int, report: RunReport) -> list[Outgoing]:
    """The weekly digests owed on `today` (only on the digest weekday) to chief officers, not sent yet."""
    if today.weekday() != weekday:
        return []
    reviewers = list(db.session.scalars(
        sa.select(User).where(User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.id)))
    prefs = {p.user_id: p for p in db.session.scalars(sa.select(NotificationPreference))}
    sent = {r for r in db.session.scalars(sa.select(SentReminder.item_id).where(
        SentReminder.item_type == "digest", SentReminder.kind == "weekly", SentReminder.due_on == today))}
    out = []
    for user in reviewers:
        if user.id in sent:
            report.already_sent += 1
            continue
        if user.id in prefs and not prefs[user.id].weekly_digest:
            report.opted_out += 1
            continue
        force_ids = tuple(f.id for f in user.forces)
        if not force_ids:
            continue
        rows = list_items(ItemFilter(as_of=today, force_ids=force_ids, window="reminders"),
                          sort="days", descending=True, page=None)
        overdue = [r for r in rows if r.due < today]
        soon = [r for r in rows if r.due >= today]
        lines = [f"Weekly digest for {', '.join(f.name for f in user.forces)}, {govuk_date(today)}.", "",
                 f"{len(overdue)} items overdue, {len(soon)} due within {DUE_SOON_DAYS} days.", ""]
        for heading, items in (("Overdue", overdue), (f"Due within {DUE_SOON_DAYS} days", soon)):
            lines.append(f"{heading}:")
            for r in items[:50]:
                lines.append(f"- {ITEM_TYPES[r.type]}{' ' + r.ref if r.ref else ''} ({r.force_name}), due {govuk_date_short(r.due)}"
                             f"{f', {r.days_overdue} days overdue' if r.days_overdue else ''}; owner {r.owner or 'not set'}: {_link(base_url, r)}")
            if len(items) > 50:
                lines.append(f"- and {len(items) - 50} more: {base_url.rstrip('/')}/")
            if not items:
                lines.append("- none")
            lines.append("")
        lines.append(f"Turn this digest off on the Email settings page: {base_url.rstrip('/')}/settings/notifications")
        out.append(Outgoing("digest", user.id, "weekly", today, user.email,
                            f"Weekly digest: {len(overdue)} overdue, {len(soon)} due soon", "\n".join(lines) + "\n"))
    return out


def send_all(messages: list[Outgoing], config: dict, report: RunReport, progress: Progress = quiet) -> None:
    """Send each message over one SMTP connection; record each one the server accepted, at once."""
    if not messages:
        return
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30)
    except (OSError, smtplib.SMTPException) as exc:
        report.failed += len(messages)
        report.errors.append(f"Could not reach the SMTP server {config['MAIL_SERVER']}:{config['MAIL_PORT']}: {exc}")
        return
    try:
        for index, message in enumerate(messages):
            progress("Sending", index + 1, len(messages))
            email = EmailMessage()
            email["From"] = config["MAIL_SENDER"]
            email["To"] = message.recipient
            email["Subject"] = message.subject
            email["Date"] = formatdate(localtime=False)
            email["Message-ID"] = make_msgid(domain="tracker")
            email.set_content(message.body)
            try:
                smtp.send_message(email)
            except smtplib.SMTPServerDisconnected as exc:
                report.failed += len(messages) - index
                report.errors.append(f"The SMTP server closed the connection: {exc}")
                return
            except (OSError, smtplib.SMTPException) as exc:
                report.failed += 1
                report.errors.append(f"{message.recipient}: {exc}")
                continue
            db.session.add(SentReminder(item_type=message.item_type, item_id=message.item_id, kind=message.kind,
                                        due_on=message.due_on, recipient=message.recipient))
            db.session.commit()  # recorded at once: a later failure cannot make it go again
            report.sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass


def run(today: date, config: dict, progress: Progress = quiet) -> RunReport:
    """Send every reminder and digest owed on `today` that has not been sent."""
    report = RunReport()
    base_url = config.get("TRACKER_BASE_URL") or "http://127.0.0.1:5000"
    weekday = int(config.get("TRACKER_DIGEST_WEEKDAY", 0))
    progress("Finding the reminders owed")
    messages = due_reminders(today, base_url, report)
    progress("Writing the digests")
    messages += digests(today, base_url, weekday, report)
    # End the reading transaction before sending: on SQLite a write inside it would fail with
    # "database is locked" if the app saved anything meanwhile (an email sent, but not recorded).
    db.session.rollback()
    with write_transactions():  # each record of a sent email takes the write lock as it begins
        send_all(messages, config, report, progress)
    return report
