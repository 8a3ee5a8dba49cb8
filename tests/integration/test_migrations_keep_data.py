"""Upgrading a database that holds data keeps every row: on SQLite a migration that rebuilds a table
(batch mode: copy, drop, rename) must not let the drop cascade into the rows that point at it."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.scratch_db import dispose, make_install, scratch_database
from tracker.db import db

# The tables whose rows point at users (ON DELETE CASCADE) and the rows put in them before upgrading.
NOW = "2026-01-01 00:00:00"
ROWS = [
    ("forces", {"id": 1, "slug": "cumbria", "name": "Cumbria Constabulary", "area": "Cumbria", "opcc_name": "OPCC",
                "commissioner_title": "PCC", "explain_areas_for_improvement": False, "created_at": NOW,
                "updated_at": NOW}),
    ("users", {"id": 1, "email": "a@b.example", "name": "A", "password_hash": "x", "role": "editor", "active": True,
               "failed_logins": 0, "created_at": NOW, "updated_at": NOW}),
    ("user_forces", {"user_id": 1, "force_id": 1}),
    ("notification_preferences", {"user_id": 1, "due_reminders": False, "weekly_digest": True}),
    ("api_tokens", {"id": 1, "user_id": 1, "name": "t", "secret_hash": "0" * 64, "created_at": NOW,
                    "expires_at": NOW}),
]
FROM = "api_tokens"  # a revision before the users table was last rebuilt


def test_upgrading_keeps_the_rows_that_point_at_users(tmp_path):
    with scratch_database(tmp_path) as url:
        app = make_install(url, tmp_path / "instance", migrate=False)
        try:
            with app.app_context():
                upgrade(revision=FROM)
                with db.engine.begin() as connection:
                    for table, row in ROWS:
                        connection.execute(sa.table(table, *(sa.column(c) for c in row)).insert().values(**row))
                upgrade()
                with db.engine.connect() as connection:
                    counts = {table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
                              for table, _ in ROWS}
                db.session.remove()
        finally:
            dispose(app)
    assert counts == {table: 1 for table, _ in ROWS}
