"""How the app uses its database under concurrency: write transactions on SQLite, stale writes
found at any flush, and a busy database answered with "try again" rather than a 500."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import get_tracking
from tracker.db import db, is_database_busy, read_transactions, wants_write_lock, write_transactions
from tracker.models import Force, Tracking
from tracker.services import ConflictError
from tracker.services import tracking as tracking_service


def _begins(engine, app, method: str | None) -> list[str]:
    """The statement each new transaction starts with, inside a request of `method` (or none)."""
    seen = []

    def capture(conn, cursor, statement, *args):
        """Record BEGIN statements."""
        if statement.startswith("BEGIN"):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        if method:
            with app.test_request_context("/", method=method), engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        else:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    return seen


def test_requests_that_may_write_take_the_sqlite_write_lock_from_the_start(app, tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'begin.sqlite'}")
    try:
        assert _begins(engine, app, "POST") == ["BEGIN IMMEDIATE"]
        assert _begins(engine, app, "GET") == ["BEGIN"]
        assert _begins(engine, app, None) == ["BEGIN"]
        with write_transactions():
            assert _begins(engine, app, None) == ["BEGIN IMMEDIATE"]
    finally:
        engine.dispose()


def test_write_intent_follows_the_request_unless_a_block_says_otherwise(app):
    with app.test_request_context("/", method="POST"):
        assert wants_write_lock()
        with read_transactions():
            assert not wants_write_lock()
    with app.test_request_context("/", method="GET"):
        assert not wants_write_lock()
        with write_transactions():
            assert wants_write_lock()
    assert not wants_write_lock()


def test_a_stale_write_found_by_an_autoflush_is_a_conflict_and_the_session_goes_on(app):
    tracking = get_tracking("cumbria", "3")
    # Someone else saves the row: its version moves on under the loaded object.
    db.session.execute(
        sa.update(Tracking).where(Tracking.id == tracking.id).values(version=Tracking.version + 1)
        .execution_options(synchronize_session=False)
    )
    tracking_service.update_tracking(tracking, tracking.version, date(2022, 1, 1), target_date=tracking.target_date,
                                     lead_officer="Someone unseen")
    with pytest.raises(ConflictError):
        db.session.scalar(sa.select(Force).limit(1))  # a query autoflushes the stale change
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Force)) == 43


def _real_sqlite_busy_error(tmp_path) -> sqlite3.OperationalError:
    """Provoke a genuine "database is locked" from SQLite: a second writer that cannot wait."""
    path = tmp_path / "locked.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        return error
    finally:
        holder.close()
        other.close()
    raise AssertionError("SQLite did not refuse the second writer")


class _PostgresDeadlock(Exception):
    """Stands for psycopg's DeadlockDetected, which carries its SQLSTATE."""

    sqlstate = "40P01"


def test_busy_database_errors_are_told_from_faults(tmp_path):
    busy = _real_sqlite_busy_error(tmp_path)
    assert "database is locked" in str(busy)
    assert is_database_busy(sa.exc.OperationalError("BEGIN IMMEDIATE", {}, busy))
    assert is_database_busy(sa.exc.OperationalError("UPDATE", {}, _PostgresDeadlock()))
    assert not is_database_busy(sa.exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")))
    assert not is_database_busy(ValueError("database is locked"))


def test_a_busy_database_answers_503_try_again_not_500(app, client, tmp_path, monkeypatch):
    busy = _real_sqlite_busy_error(tmp_path)

    def locked():
        """A view whose transaction could not get the lock in time."""
        raise sa.exc.OperationalError("BEGIN IMMEDIATE", {}, busy)

    monkeypatch.setitem(app.view_functions, "main.health", locked)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    page = response.get_data(as_text=True)
    assert "the service is busy" in page
    assert "Nothing you entered has been saved" in page


def _tracking_without_target_date() -> Tracking:
    """A Cumbria tracking row that follows its recommendation's deadline (no target date of its own)."""
    return db.session.scalar(
        sa.select(Tracking).join(Force, Tracking.force_id == Force.id)
        .where(Force.slug == "cumbria", Tracking.target_date.is_(None)).order_by(Tracking.id).limit(1)
    )


def test_a_form_opened_before_a_deadline_override_is_refused(app):
    from tracker.services import inspections as inspection_service

    tracking = _tracking_without_target_date()
    opened_at = tracking.version  # the version in the form
    inspection_service.override_deadline(tracking.recommendation, date(2030, 1, 31), None)
    db.session.expire_all()  # the save is a new request: it reads the row afresh
    tracking = db.session.get(Tracking, tracking.id)
    assert tracking.due_on == date(2030, 1, 31)
    assert tracking.version == opened_at + 1
    with pytest.raises(ConflictError):
        tracking_service.update_tracking(tracking, opened_at, date(2022, 1, 1), target_date=None, lead_officer="Late")


def test_a_record_loaded_before_a_bulk_update_cannot_overwrite_it(app):
    from tracker.services import inspections as inspection_service

    tracking = _tracking_without_target_date()
    tracking.lead_officer = "Changed in memory"  # loaded (and changed) before the bulk UPDATE
    inspection_service.override_deadline(tracking.recommendation, date(2030, 1, 31), None)
    tracking.chief_comment = "Changed after it"
    with pytest.raises(ConflictError):
        db.session.flush()
