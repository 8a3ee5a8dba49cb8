"""`make load`: serve the app with gunicorn (2 workers) on 127.0.0.1 against the national data set,
drive the dashboard and an inspection page with wrk from a second process (20 s each, signed in
with a session cookie), and report requests per second, latency percentiles and each worker's memory.
The dashboard is driven twice: the same page again and again (served from the page cache after the
first request, as between writes), and a new page every request (computed every time, as after writes).
Last, the mixed workload of bench.mixed: editors of many forces reading while others save, about one
request in twenty a write, with the page cache's hit rate; with BENCH_SERVERS=2, on two servers at once.

On PostgreSQL: `make load-postgres` (BENCH_DATABASE=postgresql through scripts/with-postgres.sh: a
throwaway server, the national set generated into it first, about three minutes), or with
TRACKER_DATABASE_URL naming a PostgreSQL database that holds it (or is to be filled).

Environment: BENCH_PORT (5800), BENCH_DURATION (20 s), BENCH_CONNECTIONS (4), BENCH_WORKERS (2);
BENCH_ONLY=mixed (the mixed workload alone) or BENCH_ONLY=pages (without it); BENCH_DATABASE
(sqlite, or postgresql: the database of dataset.postgres_url); and bench.mixed's (BENCH_SERVERS=2).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from bench import dataset, mixed

PORT = int(os.environ.get("BENCH_PORT", "5800"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DATABASE = os.environ.get("BENCH_DATABASE", "sqlite")
BASE = f"http://127.0.0.1:{PORT}"
GOALS = {"requests_per_second": 200, "p99_ms": 100, "worker_rss_mb": 250}
# The mixed workload's goals (2 workers a server), by database: (requests/s at least, p99 ms at most).
MIXED_GOALS = {"sqlite": (300, 50), "postgresql": (250, 60)}


def print_mixed_goals(url: str, figures: dict) -> None:
    """The mixed workload's figures beside its goals for this database."""
    dialect = sa.engine.make_url(url).get_backend_name()
    rate, p99 = MIXED_GOALS[dialect]
    total = figures["total"]
    label = f"mixed load, {figures['servers']} server(s) x {figures['workers']} workers, {dialect}"
    print()
    print(f"{'goal':52} {'goal':>10} {'measured':>12}  met?")
    for what, measured, goal, at_least in ((f"{label}, req/s", total["requests_per_second"], rate, True),
                                           (f"{label}, p99 (worse server)", total["p99_ms"], p99, False)):
        met = measured >= goal if at_least else measured <= goal
        print(f"{what:52} {('>= ' if at_least else '<= ') + str(goal) + ('' if at_least else ' ms'):>10} "
              f"{str(measured) + ('' if at_least else ' ms'):>12}  {'yes' if met else 'NO'}")
    print(f"CPU per request: app {total['app_cpu_ms_per_request']} ms, database server "
          f"{total['database_cpu_ms_per_request']} ms")
    print(f"cache hit rate: dashboard {total['dashboard_hit_rate']}, tracking pages {total['tracking_page_hit_rate']}, "
          f"inspection pages {total['inspection_page_hit_rate']}; load average now "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


def session_cookie(email: str) -> str:
    """A signed session cookie for a benchmark user, made by the test client with the app's own key."""
    from tracker import create_app

    app = create_app()
    client = app.test_client()
    with app.app_context():
        fields = dataset.signed_in_session(email)
    with client.session_transaction() as session:
        session.update(fields)
    return client.get_cookie("session").value


def inspection_url() -> str:
    """The page of the national inspection with the most recommendations."""
    import sqlalchemy as sa

    from tracker import create_app
    from tracker.db import db
    from tracker.models import Inspection, Recommendation

    app = create_app()
    with app.app_context():
        slug = db.session.execute(
            sa.select(Inspection.slug).join(Recommendation).where(Inspection.type == "national_thematic")
            .group_by(Inspection.slug).order_by(sa.func.count(Recommendation.id).desc(), Inspection.slug).limit(1)
        ).scalar()
    return f"/inspections/{slug}"


def children(pid: int) -> list[int]:
    """The worker processes of the gunicorn master."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    """A process's resident memory in MB, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemoryWatch(threading.Thread):
    """Samples every worker's RSS twice a second; keeps the highest seen."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master, self.peak, self.stop = master, {}, threading.Event()

    def run(self):
        while not self.stop.is_set():
            for pid in children(self.master):
                self.peak[pid] = max(self.peak.get(pid, 0.0), rss_mb(pid))
            time.sleep(0.5)


def _ms(value: str) -> float:
    """wrk's '12.34ms' / '850.00us' / '1.20s' in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


# A wrk script asking for a different page of the dashboard every time (each thread its own numbers),
# so that no request is served from the page cache: the figures of the page as computed after writes.
EVERY_REQUEST_NEW = """
local threads = 0
function setup(thread) thread:set("next_page", threads); threads = threads + 1 end
function request() next_page = next_page + 2; return wrk.format(nil, "/?page=" .. next_page) end
"""


def wrk(path: str, cookie: str, script: str | None = None) -> dict:
    """Drive one URL (or the script's) for DURATION seconds; return requests/s, latency percentiles and errors."""
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{DURATION}s", "--timeout", "30s", "--latency",
               "-H", f"Cookie: session={cookie}", BASE + path]
    if script:
        script_file = dataset.BENCH_DIR / "every-request-new.lua"
        script_file.write_text(script)
        command[1:1] = ["-s", str(script_file)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {"url": path, "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "90", "99"):
        figures[f"p{pct}_ms"] = round(_ms(re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M).group(1)), 2)
    figures["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non_2xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: (.*)", out)
    figures["socket_errors"] = errors.group(1) if errors else ""
    return figures


def start_server(port: int, env: dict) -> subprocess.Popen:
    """A gunicorn server of WORKERS workers on 127.0.0.1:port, answering /health. Refuses a port that
    something else already answers on (another load test's server would answer /health and measure
    its own database with our cookies refused)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is in use: choose another with BENCH_PORT")
    # Each server a page cache of its own, emptied, as on a machine of its own (its workers share it).
    cache_dir = dataset.BENCH_DIR / f"page-cache-{port}"
    shutil.rmtree(cache_dir, ignore_errors=True)
    env = {**env, "TRACKER_CACHE_DIR": str(cache_dir)}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "--log-level", "warning", "tracker:create_app()"],
        env=env, cwd=dataset.ROOT,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn on port {port} stopped") from None
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError(f"gunicorn on port {port} did not answer /health")


def main() -> int:
    """Serve, drive, report; the servers are always stopped."""
    if shutil.which("wrk") is None:
        print("wrk is not installed: run scripts/load-packages.sh (as root) or apt-get install wrk", file=sys.stderr)
        return 1
    if DATABASE == "postgresql":
        postgres = dataset.postgres_url()
        if postgres is None:
            print("BENCH_DATABASE=postgresql needs a PostgreSQL server: make load-postgres runs one", file=sys.stderr)
            return 1
        os.environ["TRACKER_DATABASE_URL"] = postgres
    elif DATABASE != "sqlite":
        print(f"BENCH_DATABASE is sqlite or postgresql, not {DATABASE!r}", file=sys.stderr)
        return 1
    url, build = dataset.ensure_dataset()
    print(f"Database: {dataset._safe(url)}", flush=True)
    env = dict(os.environ, TRACKER_DATABASE_URL=url, TRACKER_CACHE_REPORT="1")
    only = os.environ.get("BENCH_ONLY", "")
    cookies = {who: session_cookie(email) for who, email in dataset.USERS.items()}
    targets = [("dashboard, one force", "/", "one", None),
               ("dashboard, one force, never cached", "/", "one", EVERY_REQUEST_NEW),
               ("inspection page (national)", inspection_url(), "one", None)]
    # Last: its slow requests keep the workers busy after wrk stops, which would spoil the next target.
    targets.append(("dashboard, all forces", "/", "all", None))
    servers = [start_server(PORT, env)]
    server = servers[0]
    results, mixed_figures = [], None
    try:
        if only == "mixed":
            targets, peak = [], {}
        request = urllib.request.Request(BASE + "/", headers={"Cookie": f"session={cookies['one']}"})
        if b'action="/sign-out"' not in urllib.request.urlopen(request, timeout=60).read():
            raise RuntimeError("the session cookie did not sign in: the load test would measure the welcome page")
        watch = MemoryWatch(server.pid)
        watch.start()
        for label, path, who, script in targets:
            print(f"Driving {label} ({path}) for {DURATION} s with {CONNECTIONS} connections...", flush=True)
            figures = wrk(path, cookies[who], script)
            figures["label"] = label
            results.append(figures)
        watch.stop.set()
        peak = watch.peak
        if only != "pages":
            mixed_figures = mixed.run(
                lambda ports: servers.extend(start_server(p, env) for p in ports[1:]) or servers, url)
            out = mixed.write_results(url, mixed_figures)
            print(f"Figures of the mixed workload written to {out.relative_to(dataset.ROOT)}")
    finally:
        for running in servers:
            running.send_signal(signal.SIGTERM)
        for running in servers:
            running.wait(timeout=30)
    if mixed_figures is not None:
        print_mixed_goals(url, mixed_figures)
    if not results:
        return 0
    print()
    print(f"{sa.engine.make_url(url).get_backend_name()}, {WORKERS} workers, {CONNECTIONS} connections; load average "
          f"now {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'target':36} {'req/s':>8} {'p50 ms':>9} {'p90 ms':>9} {'p99 ms':>9} {'requests':>9} {'non-2xx':>8}")
    for r in results:
        print(f"{r['label']:36} {r['requests_per_second']:>8.1f} {r['p50_ms']:>9.1f} {r['p90_ms']:>9.1f} "
              f"{r['p99_ms']:>9.1f} {r['requests']:>9} {r['non_2xx']:>8}  {r['socket_errors']}")
    worker_peak = max(peak.values(), default=0.0)
    print("worker memory (peak RSS): " + ", ".join(f"pid {p}: {mb:.0f} MB" for p, mb in sorted(peak.items())))
    dash, computed = results[0], results[1]
    print()
    print(f"{'goal':52} {'goal':>10} {'measured':>12}  met?")
    for label, measured, goal, unit in (
        ("dashboard under load (one force), req/s", dash["requests_per_second"], GOALS["requests_per_second"], ""),
        ("dashboard under load (one force), p99", dash["p99_ms"], GOALS["p99_ms"], " ms"),
        ("  the same, never cached (a new page each time), req/s", computed["requests_per_second"],
         GOALS["requests_per_second"], ""),
        ("  the same, never cached, p99", computed["p99_ms"], GOALS["p99_ms"], " ms"),
        ("memory of one worker under load", round(worker_peak), GOALS["worker_rss_mb"], " MB"),
    ):
        met = measured >= goal if unit == "" else measured <= goal
        print(f"{label:52} {('>= ' if unit == '' else '<= ') + str(goal) + unit:>10} {str(measured) + unit:>12}  "
              f"{'yes' if met else 'NO'}")
    dataset.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = dataset.RESULTS_DIR / f"load-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"database": dataset._safe(url), "workers": WORKERS, "connections": CONNECTIONS,
                               "duration_s": DURATION, "results": results,
                               "worker_peak_rss_mb": {str(p): round(mb, 1) for p, mb in peak.items()},
                               "goals": GOALS}, indent=2))
    print(f"Figures written to {out.relative_to(dataset.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
