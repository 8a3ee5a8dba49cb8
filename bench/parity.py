"""PostgreSQL beside SQLite, in one run: each benchmarked page on both databases, in turns.

    bash scripts/with-postgres.sh .venv/bin/python -m bench.parity     (make bench-parity)

The national data set on SQLite (instance/bench/, built once) and on the PostgreSQL server the
script started (filled on first use, or TRACKER_DATABASE_URL's database when that is PostgreSQL).
Each page is requested as computed (the page cache emptied first, as after a write) through the
Flask test client, SQLite and PostgreSQL in alternate order round after round, so that the other
load on a shared machine falls on both alike. Two ratios: of the CPU time each request costs (this
process's, plus on PostgreSQL the server backends' own, read from /proc/<pid>/schedstat: the
machine's other load does not change it, so it is the goal's figure, at most 1.3), and of the
wall-clock medians (which on a busy machine also count waiting for a core: every round trip to the
server waits for its backend to be scheduled). Beside them: the SQL statements each request sends,
and the connections it takes from the pool.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from bench import dataset

GOAL = 1.3
ROUNDS = int(os.environ.get("BENCH_PARITY_ROUNDS", "15"))


def _datasets() -> dict[str, str]:
    """Both data sets, built if missing: {"sqlite": url, "postgresql": url}."""
    postgres = dataset.postgres_url()
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


def _backend_cpu(pids: list[int]) -> float:
    """The CPU time (s) the PostgreSQL backends of these process ids have used so far."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e9


class Side:
    """One database's app, its signed-in clients and its counts."""

    def __init__(self, name: str, url: str):
        from tracker import create_app
        from tracker.db import db
        from tracker.models import Action, Force, Inspection, ProgressUpdate, Recommendation, Tracking
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
            # The one-force user's largest tracking page (as bench/test_bench.py's).
            self.tracking = db.session.execute(
                sa.select(Tracking.id).join(Force, Force.id == Tracking.force_id)
                .join(Action, Action.tracking_id == Tracking.id)
                .outerjoin(ProgressUpdate, ProgressUpdate.action_id == Action.id).where(Force.slug == dataset.ONE_FORCE)
                .group_by(Tracking.id).order_by(sa.func.count(ProgressUpdate.id).desc(), Tracking.id).limit(1)
            ).scalar_one()
            # What the benchmarks' own writes (make load's saves) leave be: the generated inspections and
            # trackings, to tell two data sets drawn alike.
            self.drawn = (db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)),
                          db.session.scalar(sa.select(sa.func.count()).select_from(Tracking)), self.inspection)
            db.session.remove()
        self.backends: list[int] = []

    def find_backends(self) -> None:
        """The process ids of the PostgreSQL backends this app's pool holds (after warming up)."""
        from tracker.db import db

        if self.name != "postgresql":
            return
        with self.app.app_context():
            engine = db.engine
            pool = engine.pool
            connections = [pool.connect() for _ in range(pool.checkedin())]
            try:
                self.backends = [c.dbapi_connection.info.backend_pid for c in connections]
            finally:
                for connection in connections:
                    connection.close()

    def get(self, who: str, url: str, api: bool) -> tuple[float, float, int, int]:
        """Request a page as computed: (wall s, CPU s of this process and the server's, statements,
        checkouts)."""
        from tracker.web.caching import cache

        with self.app.app_context():
            cache.clear()
        statements, checkouts = self.counts.statements, self.counts.checkouts
        client = self.app.test_client() if api else self.clients[who]
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if api else {}
        server = _backend_cpu(self.backends)
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        cpu += _backend_cpu(self.backends) - server
        assert response.status_code == 200, f"{self.name} {url} answered {response.status_code}"
        return wall, cpu, self.counts.statements - statements, self.counts.checkouts - checkouts


def pages(inspection: str, tracking: int) -> list[tuple[str, str, str, bool]]:
    """The benchmarked pages: (name, who, url, through the API)."""
    return [
        ("dashboard, one force", "one", "/", False),
        ("dashboard, all forces", "all", "/", False),
        ("inspection page, one force", "one", f"/inspections/{inspection}", False),
        ("inspection page, all forces", "all", f"/inspections/{inspection}", False),
        ("tracking page, one force", "one", f"/tracking/{tracking}", False),
        ("API overdue view, one force", "one", "/api/v1/overdue", True),
        ("API overdue view, all forces", "all", "/api/v1/overdue", True),
    ]


def main() -> None:
    urls = _datasets()
    sides = [Side(name, url) for name, url in urls.items()]
    results = []
    if len({side.drawn for side in sides}) != 1:
        raise RuntimeError("the two data sets differ: generate them again from the same seed")
    # The largest tracking page may differ once make load has added updates to one set: both sides show
    # the first side's (the same ids on both, as drawn).
    for name, who, url, api in pages(sides[0].inspection, sides[0].tracking):
        samples = {side.name: [] for side in sides}
        for side in sides:  # warm: templates compiled, connections open, statements prepared
            for _ in range(6):
                side.get(who, url, api)
            side.find_backends()
        for round_ in range(ROUNDS):
            for side in (sides if round_ % 2 == 0 else sides[::-1]):
                samples[side.name].append(side.get(who, url, api))
        results.append((name, samples))
    load = os.getloadavg()
    print()
    print(f"PostgreSQL beside SQLite, national data set, {ROUNDS} rounds in turns, pages computed "
          f"(load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores)")
    print("CPU: this process's, and on PostgreSQL its backends' too; wall: the medians (each on its own)")
    print(f"{'page':30} {'CPU ms SQLite':>13} {'PG':>7} {'PG/SQLite':>10} {'goal':>7}  {'met?':5} "
          f"{'wall ms SQLite':>15} {'PG':>7} {'PG/SQLite':>10} {'statements':>11} {'checkouts':>10}")
    worst = 0.0
    for name, samples in results:
        lite, pg = samples["sqlite"], samples["postgresql"]
        wall = {key: statistics.median(s[0] for s in value) * 1000 for key, value in samples.items()}
        cpu = {key: statistics.median(s[1] for s in value) * 1000 for key, value in samples.items()}
        ratio = cpu["postgresql"] / cpu["sqlite"]
        worst = max(worst, ratio)
        print(f"{name:30} {cpu['sqlite']:>13.1f} {cpu['postgresql']:>7.1f} {ratio:>10.2f} {f'<= {GOAL}':>7}  "
              f"{'yes' if ratio <= GOAL else 'NO':5} {wall['sqlite']:>15.1f} {wall['postgresql']:>7.1f} "
              f"{wall['postgresql'] / wall['sqlite']:>10.2f} {lite[0][2]:>5}/{pg[0][2]:<5} {lite[0][3]:>4}/{pg[0][3]:<4}")
    print(f"{'worst CPU ratio':30} {'':>13} {'':>7} {worst:>10.2f} {f'<= {GOAL}':>7}  {'yes' if worst <= GOAL else 'NO'}")


if __name__ == "__main__":
    main()
