"""`flask backup` while the app writes, then `flask restore` into a fresh install: every row of every
table and every file comes back, from one consistent moment (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.scratch_db import all_rows, dispose, make_install, scratch_database
from tracker.cli import backup as backup_module
from tracker.db import db, write_transactions
from tracker.models import Action, EvidenceFile
from tracker.services import save
from tracker.services import tracking as tracking_service

WRITES_BEFORE_BACKUP = 3
WRITES_DURING_BACKUP = 3
MAX_WRITES = 500  # bounds the writer's loop; it stops when told to


def _files(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _instance_files(app) -> dict[str, str]:
    """The hashes of an install's published and evidence files, by area and path."""
    found = {}
    for area, key in backup_module.FILE_AREAS.items():
        found.update({f"{area}/{name}": sha for name, sha in _files(Path(app.config[key])).items()})
    return found


class Writer(threading.Thread):
    """Keeps saving progress updates, each with an evidence file written before its commit."""

    def __init__(self, app, action_id: int):
        super().__init__(daemon=True)
        self.app, self.action_id = app, action_id
        self.committed = 0
        self.stop = threading.Event()
        self.progressed = threading.Condition()
        self.error: BaseException | None = None

    def wait_for(self, count: int) -> None:
        """Block until `count` writes have committed (or the writer has stopped)."""
        with self.progressed:
            self.progressed.wait_for(lambda: self.committed >= count or not self.is_alive() or self.error)

    def run(self) -> None:
        """Write until told to stop: file first, then the rows that refer to it, in one commit."""
        evidence_dir = Path(self.app.config["TRACKER_EVIDENCE_DIR"])
        evidence_dir.mkdir(parents=True, exist_ok=True)
        try:
            for number in range(1, MAX_WRITES + 1):
                if self.stop.is_set():
                    break
                content = f"evidence of write {number}\n".encode() * 50
                sha = hashlib.sha256(content).hexdigest()
                (evidence_dir / f"{sha}.txt").write_bytes(content)
                with self.app.app_context(), write_transactions():
                    action = db.session.get(Action, self.action_id)
                    update = tracking_service.add_progress_update(action, date(2022, 1, 1), f"write {number}")
                    update.evidence_files.append(EvidenceFile(
                        filename=f"write-{number}.txt", stored_name=f"{sha}.txt", content_type="text/plain",
                        size=len(content), sha256=sha))
                    save()
                    db.session.remove()
                with self.progressed:
                    self.committed = number
                    self.progressed.notify_all()
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            self.error = exc
        finally:
            with self.progressed:
                self.progressed.notify_all()


@pytest.fixture
def source(tmp_path):
    """A scratch install with the demonstration data and a published PDF in a subfolder."""
    with scratch_database(tmp_path) as url:
        app = make_install(url, tmp_path / "source")
        published = Path(app.config["TRACKER_PUBLISHED_DIR"]) / "cumbria"
        published.mkdir(parents=True)
        (published / "vawg-2021-v1.pdf").write_bytes(b"%PDF-1.7 not really a PDF\n" * 100)
        try:
            yield app
        finally:
            dispose(app)


@pytest.fixture
def empty_install(tmp_path):
    """Return a function making a fresh install: an empty database and empty instance folders."""
    made = []

    def make(name: str):
        context = scratch_database(tmp_path / name)
        (tmp_path / name).mkdir()
        url = context.__enter__()
        app = make_install(url, tmp_path / name / "instance", migrate=False)
        made.append((app, context))
        return app

    yield make
    for app, context in made:
        dispose(app)
        context.__exit__(None, None, None)


def _records(rows: dict[str, list[tuple]], table: str) -> list[dict]:
    """A table's rows as dictionaries by column name."""
    names = [column.name for column in db.metadata.tables[table].columns]
    return [dict(zip(names, row)) for row in rows[table]]


def _rows_written_after(rows: dict[str, list[tuple]], engine, last_kept: int) -> dict[str, list[tuple]]:
    """The rows of `rows` less those the writer created after its write number `last_kept`."""
    with engine.connect() as conn:
        late_updates = {r[0] for r in conn.execute(sa.text(
            "SELECT id, text FROM progress_updates WHERE text LIKE 'write %'")) if int(r[1].split()[1]) > last_kept}
        late_files = {r[0] for r in conn.execute(sa.text("SELECT id, update_id FROM evidence_files"))
                      if r[1] in late_updates}
    tables = {name: [c.name for c in db.metadata.tables[name].columns] if name in db.metadata.tables else []
              for name in rows}

    def keep(table: str, row: tuple) -> bool:
        """False for a row created by a late write (or its audit event)."""
        record = dict(zip(tables[table], row))
        if table == "progress_updates":
            return record["id"] not in late_updates
        if table == "evidence_files":
            return record["id"] not in late_files
        if table == "audit_events":
            late = {"ProgressUpdate": late_updates, "EvidenceFile": late_files}.get(record["entity_type"], ())
            return record["entity_id"] not in late
        return True

    return {table: [row for row in table_rows if keep(table, row)] for table, table_rows in rows.items()}


