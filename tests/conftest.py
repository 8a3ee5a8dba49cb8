"""Shared fixtures: the app on a migrated database holding the seed data, a client, a CLI runner,
signed-in clients per role, and factories for test records.

The database is created once per test run by the migrations (so they are tested too) and loaded
with the demonstration data; every test then runs inside a transaction that is rolled back.
Set TRACKER_TEST_DATABASE_URL to run the same tests on another database (PostgreSQL).
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="tracker-tests-"))
os.environ["TRACKER_INSTANCE_PATH"] = str(_TMP / "instance")
os.environ.setdefault("TRACKER_SECRET_KEY", "test-secret-key-not-for-production")
os.environ["TRACKER_DATABASE_URL"] = os.environ.get("TRACKER_TEST_DATABASE_URL", f"sqlite:///{_TMP / 'test.sqlite'}")

import sqlalchemy as sa  # noqa: E402
from flask import g  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.db import Session as TrackerSession  # noqa: E402
from tracker.db import db  # noqa: E402
from tracker.domain.statuses import Role  # noqa: E402
from tracker.models import Force, Inspection, Recommendation, Tracking, User  # noqa: E402
from tracker.services import users as user_service  # noqa: E402
from tracker.services.seed import seed_database  # noqa: E402
from tracker.web.auth import session_fields  # noqa: E402

TEST_PASSWORD = "correct horse battery staple"


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
    app = create_app({"TESTING": True})
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


@pytest.fixture
def client(app):
    """A test client, signed out."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for `flask --app tracker` commands."""
    return app.test_cli_runner()


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def get_force(slug: str) -> Force:
    """Return a seeded force by slug."""
    return db.session.scalar(sa.select(Force).where(Force.slug == slug))


def get_inspection(slug: str) -> Inspection:
    """Return a seeded inspection by slug."""
    return db.session.scalar(sa.select(Inspection).where(Inspection.slug == slug))


def get_tracking(force_slug: str, ref: str, inspection_slug: str = "vawg-2021") -> Tracking:
    """Return a force's tracking of a recommendation of an inspection."""
    return db.session.scalar(
        sa.select(Tracking)
        .join(Recommendation)
        .join(Inspection)
        .join(Force, Tracking.force_id == Force.id)
        .where(Force.slug == force_slug, Recommendation.ref == ref, Inspection.slug == inspection_slug)
    )


_user_counter = iter(range(1, 1_000_000))


def make_user(role: Role = Role.EDITOR, forces: tuple[str, ...] = ("cumbria",), email: str | None = None) -> User:
    """Create a user of a role in some forces, with TEST_PASSWORD."""
    email = email or f"{role.value}{next(_user_counter)}@test.example"
    user = user_service.create_user(email, f"Test {role.label}", role, [get_force(s) for s in forces], TEST_PASSWORD)
    db.session.commit()
    return user


def sign_in(client, user: User):
    """Sign a client in as the user, without going through the form: the session start_session makes."""
    if not user.session_token:
        user.session_token = user_service.new_session_token()
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session.update(session_fields(user.session_token))
    return client


@pytest.fixture
def as_role(app):
    """Return a function giving a client signed in as a new user of a role (and forces)."""

    def make(role: Role = Role.EDITOR, forces: tuple[str, ...] = ("cumbria",)):
        return sign_in(app.test_client(), make_user(role, forces))

    return make


def csrf_token_from(html: str) -> str:
    """Pull the CSRF token out of a page's form."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "the page has no CSRF token"
    return match.group(1)


AS_OF_APRIL = date(2022, 4, 1)
AS_OF_MARCH = date(2022, 3, 1)
