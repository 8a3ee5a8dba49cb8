"""The reviewer's queue on the home page: actions to sign off, responses to approve, implemented
recommendations to verify, in the user's forces only, each counted and linked."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import get_force, get_inspection, get_tracking, make_user, sign_in
from tests.integration.test_dashboard_queries import counting_queries
from tracker.db import db
from tracker.domain.statuses import ActionStatus, Role
from tracker.models import Action, ProgressUpdate, StatutoryResponse, utcnow
from tracker.services import extensions as extension_service
from tracker.services import queue as queue_service


def _count(html: str, part: str) -> int:
    m = re.search(rf'data-count="queue-{part}">(\d+)', html)
    return int(m.group(1)) if m else 0


@pytest.fixture
def waiting(app):
    """In Cumbria: an action complete and not signed off, a drafted response not approved, and a
    recommendation implemented and not verified; and the same in Lancashire."""
    made = {}
    for slug in ("cumbria", "lancashire"):
        tracking = get_tracking(slug, "4")
        action = Action(tracking=tracking, force_id=tracking.force_id, inspection_id=tracking.inspection_id,
                        title=f"Publish the new policy ({slug})", status=ActionStatus.COMPLETE,
                        completed_on=date(2022, 3, 1))
        db.session.add(action)
        tracking.implemented_on, tracking.verified_on = date(2022, 3, 2), None
        response = db.session.scalar(sa.select(StatutoryResponse).where(
            StatutoryResponse.force_id == get_force(slug).id,
            StatutoryResponse.inspection_id == get_inspection("vawg-2021").id))
        response.drafted_on, response.approved_on, response.published_on = date(2021, 10, 1), None, None
        made[slug] = (tracking, action, response)
    db.session.commit()
    return made


def test_a_reviewer_sees_what_waits_in_their_forces_with_links(app, waiting):
    tracking, action, response = waiting["cumbria"]
    user = make_user(Role.REVIEWER, ("cumbria",))
    queue = queue_service.reviewer_queue(user, [get_force("cumbria").id])
    html = sign_in(app.test_client(), user).get("/").get_data(as_text=True)
    assert "Waiting for you" in html
    assert _count(html, "sign-offs") == queue.sign_offs.count >= 1
    assert _count(html, "verifications") == queue.verifications.count >= 1
    assert f'href="/tracking/{tracking.id}#action-{action.id}"' in html and action.title in html
    assert f'href="/tracking/{tracking.id}"' in html
    # Chief officers do not approve the PCC's comments on their own force: no approvals for them.
    assert queue.approvals.count == 0 and 'id="queue-approvals"' not in html


def test_an_approver_sees_the_responses_waiting_for_approval_and_nothing_else(app, waiting):
    user = make_user(Role.APPROVER, ("cumbria",))
    queue = queue_service.reviewer_queue(user, [get_force("cumbria").id])
    html = sign_in(app.test_client(), user).get("/").get_data(as_text=True)
    assert "Waiting for you" in html
    assert _count(html, "approvals") == queue.approvals.count >= 1
    assert 'href="/responses/cumbria/vawg-2021"' in html
    assert queue.sign_offs.count == queue.verifications.count == 0
    assert 'id="queue-sign-offs"' not in html and 'id="queue-verifications"' not in html
    assert "lancashire" not in html.split('id="queue"', 1)[1].split("</div>\n</div>", 1)[0].lower()


def test_what_is_done_leaves_the_queue(app, waiting):
    tracking, action, response = waiting["cumbria"]
    reviewer, approver = make_user(Role.REVIEWER, ("cumbria",)), make_user(Role.APPROVER, ("cumbria",))
    force_ids = [get_force("cumbria").id]
    before = queue_service.reviewer_queue(reviewer, force_ids)
    approvals_before = queue_service.reviewer_queue(approver, force_ids).approvals.count
    action.signed_off_at = utcnow()
    response.approved_on = date(2021, 10, 2)
    tracking.verified_on = date(2022, 3, 3)
    db.session.commit()
    after = queue_service.reviewer_queue(reviewer, force_ids)
    assert after.sign_offs.count == before.sign_offs.count - 1
    assert queue_service.reviewer_queue(approver, force_ids).approvals.count == approvals_before - 1
    assert after.verifications.count == before.verifications.count - 1


def test_nobody_is_asked_to_approve_what_they_drafted(app, waiting):
    _tracking, _action, response = waiting["cumbria"]
    user = make_user(Role.APPROVER, ("cumbria",))
    force_ids = [get_force("cumbria").id]
    before = queue_service.reviewer_queue(user, force_ids).approvals.count
    response.drafted_by_id = user.id
    db.session.commit()
    assert queue_service.reviewer_queue(user, force_ids).approvals.count == before - 1


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_who_does_not_sign_off_has_no_queue(app, waiting, role):
    html = sign_in(app.test_client(), make_user(role, ("cumbria",))).get("/").get_data(as_text=True)
    assert "Waiting for you" not in html


def test_the_queue_is_drawn_for_each_user_above_the_cached_dashboard(app, waiting):
    reviewer = sign_in(app.test_client(), make_user(Role.REVIEWER, ("cumbria",)))
    viewer = sign_in(app.test_client(), make_user(Role.VIEWER, ("cumbria",)))
    assert "Waiting for you" in reviewer.get("/?as_of=2022-04-01").get_data(as_text=True)
    assert "Waiting for you" not in viewer.get("/?as_of=2022-04-01").get_data(as_text=True)  # the same cached body
    html = reviewer.get("/?as_of=banana").get_data(as_text=True)  # the form's errors: the queue still shows
    assert "Waiting for you" in html


def test_the_queue_on_the_page_follows_the_data(app, waiting):
    _tracking, action, _response = waiting["cumbria"]
    reviewer = sign_in(app.test_client(), make_user(Role.REVIEWER, ("cumbria",)))
    before = _count(reviewer.get("/").get_data(as_text=True), "sign-offs")
    action.signed_off_at = utcnow()
    db.session.commit()
    assert _count(reviewer.get("/").get_data(as_text=True), "sign-offs") == before - 1


def test_a_long_queue_is_counted_in_full_and_lists_the_oldest_first(app):
    """More waiting than the page lists: the count is of them all, the list the first SHOWN by date."""
    tracking = get_tracking("cumbria", "4")
    for day in range(queue_service.SHOWN + 5, 0, -1):
        db.session.add(Action(tracking=tracking, force_id=tracking.force_id, inspection_id=tracking.inspection_id,
                              title=f"Action completed on day {day}", status=ActionStatus.COMPLETE,
                              completed_on=date(2022, 3, day)))
    db.session.commit()
    user = make_user(Role.REVIEWER, ("cumbria",))
    sign_offs = queue_service.reviewer_queue(user, [get_force("cumbria").id]).sign_offs
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(Action).where(
        Action.force_id == tracking.force_id, Action.status == ActionStatus.COMPLETE, Action.signed_off_at.is_(None)))
    assert sign_offs.count == waiting >= queue_service.SHOWN + 5
    assert len(sign_offs.items) == queue_service.SHOWN
    dates = [item.since for item in sign_offs.items]
    assert dates == sorted(dates)


def test_extension_requests_wait_for_those_who_decide_them(app):
    recorder = make_user(Role.REVIEWER, ("cumbria",))
    mine = extension_service.request(get_tracking("cumbria", "3.2"), recorder, new_due_on=date(2022, 6, 30),
                                     reason="Why", requested_by="ACC Example")
    theirs = extension_service.request(get_tracking("lancashire", "3.2"), None, new_due_on=date(2022, 6, 30),
                                       reason="Why", requested_by="ACC Other")
    db.session.commit()
    chief = make_user(Role.REVIEWER, ("cumbria",))
    html = sign_in(app.test_client(), chief).get("/").get_data(as_text=True)
    assert _count(html, "extensions") == 1 and "extension request awaiting a decision" in html
    assert f'href="/extensions/{mine.id}/decide"' in html and f"/extensions/{theirs.id}/" not in html
    assert "Recommendation 3.2, to 30 June 2022" in html
    # The chief officer who recorded it decides it only as the board's: it does not wait for them.
    assert queue_service.reviewer_queue(recorder, [get_force("cumbria").id]).extensions.count == 0
    # Editors, viewers and the PCC's approvers decide none.
    for role in (Role.EDITOR, Role.VIEWER, Role.APPROVER):
        queue = queue_service.reviewer_queue(make_user(role, ("cumbria",)), [get_force("cumbria").id])
        assert queue.extensions.count == 0
    # Decided, it waits no more (the cached queue is drawn again).
    extension_service.decide(mine, chief, mine.version, approve=False, reason="No", today=date(2022, 4, 1))
    db.session.commit()
    html = sign_in(app.test_client(), chief).get("/").get_data(as_text=True)
    assert _count(html, "extensions") == 0


def test_a_progress_update_leaves_the_queue_cached_and_what_it_shows_does_not(app, waiting):
    """The queue is drawn again after a write to what it shows (an action completed or signed off, an item
    implemented or verified, an extension request), not after every write to the force."""
    tracking, action, _response = waiting["cumbria"]
    reviewer = sign_in(app.test_client(), make_user(Role.REVIEWER, ("cumbria",)))

    def queue_drawn() -> bool:
        with counting_queries() as statements:
            reviewer.get("/")
        return any("signed_off_at IS NULL" in s for s in statements)

    reviewer.get("/")
    db.session.add(ProgressUpdate(action=action, occurred_on=date(2022, 3, 3), text="Nothing the queue shows"))
    tracking.lead_officer = "Superintendent Queue"
    db.session.commit()
    assert not queue_drawn()
    for change in (lambda: setattr(tracking, "verified_on", date(2022, 3, 4)),
                   lambda: setattr(action, "title", "A new title the queue shows"),
                   lambda: setattr(action, "status", ActionStatus.IN_PROGRESS)):
        change()
        db.session.commit()
        assert queue_drawn()
        assert not queue_drawn()
    other = get_tracking("cumbria", "4.1")
    other.due_on, other.closed_on = date(2029, 1, 1), None  # a date, not shown in the queue
    db.session.commit()
    assert not queue_drawn()
    extension_service.request(other, None, new_due_on=date(2030, 1, 1), reason="A reason", requested_by="The lead")
    db.session.commit()
    assert queue_drawn()


def test_every_part_is_read_in_one_statement_each_in_its_own_order(app, waiting):
    """The parts a user decides come in one statement (one round trip), each with its own count and its
    first rows oldest first, whatever the other parts hold."""
    tracking = get_tracking("cumbria", "4")
    for day in (5, 1, 3):
        db.session.add(Action(tracking=tracking, force_id=tracking.force_id, inspection_id=tracking.inspection_id,
                              title=f"Completed on day {day}", status=ActionStatus.COMPLETE,
                              completed_on=date(2022, 2, day)))
    extension_service.request(get_tracking("cumbria", "3.2"), None, new_due_on=date(2022, 6, 30), reason="Why",
                              requested_by="ACC Example")
    db.session.commit()
    user, force_ids = make_user(Role.REVIEWER, ("cumbria",)), [get_force("cumbria").id]
    assert user.role  # loaded
    with counting_queries() as statements:
        queue = queue_service.reviewer_queue(user, force_ids)
    assert len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))]) == 1, statements
    assert queue.sign_offs.count == len(queue.sign_offs.items) >= 4 and queue.verifications.count >= 1
    assert queue.extensions.count == 1 and queue.approvals.count == 0
    dates = [item.since for item in queue.sign_offs.items]
    assert dates == sorted(dates)
    assert [item.title for item in queue.sign_offs.items if item.title.startswith("Completed on day")] == [
        "Completed on day 1", "Completed on day 3", "Completed on day 5"]
    assert all(item.action_id for item in queue.sign_offs.items)
    assert all(item.extension_id for item in queue.extensions.items)
    assert all(item.tracking_id and not item.action_id for item in queue.verifications.items)
