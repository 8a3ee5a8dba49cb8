"""Every statement a benchmarked page sends to PostgreSQL, planned as a custom plan and as a generic one.

    TRACKER_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.plans [PAGE ...] [--plans]
    bash scripts/with-postgres.sh .venv/bin/python -m bench.plans       (a throwaway server, filled first)

PAGE is a number or name fragment of bench.parity's pages (all of them by default). Each page is
requested once as computed (the page cache emptied) and its statements recorded; each statement is then
PREPAREd on a connection of its own and EXPLAIN ANALYZEd with the values the page used, with
plan_cache_mode force_custom_plan (planned afresh for those values, as PostgreSQL does for the first
five executions and whenever it judges the generic plan worse) and force_generic_plan (planned once,
without the values). Printed for each: planning and execution times of both (the best of a few
runs), and with --plans both plans, so that a generic plan can be read before it is adopted.
The explaining connection has the app's connections' settings (tracker.db.engine.POSTGRES_SETTINGS);
BENCH_PLAN_SET="name=value,..." sets others, or the same otherwise (e.g.
max_parallel_workers_per_gather=4, to see the plans with parallel workers, which the app's connections
go without); BENCH_PLAN_RUNS (5) the runs of each.
"""

from __future__ import annotations

import os
import re
import sys

import psycopg
import sqlalchemy as sa
from psycopg import sql
from sqlalchemy import event

from bench import dataset, parity
from tracker.db.engine import POSTGRES_SETTINGS

RUNS = int(os.environ.get("BENCH_PLAN_RUNS", "5"))
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def record(app, who: str, url: str, api: bool, token: str | None) -> list[tuple[str, dict]]:
    """The statements (and their parameters) one request of the page sends, the page cache emptied."""
    from tracker.db import db
    from tracker.web.caching import cache

    sent: list[tuple[str, dict]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, dict(parameters or {})))

    with app.app_context():
        cache.clear()
        engine = db.engine
    client = app.test_client()
    if not api:
        with app.app_context():
            fields = dataset.signed_in_session(dataset.USERS[who])
        with client.session_transaction() as session:
            session.update(fields)
    event.listen(engine, "before_cursor_execute", keep)
    try:
        response = client.get(url, headers={"Authorization": f"Bearer {token}"} if api else {})
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return sent


def numbered(statement: str, parameters: dict) -> tuple[str, list]:
    """The statement with $1, $2... for psycopg's %(name)s, and the values in that order."""
    order: list[str] = []

    def place(match):
        if match.group(0) == "%%":
            return "%"
        name = match.group(1)
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    return _PLACEHOLDER.sub(place, statement), [parameters[name] for name in order]


def _timings(plan: list[str]) -> tuple[float, float]:
    """Planning and execution time (ms) from EXPLAIN ANALYZE's last lines."""
    text = "\n".join(plan)
    planning = re.search(r"Planning Time: ([\d.]+) ms", text)
    execution = re.search(r"Execution Time: ([\d.]+) ms", text)
    return float(planning.group(1)) if planning else 0.0, float(execution.group(1)) if execution else 0.0


def explain(connection: psycopg.Connection, statement: str, values: list, mode: str) -> tuple[float, float, list[str]]:
    """Best planning and execution times of RUNS EXPLAIN ANALYZE EXECUTEs in this plan_cache_mode, and the plan."""
    connection.execute(sql.SQL("SET plan_cache_mode = {}").format(sql.Identifier(mode)))
    connection.execute("DEALLOCATE ALL")
    connection.execute(sql.SQL("PREPARE tracker_plan AS {}").format(sql.SQL(statement)))
    args = sql.SQL(", ").join(sql.Literal(v) for v in values)
    query = sql.SQL("EXPLAIN (ANALYZE, BUFFERS OFF) EXECUTE tracker_plan") + (
        sql.SQL("({})").format(args) if values else sql.SQL(""))
    best, plan = None, []
    for _ in range(RUNS):
        plan = [row[0] for row in connection.execute(query)]
        planning, execution = _timings(plan)
        # The generic plan is made at the first EXECUTE and kept: its planning time is paid once.
        best = (planning, execution) if best is None else (min(best[0], planning), min(best[1], execution))
    connection.execute("DEALLOCATE ALL")
    connection.rollback()
    return best[0], best[1], plan


def main(argv: list[str]) -> int:
    show_plans = "--plans" in argv
    wanted = [a for a in argv if not a.startswith("--")]
    url = dataset.postgres_url()
    if url is None or sa.engine.make_url(url).get_backend_name() != "postgresql":
        sys.exit("bench.plans needs PostgreSQL: TRACKER_DATABASE_URL, or run it through scripts/with-postgres.sh")
    os.environ["TRACKER_DATABASE_URL"] = url
    dataset.ensure_dataset()
    side = parity.Side("postgresql", url)
    pages = parity.pages(side.inspection, side.tracking)
    chosen = [p for n, p in enumerate(pages, 1)
              if not wanted or any(w == str(n) or w.lower() in p[0].lower() for w in wanted)]
    dsn = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as connection:
        settings = dict(POSTGRES_SETTINGS)  # the app's connections' own, then BENCH_PLAN_SET's
        settings.update(s.split("=", 1) for s in os.environ.get("BENCH_PLAN_SET", "").split(",") if s)
        for name, value in settings.items():
            connection.execute(sql.SQL("SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
        connection.commit()
        for name, who, page_url, api in chosen:
            sent = record(side.app, who, page_url, api, side.tokens[who])
            print(f"\n== {name} ({page_url}): {len(sent)} statements")
            print(f"{'':4} {'custom: plan':>12} {'exec':>7} {'generic: plan':>14} {'exec':>7}  statement")
            totals = [0.0, 0.0, 0.0, 0.0]
            for n, (statement, parameters) in enumerate(sent, 1):
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    print(f"{n:>4} {'':>12} {'':>7} {'':>14} {'':>7}  (not a read) {statement[:60]!r}")
                    continue
                text, values = numbered(statement, parameters)
                custom = explain(connection, text, values, "force_custom_plan")
                generic = explain(connection, text, values, "force_generic_plan")
                for i, figure in enumerate((*custom[:2], *generic[:2])):
                    totals[i] += figure
                flag = "  <-- generic slower" if generic[1] > custom[1] * 1.5 + 0.2 else ""
                print(f"{n:>4} {custom[0]:>12.2f} {custom[1]:>7.2f} {generic[0]:>14.2f} {generic[1]:>7.2f}  "
                      f"{' '.join(statement.split())[:70]}{flag}")
                if show_plans:
                    print("     -- custom plan:\n" + "\n".join("     " + line for line in custom[2]))
                    print("     -- generic plan:\n" + "\n".join("     " + line for line in generic[2]))
            print(f"{'all':>4} {totals[0]:>12.2f} {totals[1]:>7.2f} {totals[2]:>14.2f} {totals[3]:>7.2f}  "
                  "(ms; a generic plan's planning is paid once per connection)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
