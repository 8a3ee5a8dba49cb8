"""The tracking pages: one force's tracking, its actions, progress updates, evidence files and
History tabs, for every role, with the refusals (another force's records answer 404)."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import get_tracking
from tests.page_check import get_page, post_page
from tracker.db import db
from tracker.domain.statuses import ActionStatus, Role
from tracker.models import Action, AuditEvent, EvidenceFile, PublishedVersion, StatutoryResponse
from tracker.services.tracking import add_action

ALL_ROLES = [Role.ADMIN, Role.EDITOR, Role.REVIEWER, Role.VIEWER]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cumbria_4():
    """Cumbria's tracking of recommendation 4 (with actions and updates in the demonstration data)."""
    return get_tracking("cumbria", "4")


def tracking_form(tracking, **overrides) -> dict:
    """A complete tracking form as the edit page would post it."""
    data = {"status": tracking.status.value, "no_action_reason": "", "lead_officer": tracking.lead_officer or "",
            "target_date": ["", "", ""], "rag_forecast": "amber", "implemented_on": ["", "", ""], "verified_on": ["", "", ""],
            "hmicfrs_view": "not_known", "hmicfrs_view_on": ["", "", ""], "version": str(tracking.version)}
    data.update(overrides)
    return data


def action_form(**overrides) -> dict:
    """A complete action form."""
    data = {"title": "Train every response officer", "owner": "Chief Inspector Ray", "due_on": ["30", "6", "2022"],
            "status": "in_progress", "completed_on": ["", "", ""], "evidence": "Training records",
            "not_for_publication": "y"}
    data.update(overrides)
    return data


