"""A file over the upload limit is refused on its form, with what was typed kept and nothing saved, on
every form that takes files; a body over the hard cap is still refused unread (tracker.web.uploads).

The refusal answers 413 (Content Too Large) with the form: what was refused is the request's size, and
the importer's refusal of a text too long for a form answered 413 already.
"""

from __future__ import annotations

import io
import tracemalloc
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tests.factories import get_force, get_tracking, make_inspection, make_user
from tests.page_check import csrf_token, get_page, soup
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import Action, AuditEvent, EvidenceFile, OwnerLink, ProgressUpdate, Recommendation
from tracker.services import owner_links as link_service
from tracker.web.uploads import CappedFile

MB = 1024 * 1024
LIMIT = 10 * MB  # TRACKER_MAX_UPLOAD_BYTES by default
TYPED = "Half the officers are trained; the rest by March."
TOO_LARGE = "The selected file must be smaller than 10 MB"


@pytest.fixture
def evidence_dir(app, tmp_path, monkeypatch):
    """Evidence files written into a folder of the test's own."""
    monkeypatch.setitem(app.config, "TRACKER_EVIDENCE_DIR", str(tmp_path / "evidence"))
    return tmp_path / "evidence"


@pytest.fixture
def action(app):
    """An open Cumbria action whose owner has no account."""
    action = Action(tracking=get_tracking("cumbria", "4"), force_id=get_force("cumbria").id,
                    title="Train every response officer", owner="Pat Owner", owner_email="pat@force.example",
                    due_on=date.today() + timedelta(days=5))
    db.session.add(action)
    db.session.commit()
    return action


def _rows() -> tuple[int, int]:
    """The progress updates and evidence files saved."""
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in (ProgressUpdate, EvidenceFile))


def _update(client, action, content: bytes, **extra):
    data = {"occurred_on": ["8", "12", "2021"], "text": TYPED, "not_for_publication": "y",
            "files": [(io.BytesIO(content), "minutes.txt")], **extra}
    return client.post(f"/actions/{action.id}/updates/new", data=data, content_type="multipart/form-data")


def _link(app, action) -> str:
    issued = link_service.issue(action, app.secret_key)
    db.session.commit()
    return f"/owner-update/{action.id}/{issued.token}"


def _owner_post(client, url, content: bytes, **extra):
    data = {"text": TYPED, "implemented": "no", "files": [(io.BytesIO(content), "minutes.txt")], **extra}
    return client.post(url, data=data, content_type="multipart/form-data")


def _refused_on_the_form(response, *typed):
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "There is a problem" in page and 'href="#files"' in page and TOO_LARGE in page
    assert 'class="govuk-error-message"' in page
    for text in typed:
        assert text in page


# --- the staff's progress update ---------------------------------------------------------------------


def test_a_file_one_byte_over_the_limit_is_refused_on_the_update_form(as_role, action, evidence_dir):
    before = _rows()
    response = _update(as_role(Role.EDITOR), action, b"a" * (LIMIT + 1))
    _refused_on_the_form(response, TYPED)
    page = soup(response.get_data(as_text=True))
    assert [box["value"] for box in page.select("#occurred_on input")] == ["8", "12", "2021"]  # the date as typed
    assert page.select_one("input[name=not_for_publication]").has_attr("checked")
    assert _rows() == before
    assert not evidence_dir.exists() or not any(evidence_dir.iterdir())


def test_a_file_at_the_limit_is_kept_with_its_update(as_role, action, evidence_dir):
    before = _rows()
    response = _update(as_role(Role.EDITOR), action, b"a" * LIMIT)
    assert response.status_code == 302
    assert _rows() == (before[0] + 1, before[1] + 1)
    assert db.session.scalars(sa.select(EvidenceFile.size).order_by(EvidenceFile.id.desc())).first() == LIMIT


def test_a_body_over_the_hard_cap_gets_the_too_large_page(app, as_role, action, monkeypatch):
    monkeypatch.setitem(app.config, "TRACKER_MAX_REQUEST_BYTES", 2 * MB)
    before = _rows()
    response = _update(as_role(Role.EDITOR), action, b"a" * (2 * MB))
    assert response.status_code == 413 and "That file is too large" in response.get_data(as_text=True)
    assert _rows() == before


def test_the_hard_cap_is_three_times_the_upload_limit_by_default(app):
    assert app.config["TRACKER_MAX_REQUEST_BYTES"] == 3 * app.config["MAX_CONTENT_LENGTH"] == 3 * LIMIT


def test_other_forms_keep_the_upload_limit_on_the_whole_body(as_role, action):
    """Only the forms that take files read a body beyond the upload limit."""
    client = as_role(Role.EDITOR)
    response = client.post(f"/actions/{action.id}/edit", data={"title": "a" * (LIMIT + 1)})
    assert response.status_code == 413 and "That file is too large" in response.get_data(as_text=True)


def test_a_too_large_update_is_csrf_checked_before_anything(csrf_app, as_role, action):
    client = as_role(Role.EDITOR)
    before = _rows()
    assert _update(client, action, b"a" * (LIMIT + 1)).status_code == 400  # no token: refused as forged
    token = csrf_token(get_page(client, f"/actions/{action.id}/updates/new"))
    _refused_on_the_form(_update(client, action, b"a" * (LIMIT + 1), csrf_token=token), TYPED)
    assert _rows() == before


def test_another_forces_action_answers_404_however_large_the_file(as_role, action):
    response = _update(as_role(Role.EDITOR, ("lancashire",)), action, b"a" * (LIMIT + 1))
    assert response.status_code == 404


# --- the owner's page, reached by an emailed link ------------------------------------------------------