def test_a_backup_taken_during_writes_restores_every_row_and_file_of_one_moment(source, empty_install, tmp_path,
                                                                               monkeypatch):
    app = source
    with app.app_context():
        action_id = db.session.scalar(sa.select(Action.id).order_by(Action.id).limit(1))
        db.session.remove()
    writer = Writer(app, action_id)

    # Hold the backup between its database copy and its file copy until more writes have landed:
    # the moment where a file could be missed if the order were wrong.
    copy_files = backup_module._copy_files

    def copy_files_after_more_writes(dest, progress):
        """Let the writer commit more before the files are copied."""
        writer.wait_for(writer.committed + WRITES_DURING_BACKUP)
        return copy_files(dest, progress)

    monkeypatch.setattr(backup_module, "_copy_files", copy_files_after_more_writes)
    writer.start()
    try:
        writer.wait_for(WRITES_BEFORE_BACKUP)
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        writes_at_end_of_backup = writer.committed
    finally:
        writer.stop.set()
        writer.join()
    monkeypatch.undo()
    assert writer.error is None, writer.error
    assert writes_at_end_of_backup >= WRITES_BEFORE_BACKUP + WRITES_DURING_BACKUP

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["problems"] == []
    assert (tmp_path / "backup").stat().st_mode & 0o077 == 0  # readable by its owner only
    with app.app_context():
        assert manifest["database"]["schema_revision"] == db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.remove()

    restored = empty_install("restored")
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output

    with restored.app_context():
        restored_rows = all_rows(db.engine)
    with app.app_context():
        live_rows = all_rows(db.engine)
        # The restore holds the writes up to some number, all of them and nothing after: one moment.
        db.session.remove()
    restored_writes = sorted(int(record["text"].split()[1]) for record in _records(restored_rows, "progress_updates")
                             if record["text"].startswith("write "))
    assert restored_writes == list(range(1, len(restored_writes) + 1))
    assert WRITES_BEFORE_BACKUP <= len(restored_writes) < writer.committed
    assert {table: len(rows) for table, rows in restored_rows.items()} == manifest["database"]["row_counts"]

    # Every row of every table: the live database less the writes made after the backup's moment.
    with app.app_context():
        expected = _rows_written_after(live_rows, db.engine, last_kept=len(restored_writes))
    # The data state's tokens are those of the backup's moment: not the live ones, which later writes changed.
    restored_state, live_state = restored_rows.pop("data_states"), expected.pop("data_states")
    assert {row[0] for row in restored_state} == {row[0] for row in live_state}
    assert all(len(row[1]) == 32 for row in restored_state) and restored_state != live_state
    assert restored_rows == expected

    # Every file the restored database refers to is restored, byte for byte; no file is altered.
    restored_files, live_files = _instance_files(restored), _instance_files(app)
    for name, sha in restored_files.items():
        assert live_files[name] == sha
        assert manifest["files"][f"files/{name}"]["sha256"] == sha
    for record in _records(restored_rows, "evidence_files"):
        assert restored_files[f"evidence/{record['stored_name']}"] == record["sha256"]
    assert restored_files["published/cumbria/vawg-2021-v1.pdf"] == live_files["published/cumbria/vawg-2021-v1.pdf"]


def test_a_quiet_backup_restores_exactly_and_restore_guards_the_install(source, empty_install, tmp_path):
    app = source
    evidence = Path(app.config["TRACKER_EVIDENCE_DIR"])
    evidence.mkdir(parents=True, exist_ok=True)
    (evidence / "nested").mkdir()
    (evidence / "nested" / "file.bin").write_bytes(bytes(range(256)) * 10)
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "quiet")]).exit_code == 0

    # Not into an install that holds data, unless forced.
    refused = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "quiet")])
    assert refused.exit_code != 0
    assert "not empty" in refused.output

    restored = empty_install("restored")
    # A migrated install with no rows yet counts as empty.
    with restored.app_context():
        from flask_migrate import upgrade

        upgrade()
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "quiet")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        live = all_rows(db.engine)
    with restored.app_context():
        assert all_rows(db.engine) == live
    assert _instance_files(restored) == _instance_files(app)

    # Forced over an install with data: the same again, and stray files are gone.
    stray = Path(restored.config["TRACKER_EVIDENCE_DIR"]) / "stray.txt"
    stray.write_text("not in the backup")
    forced = restored.test_cli_runner().invoke(args=["restore", "--force", str(tmp_path / "quiet")])
    assert forced.exit_code == 0, forced.output
    assert not stray.exists()
    with restored.app_context():
        assert all_rows(db.engine) == live

    # A damaged backup is refused before anything changes.
    (tmp_path / "quiet" / "files" / "evidence" / "nested" / "file.bin").write_bytes(b"tampered")
    damaged = restored.test_cli_runner().invoke(args=["restore", "--force", str(tmp_path / "quiet")])
    assert damaged.exit_code != 0
    assert "damaged" in damaged.output
    with restored.app_context():
        assert all_rows(db.engine) == live


def test_backup_refuses_a_folder_that_is_not_empty(source, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    result = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "full")])
    assert result.exit_code != 0
    assert "not empty" in result.output
