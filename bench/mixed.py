"""`make load`'s mixed workload: editors of many forces read their dashboards, inspection pages and
tracking pages while others save — a tracking, a new action, a progress update — about one request in
twenty, spread over the forces. Reports requests/s, p50/p99, the writes saved and refused, and the
page cache's hit rate (counted from each response's X-Tracker-Cache header, so every worker and
server is counted).

Driven by wrk (a Lua script written here, with each force's signed-in session, CSRF token and form
bodies made in advance by the test client), one connection per wrk thread so that each thread knows
which request a response answers. With BENCH_SERVERS=2 two gunicorn servers run on ports PORT and
PORT+1 against one database, each driven by a wrk of its own, at once (each with a page cache of its own, as on
machines of their own); meant for PostgreSQL
(scripts/with-postgres.sh), since SQLite's one writer is one file on one machine.

Before the measured run, the same workload runs for BENCH_WARMUP seconds (10) unmeasured, so that
each worker's cache holds what a service that has been running holds: only the pages that writes
have emptied since are computed, not every page a worker has not yet drawn once.

Environment: BENCH_PORT (5800), BENCH_DURATION (20 s), BENCH_WARMUP (10 s), BENCH_CONNECTIONS (4, per server),
BENCH_WORKERS (2, per server), BENCH_FORCES (10), BENCH_WRITE_EVERY (20), BENCH_SERVERS (1).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

from bench import dataset

PORT = int(os.environ.get("BENCH_PORT", "5800"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
FORCES = int(os.environ.get("BENCH_FORCES", "10"))
WRITE_EVERY = int(os.environ.get("BENCH_WRITE_EVERY", "20"))
SERVERS = int(os.environ.get("BENCH_SERVERS", "1"))
TARGETS_PER_FORCE = 12  # trackings per force read and written to


class FormFields(HTMLParser):
    """The fields a browser would post from the page's form that posts to `action`."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields = action, False, []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") in (None, "", self.action) and (a.get("method") or "").lower() == "post"
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea and self.fields and self.fields[-1][0] == self._textarea:
            self.fields[-1] = (self._textarea, self.fields[-1][1] + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_body(client, path: str, changes: dict[str, str]) -> str:
    """The urlencoded body of the form at `path` as it is filled, with these fields changed."""
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    parser = FormFields(path)
    parser.feed(response.get_data(as_text=True))
    fields = [(k, v) for k, v in parser.fields if k not in changes] + list(changes.items())
    if not any(k == "csrf_token" for k, _ in fields):
        raise RuntimeError(f"{path}: no form with a CSRF token")
    return urllib.parse.urlencode(fields)


def prepare() -> list[dict]:
    """For each of FORCES forces: an editor's session cookie, the pages to read and the writes to make."""
    import sqlalchemy as sa

    from tracker import create_app
    from tracker.db import db
    from tracker.domain.statuses import Role
    from tracker.models import Action, Force, Tracking
    from tracker.services import users as user_service

    app = create_app()
    rng = random.Random(1)
    forces = []
    with app.app_context():
        candidates = db.session.execute(
            sa.select(Force.id, Force.slug).where(sa.select(Tracking.id).where(Tracking.force_id == Force.id).exists())
            .order_by(Force.slug)).all()
        for force_id, slug in candidates[:FORCES]:
            email = f"bench-editor-{slug}@bench.invalid"
            if user_service.get_user_by_email(email) is None:
                user_service.create_user(email, f"Benchmark editor ({slug})", Role.EDITOR,
                                         [db.session.get(Force, force_id)], "benchmark-password-not-secret")
                db.session.commit()
            trackings = db.session.execute(
                sa.select(Tracking.id, Tracking.inspection_id, Tracking.version).where(Tracking.force_id == force_id)
                .order_by(Tracking.id)).all()
            chosen = rng.sample(trackings, min(TARGETS_PER_FORCE, len(trackings)))
            actions = dict(db.session.execute(
                sa.select(Action.tracking_id, sa.func.min(Action.id))
                .where(Action.tracking_id.in_([t.id for t in chosen])).group_by(Action.tracking_id)).all())
            inspections = sorted({t.inspection_id for t in chosen})
            slugs = dict(db.session.execute(sa.text("SELECT id, slug FROM inspections WHERE id IN :ids")
                                            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": inspections}).all())
            forces.append({"id": force_id, "slug": slug, "email": email, "trackings": chosen, "actions": actions,
                           "inspections": [slugs[i] for i in inspections]})
        db.session.remove()
    prepared = []
    for force in forces:
        client = app.test_client()
        with app.app_context():
            fields = dataset.signed_in_session(force["email"])
        with client.session_transaction() as session:
            session.update(fields)
        reads = ["/", *(f"/inspections/{s}" for s in force["inspections"][:3]),
                 *(f"/tracking/{t.id}" for t in force["trackings"])]
        writes = []
        for n, t in enumerate(force["trackings"]):
            kind = ("tracking", "action", "update")[n % 3]
            if kind == "update" and t.id not in force["actions"]:
                kind = "action"
            if kind == "tracking":
                path = f"/tracking/{t.id}/edit"
                body = form_body(client, path, {"lead_officer": f"Superintendent Load {n}"})
                body = re.sub(r"(^|&)version=\d+", r"\1version=__VERSION__", body)
                writes.append({"path": path, "body": body, "tracking": t.id, "version": t.version})
            elif kind == "action":
                path = f"/tracking/{t.id}/actions/new"
                writes.append({"path": path, "body": form_body(client, path, {
                    "title": f"Load test action {n}", "status": "in_progress"})})
            else:
                path = f"/actions/{force['actions'][t.id]}/updates/new"
                writes.append({"path": path, "body": form_body(client, path, {"text": f"Load test update {n}"})})
        prepared.append({"slug": force["slug"], "cookie": client.get_cookie("session").value,
                         "reads": reads, "writes": writes})
    return prepared


def _lua(value) -> str:
    """A Lua literal of a JSON-like value (strings here are URL-safe: no quotes or backslashes)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(_lua(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if '"' in text or "\\" in text or "\n" in text:
        raise ValueError(f"not URL-safe: {text[:40]}")
    return f'"{text}"'


# Each thread (one connection) draws a force and a read, or one write in WRITE_EVERY; a tracking's
# save posts the version it last saw, learnt again from the edit page when a save is refused.
SCRIPT = r"""
local forces = %(forces)s
local write_every = %(write_every)d
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter); counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(1000 + id)
  versions = {}
  for _, f in ipairs(forces) do
    -- this thread's share of the writes: two threads never save one tracking at once
    f.mine = {}
    for _, w in ipairs(f.writes) do
      if w.tracking then versions[w.tracking] = w.version end
      if not w.tracking or (w.tracking %% %(threads)d) == id then table.insert(f.mine, w) end
    end
  end
  last = nil; resync = nil
  reads, writes, saved, refused, other = 0, 0, 0, 0, 0
  dash, dash_hits, parts, part_hits = 0, 0, 0, 0
  tracking, tracking_hits, inspection, inspection_hits = 0, 0, 0, 0
end

local function get(force, path)
  return wrk.format("GET", path, {["Cookie"] = "session=" .. force.cookie})
end

function request()
  if resync then
    local w, f = resync[1], resync[2]; resync = nil
    last = {kind = "resync", write = w}
    return get(f, w.path)
  end
  local f = forces[math.random(#forces)]
  if math.random(write_every) == 1 and #f.mine > 0 then
    local w = f.mine[math.random(#f.mine)]
    local body = w.body
    if w.tracking then body = string.gsub(body, "__VERSION__", tostring(versions[w.tracking])) end
    last = {kind = "write", write = w, force = f}
    return wrk.format("POST", w.path, {["Cookie"] = "session=" .. f.cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  end
  local path = f.reads[math.random(#f.reads)]
  last = {kind = "read", path = path}
  return get(f, path)
end

function response(status, headers, body)
  local report = headers["X-Tracker-Cache"]
  if report then
    for part, outcome in string.gmatch(report, "([%%w%%-]+)=(%%a+)") do
      parts = parts + 1
      if outcome == "hit" then part_hits = part_hits + 1 end
      if part == "dashboard" then
        dash = dash + 1
        if outcome == "hit" then dash_hits = dash_hits + 1 end
      elseif part == "tracking-page" then
        tracking = tracking + 1
        if outcome == "hit" then tracking_hits = tracking_hits + 1 end
      elseif part == "inspection-page" then
        inspection = inspection + 1
        if outcome == "hit" then inspection_hits = inspection_hits + 1 end
      end
    end
  end
  if last == nil then return end
  if last.kind == "read" then
    reads = reads + 1
    if status ~= 200 then other = other + 1 end
  elseif last.kind == "write" then
    writes = writes + 1
    if status == 302 or status == 303 then
      saved = saved + 1
      if last.write.tracking then versions[last.write.tracking] = versions[last.write.tracking] + 1 end
    else
      refused = refused + 1
      if last.write.tracking then resync = {last.write, last.force} end
    end
  elseif last.kind == "resync" then
    reads = reads + 1
    local v = string.match(body, 'name="version"[^>]-value="(%%d+)"') or string.match(body, 'value="(%%d+)"[^>]-name="version"')
    if v then versions[last.write.tracking] = tonumber(v) end
  end
end

function done(summary, latency, requests)
  local t = {reads = 0, writes = 0, saved = 0, refused = 0, other = 0, dash = 0, dash_hits = 0, parts = 0, part_hits = 0,
             tracking = 0, tracking_hits = 0, inspection = 0, inspection_hits = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  io.write("MIXED ")
  for k, v in pairs(t) do io.write(k .. "=" .. v .. " ") end
  io.write("p50_us=" .. latency:percentile(50) .. " p99_us=" .. latency:percentile(99) .. "\n")
end
"""


def script(prepared: list[dict], threads: int) -> str:
    """The wrk script with the prepared forces written in."""
    forces = [{"cookie": f["cookie"], "reads": f["reads"], "writes": [
        {k: v for k, v in w.items() if k in ("path", "body", "tracking", "version")} for w in f["writes"]]}
        for f in prepared]
    return SCRIPT % {"forces": _lua(forces), "write_every": WRITE_EVERY, "threads": threads}


def drive(port: int, script_file: Path, threads: int, duration: int = DURATION) -> subprocess.Popen:
    """Start wrk against one server (one connection per thread)."""
    return subprocess.Popen(
        ["wrk", "-t", str(threads), "-c", str(threads), "-d", f"{duration}s", "--timeout", "30s", "--latency",
         "-s", str(script_file), f"http://127.0.0.1:{port}/"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def read_figures(out: str) -> dict:
    """Requests/s, the percentiles and the script's counts from wrk's output."""
    counts = dict(re.findall(r"(\w+)=([\d.]+)", re.search(r"^MIXED (.*)$", out, re.M).group(1)))
    counts = {k: float(v) for k, v in counts.items()}
    return {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "p50_ms": round(counts.pop("p50_us") / 1000, 2), "p99_ms": round(counts.pop("p99_us") / 1000, 2),
            **{k: int(v) for k, v in counts.items()}}


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """A process's CPU time so far (user and system), and that of its children it has waited for, in s."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _postmaster(url: str) -> int | None:
    """The process id of the PostgreSQL server of this database, when it runs on this machine (else None)."""
    import sqlalchemy as sa

    if sa.engine.make_url(url).get_backend_name() != "postgresql":
        return None
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:  # read while the backend lives: it ends with the connection
            backend = connection.scalar(sa.text("SELECT pg_backend_pid()"))
            try:
                return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                return None
    finally:
        engine.dispose()


class CpuMeter:
    """The CPU time the servers' workers and the database server's processes use between two readings
    (counted from /proc: the same whatever else the machine runs, unlike the requests per second)."""

    def __init__(self, masters: list[int], url: str):
        self.masters, self.postmaster = masters, _postmaster(url)

    def read(self) -> tuple[float, float]:
        """(the app's workers' CPU s, the database server's CPU s: its processes and those ended)."""
        app = sum(sum(_cpu_seconds(w)) for m in self.masters for w in _children(m))
        database = 0.0
        if self.postmaster is not None:
            own, ended = _cpu_seconds(self.postmaster)
            database = own + ended + sum(sum(_cpu_seconds(c)) for c in _children(self.postmaster))
        return app, database


def run(start_servers, url: str) -> dict:
    """Prepare, start SERVERS servers (start_servers(ports) gives them, every server running, stopped by the
    caller), drive them together, and print and return the figures."""
    threads = CONNECTIONS
    prepared = prepare()
    writes = sum(len(f["writes"]) for f in prepared)
    print(f"Mixed workload: editors of {len(prepared)} forces ({', '.join(f['slug'] for f in prepared)}), "
          f"{writes} write targets, one request in {WRITE_EVERY} a write, {SERVERS} server(s) x {WORKERS} workers, "
          f"{threads} connections each, {DURATION} s after {WARMUP} s unmeasured", flush=True)
    ports = [PORT + n for n in range(SERVERS)]
    meter = CpuMeter([server.pid for server in start_servers(ports)], url)
    script_file = dataset.BENCH_DIR / "mixed.lua"
    script_file.parent.mkdir(parents=True, exist_ok=True)
    script_file.write_text(script(prepared, threads))
    if WARMUP:
        # (the warm-up's saves leave the trackings at versions the script does not know: its first save
        # of each is refused, and the script reads the version again, as a person would)
        for warming in [drive(port, script_file, threads, WARMUP) for port in ports]:
            warming.communicate(timeout=WARMUP + 120)
    cpu_before = meter.read()
    runs = [drive(port, script_file, threads) for port in ports]
    outs = [r.communicate(timeout=DURATION + 120)[0] for r in runs]
    cpu_after = meter.read()
    for port, out, r in zip(ports, outs, runs, strict=True):
        if r.returncode != 0 or "MIXED" not in out:
            raise RuntimeError(f"wrk against port {port} failed:\n{out}")
    per_server = [read_figures(out) for out in outs]
    total = {k: sum(s[k] for s in per_server) for k in per_server[0] if k not in ("p50_ms", "p99_ms")}
    total["p50_ms"] = max(s["p50_ms"] for s in per_server)  # the worse server's: percentiles do not add
    total["p99_ms"] = max(s["p99_ms"] for s in per_server)
    total["dashboard_hit_rate"] = round(total["dash_hits"] / total["dash"], 3) if total["dash"] else None
    total["tracking_page_hit_rate"] = round(total["tracking_hits"] / total["tracking"], 3) if total["tracking"] else None
    total["inspection_page_hit_rate"] = (round(total["inspection_hits"] / total["inspection"], 3)
                                         if total["inspection"] else None)
    total["cache_hit_rate"] = round(total["part_hits"] / total["parts"], 3) if total["parts"] else None
    # CPU per request: what the load costs, comparable between runs at different loads of the machine.
    requests = max(total["requests"], 1)
    total["app_cpu_ms_per_request"] = round((cpu_after[0] - cpu_before[0]) * 1000 / requests, 2)
    total["database_cpu_ms_per_request"] = round((cpu_after[1] - cpu_before[1]) * 1000 / requests, 2)
    print()
    print(f"{'server':8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'reads':>7} {'writes':>7} {'saved':>6} "
          f"{'refused':>8} {'dash hit':>9}")
    for port, s in [*zip(ports, per_server, strict=True), ("all", total)]:
        rate = f"{s['dash_hits'] / s['dash']:.0%}" if s["dash"] else "-"
        print(f"{port!s:8} {s['requests_per_second']:>8.1f} {s['p50_ms']:>8.1f} {s['p99_ms']:>8.1f} {s['reads']:>7} "
              f"{s['writes']:>7} {s['saved']:>6} {s['refused']:>8} {rate:>9}")
    print(f"cache hit rate: dashboard {total['dashboard_hit_rate']}, tracking pages {total['tracking_page_hit_rate']}, "
          f"inspection pages {total['inspection_page_hit_rate']}, every cached part {total['cache_hit_rate']}; "
          f"reads answered other than 200: {total['other']}; load average now {os.getloadavg()[0]:.1f}")
    print(f"CPU per request: the app's workers {total['app_cpu_ms_per_request']} ms, the database server's "
          f"{total['database_cpu_ms_per_request']} ms (from /proc; SQLite's work is the workers')")
    if total["other"] or not total["saved"]:
        print("WARNING: some reads failed or no write was saved: the figures measure something else", file=sys.stderr)
    return {"servers": SERVERS, "workers": WORKERS, "connections_per_server": threads, "forces": len(prepared),
            "write_every": WRITE_EVERY, "duration_s": DURATION, "per_server": per_server, "total": total,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S")}


def write_results(url: str, figures: dict) -> Path:
    """Keep the figures in bench/results/."""
    dataset.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = dataset.RESULTS_DIR / f"load-mixed-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"database": dataset._safe(url), **figures}, indent=2))
    return out
