"""The one check every command that reads or writes the tables makes first: that the database is at
the migrations' head. A database never migrated (or left behind by a newer checkout) would otherwise
end in a SQLAlchemy traceback ("no such table: forces"); instead the command says in one sentence
what to run, and `seed --upgrade` runs it."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click
import flask_migrate
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext

from tracker.db import db

UPGRADE = "flask --app tracker db upgrade"


def schema_problem() -> str | None:
    """One sentence saying what is wrong with the database's schema and what to run, or None when
    the database is at the head of the migrations."""
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.OperationalError as exc:
        return f"The database {url} cannot be reached ({str(exc.orig).strip()}): check TRACKER_DATABASE_URL."
    scripts = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    heads = set(scripts.get_heads())
    if current == heads:
        return None
    if not current:
        return f"The database {url} has no tables yet: run {UPGRADE} first."
    known = {revision.revision for revision in scripts.walk_revisions()}
    if not current <= known:
        return (f"The database {url} is at migration {', '.join(sorted(current))}, which this version of "
                f"tracker does not know: use the version that migrated it.")
    return (f"The database {url} is at migration {', '.join(sorted(current))}, older than this version of "
            f"tracker ({', '.join(sorted(heads))}): run {UPGRADE} first.")


def needs_schema(upgradable: bool = False) -> Callable:
    """Decorate a command that uses the tables: it runs in the app context, after the schema check.

    With `upgradable`, the command gains `--upgrade`, which upgrades the database to the head first.
    """

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def run(*args, **kwargs):
            if upgradable and kwargs.pop("upgrade"):
                flask_migrate.upgrade()
            if problem := schema_problem():
                raise click.ClickException(problem)
            return command(*args, **kwargs)

        run = with_appcontext(run)
        if upgradable:
            run = click.option("--upgrade", is_flag=True,
                               help=f"Upgrade the database to the latest migration first ({UPGRADE}).")(run)
        return run

    return decorate