def _link_events() -> list[str]:
    link = db.session.scalars(sa.select(OwnerLink).order_by(OwnerLink.id.desc())).first()
    return list(db.session.scalars(sa.select(AuditEvent.event).where(
        AuditEvent.entity_type == "OwnerLink", AuditEvent.entity_id == link.id).order_by(AuditEvent.id)))


def test_a_file_over_the_limit_is_refused_on_the_owners_page_and_the_link_still_works(app, client, action, evidence_dir):
    url = _link(app, action)
    before = _rows()
    response = _owner_post(client, url, b"a" * (LIMIT + 1))
    _refused_on_the_form(response, TYPED)
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["Cache-Control"] == "no-store"
    assert _rows() == before
    assert _link_events()[-1] == "update not saved"  # recorded as any refused update is
    sent = _owner_post(client, url, b"a" * LIMIT)  # the same link, with a file at the limit
    assert sent.status_code == 302 and _rows() == (before[0] + 1, before[1] + 1)


def test_a_revoked_link_is_refused_however_large_the_file(app, client, action):
    url = _link(app, action)
    link = db.session.scalars(sa.select(OwnerLink)).one()
    link_service.revoke_by_editor(link, make_user(Role.EDITOR))
    db.session.commit()
    before = _rows()
    response = _owner_post(client, url, b"a" * (LIMIT + 1))
    assert response.status_code == 404 and "This link does not work" in response.get_data(as_text=True)
    assert _rows() == before


def test_a_too_large_owners_update_is_csrf_checked(csrf_app, client, action):
    url = _link(csrf_app, action)
    before = _rows()
    assert _owner_post(client, url, b"a" * (LIMIT + 1)).status_code == 400
    token = csrf_token(get_page(client, url))
    _refused_on_the_form(_owner_post(client, url, b"a" * (LIMIT + 1), csrf_token=token), TYPED)
    assert _rows() == before


def test_a_body_over_the_hard_cap_gets_the_too_large_page_on_the_owners_page(app, client, action, monkeypatch):
    url = _link(app, action)
    monkeypatch.setitem(app.config, "TRACKER_MAX_REQUEST_BYTES", 2 * MB)
    response = _owner_post(client, url, b"a" * (2 * MB))
    assert response.status_code == 413 and "That file is too large" in response.get_data(as_text=True)


def test_a_30_mb_body_is_read_without_holding_it_in_memory(app, action):
    """The request's body is made before measuring; reading it keeps no more than a little in memory
    (a file part's first 500 KB, then a temporary file, which past the limit is emptied)."""
    url = _link(app, action)
    body = {"text": TYPED, "implemented": "no", "files": [(io.BytesIO(b"a" * (3 * LIMIT - MB)), "minutes.txt")]}
    environ = EnvironBuilder(path=url, method="POST", data=body, content_type="multipart/form-data").get_environ()
    tracemalloc.start()
    try:
        answer, status, _ = run_wsgi_app(app.wsgi_app, environ, buffered=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status.startswith("413") and TOO_LARGE in b"".join(answer).decode()  # read, and refused on the form
    assert peak < 3 * MB, peak


# --- the report importer ---------------------------------------------------------------------------------


def test_a_report_over_the_limit_is_refused_with_the_pasted_text_kept(as_role):
    make_inspection()
    client = as_role(Role.EDITOR, ("cumbria", "lancashire"))
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation))
    response = client.post("/inspections/stalking-2024/import", content_type="multipart/form-data",
                           data={"text": "1. Forces should act now.", "file": (io.BytesIO(b"a" * (LIMIT + 1)), "report.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "There is a problem" in page and TOO_LARGE in page
    assert "1. Forces should act now." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)) == before


def test_a_report_pasted_whole_is_read_not_refused_as_too_large_for_a_form(csrf_app, as_role):
    """A browser sends the importer's form as multipart, where a text field was held to the app's form
    size (500 KB): a longer report pasted whole got the bare 413 page (the CSRF check reads the form
    first), losing it. The importer's page takes a text field as long as the importer reads."""
    make_inspection()
    client = as_role(Role.EDITOR, ("cumbria", "lancashire"))
    token = csrf_token(get_page(client, "/inspections/stalking-2024/import"))
    text = "1. Forces should act now.\n\n" + "The inspection found that forces were not ready. " * 14_000
    assert 600_000 < len(text.encode()) < 1_000_000
    response = client.post("/inspections/stalking-2024/import", content_type="multipart/form-data",
                           data={"text": text, "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Forces should act now." in page and "There is a problem" not in page


def test_a_paste_longer_than_the_importer_reads_is_refused_on_the_form_with_the_text_kept(as_role):
    make_inspection()
    client = as_role(Role.EDITOR, ("cumbria", "lancashire"))
    text = "1. Forces should act now.\n" * 40_000  # 1,040,000 characters: one report is at most 1,000,000
    response = client.post("/inspections/stalking-2024/import", content_type="multipart/form-data",
                           data={"text": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "The text is too long to read" in page and page.count("Forces should act now.") > 30_000


# --- the writer that discards ----------------------------------------------------------------------------


def test_the_capped_file_never_keeps_more_than_the_request_may_bring():
    budget = [1000]
    first, second = CappedFile(budget), CappedFile(budget)
    first.write(b"a" * 600)
    assert not first.too_large and first.read() == b"" and first.kept == 600
    for _ in range(100):
        second.write(b"b" * 300)  # 30,000 bytes, of which 400 would fit
    assert second.too_large and second.kept == 300 and second.tell() == 0  # what it kept was thrown away
    second.seek(0)
    assert second.read() == b""
    first.seek(0)
    assert first.read() == b"a" * 600
    third = CappedFile(budget)
    third.write(b"c")
    assert third.too_large  # the allowance is spent: later files are over the limit too
