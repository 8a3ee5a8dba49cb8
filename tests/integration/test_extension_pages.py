"""The extension pages and the tracking page's dates: asking for an extension, a chief officer's (or the
board's) decision, the revisions table with the original date, the edit forms that no longer move a
set date, the owner's forecast beside the current RAG, "blocked" and per cent complete set by hand."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.factories import get_tracking, make_user, sign_in
from tests.page_check import forms, get_page, post_page, soup
from tracker.db import db
from tracker.domain.deadlines import Rag
from tracker.domain.statuses import Role, TrackingStatus
from tracker.models import ExtensionRequest
from tracker.services import extensions as extension_service
from tracker.services import save
from tracker.services.tracking import add_action, set_tracking_status

DUE = date(2022, 3, 31)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(ExtensionRequest.id)))


def _request_form(**changes) -> dict:
    data = {"item": "recommendation", "new_due_on": ["30", "6", "2022"], "reason": "Waiting for national guidance",
            "requested_by": "ACC Example (no account)"}
    return {**data, **changes}


def test_an_editor_asks_and_a_chief_officer_approves_then_the_page_shows_every_date(as_role, app):
    tracking = get_tracking("cumbria", "3.2")
    editor = as_role(Role.EDITOR)
    page = get_page(editor, f"/tracking/{tracking.id}/extensions/new")
    assert "Ask for an extension" in page and 'value="recommendation"' in page
    response = editor.post(f"/tracking/{tracking.id}/extensions/new", data=_request_form())
    assert response.status_code == 302 and response.location.endswith(f"/tracking/{tracking.id}#extensions")
    [extension] = tracking.extension_requests
    assert extension.requested_by == "ACC Example (no account)" and extension.recorded_by.role is Role.EDITOR
    page = get_page(editor, f"/tracking/{tracking.id}")
    table = soup(page).select_one("#extensions ~ div table")
    assert "Awaiting a decision" in table.get_text() and "Decide" not in table.get_text()  # editors do not decide

    chief = as_role(Role.REVIEWER)
    page = get_page(chief, f"/tracking/{tracking.id}")
    assert f"/extensions/{extension.id}/decide" in page
    [form] = [f for f in forms(get_page(chief, f"/extensions/{extension.id}/decide")) if f.method == "post"
              and f.action is None]
    assert form.value("version") == str(extension.version)
    response = chief.post(f"/extensions/{extension.id}/decide",
                          data={"version": form.value("version"), "decision": "approve", "decided_by": "me",
                                "decision_reason": "Agreed: the guidance is national", "board": "",
                                "decided_on": ["", "", ""]})
    assert response.status_code == 302
    db.session.expire_all()
    assert tracking.due_on == date(2022, 6, 30) and extension.status.value == "approved"
    page = get_page(chief, f"/tracking/{tracking.id}")
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
            for row in soup(page).select(".govuk-summary-list__row")}
    assert rows["Original due date"] == "31 March 2022" and rows["Due"].startswith("30 June 2022")
    assert "Agreed: the guidance is national" in page and "Approved" in page
    history = get_page(chief, f"/tracking/{tracking.id}/history")
    assert "Extension request created" in history and "Extension request updated" in history
    assert "Awaiting a decision" in history and "Approved" in history and "Due date revised by extension" in history


def test_a_board_decision_names_the_board_and_its_date(as_role):
    tracking = get_tracking("cumbria", "3.2")
    extension = extension_service.request(tracking, None, new_due_on=date(2022, 6, 30), reason="Why",
                                          requested_by="ACC Example")
    save()
    chief = as_role(Role.REVIEWER)
    page = post_page(chief, f"/extensions/{extension.id}/decide",
                     {"version": str(extension.version), "decision": "refuse", "decided_by": "board",
                      "decision_reason": "Not justified", "board": "", "decided_on": ["", "", ""]})
    assert "Enter the board or meeting that decided" in page and "Not justified" in page
    response = chief.post(f"/extensions/{extension.id}/decide",
                          data={"version": str(extension.version), "decision": "refuse", "decided_by": "board",
                                "decision_reason": "Not justified", "board": "Joint Audit Committee",
                                "decided_on": ["14", "3", "2022"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert tracking.due_on == DUE and extension.decided_by_body == "Joint Audit Committee"
    page = get_page(chief, f"/tracking/{tracking.id}")
    assert "14 March 2022, by Joint Audit Committee" in page and "Refused" in page


def test_a_refused_request_form_shows_the_errors_and_keeps_what_was_typed(as_role):
    tracking = get_tracking("cumbria", "3.2")
    before = _count()
    page = post_page(as_role(Role.EDITOR), f"/tracking/{tracking.id}/extensions/new",
                     _request_form(new_due_on=["1", "1", "2022"], requested_by=""))
    assert "Error: Ask for an extension" in page and "There is a problem" in page
    assert "The new due date must be after the date in force" in page or "Enter who asked" in page
    assert "Waiting for national guidance" in page
    page = post_page(as_role(Role.EDITOR), f"/tracking/{tracking.id}/extensions/new",
                     _request_form(new_due_on=["1", "1", "2022"]))
    assert "The new due date must be after the date in force, 31 March 2022" in page
    assert _count() == before


def test_a_decision_against_an_old_version_is_refused(as_role):
    tracking = get_tracking("cumbria", "3.2")
    extension = extension_service.request(tracking, None, new_due_on=date(2022, 6, 30), reason="Why",
                                          requested_by="ACC Example")
    save()
    page = post_page(as_role(Role.REVIEWER), f"/extensions/{extension.id}/decide",
                     {"version": str(extension.version + 5), "decision": "approve", "decided_by": "me",
                      "decision_reason": "Yes", "board": "", "decided_on": ["", "", ""]})
    assert "Someone else saved this record" in page
    db.session.expire_all()
    assert extension.status.value == "pending" and tracking.due_on == DUE


def test_another_forces_request_answers_404(app):
    tracking = get_tracking("lancashire", "3.2")
    extension = extension_service.request(tracking, None, new_due_on=date(2022, 6, 30), reason="Why",
                                          requested_by="ACC Example")
    save()
    chief = sign_in(app.test_client(), make_user(Role.REVIEWER, ("cumbria",)))
    assert chief.get(f"/extensions/{extension.id}/decide").status_code == 404
    assert chief.post(f"/extensions/{extension.id}/decide",
                      data={"version": str(extension.version), "decision": "approve", "decided_by": "me",
                            "decision_reason": "Yes"}).status_code == 404
    assert chief.get(f"/tracking/{tracking.id}/extensions/new").status_code == 404
    db.session.expire_all()
    assert extension.status.value == "pending"


def test_the_edit_forms_say_how_to_revise_a_set_date(as_role):
    tracking = get_tracking("cumbria", "4")
    editor = as_role(Role.EDITOR)
    page = get_page(editor, f"/tracking/{tracking.id}/edit")
    assert 'name="target_date"' not in page and f"/tracking/{tracking.id}/extensions/new" in page
    action = add_action(tracking, "Train the call handlers", due_on=date(2022, 2, 28))
    save()
    page = get_page(editor, f"/actions/{action.id}/edit")
    assert 'name="due_on"' not in page and f"item=action-{action.id}" in page
    page = get_page(editor, f"/tracking/{tracking.id}/extensions/new?item=action-{action.id}")
    [form] = [f for f in forms(page) if f.method == "post" and f.action is None]
    assert form.value("item") == f"action-{action.id}"


def test_the_forecast_is_set_beside_the_current_rag(as_role):
    tracking = get_tracking("cumbria", "3.2")
    chief = as_role(Role.REVIEWER)
    page = get_page(chief, f"/tracking/{tracking.id}")
    [form] = [f for f in forms(page) if f.action == f"/tracking/{tracking.id}/forecast"]
    response = chief.post(f"/tracking/{tracking.id}/forecast", data={"version": form.value("version"),
                                                                     "rag_forecast": "red"})
    assert response.status_code == 302
    db.session.expire_all()
    assert tracking.rag_forecast is Rag.RED
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
            for row in soup(get_page(chief, f"/tracking/{tracking.id}")).select(".govuk-summary-list__row")}
    assert rows["RAG now and the owner's forecast"] == "Now: Red Forecast: Off track"
    # A stale version is refused, with the error summary, and nothing changes.
    page = post_page(chief, f"/tracking/{tracking.id}/forecast", {"version": form.value("version"),
                                                                  "rag_forecast": "green"})
    assert "There is a problem" in page and "Someone else saved this record" in page
    page = post_page(chief, f"/tracking/{tracking.id}/forecast", {"version": "x", "rag_forecast": "purple"})
    assert "There is a problem" in page
    db.session.expire_all()
    assert tracking.rag_forecast is Rag.RED
    assert as_role(Role.VIEWER).post(f"/tracking/{tracking.id}/forecast", data={}).status_code == 403


def test_blocked_and_per_cent_set_by_hand_are_shown(as_role):
    tracking = get_tracking("cumbria", "4")
    editor = as_role(Role.EDITOR)
    page = get_page(editor, f"/tracking/{tracking.id}")
    assert "(from actions)" in page and "Blocked" not in page
    [form] = [f for f in forms(get_page(editor, f"/tracking/{tracking.id}/edit")) if f.method == "post"
              and f.action is None]
    data = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    page = post_page(editor, f"/tracking/{tracking.id}/edit", {**data, "percent_complete": "140"})
    assert "Per cent complete must be a whole number from 0 to 100" in page
    response = editor.post(f"/tracking/{tracking.id}/edit",
                           data={**data, "percent_complete": "40%", "blocked_by": "The College of Policing's guidance"})
    assert response.status_code == 302
    page = get_page(editor, f"/tracking/{tracking.id}")
    assert "40% (set by hand)" in page and "Waits for: The College of Policing&#39;s guidance" in page
    assert "govuk-tag--orange\">Blocked" in page


def test_a_closed_item_offers_no_extension(as_role):
    tracking = get_tracking("cumbria", "3.2")
    editor = as_role(Role.EDITOR)
    assert f"/tracking/{tracking.id}/extensions/new" in get_page(editor, f"/tracking/{tracking.id}")
    set_tracking_status(tracking, TrackingStatus.COMPLETE, date(2022, 3, 1))
    save()
    assert f"/tracking/{tracking.id}/extensions/new" not in get_page(editor, f"/tracking/{tracking.id}")
    page = get_page(editor, f"/tracking/{tracking.id}/extensions/new")
    assert "Nothing here has a due date to extend" in page and 'name="new_due_on"' not in page
    before = _count()
    page = post_page(editor, f"/tracking/{tracking.id}/extensions/new", _request_form())
    assert "Nothing here has a due date to extend" in page and _count() == before


def test_a_decision_in_ones_own_name_ignores_the_boards_boxes(as_role):
    tracking = get_tracking("cumbria", "3.2")
    extension = extension_service.request(tracking, None, new_due_on=date(2022, 6, 30), reason="Why",
                                          requested_by="ACC Example")
    save()
    response = as_role(Role.REVIEWER).post(f"/extensions/{extension.id}/decide", data={
        "version": str(extension.version), "decision": "approve", "decided_by": "me", "decision_reason": "Agreed",
        "board": "x" * 300, "decided_on": ["14", "", "20"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert extension.decided_by_body is None and extension.decided_on == date.today()


def test_an_item_closed_since_its_request_offers_only_refusal(as_role):
    tracking = get_tracking("cumbria", "3.2")
    extension = extension_service.request(tracking, None, new_due_on=date(2022, 6, 30), reason="Why",
                                          requested_by="ACC Example")
    save()
    chief = as_role(Role.REVIEWER)
    assert 'value="approve"' in get_page(chief, f"/extensions/{extension.id}/decide")
    set_tracking_status(tracking, TrackingStatus.COMPLETE, date(2022, 3, 1))
    save()
    page = get_page(chief, f"/extensions/{extension.id}/decide")
    assert "can only be refused" in page and 'value="approve"' not in page and 'value="refuse"' in page
    page = post_page(chief, f"/extensions/{extension.id}/decide",
                     {"version": str(extension.version), "decision": "approve", "decided_by": "me",
                      "decision_reason": "Yes", "board": "", "decided_on": ["", "", ""]})
    assert "govuk-error-summary" in page
    db.session.expire_all()
    assert extension.status.value == "pending"
