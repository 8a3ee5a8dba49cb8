"""`make profile URL=/ USER=one|all`: one signed-in request at national scale, profiled.

Prints every SQL statement with its time and, on SQLite, its EXPLAIN QUERY PLAN; then the
pyinstrument profile of the whole request. With URL starting `overdue`, profiles the overdue
command instead (e.g. `make profile URL="overdue --format json"`). The page is profiled as computed
(the cache emptied first); CACHED=1 profiles it as served from the cache.
"""

from __future__ import annotations

import os
import sys
import time

from bench import dataset


def main(target: str, who: str) -> None:
    """Profile one request (or command) as the given benchmark user."""
    dataset.ensure_dataset()
    from pyinstrument import Profiler
    from sqlalchemy import event

    from tracker import create_app
    from tracker.db import db
    from tracker.web.caching import cache

    app = create_app({"TESTING": True})
    statements: list[tuple[str, tuple, float]] = []
    with app.app_context():
        engine = db.engine
        fields = dataset.signed_in_session(dataset.USERS[who])

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _end(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters, time.perf_counter() - conn.info.pop("bench_started")))

    client = app.test_client()
    with client.session_transaction() as session:
        session.update(fields)

    if target.startswith("overdue"):
        runner = app.test_cli_runner()
        args = target.split() + (["--force", dataset.ONE_FORCE] if who == "one" else [])

        def run():
            return runner.invoke(args=args)
    else:
        def run():
            return client.get(target)

    run()  # warm: templates compiled, connections open
    if not os.environ.get("CACHED"):
        with app.app_context():
            cache.clear()  # profile the page as computed after a write, not as served from the cache
    statements.clear()
    profiler = Profiler(interval=0.001)
    started = time.perf_counter()
    with profiler:
        result = run()
    elapsed = time.perf_counter() - started
    status = getattr(result, "status_code", getattr(result, "exit_code", "?"))
    size = len(getattr(result, "data", b"") or getattr(result, "output", ""))
    print(f"{target} as the {who}-force user: {elapsed * 1000:.0f} ms, status {status}, {size:,} bytes, "
          f"{len(statements)} SQL statements, {sum(s[2] for s in statements) * 1000:.0f} ms executing them "
          "(SQLite steps rows as they are fetched: fetching shows in the profile)")
    captured = list(statements)  # the query plans below run statements of their own
    for statement, parameters, seconds in captured:
        print(f"\n--- {seconds * 1000:.1f} ms  params={parameters}\n{statement}")
        if engine.dialect.name == "sqlite" and statement.lstrip().upper().startswith("SELECT"):
            with engine.connect() as connection:
                plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            print("  plan: " + "\n        ".join(row[-1] for row in plan))
    print()
    print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/", sys.argv[2] if len(sys.argv) > 2 else "one")
