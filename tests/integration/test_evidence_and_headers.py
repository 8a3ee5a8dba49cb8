"""The smaller findings of the security review: evidence files of a refused or killed save do not
stay on disk, evidence downloads name their charset once, and HTTPS installs send HSTS."""

from __future__ import annotations

import hashlib
import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.factories import get_tracking
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.services import evidence as evidence_service

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def evidence_dir(app, tmp_path):
    """A fresh evidence folder."""
    old = app.config["TRACKER_EVIDENCE_DIR"]
    app.config["TRACKER_EVIDENCE_DIR"] = str(tmp_path / "evidence")
    yield tmp_path / "evidence"
    app.config["TRACKER_EVIDENCE_DIR"] = old


def _post_update(client, action, *files):
    return client.post(f"/actions/{action.id}/updates/new", content_type="multipart/form-data", data={
        "occurred_on": ["8", "12", "2021"], "text": "Met the panel.",
        "files": [(io.BytesIO(content), name) for name, content in files]})


def _stored(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_the_files_of_a_refused_save_do_not_stay_on_disk(as_role, evidence_dir):
    action = get_tracking("cumbria", "4").actions[0]
    content = PDF + b"refused " + os.urandom(8)
    response = _post_update(as_role(Role.EDITOR), action, ("minutes.pdf", content), ("virus.exe", b"MZ"))
    assert response.status_code == 200 and "must be a PDF, DOCX" in response.get_data(as_text=True)
    assert hashlib.sha256(content).hexdigest() not in _stored(evidence_dir)


def test_the_files_of_a_kept_save_stay(as_role, evidence_dir):
    action = get_tracking("cumbria", "4").actions[0]
    content = PDF + b"kept " + os.urandom(8)
    assert _post_update(as_role(Role.EDITOR), action, ("minutes.pdf", content)).status_code == 302
    assert hashlib.sha256(content).hexdigest() in _stored(evidence_dir)


def _age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_a_file_left_by_a_killed_save_is_swept(app, as_role, evidence_dir, runner):
    action = get_tracking("cumbria", "4").actions[0]
    kept = PDF + b"kept " + os.urandom(8)
    assert _post_update(as_role(Role.EDITOR), action, ("kept.pdf", kept)).status_code == 302
    # A worker killed after writing its file and before committing: the file, and no row.
    update = action.updates[0]
    evidence_service.store_file(update, "orphan.pdf", PDF + b"orphan " + os.urandom(8), evidence_dir)
    db.session.rollback()
    db.session.info.clear()  # the killed worker never cleaned up after itself
    (evidence_dir / ".half-written.1234.tmp").write_bytes(b"%PDF-")
    young = evidence_dir / hashlib.sha256(b"young").hexdigest()
    young.write_bytes(b"young")
    for path in evidence_dir.iterdir():
        if path != young:
            _age(path, 2)
    assert len(_stored(evidence_dir)) == 4
    result = runner.invoke(args=["sweep-evidence"])
    assert result.exit_code == 0 and "Removed 2 evidence files" in result.output
    assert _stored(evidence_dir) == {hashlib.sha256(kept).hexdigest(), young.name}  # the saved one, and the young one
    assert evidence_service.sweep_orphans(evidence_dir, timedelta(0)) == [young]


def test_an_evidence_download_names_its_charset_once(as_role, evidence_dir):
    client = as_role(Role.EDITOR)
    action = get_tracking("cumbria", "4").actions[0]
    assert _post_update(client, action, ("notes.txt", b"Notes of the meeting " + os.urandom(4).hex().encode())).status_code == 302
    db.session.expire_all()
    record = max((e for u in action.updates for e in u.evidence_files), key=lambda e: e.id)
    response = client.get(f"/evidence/{record.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("secure", [True, False])
def test_hsts_is_sent_when_cookies_are_secure(app, client, secure, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", secure)
    response = client.get("/health")
    if secure:
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    else:
        assert "Strict-Transport-Security" not in response.headers
