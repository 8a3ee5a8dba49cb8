"""Fixtures of the benchmarks: the national data set, clients signed in as a user of one force and
of all forces, a count of SQL queries per request, and the goals table printed at the end.

Run with `make bench` (or `.venv/bin/python -m pytest bench/ -p no:cacheprovider`). `make test`
never collects this folder: the pytest configuration's testpaths name tests/ only.
"""

from __future__ import annotations

import json
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from bench import dataset

URL, BUILD = dataset.ensure_dataset()  # sets TRACKER_DATABASE_URL before the app is made

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.db import db  # noqa: E402

TODAY = date.today()
PAST = TODAY - timedelta(days=3 * 365)  # an as-of date three years back

# Filled as the benchmarks run, printed and written at the end.
FIGURES: dict[str, dict] = {}
SKIPPED: dict[str, str] = {}

GOALS = [
    ("computed dashboard (after a write), one force, CPU", "dashboard_one_force_today", "computed_cpu_ms", 10, "ms"),
    ("dashboard, one force (today)", "dashboard_one_force_today", "median_ms", 25, "ms"),
    ("dashboard, all forces (today)", "dashboard_all_forces_today", "median_ms", 250, "ms"),
    ("API overdue view, one force (today)", "api_overdue_one_force_today", "median_ms", 50, "ms"),
    ("API overdue view, one force (past date)", "api_overdue_one_force_past", "median_ms", 50, "ms"),
    ("SQL queries per page", "*", "queries", 12, "queries"),
    ("seed response PDF, warm", "response_pdf_seed_warm", "median_ms", 300, "ms"),
    ("25-recommendation response PDF, warm", "response_pdf_25_warm", "median_ms", 600, "ms"),
    ("generate-demo national", "generate", "seconds", 120, "s"),
]


class QueryCounter:
    """Counts the SQL statements sent to the database (a before_cursor_execute listener)."""

    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


@pytest.fixture(scope="session")
def bench_app():
    """The app on the national data set, with a query counter on its engine."""
    app = create_app({"TESTING": True})
    # No app context is held open across requests: a request would reuse it, and with it `g`
    # (Flask-Login's cached user) and the database session.
    with app.app_context():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
    app.extensions["bench_counter"] = counter
    return app


def _client_for(app, email: str):
    """A test client signed in as a benchmark user (the session cookie set directly)."""
    client = app.test_client()
    with app.app_context():
        fields = dataset.signed_in_session(email)
    with client.session_transaction() as session:
        session.update(fields)
    return client


@pytest.fixture(scope="session")
def client_one(bench_app):
    """Signed in as a user of one force (cumbria)."""
    return _client_for(bench_app, dataset.USERS["one"])


@pytest.fixture(scope="session")
def client_all(bench_app):
    """Signed in as a user of all 43 forces."""
    return _client_for(bench_app, dataset.USERS["all"])


def count_queries(app, func) -> int:
    """Run func once and return how many SQL statements it sent."""
    counter = app.extensions["bench_counter"]
    before = counter.count
    func()
    return counter.count - before


def record(name: str, benchmark=None, **figures) -> None:
    """Keep a benchmark's median (ms) and other figures for the summary."""
    entry = FIGURES.setdefault(name, {})
    if benchmark is not None:
        stats = benchmark.stats.stats
        entry.update(median_ms=round(stats.median * 1000, 2), min_ms=round(stats.min * 1000, 2),
                     rounds=stats.rounds)
    entry.update(figures)


def skip(name: str, reason: str) -> None:
    """Skip a benchmark with a clear reason, and list it in the summary."""
    SKIPPED[name] = reason
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the measured figures beside the goals, and write them to bench/results/."""
    if not FIGURES and not SKIPPED:
        return
    write = terminalreporter.write_line
    write("")
    write(f"Data set: {dataset._safe(URL)}  built: {BUILD.get('built', '?')}  rows: {BUILD.get('rows', '?')}")
    write("")
    write(f"{'measurement':42} {'median ms':>10} {'SQL queries':>12}  extra")
    for name, entry in FIGURES.items():
        extra = {k: v for k, v in entry.items() if k not in ("median_ms", "queries", "min_ms", "rounds")}
        write(f"{name:42} {entry.get('median_ms', '-')!s:>10} {entry.get('queries', '-')!s:>12}  "
              f"{json.dumps(extra) if extra else ''}")
    for name, reason in SKIPPED.items():
        write(f"{name:42} {'skipped':>10} {'':>12}  {reason}")
    write("")
    write(f"{'goal':42} {'goal':>12} {'measured':>12}  met?")
    rows = []
    for label, key, field, goal, unit in GOALS:
        if key == "*":
            counts = [e["queries"] for e in FIGURES.values() if "queries" in e]
            measured = max(counts) if counts else None
        elif key == "generate":
            measured = BUILD.get("generate_seconds")
        else:
            measured = FIGURES.get(key, {}).get(field)
        met = "-" if measured is None else ("yes" if measured <= goal else "NO")
        rows.append({"goal": label, "target": goal, "unit": unit, "measured": measured, "met": met})
        write(f"{label:42} {f'<= {goal} {unit}':>12} {('-' if measured is None else f'{measured} {unit}'):>12}  {met}")
    write(f"{'dashboard under load, memory per worker':42} {'see make load':>12}")
    write(f"{'PostgreSQL / SQLite, every page':42} {'<= 1.3x':>12} {'see below (bench.parity)':>12}")
    write(f"{'dashboard at 10x data / at 1x':42} {'<= 1.5x':>12} {'see below (bench.growth)':>12}")
    if BUILD.get("generate_cpu_seconds"):
        write(f"generate-demo took {BUILD['generate_cpu_seconds']} s of CPU; load average then {BUILD.get('load_average')}")
    write(f"load average now (2 cores): {os.getloadavg()[0]:.1f}: wall-clock figures swing with it")
    dataset.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    # BENCH_SUMMARY: where to write them instead (bench.growth reads one per scale).
    out = Path(os.environ.get("BENCH_SUMMARY") or dataset.RESULTS_DIR / f"summary-{time.strftime('%Y%m%dT%H%M%S')}.json")
    out.write_text(json.dumps({"database": dataset._safe(URL), "dialect": sa.engine.make_url(URL).get_backend_name(),
                               "build": BUILD, "figures": FIGURES, "skipped": SKIPPED, "goals": rows,
                               "as_of_past": PAST.isoformat(), "today": TODAY.isoformat()}, indent=2))
    write(f"Figures written to {out}")
