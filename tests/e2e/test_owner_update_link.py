"""An action's owner, with no account, follows the emailed link on a phone (320 px): the page passes
axe-core and does not scroll sideways, with its errors, after sending and when a link is refused; a
screenshot of each goes to $TRACKER_SCREENSHOTS for a person to look at."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_accessible, nu_html_problems
from tests.factories import get_force, get_tracking
from tracker.db import db
from tracker.models import Action
from tracker.services import owner_links

WIDTH = 320


@pytest.fixture
def owner_link(live_server):
    """A link to the owner of a new open Cumbria action (removed afterwards, with what it gathered)."""
    app = live_server["app"]
    with app.app_context():
        action = Action(tracking=get_tracking("cumbria", "4.1"), force_id=get_force("cumbria").id,
                        title="Train every response officer in the stalking protocol", owner="Pat Owner",
                        owner_email="pat.owner@cumbria.example", due_on=date.today() + timedelta(days=5))
        db.session.add(action)
        db.session.flush()
        issued = owner_links.issue(action, app.secret_key)
        db.session.commit()
        action_id, token = action.id, issued.token
        db.session.remove()
    yield {"path": owner_links.address("", action_id, token), "action_id": action_id}
    with app.app_context():
        db.session.delete(db.session.get(Action, action_id))
        db.session.commit()
        db.session.remove()


def _shots() -> Path:
    """Where screenshots go for a person to look at."""
    folder = Path(os.environ.get("TRACKER_SCREENSHOTS", "/tmp/tracker-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _look(page, name: str, saved: list[Path]) -> None:
    """The HTML kept for the Nu HTML Checker (as the browser holds it, before axe-core is added: a page
    that answered a form cannot be fetched again), accessible, no sideways scrolling at 320 px, and a
    screenshot to look at."""
    html = saved[0].parent / f"{name}-dom.html"
    html.write_text("<!DOCTYPE html>\n" + page.content().split(">", 1)[1])
    saved.append(html)
    assert_accessible(page, name)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} at {WIDTH}px is {overflow}px wider than the screen"
    page.screenshot(path=str(_shots() / f"{name}-{WIDTH}.png"), full_page=True)


def test_the_owner_gives_an_update_with_evidence_on_a_phone(live_server, new_page, owner_link, tmp_path):
    # The editor's view first: the link that works, with its buttons (revoke it, send a new one).
    with live_server["app"].app_context():
        tracking_id = db.session.get(Action, owner_link["action_id"]).tracking_id
        db.session.remove()
    editor = new_page(width=WIDTH, height=640, role="editor")
    editor.goto(live_server["url"] + f"/tracking/{tracking_id}")
    action = editor.inner_text(f"#action-{owner_link['action_id']}")
    assert "A link to give an update was sent to pat.owner@cumbria.example" in action and "Send a new link" in action
    assert_accessible(editor, "tracking page with an owner's link")
    overflow = editor.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    editor.locator(f"#action-{owner_link['action_id']}").screenshot(path=str(_shots() / f"tracking-owner-link-{WIDTH}.png"))

    page = new_page(width=WIDTH, height=640)
    page.goto(live_server["url"] + owner_link["path"])
    assert "Give an update on your action" in page.inner_text("h1")
    served = tmp_path / "owner-update.html"
    served.write_bytes(page.request.get(page.url).body())
    saved = [served]
    _look(page, "owner-update", saved)

    page.click("button:has-text('Send update')")  # nothing filled in: the errors, nothing saved
    summary = page.inner_text(".govuk-error-summary")
    assert "Enter what has been done" in summary and "Select yes if the action has been implemented" in summary
    assert page.title().startswith("Error: ")
    _look(page, "owner-update-errors", saved)

    evidence = tmp_path / "training-register.csv"
    evidence.write_text("officer,trained on\nPC 1234,2022-03-01\n")
    page.fill("#text", "All response officers are trained; the register is attached.")
    page.set_input_files("#files", str(evidence))
    page.check("input[name=implemented][value=yes]")
    page.click("button:has-text('Send update')")
    assert "Your update has been sent" in page.inner_text("h1")
    _look(page, "owner-update-sent", saved)

    # The same link again, or an altered one: the refusal page.
    page.goto(live_server["url"] + owner_link["path"][:-3] + "abc")
    assert "This link does not work" in page.inner_text("h1")
    _look(page, "owner-update-refused", saved)

    # Seen by a chief officer: implemented, awaiting their verification, with the owner's evidence.
    chief = new_page(role="reviewer")
    chief.goto(live_server["url"] + f"/tracking/{tracking_id}#action-{owner_link['action_id']}")
    action = chief.inner_text(f"#action-{owner_link['action_id']}")
    assert "Implemented – awaiting verification" in action and "training-register.csv" in action
    assert "From the owner, through an emailed link" in action
    problems = nu_html_problems(saved)
    assert not problems, "\n".join(problems)


def test_a_file_over_the_limit_is_refused_on_the_owners_page_with_the_update_kept(live_server, new_page, owner_link,
                                                                                    tmp_path):
    """A real browser's post (with its CSRF token): the form again, its error summary, what was typed."""
    page = new_page(width=WIDTH, height=640)
    page.goto(live_server["url"] + owner_link["path"])
    evidence = tmp_path / "training-register.csv"
    evidence.write_bytes(b"officer,trained on\n" + b"a" * (10 * 1024 * 1024))
    page.fill("#text", "All response officers are trained; the register is attached.")
    page.set_input_files("#files", str(evidence))
    page.check("input[name=implemented][value=yes]")
    page.click("button:has-text('Send update')")
    assert "The selected file must be smaller than 10 MB" in page.inner_text(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert page.input_value("#text") == "All response officers are trained; the register is attached."
    assert page.is_checked("input[name=implemented][value=yes]")
    assert_accessible(page, "owner-update-file-too-large")
