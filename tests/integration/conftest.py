"""The integration tests' fixtures: clients (signed out, or signed in as a new user of a role), a CLI
runner, CSRF on as in production; and cheap password hashing, so that the many signed-in test users
each page test makes cost little (the production parameters stay in tracker/services/users.py)."""

import pytest
from argon2 import PasswordHasher

from tests.factories import make_user, sign_in
from tracker.domain.statuses import Role


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """Hash test users' passwords with the smallest Argon2id parameters."""
    monkeypatch.setattr("tracker.services.users._hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


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


@pytest.fixture
def as_role(app):
    """A function giving a client signed in as a new user of a role (and forces)."""

    def make(role: Role = Role.EDITOR, forces: tuple[str, ...] = ("cumbria",)):
        return sign_in(app.test_client(), make_user(role, forces))

    return make
