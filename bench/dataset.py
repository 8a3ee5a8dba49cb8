"""The national data set the benchmarks and the load test run on: built once, then reused.

On SQLite it is a file in instance/bench/, named by scale, seed, schema revision and a hash of the
generator, so a new migration or a changed generator builds a new one. When TRACKER_DATABASE_URL
points at another database (PostgreSQL), that database is used: filled if it holds no inspection,
reused as it is otherwise. Besides the synthetic data it holds the demonstration inspection
(vawg-2021, the seed response) and two benchmark users: one of one force, one of all 43.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "instance" / "bench"
RESULTS_DIR = ROOT / "bench" / "results"
SCALE = os.environ.get("BENCH_SCALE", "national")  # or a multiple of one: national*3 (generate-demo --scale)
SEED = int(os.environ.get("BENCH_SEED", "1"))
ONE_FORCE = "cumbria"
USERS = {"one": "bench-one-force@bench.invalid", "all": "bench-all-forces@bench.invalid"}


def _schema_revision() -> str:
    """The head revision(s) of the migrations, joined."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return "+".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def _generator_hash() -> str:
    """A short hash of the generator's and the migrations' source: a change to either makes a new data set
    (the head's name alone misses a migration chained in below it at a merge)."""
    digest = hashlib.sha1((ROOT / "tracker" / "cli" / "generate.py").read_bytes())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def database_url() -> tuple[str, Path | None]:
    """The database to benchmark: TRACKER_DATABASE_URL if set, else the cached SQLite file for this key."""
    if url := os.environ.get("TRACKER_DATABASE_URL"):
        return url, None
    path = BENCH_DIR / f"{SCALE.replace('*', 'x')}-seed{SEED}-{_schema_revision()}-{_generator_hash()}.sqlite"
    return f"sqlite:///{path}", path


def postgres_url() -> str | None:
    """The PostgreSQL database to benchmark: TRACKER_DATABASE_URL if PostgreSQL, else a database
    `tracker_bench` (made if missing) on the server scripts/with-postgres.sh started, beside the
    test database it names in TRACKER_TEST_DATABASE_URL; None without either."""
    import sqlalchemy as sa

    for name in ("TRACKER_DATABASE_URL", "TRACKER_TEST_DATABASE_URL"):
        url = os.environ.get(name)
        if url and sa.engine.make_url(url).get_backend_name() == "postgresql":
            if name == "TRACKER_DATABASE_URL":
                return url
            url = sa.engine.make_url(url)
            admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
            with admin.connect() as connection:
                if not connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = 'tracker_bench'")):
                    connection.exec_driver_sql('CREATE DATABASE "tracker_bench"')
            admin.dispose()
            return url.set(database="tracker_bench").render_as_string(hide_password=False)
    return None


def build_info(path: Path | None) -> dict:
    """What was recorded when the data set was built (time taken, row counts), if known."""
    if path is None:
        return {}
    info = path.with_suffix(".json")
    return json.loads(info.read_text()) if info.exists() else {}


def ensure_dataset() -> tuple[str, dict]:
    """Build the data set unless it exists; return its URL and its build record. Sets TRACKER_DATABASE_URL."""
    url, path = database_url()
    if path is not None and path.exists():
        os.environ["TRACKER_DATABASE_URL"] = url
        _ensure_users()
        return url, build_info(path)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        building = path.with_name(path.name + ".building")
        for stale in path.parent.glob(path.name + ".building*"):
            stale.unlink()
        os.environ["TRACKER_DATABASE_URL"] = f"sqlite:///{building}"
    info = _build()
    if path is not None:
        _checkpoint()
        building.rename(path)
        for suffix in ("-wal", "-shm"):
            Path(str(building) + suffix).unlink(missing_ok=True)
        path.with_suffix(".json").write_text(json.dumps(info, indent=2))
        os.environ["TRACKER_DATABASE_URL"] = url
    return url, info


