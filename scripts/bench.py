"""`make bench`: build the national-scale data set of DESIGN.md and time the dashboard and the meeting pack.

43 forces, 600 inspections, about 130,000 tracking rows, 400,000 actions and 650,000 progress updates,
made with bulk inserts into a scratch database (SQLite in /tmp by default, or TRACKER_BENCH_DATABASE_URL).
BENCH_SCALE=0.1 makes a tenth of it, for a quick look.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
os.environ["TRACKER_INSTANCE_PATH"] = str(SCRATCH)
os.environ.setdefault("TRACKER_SECRET_KEY", "bench")
os.environ["TRACKER_DATABASE_URL"] = os.environ.get("TRACKER_BENCH_DATABASE_URL", f"sqlite:///{SCRATCH / 'bench.sqlite'}")

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Action, Force, Inspection, ProgressUpdate, Recommendation, StatutoryResponse, Tracking  # noqa: E402
from tracker.seed import seed_database  # noqa: E402
from tracker.services import users as user_service  # noqa: E402
from tracker.statuses import Role  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
INSPECTIONS = max(1, int(600 * SCALE))
RECS_PER_INSPECTION = 5  # x 43 forces x 600 inspections = 129,000 trackings
ACTIONS_PER_TRACKING = 3.1  # about 400,000
UPDATES_PER_ACTION = 1.6  # about 650,000
CHUNK = 20_000


def insert(model, rows) -> None:
    """Bulk-insert rows in chunks."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model), rows[start:start + CHUNK])


def build() -> None:
    """Create the schema and the national-scale data set."""
    rng = random.Random(55)
    upgrade()
    seed_database(demo=False, instance_path=SCRATCH)
    forces = db.session.scalars(sa.select(Force.id)).all()
    first = date(2019, 1, 1)
    insert(Inspection, [{"slug": f"bench-{i}", "title": f"Inspection {i}", "published_on": first + timedelta(days=i * 3),
                         "type": rng.choice(["peel", "national_thematic", "joint", "force_specific"]), "version": 1}
                        for i in range(INSPECTIONS)])
    inspections = db.session.execute(sa.select(Inspection.id, Inspection.published_on)).all()
    insert(StatutoryResponse, [{"inspection_id": i, "force_id": f, "due_on": p + timedelta(days=55),
                                "published_on": p + timedelta(days=rng.randint(20, 80)) if rng.random() < 0.9 else None, "version": 1}
                               for i, p in inspections for f in forces])
    insert(Recommendation, [{"inspection_id": i, "position": n, "ref": str(n + 1), "text": f"Recommendation {n + 1} of {i}",
                             "bullets": [], "deadline_date": p + timedelta(days=rng.choice([90, 180, 365])), "version": 1}
                            for i, p in inspections for n in range(RECS_PER_INSPECTION)])
    recs = db.session.execute(sa.select(Recommendation.id, Recommendation.deadline_date)).all()
    statuses = ["awaiting_review", "being_progressed", "complete", "no_further_action"]
    rows = []
    for rid, due in recs:
        for f in forces:
            status = rng.choices(statuses, weights=[2, 3, 5, 1])[0]
            closed = due + timedelta(days=rng.randint(-60, 120)) if status in ("complete", "no_further_action") else None
            rows.append({"recommendation_id": rid, "force_id": f, "status": status, "due_on": due, "closed_on": closed,
                         "lead_officer": f"Officer {rng.randint(1, 30)}", "version": 1})
    insert(Tracking, rows)
    trackings = db.session.execute(sa.select(Tracking.id, Tracking.force_id, Tracking.due_on)).all()
    rows = []
    for tid, f, due in trackings:
        for _ in range(int(ACTIONS_PER_TRACKING) + (rng.random() < ACTIONS_PER_TRACKING % 1)):
            done = rng.random() < 0.6
            rows.append({"tracking_id": tid, "force_id": f, "title": "An action", "owner": f"Owner {rng.randint(1, 40)}",
                         "due_on": due - timedelta(days=rng.randint(0, 60)), "status": "complete" if done else "in_progress",
                         "completed_on": due if done else None, "version": 1})
    insert(Action, rows)
    actions = db.session.execute(sa.select(Action.id, Action.due_on)).all()
    rows = []
    for aid, due in actions:
        for k in range(int(UPDATES_PER_ACTION) + (rng.random() < UPDATES_PER_ACTION % 1)):
            rows.append({"action_id": aid, "occurred_on": due - timedelta(days=10 * (k + 1)), "text": "Progress"})
    insert(ProgressUpdate, rows)
    db.session.commit()


def timed(client, url: str, repeat: int = 3) -> float:
    """The best of a few timings of one GET, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        best = min(best, time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return best


def main() -> None:
    """Build the data, then report the timings."""
    app = create_app({"TESTING": True})
    with app.app_context():
        start = time.perf_counter()
        build()
        counts = {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                  for m in (Inspection, Tracking, Action, ProgressUpdate)}
        print(f"Built in {time.perf_counter() - start:.1f}s: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        forces = db.session.scalars(sa.select(Force).order_by(Force.name)).all()
        one = user_service.create_user("one@bench.example", "One force", Role.REVIEWER, [forces[0]], "bench-password-1")
        every = user_service.create_user("all@bench.example", "All forces", Role.ADMIN, list(forces), "bench-password-1")
        db.session.commit()
        ids = {"one": one.id, "all": every.id}
    for name, user_id in ids.items():
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
        for label, url in (("dashboard, overdue", "/?as_of=2022-04-01"),
                           ("dashboard, all open, sorted by last update", "/?as_of=2022-04-01&window=open&sort=updated"),
                           ("dashboard, page 20", "/?as_of=2022-04-01&page=20")):
            print(f"{label} ({name} force{'s' if name == 'all' else ''}): {timed(client, url) * 1000:.0f} ms")
        if name == "one":
            print(f"meeting pack HTML (one force): {timed(client, '/meeting-pack?as_of=2022-04-01&format=html', repeat=1) * 1000:.0f} ms")
            print(f"meeting pack PDF (one force): {timed(client, '/meeting-pack?as_of=2022-04-01', repeat=1) * 1000:.0f} ms")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)  # the scratch database is large: never leave it behind
