"""`flask --app tracker send-reminders`: the right emails to the right people, once only, and none lost."""

from __future__ import annotations

import email
import socket
from datetime import date

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.factories import get_force, get_tracking, make_user
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import Action, NotificationPreference, SentReminder
from tracker.services.reminders import stage


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    """A free local TCP port (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A local SMTP server on a free port, with the app configured to use it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="tracker@test.example")
    yield inbox
    controller.stop()


def to_and_subjects(inbox) -> list[tuple[str, str]]:
    return sorted((m["To"], m["Subject"]) for m in inbox.messages)


def test_reminder_stages():
    due = date(2022, 3, 31)
    assert stage(due, date(2022, 2, 28)) is None
    assert stage(due, date(2022, 3, 1)) == "due_30"
    assert stage(due, date(2022, 3, 24)) == "due_7"
    assert stage(due, date(2022, 3, 30)) == "due_1"
    assert stage(due, date(2022, 3, 31)) == "due_1"
    assert stage(due, date(2022, 4, 1)) == "overdue"


@pytest.fixture
def owners(app):
    """Cumbria's 3.2 led by a user; an action of 4.1 with an owner email; a reviewer for the digest."""
    lead = make_user(Role.EDITOR, ("cumbria",), email="lead@cumbria.example")
    tracking = get_tracking("cumbria", "3.2")
    tracking.lead_officer = lead.name
    other = get_tracking("cumbria", "4.1")
    other.lead_officer = "Somebody Unknown"
    action = Action(tracking=get_tracking("cumbria", "4.1"), force_id=get_force("cumbria").id, title="Train every officer",
                    owner="Pat Owner", owner_email="pat@cumbria.example", due_on=date(2022, 3, 31))
    db.session.add(action)
    reviewer = make_user(Role.REVIEWER, ("cumbria",), email="chief@cumbria.example")
    db.session.commit()
    return {"lead": lead, "tracking": tracking, "action": action, "reviewer": reviewer}


def test_the_right_emails_to_the_right_owners_and_only_once(runner, smtp, owners):
    # 1 March 2022: 3.2 and the action are due on 31 March, 30 days ahead. 1 March 2022 is a Tuesday: no digest.
    result = runner.invoke(args=["send-reminders", "--today", "2022-03-01"])
    assert result.exit_code == 0, result.output
    assert to_and_subjects(smtp) == [
        ("lead@cumbria.example", "Due in 30 days: Recommendation 3.2 (Cumbria Constabulary)"),
        ("pat@cumbria.example", "Due in 30 days: Action 4.1 (Cumbria Constabulary)"),
    ]
    body = smtp.messages[0].get_payload(decode=True).decode()
    assert "/tracking/" in body and "31 March 2022" in body
    # Running again the same day (or the next) sends nothing twice.
    assert runner.invoke(args=["send-reminders", "--today", "2022-03-01"]).exit_code == 0
    assert runner.invoke(args=["send-reminders", "--today", "2022-03-02"]).exit_code == 0
    assert len(smtp.messages) == 2
    # 7 days before, 1 day before, and when it passes.
    for today, words in (("2022-03-24", "Due in 7 days"), ("2022-03-30", "Due tomorrow"), ("2022-04-01", "Overdue")):
        smtp.messages.clear()
        runner.invoke(args=["send-reminders", "--today", today])
        runner.invoke(args=["send-reminders", "--today", today])
        assert [m["To"] for m in smtp.messages if m["Subject"].startswith(words)] in (
            ["lead@cumbria.example", "pat@cumbria.example"], ["pat@cumbria.example", "lead@cumbria.example"])
    sent = db.session.scalars(sa.select(SentReminder).where(SentReminder.item_type != "digest")).all()
    assert {s.kind for s in sent} == {"due_30", "due_7", "due_1", "overdue"}


def test_owners_who_are_not_users_are_skipped_and_counted(runner, smtp, owners):
    result = runner.invoke(args=["send-reminders", "--today", "2022-03-01"])
    assert "no recipient" in result.output
    assert not [m for m in smtp.messages if "Somebody" in m["To"]]


def test_the_weekly_digest_goes_to_chief_officers_on_mondays(runner, smtp, owners):
    runner.invoke(args=["send-reminders", "--today", "2022-04-04"])  # a Monday
    digests = [m for m in smtp.messages if m["Subject"].startswith("Weekly digest")]
    assert "chief@cumbria.example" in [m["To"] for m in digests]
    digest = next(m for m in digests if m["To"] == "chief@cumbria.example").get_payload(decode=True).decode()
    assert "Cumbria Constabulary" in digest and "3.2" in digest
    smtp.messages.clear()
    runner.invoke(args=["send-reminders", "--today", "2022-04-04"])
    assert not [m for m in smtp.messages if m["Subject"].startswith("Weekly digest")]
    runner.invoke(args=["send-reminders", "--today", "2022-04-05"])  # Tuesday
    assert not [m for m in smtp.messages if m["Subject"].startswith("Weekly digest")]


def test_users_can_opt_out(app, runner, smtp, owners):
    db.session.add(NotificationPreference(user_id=owners["lead"].id, due_reminders=False, weekly_digest=True))
    db.session.add(NotificationPreference(user_id=owners["reviewer"].id, due_reminders=True, weekly_digest=False))
    db.session.commit()
    result = runner.invoke(args=["send-reminders", "--today", "2022-04-04"])
    recipients = [m["To"] for m in smtp.messages]
    assert "lead@cumbria.example" not in recipients and "chief@cumbria.example" not in recipients
    assert "pat@cumbria.example" in recipients and "opted out 2" in result.output


def test_a_failing_smtp_server_loses_no_reminder(app, runner, owners):
    port = free_port()  # nothing listens there yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="tracker@test.example")
    result = runner.invoke(args=["send-reminders", "--today", "2022-03-01"])
    assert result.exit_code == 1 and "Could not reach the SMTP server" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SentReminder)) == 0
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = runner.invoke(args=["send-reminders", "--today", "2022-03-01"])
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert sorted(m["To"] for m in inbox.messages) == ["lead@cumbria.example", "pat@cumbria.example"]


def test_a_refused_recipient_is_sent_on_the_next_run(app, runner, owners):
    class Refusing(Inbox):
        refuse = True

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if self.refuse and address.startswith("pat@"):
                return "450 Mailbox busy, try later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    inbox = Refusing()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="tracker@test.example")
    try:
        first = runner.invoke(args=["send-reminders", "--today", "2022-03-01"])
        assert first.exit_code == 1 and [m["To"] for m in inbox.messages] == ["lead@cumbria.example"]
        inbox.refuse = False
        second = runner.invoke(args=["send-reminders", "--today", "2022-03-01"])
        assert second.exit_code == 0
        assert [m["To"] for m in inbox.messages] == ["lead@cumbria.example", "pat@cumbria.example"]
    finally:
        controller.stop()


def test_bad_date_gets_a_clear_error(runner):
    result = runner.invoke(args=["send-reminders", "--today", "Monday"])
    assert result.exit_code != 0 and "is not a date in the form YYYY-MM-DD" in result.output
