"""Pages run a fixed number of SQL queries whatever the size of the data: the same with few rows as
with many (no query per recommendation, response, version or user)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.factories import get_force, make_user, sign_in
from tests.integration.test_dashboard_queries import counting_queries
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import (
    Action,
    Inspection,
    InspectionForce,
    ProgressUpdate,
    PublishedVersion,
    Recommendation,
    StatutoryResponse,
    Tracking,
)
from tracker.web.caching import cache

FORCES = ("cumbria", "lancashire", "leicestershire")


def page_queries(client, url: str) -> int:
    """How many SQL statements one GET of the page runs, as a fresh request would (nothing cached)."""
    assert client.get(url).status_code == 200, url  # loads the user, opens the test's savepoint
    # In tests the session outlives a request: empty it so the page loads what it needs itself.
    db.session.expunge_all()
    cache.clear()
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def make_inspection(slug: str, published: bool = False) -> Inspection:
    """A national inspection concerning FORCES, each with a statutory response (published, if asked)."""
    inspection = Inspection(slug=slug, title=f"Inspection {slug}", published_on=date(2021, 6, 1),
                            type="national_thematic")
    db.session.add(inspection)
    db.session.flush()
    for slug_ in FORCES:
        force = get_force(slug_)
        db.session.add(InspectionForce(inspection_id=inspection.id, force_id=force.id, in_scope=True))
        response = StatutoryResponse(inspection_id=inspection.id, force_id=force.id, due_on=date(2021, 7, 27),
                                     published_on=date(2021, 7, 20) if published else None)
        db.session.add(response)
        db.session.flush()
        if published:
            for number in (1, 2):
                db.session.add(PublishedVersion(response_id=response.id, number=number, filename=f"{slug}-{number}.pdf",
                                                sha256="0" * 64, size=1000))
    db.session.commit()
    return inspection


def add_items(inspection: Inspection, start: int, count: int) -> None:
    """Add items to a report (every third one top-level, the others under it), each tracked by FORCES
    with an action and a progress update."""
    forces = [get_force(slug) for slug in FORCES]
    parent = None
    for i in range(start, start + count):
        rec = Recommendation(inspection_id=inspection.id, position=i, ref=f"R{i}", text=f"Recommendation {i}",
                             bullets=["A bullet"], deadline_date=date(2022, 1, 31),
                             parent_id=parent.id if parent is not None and i % 3 else None)
        db.session.add(rec)
        db.session.flush()
        if i % 3 == 0:
            parent = rec
        for force in forces:
            tracking = Tracking(recommendation_id=rec.id, force_id=force.id, due_on=date(2022, 1, 31))
            db.session.add(tracking)
            db.session.flush()
            action = Action(tracking_id=tracking.id, force_id=force.id, title=f"Action {i}", due_on=date(2022, 2, 28))
            db.session.add(action)
            db.session.flush()
            db.session.add(ProgressUpdate(action_id=action.id, occurred_on=date(2022, 3, 1), text="Progress"))
    db.session.commit()


def test_the_inspection_page_runs_the_same_queries_for_3_and_30_items(app):
    inspection = make_inspection("scale-test")
    all_forces = sign_in(app.test_client(), make_user(Role.EDITOR, FORCES))
    one_force = sign_in(app.test_client(), make_user(Role.VIEWER, ("cumbria",)))
    url = f"/inspections/{inspection.slug}"

    add_items(inspection, 0, 3)
    small = [page_queries(all_forces, url), page_queries(one_force, url)]
    add_items(inspection, 3, 27)
    assert db.session.scalar(sa.select(sa.func.count(Recommendation.id)).where(
        Recommendation.inspection_id == inspection.id, Recommendation.parent_id.is_not(None))) == 20
    large = [page_queries(all_forces, url), page_queries(one_force, url)]
    assert small == large
    assert max(large) <= 12
    html = all_forces.get(url).get_data(as_text=True)
    # The tree is still whole: every item shown once, children after their parent.
    assert all(html.count(f">Recommendation R{i}<") == 1 for i in range(30))
    assert html.index("Recommendation R3<") < html.index("Recommendation R4<") < html.index("Recommendation R6<")


def test_lists_run_the_same_queries_for_few_and_many_rows(app):
    admin = sign_in(app.test_client(), make_user(Role.ADMIN, FORCES))
    urls = ["/responses/", "/admin/users", "/public/cumbria", "/public/cumbria/feed.atom"]

    make_inspection("published-1", published=True)
    small = [page_queries(admin, url) for url in urls]
    for n in range(2, 6):
        make_inspection(f"published-{n}", published=True)
        make_user(Role.EDITOR, FORCES)
    large = [page_queries(admin, url) for url in urls]
    assert small == large
    assert max(large) <= 12