def _build() -> dict:
    """Migrate, load the reference data, generate, and add the demonstration inspection and users."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.cli import generate
    from tracker.db import db
    from tracker.models import Inspection
    from tracker.services import seed

    app = create_app()
    with app.app_context():
        upgrade()
        if db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)):
            print(f"Reusing the data in {_safe(os.environ['TRACKER_DATABASE_URL'])} as it is.")
            db.session.remove()
            _ensure_users(app)
            return {}
        seed.seed_database(seed.SEED_DIR, demo=False)
        db.session.remove()
        print(f"Generating the {SCALE} data set (seed {SEED}); this takes a minute or two...", flush=True)
        cpu = time.process_time()
        with _bulk_loading(db.engine):
            counts, seconds = generate.run(db.engine, SCALE, SEED, date.today())
        cpu = time.process_time() - cpu
        print(f"generate-demo {SCALE}: {seconds:.1f} s ({cpu:.1f} s CPU), "
              + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        # The demonstration inspection (the seed response) goes in through the ordinary loader.
        seed.seed_database(seed.SEED_DIR, demo=True, instance_path=None)
        db.session.remove()
    _ensure_users(app)
    return {"scale": SCALE, "seed": SEED, "generate_seconds": round(seconds, 2), "generate_cpu_seconds": round(cpu, 2),
            "load_average": os.getloadavg()[0], "rows": counts,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S"), "end": date.today().isoformat()}


@contextmanager
def _bulk_loading(engine):
    """On SQLite, connections that load a data set in one transaction quickly: a page cache that holds
    the indexes being filled (SQLite's default 2 MB sends every insert into a large index to the disk
    cache and back), and no fsync (a half-built file is thrown away and built again anyway)."""
    import sqlalchemy as sa

    def pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA cache_size=-1000000")  # KiB: 1 GB at most, used only as the file grows
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    if engine.dialect.name != "sqlite":
        yield
        return
    engine.dispose()  # new connections, made with the pragmas
    sa.event.listen(engine, "connect", pragmas)
    try:
        yield
    finally:
        sa.event.remove(engine, "connect", pragmas)
        engine.dispose()


def _checkpoint() -> None:
    """Fold SQLite's write-ahead log into the file before it is renamed."""
    import sqlalchemy as sa

    engine = sa.create_engine(os.environ["TRACKER_DATABASE_URL"])
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def _safe(url: str) -> str:
    """A database URL without its password, for printing."""
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _ensure_users(app=None) -> None:
    """Create the two benchmark users if missing (a reviewer of one force, a reviewer of all 43)."""
    import sqlalchemy as sa

    from tracker import create_app
    from tracker.db import db
    from tracker.domain.statuses import Role
    from tracker.models import Force
    from tracker.services import users as user_service

    app = app or create_app()
    with app.app_context():
        forces = list(db.session.scalars(sa.select(Force).order_by(Force.slug)))
        for key, email in USERS.items():
            if user_service.get_user_by_email(email) is None:
                members = [f for f in forces if f.slug == ONE_FORCE] if key == "one" else forces
                user_service.create_user(email, f"Benchmark user ({key})", Role.REVIEWER, members,
                                         "benchmark-password-not-secret")
        db.session.commit()
        db.session.remove()


def user_id(email: str) -> int:
    """The id of a benchmark user (inside an app context)."""
    from tracker.services import users as user_service

    return user_service.get_user_by_email(email).id


def signed_in_session(email: str) -> dict:
    """What a benchmark user's signed-in session holds, as tracker.web.auth.start_session makes it
    (inside an app context; gives the user a session token if they have none)."""
    from tracker.db import db
    from tracker.services import users as user_service
    from tracker.web.auth import session_fields

    user = user_service.get_user_by_email(email)
    if not user.session_token:
        user.session_token = user_service.new_session_token()
        db.session.commit()
    return {"_user_id": str(user.id), "_fresh": True, **session_fields(user.session_token)}


if __name__ == "__main__":
    started = time.perf_counter()
    url, info = ensure_dataset()
    print(f"Data set: {_safe(url)} ({time.perf_counter() - started:.1f} s to build or find)")
