"""The rules of owners' update links: when a link works, who is owed one, what an address must be."""

from datetime import date, datetime, timedelta

import pytest

from tracker.domain.owner_links import (
    PURPOSE,
    LinkFacts,
    Refusal,
    action_stage,
    expiry,
    is_email_address,
    refusal,
    wants_link,
)
from tracker.domain.statuses import ActionStatus

MADE = datetime(2022, 3, 1, 9, 0)
LINK = LinkFacts(action_id=7, purpose=PURPOSE, expires_at=expiry(MADE, 7), revoked_at=None, used_at=None)


def test_a_link_works_for_its_action_and_purpose_until_it_expires():
    assert refusal(LINK, 7, PURPOSE, MADE) is None
    assert refusal(LINK, 7, PURPOSE, datetime(2022, 3, 8, 8, 59, 59)) is None
    assert refusal(LINK, 7, PURPOSE, datetime(2022, 3, 8, 9, 0)) is Refusal.EXPIRED


def test_why_a_link_is_refused():
    assert refusal(LINK, 8, PURPOSE, MADE) is Refusal.WRONG_ACTION
    assert refusal(LINK, 7, "sign_off", MADE) is Refusal.WRONG_PURPOSE
    revoked = LinkFacts(7, PURPOSE, LINK.expires_at, revoked_at=MADE, used_at=None)
    assert refusal(revoked, 7, PURPOSE, MADE) is Refusal.REVOKED
    used = LinkFacts(7, PURPOSE, LINK.expires_at, revoked_at=None, used_at=MADE)
    assert refusal(used, 7, PURPOSE, MADE) is Refusal.USED
    # Another action's address is refused first, whatever else holds: it never shows that link's state.
    assert refusal(LinkFacts(7, PURPOSE, MADE, MADE, MADE), 8, PURPOSE, MADE) is Refusal.WRONG_ACTION
    # Revoked or expired outranks used: a used link that was revoked opens nothing, not even the thank-you.
    assert refusal(LinkFacts(7, PURPOSE, LINK.expires_at, MADE, MADE), 7, PURPOSE, MADE) is Refusal.REVOKED


@pytest.mark.parametrize(("status", "due", "email", "owed"), [
    (ActionStatus.IN_PROGRESS, date(2022, 3, 8), "a@b.example", True),  # due in 7 days
    (ActionStatus.NOT_STARTED, date(2022, 3, 1), "a@b.example", True),  # due today
    (ActionStatus.IN_PROGRESS, date(2022, 3, 9), "a@b.example", False),  # too early
    (ActionStatus.IN_PROGRESS, date(2022, 2, 28), "a@b.example", False),  # overdue: the reminders chase it
    (ActionStatus.COMPLETE, date(2022, 3, 5), "a@b.example", False),
    (ActionStatus.CANCELLED, date(2022, 3, 5), "a@b.example", False),
    (ActionStatus.IN_PROGRESS, date(2022, 3, 5), "  ", False),
    (ActionStatus.IN_PROGRESS, None, "a@b.example", False),
])
def test_who_is_owed_a_link(status, due, email, owed):
    assert wants_link(status, due, email, date(2022, 3, 1)) is owed


def test_the_lead_time_is_configurable():
    assert wants_link(ActionStatus.IN_PROGRESS, date(2022, 3, 15), "a@b.example", date(2022, 3, 1), lead_days=14)


@pytest.mark.parametrize("value", ["pat@cumbria.example", "p.o'neil+tracker@police.uk", "x@a.b"])
def test_email_addresses_accepted(value):
    assert is_email_address(value)


@pytest.mark.parametrize("value", ["", "pat", "pat@", "@cumbria.example", "pat@cumbria", "pat@@cumbria.example",
                                   "Pat <pat@cumbria.example>", "pat@cumbria.example, x@evil.example",
                                   "pat@cumbria.example\r\nBcc: x@evil.example", "pat @cumbria.example",
                                   "pat@.example", "pat@cumbria.example.", "pat@cumbria..example",
                                   "a" * 310 + "@cumbria.example"])
def test_email_addresses_refused(value):
    assert not is_email_address(value)


def test_an_action_is_implemented_until_a_chief_officer_verifies_it():
    assert action_stage(ActionStatus.COMPLETE, signed_off=False) == "Implemented – awaiting verification"
    assert action_stage(ActionStatus.COMPLETE, signed_off=True) == "Complete"
    assert action_stage(ActionStatus.IN_PROGRESS, signed_off=False) == "In progress"
    assert expiry(MADE, 7) - MADE == timedelta(days=7)
