"""A newcomer's first commands: on a database never migrated, every command that needs the tables
says in one sentence what to run, with no traceback; `seed --upgrade` upgrades first."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.scratch_db import cheap_password_hashing, dispose, make_install, scratch_database
from tracker.cli import COMMANDS
from tracker.db import db
from tracker.services import seed
from tracker.services import users as user_service

# Each command with the arguments it needs to get as far as the database. A command added to
# tracker.cli.COMMANDS without an entry here fails test_every_command_is_listed_here.
ARGUMENTS = {
    "seed": [],
    "create-user": ["--email", "a@b.example", "--name", "A B", "--role", "admin", "--password", "x" * 12],
    "import-report": ["{report}", "--inspection", "vawg-2021"],
    "export-inspection": ["vawg-2021"],
    "import-inspection": ["{report}"],
    "generate-demo": ["--scale", "tiny"],
    "overdue": ["--force", "cumbria"],
    "render-response": ["--force", "cumbria", "--inspection", "vawg-2021", "--output", "{tmp}/out.pdf"],
    "send-reminders": [],
    "send-owner-links": [],
    "backup": ["{tmp}/backup"],
    "sweep-evidence": [],
    "check-counts": [],
}
# Restore puts a whole database in place, with or without the migrations applied (test_backup).
NEEDS_NO_SCHEMA = {"restore"}


@pytest.fixture
def empty_install(tmp_path):
    """An app on a new database that no migration has touched."""
    with scratch_database(tmp_path) as url:
        app = make_install(url, tmp_path / "instance", migrate=False)
        yield app
        dispose(app)


def test_every_command_is_listed_here():
    assert {command.name for command in COMMANDS} == set(ARGUMENTS) | NEEDS_NO_SCHEMA


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
def test_on_a_database_never_migrated_a_command_says_what_to_run(empty_install, tmp_path, name):
    report = tmp_path / "report.txt"
    report.write_text("Recommendation 1\nBy March 2022, all forces should do a thing.\n")
    args = [a.format(report=report, tmp=tmp_path) for a in ARGUMENTS[name]]

    result = empty_install.test_cli_runner().invoke(args=[name, *args])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    message = lines[0].removeprefix("Error: ")
    assert re.fullmatch(r"The database \S+ has no tables yet: run flask --app tracker db upgrade first\.", message)
    assert not (tmp_path / "backup").exists()


def test_a_database_behind_the_migrations_is_told_to_upgrade(empty_install):
    runner = empty_install.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "past_asof_indexes"]).exit_code == 0

    result = runner.invoke(args=["overdue"])

    assert result.exit_code == 1
    assert "is at migration past_asof_indexes, older than this version of tracker" in result.output
    assert result.output.strip().endswith("run flask --app tracker db upgrade first.")


def test_seed_upgrade_migrates_then_seeds(empty_install):
    runner = empty_install.test_cli_runner()

    with cheap_password_hashing():
        result = runner.invoke(args=["seed", "--upgrade"])

    assert result.exit_code == 0, result.output
    assert "43 forces" in result.output
    assert runner.invoke(args=["overdue", "--force", "cumbria"]).exit_code == 0



def _printed_passwords(output: str) -> list[tuple[str, str, str]]:
    """The (email, password, role) lines `seed --show-passwords` printed."""
    return [tuple(line.split("\t")) for line in output.splitlines() if line.count("\t") == 2]


def _drop_every_table(app) -> None:
    """Delete the database's contents, as deleting instance/tracker.sqlite does."""
    with app.app_context():
        db.session.remove()
        meta = sa.MetaData()
        meta.reflect(db.engine)
        meta.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def _signs_in(app, email: str, password: str) -> bool:
    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": password})
    return "Sign out" in client.get("/").get_data(as_text=True)


def test_make_run_twice_with_the_database_deleted_between_prints_only_working_passwords(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(instance))
    make_run = ["seed", "--upgrade", "--demo", "--show-passwords"]
    with scratch_database(tmp_path) as url, scratch_database(tmp_path) as other_url, cheap_password_hashing():
        app = make_install(url, instance, migrate=False)
        app.config["WTF_CSRF_ENABLED"] = False
        first = _printed_passwords(app.test_cli_runner().invoke(args=make_run).output)
        # Another database seeded with the same instance folder (a scratch or benchmark one).
        other = make_install(other_url, instance, migrate=False)
        other_users = _printed_passwords(other.test_cli_runner().invoke(args=make_run).output)
        dispose(other)
        _drop_every_table(app)

        result = app.test_cli_runner().invoke(args=make_run)

        second = _printed_passwords(result.output)
        assert result.exit_code == 0, result.output
        assert sorted(email for email, _, _ in second) == sorted(email for email, _, _ in first)
        assert len(second) == 5 and not set(second) & set(first) and not set(second) & set(other_users)
        assert all(_signs_in(app, email, password) for email, password, _ in second)
        assert not any(_signs_in(app, email, password) for email, password, _ in first)
        assert len(list((instance / seed.PASSWORDS_DIR).glob("*.txt"))) == 2  # one file per database
        dispose(app)


def test_a_password_changed_since_is_no_longer_printed(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    with scratch_database(tmp_path) as url, cheap_password_hashing():
        app = make_install(url, tmp_path / "instance")
        with app.app_context():
            user = user_service.get_user_by_email("viewer@tracker.example")
            user_service.set_password(user, "a new password of the user's own")
            db.session.commit()

        result = app.test_cli_runner().invoke(args=["seed", "--demo", "--show-passwords"])

        printed = [email for email, _, _ in _printed_passwords(result.output)]
        assert len(printed) == 4 and "viewer@tracker.example" not in printed
        dispose(app)
