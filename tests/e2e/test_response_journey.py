"""The statutory response as an OPCC officer writes it, in a real browser: from "Add an inspection" to the
public page in at most 18 page loads (the approver's included), every page checked with axe-core; and
the task list, the explanations page, the approval refused with a link to the fix, the sign-off
confirmation and its undo, a back-filled publication date and "changed since approval"."""

from __future__ import annotations

import email
import re
import socket
from datetime import date

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.e2e.conftest import assert_accessible

MAX_PAGE_LOADS = 18

RECOMMENDATIONS = """Recommendations

Recommendation 1
By 31 May 2023, chief constables should make sure that their force vetting units have enough resources to carry out vetting checks.

Recommendation 2
By 31 May 2023, chief constables should make sure that vetting decisions are recorded with a clear rationale.

Recommendation 3
By 30 April 2023, chief constables should make sure that all officers and staff are trained to recognise misogynistic behaviour.

Recommendation 4
By 31 October 2023, chief constables should make sure that their counter-corruption units can monitor all force IT systems.

Recommendation 5
By 31 March 2023, chief constables should make sure that misconduct hearings are held without unnecessary delay.

Recommendation 6
By 31 October 2023, the College of Policing should amend its vetting code of practice to require forces to review vetting after misconduct findings.
"""
TITLE = "An inspection of vetting, misconduct, and misogyny in the police service"


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def inbox(live_server):
    """A local SMTP server the live app sends through, for the approvers' email."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    config = live_server["app"].config
    old = {key: config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SENDER")}
    config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="tracker@e2e.example")
    yield handler
    config.update(old)
    controller.stop()


class Counter:
    """Counts the pages a person sees (each document loaded) and the forms they send, on any of their tabs."""

    def __init__(self):
        self.loads: list[str] = []
        self.forms: list[str] = []

    def watch(self, page) -> None:
        page.on("load", lambda p: self.loads.append(p.url))
        page.on("request", lambda r: self.forms.append(r.url)
                if r.is_navigation_request() and r.method == "POST" and r.frame == page.main_frame else None)


def go(page, action) -> None:
    """Do something that loads a page, and wait until it is fully loaded."""
    with page.expect_event("load"):
        action()


def test_the_response_journey_takes_at_most_18_page_loads(live_server, new_page, inbox):
    """Add an inspection, import six recommendations (five need explanations, one is the College of Policing's),
    invite and record the chief constable's comments, write the PCC's, every explanation on one page, send it
    for approval, approve it as the PCC, publish it and see the public page."""
    base = live_server["url"]
    editor = new_page(role="editor")
    approver = new_page(role="approver")
    counter = Counter()
    counter.watch(editor)
    counter.watch(approver)

    go(editor, lambda: editor.goto(base + "/inspections/new"))
    assert_accessible(editor, "add an inspection")
    editor.fill("#title", TITLE)
    editor.fill("#published_on-day", "2")
    editor.fill("#published_on-month", "11")
    editor.fill("#published_on-year", "2022")
    editor.check("input[name=type][value=force_specific]")
    editor.check("input[name=scope][value=chosen]")
    editor.check("label:has-text('Cumbria Constabulary')")
    go(editor, lambda: editor.click("button:has-text('Save inspection')"))

    go(editor, lambda: editor.click("text=Import recommendations"))
    editor.fill("#text", RECOMMENDATIONS)
    go(editor, lambda: editor.click("button:has-text('Read the recommendations')"))
    assert_accessible(editor, "import preview")
    go(editor, lambda: editor.click("button:has-text('Import 6 items')"))
    assert "6 items imported" in editor.content()

    go(editor, lambda: editor.click("a:has-text('Cumbria Constabulary: the s.55 response')"))
    assert_accessible(editor, "the task list")
    tasks = editor.inner_text(".govuk-task-list")
    assert "0 of 5 written" in tasks
    response_url = editor.url

    go(editor, lambda: editor.click("a:has-text(\"Invite the chief constable's comments\")"))
    assert_accessible(editor, "the invitation")
    for prefix, day in (("chief_invited_on", "4"), ("chief_comments_due_on", "2")):
        editor.fill(f"#{prefix}-day", day)
        editor.fill(f"#{prefix}-month", "11" if prefix == "chief_invited_on" else "12")
        editor.fill(f"#{prefix}-year", "2022")
    go(editor, lambda: editor.click("button:has-text('Save and return to the response')"))

    go(editor, lambda: editor.click("a:text-is(\"The chief constable's comments\")"))
    assert_accessible(editor, "the comments")
    editor.fill("#chief_comments_received_on-day", "1")
    editor.fill("#chief_comments_received_on-month", "12")
    editor.fill("#chief_comments_received_on-year", "2022")
    editor.fill("#chief_comments", "The Chief Constable welcomes the report and accepts every recommendation.")
    editor.fill("#pcc_comments", "The Commissioner welcomes the report and will hold the force to account for it.")
    go(editor, lambda: editor.click("button:has-text('Save and return to the response')"))

    go(editor, lambda: editor.click("a:has-text('Explain what is done about each recommendation')"))
    assert_accessible(editor, "the explanations page")
    page_text = editor.inner_text("main")
    assert "chief constables should make sure that their force vetting units" in page_text
    assert "For information – addressed to the College of Policing" in page_text
    explanations = editor.locator("textarea[id^=explanation-]")
    assert explanations.count() == 6  # five explanations and the optional comment on the College's item
    for index in range(5):
        explanations.nth(index).fill(f"The force has acted on recommendation {index + 1}.")
    editor.locator("textarea[id^=chief-]").first.fill("The vetting unit has two more posts.")
    go(editor, lambda: editor.click("button:has-text('Save and send for approval')"))
    assert "5 of 5 written" in editor.inner_text(".govuk-task-list")
    assert "the approvers have been emailed" in editor.content()
    assert [m["To"] for m in inbox.messages] == ["approver@tracker.example"]
    link = re.search(r"http://\S+/approve", inbox.messages[0].get_payload(decode=True).decode()).group(0)

    go(approver, lambda: approver.goto(link))
    assert_accessible(approver, "check the response before approving")
    assert "The force has acted on recommendation 5." in approver.inner_text("main")
    approver.check("#declaration")
    go(approver, lambda: approver.click("button:has-text('Approve the response')"))
    assert "Approved by Pat Approver" in approver.inner_text(".govuk-task-list")

    go(editor, lambda: editor.goto(response_url))  # the editor comes back to the response, now approved
    go(editor, lambda: editor.click("a:has-text('Publish the response')"))
    assert_accessible(editor, "publish")
    assert editor.is_visible(".govuk-warning-text")
    go(editor, lambda: editor.click("button:has-text('Publish the response')"))
    assert "Version 1 published" in editor.content()
    go(editor, lambda: editor.click("a:has-text('See the public page of this response')"))
    assert_accessible(editor, "the public page")

    print(f"\n{len(counter.loads)} page loads, {len(counter.forms)} of them forms sent:\n  " + "\n  ".join(counter.loads))
    assert len(counter.loads) <= MAX_PAGE_LOADS, counter.loads
    # the inspection, reading and importing the recommendations, invitation, comments, explanations (sent for
    # approval with them), the approval, publishing
    assert len(counter.forms) == 8, counter.forms
    public = editor.content()
    assert "Response to " + TITLE in public or TITLE in public
    assert editor.url.startswith(base + "/public/cumbria")
    editor.goto(response_url)
    assert "Version 1 is published" in editor.inner_text(".govuk-task-list")


def _setup(live_server, work) -> None:
    """Change the live server's data directly (what earlier steps of a journey would have done)."""
    from tracker.db import db

    with live_server["app"].app_context():
        work(db)
        db.session.commit()
        db.session.remove()


def _explained_and_approved(db, slug: str) -> None:
    """A force-specific inspection for Cumbria with three recommendations, explained, sent and approved."""
    from tracker.documents.response import response_trackings
    from tracker.domain.statuses import InspectionType, Kind
    from tracker.models import Force, Inspection, User
    from tracker.services import inspections as inspection_service
    from tracker.services import responses as response_service

    inspection = Inspection(slug=slug, title=f"Inspection {slug}", published_on=date(2022, 11, 2),
                            type=InspectionType.FORCE_SPECIFIC, url="https://www.justiceinspectorates.gov.uk/hmicfrs/")
    db.session.add(inspection)
    inspection_service.set_scope(inspection, [db.session.scalar(sa.select(Force).where(Force.slug == "cumbria"))])
    for ref in ("1", "2", "3"):
        inspection_service.add_recommendation(inspection, ref=ref, kind=Kind.RECOMMENDATION,
                                              text=f"Chief constables should do thing {ref}.")
    db.session.flush()
    response = response_service.get_response("cumbria", slug)
    response.pcc_comments, response.chief_comments_absence = "The PCC's words.", "The chief chose not to comment."
    for tracking in response_trackings(response):
        tracking.pcc_explanation = f"Done {tracking.recommendation.ref}."
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    response_service.mark_ready(response, users["editor@tracker.example"], date(2022, 12, 1))
    response_service.approve(response, users["approver@tracker.example"], date(2022, 12, 2))


def test_an_approval_refused_shows_what_is_missing_with_a_link_to_the_fix(live_server, new_page):
    """The demonstration response lacks its explanations: the approver sees an error summary whose links
    open the response's task list (a page they can open, saying who does each task); no declaration is
    offered. The editor's own check (publishing) links to the explanations page at the missing one."""
    base = live_server["url"]
    approver = new_page(role="approver")
    approver.goto(base + "/responses/cumbria/vawg-2021/approve")
    assert_accessible(approver, "approval refused")
    summary = approver.locator(".govuk-error-summary")
    assert summary.is_visible() and "There is a problem" in summary.inner_text()
    link = summary.locator("a:has-text(\"Write the PCC's explanation for recommendation 3.2\")")
    assert "an editor of the force does this" in link.inner_text()
    assert approver.locator("#declaration").count() == 0
    link.click()
    approver.wait_for_load_state()
    assert approver.url == base + "/responses/cumbria/vawg-2021"
    assert approver.locator(".govuk-task-list").count() == 1  # the tasks, each with its status


def test_a_change_after_approval_is_shown_and_needs_a_new_approval(live_server, new_page):
    _setup(live_server, lambda db: _explained_and_approved(db, "changed-e2e"))
    base = live_server["url"]
    editor = new_page(role="editor")
    editor.goto(base + "/responses/cumbria/changed-e2e")
    assert "Approved by Pat Approver" in editor.inner_text(".govuk-task-list")
    editor.click("a:has-text('Explain what is done about each recommendation')")
    editor.wait_for_load_state()
    editor.locator("textarea[id^=explanation-]").nth(1).fill("Done 2, and more since.")
    editor.click("button:has-text('Save explanations')")
    editor.wait_for_load_state()
    assert_accessible(editor, "changed since approval")
    tasks = editor.inner_text(".govuk-task-list")
    assert "New approval needed" in tasks and "no longer counts" in tasks
    warning = editor.inner_text(".govuk-warning-text")
    assert "Changed since it was approved: Recommendation 2" in warning
    editor.goto(base + "/responses/cumbria/changed-e2e/publish")
    assert "must approve it again" in editor.inner_text("main")
    assert editor.locator("button:has-text('Publish the response')").count() == 0


def test_a_response_first_published_outside_tracker_gets_its_real_date(live_server, new_page):
    _setup(live_server, lambda db: _explained_and_approved(db, "backfilled-e2e"))
    base = live_server["url"]
    editor = new_page(role="editor")
    editor.goto(base + "/responses/cumbria/backfilled-e2e/publish")
    assert editor.is_visible(".govuk-warning-text")
    editor.fill("#published_on-day", "20")
    editor.fill("#published_on-month", "12")
    editor.fill("#published_on-year", "2022")
    editor.click("button:has-text('Publish the response')")
    editor.wait_for_load_state()
    assert_accessible(editor, "back-filled publication")
    main = editor.inner_text("main")
    assert "Version 1 published" in main
    assert "Published on 20 December 2022 (first published outside tracker; the date was entered by Eden Editor)" in main
    assert "1432" not in main
    editor.goto(base + "/public/cumbria")
    assert "Published 20 December 2022" in editor.inner_text("main")


def test_a_sign_off_is_confirmed_with_the_evidence_and_can_be_undone(live_server, new_page):
    def complete_action(db):
        from tracker.domain.statuses import ActionStatus
        from tracker.models import Action
        action = db.session.get(Action, live_server["ids"]["action"])
        action.status, action.completed_on, action.evidence = ActionStatus.COMPLETE, date(2022, 3, 1), "Training register"
        action.signed_off_at = action.signed_off_by_id = action.sign_off_note = None

    _setup(live_server, complete_action)
    base, action_id = live_server["url"], live_server["ids"]["action"]
    reviewer = new_page(role="reviewer")
    reviewer.goto(base + f"/tracking/{live_server['ids']['tracking']}")
    reviewer.click(f"a[href='/actions/{action_id}/sign-off']")
    reviewer.wait_for_load_state()
    assert_accessible(reviewer, "sign-off confirmation")
    main = reviewer.inner_text("main")
    assert "Training register" in main and "Last update" in main
    reviewer.fill("#note", "Checked the register myself.")
    reviewer.click("button:has-text('Sign off as complete')")
    reviewer.wait_for_load_state()
    section = reviewer.locator(f"#action-{action_id}")
    assert "Checked the register myself." in section.inner_text()
    section.locator("button:has-text('Undo the sign-off')").click()
    reviewer.wait_for_load_state()
    assert_accessible(reviewer, "sign-off undone")
    assert "Sign-off undone" in reviewer.inner_text("main")
    section = reviewer.locator(f"#action-{action_id}")
    assert "Not yet" in section.inner_text() and section.locator("a:has-text('Sign off as complete')").count() == 1
