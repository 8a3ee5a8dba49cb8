"""A newcomer's first commands: on a database never migrated, every command that needs the tables
says in one sentence what to run, with no traceback; `seed --upgrade` upgrades first."""

from __future__ import annotations

import re

import pytest

from tests.scratch_db import cheap_password_hashing, dispose, make_install, scratch_database
from tracker.cli import COMMANDS

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
    "backup": ["{tmp}/backup"],
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

