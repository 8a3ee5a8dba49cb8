"""The database layer: the engine's behaviour, the audit trail and the data-state token, bound by init_app.

It may import the models and the domain, nothing above them. Everything else reaches the session
through `tracker.db.db`.
"""

from __future__ import annotations

from flask import Flask
from flask_migrate import Migrate
from sqlalchemy import event

from tracker._files import folder
from tracker.db import audit, data_state, engine
from tracker.db.engine import is_database_busy, read_transactions, wants_write_lock, write_transactions
from tracker.models.base import Session, db

MIGRATIONS = folder("migrations")
migrate = Migrate(render_as_batch=True, compare_type=True)

__all__ = [
    "Session", "db", "init_app", "is_database_busy", "migrate", "read_transactions", "wants_write_lock",
    "write_transactions",
]


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy and Flask-Migrate, and register the listeners that every connection and session
    obey: SQLite's pragmas and transactions, the audit trail, then the data-state token (in that order,
    so the token's write is not audited)."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    for target, name, listener in (*engine.LISTENERS, *audit.LISTENERS, *data_state.LISTENERS):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
