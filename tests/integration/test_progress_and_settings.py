"""Progress at a glance (SVG chart and table), recommendation themes, and email settings."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

from tests.factories import get_force, get_inspection, get_tracking
from tracker.db import db
from tracker.domain.statuses import Role, TrackingStatus
from tracker.models import NotificationPreference, Recommendation
from tracker.services.oversight import progress
from tracker.services.tracking import set_tracking_status


def test_progress_shares_are_exclusive_and_respect_the_date(app):
    cumbria = get_force("cumbria").id
    set_tracking_status(get_tracking("cumbria", "4.1"), TrackingStatus.COMPLETE, date(2022, 3, 20))
    db.session.commit()
    [march] = [p for p in progress([cumbria], date(2022, 3, 1), "inspection") if p.key == "vawg-2021"]
    [april] = [p for p in progress([cumbria], date(2022, 4, 1), "inspection") if p.key == "vawg-2021"]
    assert march.total == april.total
    assert april.complete == march.complete + 1
    assert april.overdue >= 1  # 3.2, due 31 March 2022
    assert sum(april.share(name) for name in ("complete", "in_progress", "not_started", "overdue")) in (99, 100, 101)


def test_progress_page_draws_an_accessible_chart_and_the_same_figures_in_a_table(as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    html = client.get("/progress?as_of=2022-04-01").get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        root = ElementTree.fromstring(svg)
        assert root.get("role") == "img" and root.get("aria-labelledby")
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{ns}title").text and root.find(f"{ns}desc").text
        words = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
        assert "Complete" in words and "Overdue" in words  # a legend in words, not colour alone
    assert "The same figures by inspection" in html and "<script" not in html.split("<main")[1].split("</main>")[0]
    assert client.get("/progress?as_of=nonsense").status_code == 400


def test_editors_set_themes_and_the_theme_filter_finds_them(app, as_role):
    editor, shared_editor = as_role(Role.EDITOR, ("cumbria",)), as_role(Role.SERVICE_ADMIN)
    rec = db.session.scalar(db.select(Recommendation).where(Recommendation.inspection_id == get_inspection("vawg-2021").id,
                                                            Recommendation.ref == "3.2"))
    # The themes of a national report are shared by every force: one force's editor does not set them.
    assert editor.get(f"/recommendations/{rec.id}/themes").status_code == 403
    page = shared_editor.get(f"/recommendations/{rec.id}/themes")
    assert page.status_code == 200 and 'value="custody"' in page.get_data(as_text=True)
    response = shared_editor.post(f"/recommendations/{rec.id}/themes", data={"themes": ["custody", "vetting"]})
    assert response.status_code == 302
    assert {t.slug for t in db.session.get(Recommendation, rec.id).themes} == {"custody", "vetting"}
    html = editor.get("/?as_of=2022-04-01&theme=custody").get_data(as_text=True)
    assert re.findall(r'data-item="recommendation-(\d+)"', html) == [str(get_tracking("cumbria", "3.2").id)]
    bad = shared_editor.post(f"/recommendations/{rec.id}/themes", data={"themes": ["atlantis"]})
    assert bad.status_code == 200 and "Select themes from the list" in bad.get_data(as_text=True)


def test_only_editors_set_themes(as_role):
    reviewer = as_role(Role.REVIEWER, ("cumbria",))
    rec_id = db.session.scalar(db.select(Recommendation.id).limit(1))
    assert reviewer.get(f"/recommendations/{rec_id}/themes").status_code == 403


def test_an_unknown_recommendation_answers_404(as_role):
    editor = as_role(Role.EDITOR, ("cumbria",))
    assert editor.get("/recommendations/999999/themes").status_code == 404


def test_users_see_and_change_their_emails(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    html = client.get("/settings/notifications").get_data(as_text=True)
    assert html.count("checked") == 2
    client.post("/settings/notifications", data={"due_reminders": "y"})
    html = client.get("/settings/notifications").get_data(as_text=True)
    assert html.count("checked") == 1
    pref = db.session.scalars(db.select(NotificationPreference)).one()
    assert pref.due_reminders and not pref.weekly_digest
