"""Scratch installs for tests that need real commits: their own database on the same server as the
test database (a new SQLite file, or a new PostgreSQL database), their own instance folders, the
schema from the migrations and, when asked, the demonstration data.

The `app` fixture runs each test inside one rolled-back transaction, which cannot show what
concurrent requests, a served app or a backup do; these installs commit for real and are dropped
afterwards.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from tracker import create_app
from tracker.db import db
from tracker.services import users as user_service
from tracker.services.seed import seed_database

# Ports for servers the tests start (the PostgreSQL test server uses 5740-5749).
TEST_PORTS = range(5700, 5740)


def base_url() -> str:
    """The test run's database URL (conftest sets it from TRACKER_TEST_DATABASE_URL)."""
    return os.environ["TRACKER_DATABASE_URL"]


@contextmanager
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database beside the test database; drop it afterwards."""
    url = make_url(base_url())
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / f'scratch-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    name = f"tracker_scratch_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def make_install(url: str, instance: Path, *, migrate: bool = True, demo: bool = True) -> Flask:
    """Create an app on `url` with its own instance folders; migrate and seed it when asked."""
    instance.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TRACKER_PUBLISHED_DIR": str(instance / "published"),
            "TRACKER_EVIDENCE_DIR": str(instance / "evidence"),
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    if migrate:
        with app.app_context(), cheap_password_hashing():
            upgrade()
            if demo:
                seed_database(demo=True, instance_path=instance)
            db.session.remove()
    return app


def cheap_password_hashing():
    """Hash passwords at Argon2's lowest cost while seeding (the real cost is ~0.2-1 s a user);
    the hashes still verify with the app's own hasher, which reads the cost from the hash."""
    return mock.patch.object(user_service, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def dispose(app: Flask) -> None:
    """Close the app's database connections (before its database is dropped)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def free_port() -> int:
    """Return a port of the test range that nothing listens on."""
    for port in TEST_PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {TEST_PORTS}")


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """Serve the app on 127.0.0.1 with a threaded server; yield its base URL; stop it after."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def all_rows(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table the models know (and alembic_version), in primary-key order."""
    rows = {}
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
        rows["alembic_version"] = [tuple(r) for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    return rows