def upload(client, action, *files, text="Met the survivors' panel."):
    """Post a progress update with files [(name, bytes)]."""
    data = {"occurred_on": ["8", "12", "2021"], "text": text,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/actions/{action.id}/updates/new", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_of_the_force_sees_the_tracking_page_and_its_history(as_role, role, cumbria_4):
    client = as_role(role, ("cumbria",))
    page = get_page(client, f"/tracking/{cumbria_4.id}")
    assert "Detective Superintendent Sally Blaiklock" in page and "Progress updates" in page
    assert "Rape scrutiny panels are held" in page and "RAG now and the owner" in page
    assert (f'href="/tracking/{cumbria_4.id}/edit"' in page) == (role is not Role.VIEWER)
    assert ("Add an action" in page) == role.can_edit
    assert ("Sign off as complete" in page) == (role in (Role.REVIEWER, Role.ADMIN))
    get_page(client, f"/tracking/{cumbria_4.id}/history")
    get_page(client, f"/actions/{cumbria_4.actions[0].id}/history")


def other_force_urls(tracking) -> list[tuple[str, str]]:
    """Every tracking route of one record, as (method, url)."""
    action = tracking.actions[0]
    return [("GET", f"/tracking/{tracking.id}"), ("GET", f"/tracking/{tracking.id}/edit"),
            ("POST", f"/tracking/{tracking.id}/edit"), ("GET", f"/tracking/{tracking.id}/history"),
            ("GET", f"/tracking/{tracking.id}/actions/new"), ("POST", f"/tracking/{tracking.id}/actions/new"),
            ("GET", f"/actions/{action.id}/edit"), ("POST", f"/actions/{action.id}/edit"),
            ("GET", f"/actions/{action.id}/history"), ("GET", f"/actions/{action.id}/updates/new"),
            ("POST", f"/actions/{action.id}/updates/new"), ("POST", f"/actions/{action.id}/sign-off")]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_another_forces_records_answer_404(as_role, role, cumbria_4):
    client = as_role(role, ("lancashire",))
    for method, url in other_force_urls(cumbria_4):
        response = client.open(url, method=method, data={})
        assert response.status_code == 404, (method, url)
        assert "Blaiklock" not in response.get_data(as_text=True)
    assert client.get("/tracking/999999").status_code == 404


def test_a_viewer_changes_nothing(as_role, cumbria_4):
    client = as_role(Role.VIEWER)
    version = cumbria_4.version
    for method, url in other_force_urls(cumbria_4):
        if method == "POST" or url.endswith(("/edit", "/new")):
            assert client.open(url, method=method, data=tracking_form(cumbria_4)).status_code == 403, url
    db.session.expire_all()
    assert cumbria_4.version == version and cumbria_4.pcc_explanation != "The PCC explains."


def test_an_editor_edits_the_tracking_and_the_history_says_so(as_role, cumbria_4):
    client = as_role(Role.EDITOR)
    page = get_page(client, f"/tracking/{cumbria_4.id}/edit")
    assert f'value="{cumbria_4.version}"' in page and "Blaiklock" in page
    due_on = cumbria_4.due_on
    data = tracking_form(cumbria_4, lead_officer="Chief Superintendent Ann Lee", verified_on=["2", "2", "2022"],
                         target_date=["31", "1", "2022"])  # not on the form: its date moves by extension only
    response = client.post(f"/tracking/{cumbria_4.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert cumbria_4.lead_officer == "Chief Superintendent Ann Lee" and cumbria_4.due_on == due_on
    assert cumbria_4.verified_by.role is Role.EDITOR
    page = get_page(client, f"/tracking/{cumbria_4.id}")
    assert "Tracking saved" in page
    history = get_page(client, f"/tracking/{cumbria_4.id}/history")
    assert "Lead officer" in history and "Chief Superintendent Ann Lee" in history and "2 February 2022" in history


def test_no_further_action_needs_a_reason(as_role, cumbria_4):
    client = as_role(Role.EDITOR)
    page = post_page(client, f"/tracking/{cumbria_4.id}/edit",
                     tracking_form(cumbria_4, status="no_further_action", lead_officer="Typed officer"))
    assert "Error: Edit tracking" in page and "Enter why no further action is needed" in page
    assert "Typed officer" in page


def test_the_tracking_form_keeps_the_forces_operational_fields_only(as_role, cumbria_4):
    """The explanation and the chief's comment are written on the response's explanations page, not here."""
    client = as_role(Role.EDITOR)
    page = get_page(client, f"/tracking/{cumbria_4.id}/edit")
    assert 'name="pcc_explanation"' not in page and 'name="chief_comment"' not in page
    assert "/responses/cumbria/vawg-2021/explanations" in page
    before = cumbria_4.pcc_explanation
    assert client.post(f"/tracking/{cumbria_4.id}/edit",
                       data=tracking_form(cumbria_4, pcc_explanation="Sneaked in")).status_code == 302
    db.session.expire_all()
    assert cumbria_4.pcc_explanation == before


def test_a_conflicting_save_is_refused_with_the_text_kept(as_role, cumbria_4):
    editor, other = as_role(Role.EDITOR), as_role(Role.EDITOR)
    stale = tracking_form(cumbria_4, no_action_reason="My careful words")
    assert other.post(f"/tracking/{cumbria_4.id}/edit", data=tracking_form(cumbria_4, lead_officer="Someone")).status_code == 302
    page = post_page(editor, f"/tracking/{cumbria_4.id}/edit", stale)
    assert "Someone else saved this record" in page and "My careful words" in page
    assert "What is saved now" in page and "Someone</dd>" in page
    db.session.expire_all()
    assert cumbria_4.no_action_reason != "My careful words" and cumbria_4.lead_officer == "Someone"
    assert f'value="{cumbria_4.version}"' in page  # a second, knowing save goes through


def test_a_reviewer_edits_only_the_chief_constables_comment(as_role, cumbria_4):
    client = as_role(Role.REVIEWER)
    page = get_page(client, f"/tracking/{cumbria_4.id}/edit")
    assert "Lead officer" not in page and "chief constable" in page
    data = {"chief_comment": "We accept it.", "lead_officer": "Hacker", "version": str(cumbria_4.version)}
    assert client.post(f"/tracking/{cumbria_4.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert cumbria_4.chief_comment == "We accept it." and cumbria_4.lead_officer != "Hacker"
    assert client.post(f"/tracking/{cumbria_4.id}/actions/new", data=action_form()).status_code == 403


def test_an_editor_adds_and_edits_an_action(as_role, cumbria_4):
    client = as_role(Role.EDITOR)
    get_page(client, f"/tracking/{cumbria_4.id}/actions/new")
    response = client.post(f"/tracking/{cumbria_4.id}/actions/new", data=action_form())
    assert response.status_code == 302
    action = db.session.scalar(sa.select(Action).where(Action.title == "Train every response officer"))
    assert action.force_id == cumbria_4.force_id and action.not_for_publication and str(action.due_on) == "2022-06-30"
    assert "Train every response officer" in get_page(client, f"/tracking/{cumbria_4.id}")
    page = get_page(client, f"/actions/{action.id}/edit")
    assert 'value="Chief Inspector Ray"' in page
    data = action_form(status="complete", version=str(action.version), not_for_publication="")
    assert client.post(f"/actions/{action.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert action.status is ActionStatus.COMPLETE and action.completed_on is not None and not action.not_for_publication
    page = post_page(client, f"/actions/{action.id}/edit", action_form(title="Stale typed title", version="1"))
    assert "Someone else saved this record" in page and "Stale typed title" in page


def test_a_bad_action_form_is_redisplayed(as_role, cumbria_4):
    client = as_role(Role.EDITOR)
    page = post_page(client, f"/tracking/{cumbria_4.id}/actions/new",
                     action_form(title="  ", due_on=["40", "1", "2022"], owner="Typed owner"))
    assert "Enter what the action is" in page and "The due date must be a real date" in page
    assert 'value="Typed owner"' in page and "govuk-error-summary" in page


def test_sign_off_is_offered_only_for_a_complete_action_with_evidence_or_a_note(as_role, cumbria_4):
    """In progress, or complete with nothing to show: no sign-off, and a POST is refused."""
    client = as_role(Role.REVIEWER)
    action = next(a for a in cumbria_4.actions if a.status is ActionStatus.IN_PROGRESS)
    page = get_page(client, f"/tracking/{cumbria_4.id}")
    assert f'href="/actions/{action.id}/sign-off"' not in page
    refused = post_page(client, f"/actions/{action.id}/sign-off", {"version": str(action.version), "note": ""})
    assert "only once it is marked complete" in refused
    bare = add_action(cumbria_4, "Nothing to show", status=ActionStatus.COMPLETE, completed_on=date(2022, 1, 5))
    db.session.commit()
    assert f'href="/actions/{bare.id}/sign-off"' not in get_page(client, f"/tracking/{cumbria_4.id}")
    assert "Record the evidence, or add a progress update" in get_page(client, f"/actions/{bare.id}/sign-off")
    db.session.expire_all()
    assert action.signed_off_at is None and bare.signed_off_at is None


def test_a_reviewer_signs_an_action_off_after_confirming_and_can_undo_until_publication(as_role, cumbria_4):
    """The confirmation page shows the evidence and last update; the note is kept; undo until the next publication."""
    client = as_role(Role.REVIEWER)
    action = next(a for a in cumbria_4.actions if a.status is ActionStatus.IN_PROGRESS)
    action.status, action.completed_on, action.evidence = ActionStatus.COMPLETE, date(2022, 2, 1), "Training records"
    db.session.commit()
    assert f'href="/actions/{action.id}/sign-off"' in get_page(client, f"/tracking/{cumbria_4.id}")
    confirm = get_page(client, f"/actions/{action.id}/sign-off")
    assert "Training records" in confirm and action.updates[0].text[:40] in confirm and 'name="note"' in confirm
    response = client.post(f"/actions/{action.id}/sign-off", data={"version": str(action.version), "note": "Checked the records"})
    assert response.status_code == 302
    db.session.expire_all()
    assert action.status is ActionStatus.COMPLETE and action.signed_off_by.role is Role.REVIEWER
    assert action.signed_off_at is not None and action.sign_off_note == "Checked the records"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_type == "Action",
                                                          AuditEvent.entity_id == action.id,
                                                          AuditEvent.event == "signed off"))
    assert event is not None
    page = get_page(client, f"/tracking/{cumbria_4.id}")
    assert "Checked the records" in page and f'action="/actions/{action.id}/sign-off/undo"' in page
    assert as_role(Role.EDITOR).post(f"/actions/{action.id}/sign-off/undo", data={"version": str(action.version)}).status_code == 403
    assert client.post(f"/actions/{action.id}/sign-off/undo", data={"version": str(action.version)}).status_code == 302
    db.session.expire_all()
    assert action.signed_off_at is None and action.sign_off_note is None and action.status is ActionStatus.COMPLETE
    # Signed off again, then the response is published: the sign-off stands for good.
    assert client.post(f"/actions/{action.id}/sign-off", data={"version": str(action.version), "note": ""}).status_code == 302
    db.session.expire_all()
    response_row = db.session.scalar(sa.select(StatutoryResponse).where(StatutoryResponse.force_id == action.force_id,
                                                                         StatutoryResponse.inspection_id == action.inspection_id))
    db.session.add(PublishedVersion(response_id=response_row.id, number=1, filename="x.pdf", sha256="0" * 64, size=1,
                                    published_at=action.signed_off_at + timedelta(minutes=1)))
    db.session.commit()
    assert f'/actions/{action.id}/sign-off/undo' not in get_page(client, f"/tracking/{cumbria_4.id}")
    refused = client.post(f"/actions/{action.id}/sign-off/undo", data={"version": str(action.version)}, follow_redirects=True)
    assert "can no longer be undone" in refused.get_data(as_text=True)
    assert "signed off" in get_page(client, f"/actions/{action.id}/history")
    refused = as_role(Role.EDITOR).post(f"/actions/{action.id}/sign-off", data={})
    assert refused.status_code == 403, refused.headers.get("Location")


def test_a_progress_update_with_evidence_is_stored_by_hash_and_downloaded(app, as_role, cumbria_4):
    client = as_role(Role.EDITOR)
    action = cumbria_4.actions[0]
    get_page(client, f"/actions/{action.id}/updates/new")
    response = upload(client, action, ("../../etc/Board minutes.pdf", PDF), ("notes.txt", b"plain notes\n"))
    assert response.status_code == 302
    files = db.session.scalars(sa.select(EvidenceFile).order_by(EvidenceFile.id.desc()).limit(2)).all()
    pdf = next(f for f in files if f.content_type == "application/pdf")
    assert pdf.filename == "Board minutes.pdf" and pdf.stored_name == hashlib.sha256(PDF).hexdigest()
    stored = Path(app.config["TRACKER_EVIDENCE_DIR"]) / pdf.stored_name
    assert stored.read_bytes() == PDF
    page = get_page(client, f"/tracking/{cumbria_4.id}")
    assert "Board minutes.pdf" in page and f"/evidence/{pdf.id}" in page and "Met the survivors" in page
    download = as_role(Role.VIEWER).get(f"/evidence/{pdf.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "Board minutes.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Content-Type"] == "application/pdf"
    assert as_role(Role.ADMIN, ("lancashire",)).get(f"/evidence/{pdf.id}").status_code == 404
    assert client.get("/evidence/999999").status_code == 404
    assert "Evidence file created" in get_page(client, f"/actions/{action.id}/history")


@pytest.mark.parametrize("name, content, message", [
    ("tool.exe", b"MZ\x90\x00", "must be a PDF, DOCX, XLSX, PNG, JPEG, TXT or CSV"),
    ("fake.pdf", b"<html>not a pdf</html>", "is not a real PDF file"),
    ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "is not a real PNG file"),
    ("data.csv", b"a,b\x00\xff\xfe", "must be plain text"),
    ("empty.txt", b"", "is empty"),
    ("big.txt", b"a" * 1001, "must be smaller than 10 MB"),
])
def test_evidence_of_the_wrong_kind_or_size_is_refused(as_role, cumbria_4, monkeypatch, name, content, message):
    monkeypatch.setattr("tracker.services.evidence.MAX_BYTES", 1000)  # the real limit, 10 MB, scaled down
    client = as_role(Role.EDITOR)
    action = cumbria_4.actions[0]
    count = len(action.updates)
    response = upload(client, action, (name, content), text="Typed update text")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and "Typed update text" in page
    db.session.expire_all()
    assert len(action.updates) == count


def test_a_file_over_the_upload_limit_is_refused_on_the_form(app, as_role, cumbria_4, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)  # the real limit, 10 MB, scaled down
    response = upload(as_role(Role.EDITOR), cumbria_4.actions[0], ("big.txt", b"a" * (1024 * 1024 + 1)),
                      text="Typed update text")
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "There is a problem" in page and "Typed update text" in page
    assert "The selected file must be smaller than 1 MB" in page


def test_an_update_needs_its_text_and_date(as_role, cumbria_4):
    client = as_role(Role.EDITOR)
    page = post_page(client, f"/actions/{cumbria_4.actions[0].id}/updates/new",
                     {"occurred_on": ["", "", ""], "text": " "})
    assert "Enter the date of the update" in page and "Enter what was done" in page


def test_tracking_forms_without_their_csrf_token_are_refused(csrf_app, as_role, cumbria_4):
    from tests.page_check import csrf_token

    editor, reviewer = as_role(Role.EDITOR), as_role(Role.REVIEWER)
    action = cumbria_4.actions[1]
    assert editor.post(f"/tracking/{cumbria_4.id}/edit", data=tracking_form(cumbria_4, lead_officer="X")).status_code == 400
    assert editor.post(f"/tracking/{cumbria_4.id}/actions/new", data=action_form()).status_code == 400
    assert upload(editor, action, ("a.txt", b"text")).status_code == 400
    assert reviewer.post(f"/actions/{action.id}/sign-off", data={"version": str(action.version)}).status_code == 400
    db.session.expire_all()
    assert cumbria_4.lead_officer != "X" and action.signed_off_at is None
    token = csrf_token(get_page(editor, f"/tracking/{cumbria_4.id}/edit"))
    response = editor.post(f"/tracking/{cumbria_4.id}/edit", data=tracking_form(cumbria_4, lead_officer="X", csrf_token=token))
    assert response.status_code == 302


def test_the_tracking_page_runs_a_handful_of_queries(app, as_role, cumbria_4):
    import sqlalchemy as sa

    client = as_role(Role.EDITOR)
    statements = []
    engine = db.session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        get_page(client, f"/tracking/{cumbria_4.id}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert 0 < len(selects) <= 12, selects


def test_the_chief_constables_comment_can_be_kept_from_publication(as_role):
    tracking = get_tracking("cumbria", "4")
    client = as_role(Role.REVIEWER)
    response = client.post(f"/tracking/{tracking.id}/edit", data={
        "chief_comment": "Operational detail", "chief_comment_not_for_publication": "y", "version": tracking.version})
    assert response.status_code == 302
    db.session.refresh(tracking)
    assert tracking.chief_comment == "Operational detail" and tracking.chief_comment_not_for_publication
