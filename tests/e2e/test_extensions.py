"""Extensions in a real browser: an editor asks for an action's due date to move (a refused form first,
with its error summary), a chief officer finds it waiting on the home page and records the board's
approval (the reveal of the board's name and date), and the tracking page shows every revision;
each page checked with axe-core, and the tracking page kept as a screenshot."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from tests.e2e.conftest import assert_accessible

SCREENSHOTS = Path(os.environ.get("TRACKER_SCREENSHOTS", "/tmp/tracker-screenshots"))  # as test_screenshots


def _action_due_far_ahead(live_server) -> tuple[int, int]:
    """Cumbria's tracking of recommendation 3.2 and a new action of it due in 2030 (so no as-of view of
    the other browser tests counts it overdue), as (tracking id, action id)."""
    from tests.factories import get_tracking
    from tracker.db import db
    from tracker.services.tracking import add_action

    with live_server["app"].app_context():
        tracking = get_tracking("cumbria", "3.2")
        action = add_action(tracking, "Agree the data-sharing protocol with the health board", owner="Ch Insp A. Owner",
                            due_on=date(2030, 1, 31))
        db.session.commit()
        ids = tracking.id, action.id
        db.session.remove()
    return ids


def test_an_extension_is_asked_for_decided_by_the_board_and_shown(live_server, new_page):
    tracking_id, action_id = _action_due_far_ahead(live_server)
    base = live_server["url"]

    editor = new_page(role="editor")
    editor.goto(f"{base}/tracking/{tracking_id}")
    editor.click(f"a[href='/tracking/{tracking_id}/extensions/new?item=action-{action_id}']")
    editor.wait_for_load_state()
    assert_accessible(editor, "ask for an extension")
    assert editor.is_checked(f"input[value='action-{action_id}']")
    editor.fill("#new_due_on-day", "1")
    editor.fill("#new_due_on-month", "1")
    editor.fill("#new_due_on-year", "2030")
    editor.fill("#reason", "The health board's legal review takes until June")
    editor.fill("#requested_by", "Ch Insp A. Owner")
    editor.click("button:has-text('Record the request')")
    editor.wait_for_load_state()
    assert editor.title().startswith("Error:")
    assert "The new due date must be after the date in force, 31 January 2030" in editor.inner_text(".govuk-error-summary")
    assert_accessible(editor, "ask for an extension, with errors")
    editor.fill("#new_due_on-day", "30")
    editor.fill("#new_due_on-month", "6")
    editor.click("button:has-text('Record the request')")
    editor.wait_for_load_state()
    assert "Extension request recorded" in editor.inner_text(".govuk-notification-banner")

    chief = new_page(role="reviewer")
    chief.goto(base + "/")
    chief.click("#queue-extensions summary")
    chief.click("#queue-extensions a")
    chief.wait_for_load_state()
    assert "/decide" in chief.url
    assert_accessible(chief, "decide an extension request")
    chief.check("input[value='approve']")
    chief.fill("#decision_reason", "Agreed: the delay is the health board's")
    chief.check("input[value='board']")
    assert chief.is_visible("#board")  # revealed under its radio
    chief.fill("#board", "Joint Audit Committee")
    chief.fill("#decided_on-day", "14")
    chief.fill("#decided_on-month", "3")
    chief.fill("#decided_on-year", "2022")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chief.screenshot(path=str(SCREENSHOTS / "decide-extension.png"), full_page=True)
    chief.click("button:has-text('Record the decision')")
    chief.wait_for_load_state()
    assert chief.url.endswith(f"/tracking/{tracking_id}#extensions")
    row = chief.inner_text("#extensions ~ div tr:has-text('Agree the data-sharing protocol')")
    assert "31 January 2030" in row and "30 June 2030" in row and "Joint Audit Committee" in row
    assert "30 June 2030" in chief.inner_text(f"#action-{action_id}")
    assert_accessible(chief, "tracking page with its revisions")
    chief.screenshot(path=str(SCREENSHOTS / "tracking-with-extensions.png"), full_page=True)
