"""The fixtures every folder of tests uses: the app on a migrated database holding the seed data,
with every test's changes rolled back. Each folder's conftest.py holds its own fixtures; test data
comes from tests/factories.py, pages are read with tests/page_check.py.

The database is created once per test run by the migrations (so they are tested too) and loaded
with the demonstration data; every test then runs inside a transaction that is rolled back.
Set TRACKER_TEST_DATABASE_URL to run the same tests on another database (PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade

from tracker import create_app
from tracker.db import Session as TrackerSession
from tracker.db import db
from tracker.services.seed import seed_database

_ENVIRONMENT = ("TRACKER_INSTANCE_PATH", "TRACKER_SECRET_KEY", "TRACKER_DATABASE_URL")


def pytest_configure(config):
    """The tests' environment, before any app is made: an instance folder and a SQLite database in a
    temporary folder (or TRACKER_TEST_DATABASE_URL), and a secret key."""
    config._tracker_saved_environment = {name: os.environ.get(name) for name in _ENVIRONMENT}
    config._tracker_tmp = Path(tempfile.mkdtemp(prefix="tracker-tests-"))
    os.environ["TRACKER_INSTANCE_PATH"] = str(config._tracker_tmp / "instance")
    os.environ.setdefault("TRACKER_SECRET_KEY", "test-secret-key-not-for-production")
    os.environ["TRACKER_DATABASE_URL"] = os.environ.get("TRACKER_TEST_DATABASE_URL",
                                                        f"sqlite:///{config._tracker_tmp / 'test.sqlite'}")


def pytest_unconfigure(config):
    """Put the environment back and remove the temporary folder."""
    for name, value in getattr(config, "_tracker_saved_environment", {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if tmp := getattr(config, "_tracker_tmp", None):
        shutil.rmtree(tmp, ignore_errors=True)


class _ConnectionBoundSession(TrackerSession):
    """The app's session, bound in tests to the one connection (not an engine per table)."""

    def get_bind(self, *args, **kwargs):
        return self.bind


def _drop_everything(app) -> None:
    """Empty the test database (for a PostgreSQL database that outlives a run)."""
    with app.app_context():
        meta = sa.MetaData()
        meta.reflect(db.engine)
        meta.drop_all(db.engine)
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def _database():
    """Create the schema with the migrations and load the seed and demonstration data, once."""
    # Each test's pages in this process's memory (the shared file cache has tests of its own).
    app = create_app({"TESTING": True, "CACHE_TYPE": "SimpleCache"})
    _drop_everything(app)
    with app.app_context():
        upgrade()
        seed_database(demo=True, instance_path=Path(app.instance_path))
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


class _OwnUserClient(FlaskClient):
    """A test client whose requests find their own signed-in user.

    The tests keep one app context open across requests, so Flask-Login's user (and Flask-WTF's
    CSRF token) cached in `g` by one client's request would otherwise be seen by the next client's.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF's token of the last request's session, likewise
        return super().open(*args, **kwargs)


@pytest.fixture
def app(_database):
    """The app, with every database change of the test rolled back afterwards."""
    app = _database
    app.config.update(WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    app.test_client_class = _OwnUserClient
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        # Requests' commits become savepoints inside the outer transaction.
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
        )
        try:
            yield app
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()
