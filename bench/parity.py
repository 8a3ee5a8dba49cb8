"""PostgreSQL beside SQLite, in one run: each benchmarked page on both databases, in turns.

    bash scripts/with-postgres.sh .venv/bin/python -m bench.parity     (make bench-parity)

The national data set on SQLite (instance/bench/, built once) and on the PostgreSQL server the
script started (filled on first use, or TRACKER_DATABASE_URL's database when that is PostgreSQL).
Each page is requested as computed (the page cache emptied first, as after a write) through the
Flask test client, SQLite and PostgreSQL in alternate order round after round, so that the other
load on a shared machine falls on both alike; the ratio of the medians is the figure (goal: at
most 1.3). Beside it: this process's CPU time per request (on PostgreSQL the server's own work is
not in it, on SQLite it is), the SQL statements each request sends, and the connections it takes
from the pool (each a round trip more when the pool pings them).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import sqlalchemy as sa
from sqlalchemy import event

from bench import dataset

GOAL = 1.3
ROUNDS = int(os.environ.get("BENCH_PARITY_ROUNDS", "15"))


def _postgres_url() -> str | None:
    """The PostgreSQL database to compare: TRACKER_DATABASE_URL if PostgreSQL, else a database
    `tracker_bench` beside the one scripts/with-postgres.sh made (TRACKER_TEST_DATABASE_URL)."""
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


def _datasets() -> dict[str, str]:
    """Both data sets, built if missing: {"sqlite": url, "postgresql": url}."""
    postgres = _postgres_url()
    if postgres is None:
        sys.exit("bench.parity needs PostgreSQL: run it through scripts/with-postgres.sh (make bench-parity)")
    os.environ.pop("TRACKER_DATABASE_URL", None)
    sqlite_url, _ = dataset.ensure_dataset()
    os.environ["TRACKER_DATABASE_URL"] = postgres
    dataset.ensure_dataset()
    return {"sqlite": sqlite_url, "postgresql": postgres}


class Counts:
    """SQL statements and pool checkouts of one engine."""

    def __init__(self, engine):
        self.statements = self.checkouts = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "checkout", self._checkout)

    def _statement(self, *args):
        self.statements += 1

    def _checkout(self, *args):
        self.checkouts += 1


class Side:
    """One database's app, its signed-in clients and its counts."""

    def __init__(self, name: str, url: str):
        from tracker import create_app
        from tracker.db import db
        from tracker.models import Inspection, Recommendation
        from tracker.services import save
        from tracker.services import tokens as token_service
        from tracker.services import users as user_service

        self.name = name
        self.app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with self.app.app_context():
            self.counts = Counts(db.engine)
            self.clients = {}
            self.tokens = {}
            for who, email in dataset.USERS.items():
                client = self.app.test_client()
                with client.session_transaction() as session:
                    session.update(dataset.signed_in_session(email))
                self.clients[who] = client
                _, self.tokens[who] = token_service.create_token(user_service.get_user_by_email(email), "parity", 30)
            save()
            # The national inspection with the most recommendations (as bench/test_bench.py's).
            self.inspection = db.session.execute(
                sa.select(Inspection.slug).join(Recommendation).where(Inspection.type == "national_thematic")
                .group_by(Inspection.slug).order_by(sa.func.count(Recommendation.id).desc(), Inspection.slug).limit(1)
            ).scalar_one()
            db.session.remove()

    def get(self, who: str, url: str, api: bool) -> tuple[float, float, int, int]:
        """Request a page as computed: (wall s, CPU s, statements, checkouts)."""
        from tracker.web.caching import cache

        with self.app.app_context():
            cache.clear()
        statements, checkouts = self.counts.statements, self.counts.checkouts
        client = self.app.test_client() if api else self.clients[who]
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if api else {}
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 200, f"{self.name} {url} answered {response.status_code}"
        return wall, cpu, self.counts.statements - statements, self.counts.checkouts - checkouts


def pages(inspection: str) -> list[tuple[str, str, str, bool]]:
    """The benchmarked pages: (name, who, url, through the API)."""
    return [
        ("dashboard, one force", "one", "/", False),
        ("dashboard, all forces", "all", "/", False),
        ("inspection page, all forces", "all", f"/inspections/{inspection}", False),
        ("API overdue view, one force", "one", "/api/v1/overdue", True),
        ("API overdue view, all forces", "all", "/api/v1/overdue", True),
    ]


def main() -> None:
    urls = _datasets()
    sides = [Side(name, url) for name, url in urls.items()]
    results = []
    for name, who, url, api in pages(sides[0].inspection):
        samples = {side.name: [] for side in sides}
        for side in sides:  # warm: templates compiled, connections open, statements prepared
            for _ in range(3):
                side.get(who, url, api)
        for round_ in range(ROUNDS):
            for side in (sides if round_ % 2 == 0 else sides[::-1]):
                samples[side.name].append(side.get(who, url, api))
        results.append((name, samples))
    load = os.getloadavg()
    print()
    print(f"PostgreSQL beside SQLite, national data set, {ROUNDS} rounds in turns, pages computed "
          f"(load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores)")
    print(f"{'page':32} {'SQLite ms':>10} {'PG ms':>8} {'PG/SQLite':>10} {'goal':>7}  {'met?':5} "
          f"{'CPU ms SQLite/PG':>17} {'statements':>11} {'checkouts':>10}")
    worst = 0.0
    for name, samples in results:
        lite, pg = samples["sqlite"], samples["postgresql"]
        median = {key: statistics.median(s[0] for s in value) * 1000 for key, value in samples.items()}
        cpu = {key: statistics.median(s[1] for s in value) * 1000 for key, value in samples.items()}
        ratio = median["postgresql"] / median["sqlite"]
        worst = max(worst, ratio)
        print(f"{name:32} {median['sqlite']:>10.1f} {median['postgresql']:>8.1f} {ratio:>10.2f} {f'<= {GOAL}':>7}  "
              f"{'yes' if ratio <= GOAL else 'NO':5} {cpu['sqlite']:>8.1f}/{cpu['postgresql']:<8.1f} "
              f"{lite[0][2]:>5}/{pg[0][2]:<5} {lite[0][3]:>4}/{pg[0][3]:<4}")
    print(f"{'worst ratio':32} {'':>10} {'':>8} {worst:>10.2f} {f'<= {GOAL}':>7}  {'yes' if worst <= GOAL else 'NO'}")


if __name__ == "__main__":
    main()
