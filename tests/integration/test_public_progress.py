"""Progress since publication on the public page of a response, and as CSV: only the updates a
person chose to publish, never one not for publication, with their dates and the date of the page."""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa

from tests.factories import get_tracking
from tests.integration.test_public_face import publish, published_dir  # noqa: F401  (a fixture)
from tracker.db import db
from tracker.domain.statuses import Role, TrackingStatus
from tracker.services import tracking as tracking_service

PAGE = "/public/cumbria/vawg-2021"


def _action(ref="3"):
    """Cumbria's tracking of a recommendation and a new action of it."""
    tracking = get_tracking("cumbria", ref)
    action = tracking_service.add_action(tracking, title="Review the VAWG policy")
    db.session.commit()
    return tracking, action


def _as_of(monkeypatch, day=date(2023, 5, 2)):
    monkeypatch.setattr("tracker.web.views.public.today", lambda: day)


def test_only_updates_chosen_for_the_public_page_show_with_their_dates(app, client, published_dir, monkeypatch):  # noqa: F811
    publish(app, "cumbria")
    _as_of(monkeypatch)
    tracking, action = _action()
    tracking_service.add_progress_update(action, date(2022, 1, 10), "Training given to every call handler.", public=True)
    tracking_service.add_progress_update(action, date(2022, 2, 1), "Internal: the budget is short.")
    tracking_service.add_progress_update(action, date(2022, 3, 1), "Withheld detail.", not_for_publication=True)
    db.session.commit()
    page = client.get(PAGE).text
    progress = page.split("Progress since publication")[1]
    assert "as of 2 May 2023" in progress
    assert "Training given to every call handler." in progress and "10 January 2022" in progress
    assert "Internal: the budget is short." not in page and "Withheld detail." not in page
    assert "No update published yet" in progress  # the other recommendations


def test_the_latest_public_update_and_the_completion_date(app, client, published_dir, monkeypatch):  # noqa: F811
    publish(app, "cumbria")
    _as_of(monkeypatch)
    tracking, action = _action()
    tracking_service.add_progress_update(action, date(2022, 1, 10), "First step.", public=True)
    tracking_service.add_progress_update(action, date(2022, 4, 20), "Policy rewritten and issued.", public=True)
    tracking.status, tracking.closed_on = TrackingStatus.COMPLETE, date(2022, 4, 30)
    db.session.commit()
    progress = client.get(PAGE).text.split("Progress since publication")[1]
    assert "Policy rewritten and issued." in progress and "First step." not in progress
    assert "Complete, completed 30 April 2022" in progress


def test_an_action_made_not_for_publication_takes_its_public_updates_off_the_page(app, client, published_dir):  # noqa: F811
    publish(app, "cumbria")
    tracking, action = _action()
    tracking_service.add_progress_update(action, date(2022, 1, 10), "Training given.", public=True)
    db.session.commit()
    assert "Training given." in client.get(PAGE).text
    action.not_for_publication = True
    db.session.commit()
    assert "Training given." not in client.get(PAGE).text
    assert "Training given." not in client.get(PAGE + "/progress.csv").data.decode()


def test_the_csv_says_the_same_guarded_against_formulas(app, client, published_dir, monkeypatch):  # noqa: F811
    publish(app, "cumbria")
    _as_of(monkeypatch)
    tracking, action = _action()
    tracking_service.add_progress_update(action, date(2022, 1, 10), '=HYPERLINK("http://evil.example","x")', public=True)
    tracking_service.add_progress_update(action, date(2022, 1, 11), "Not chosen.")
    db.session.commit()
    answer = client.get(PAGE + "/progress.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.data.decode())))
    assert rows[0] == ["Reference", "Kind", "Recommendation", "Status", "Completed on", "Latest public update",
                       "Date of the update", "As of", "Latest public update in Welsh"]
    mine = next(r for r in rows[1:] if r[0] == tracking.recommendation.ref)
    assert mine[5] == "'=HYPERLINK(\"http://evil.example\",\"x\")" and mine[6] == "2022-01-10" and mine[7] == "2023-05-02"
    assert all("Not chosen." not in cell for row in rows for cell in row)
    assert len(rows) - 1 == client.get(PAGE).text.count("Latest update</dt>")


def test_the_csv_of_a_response_not_published_answers_404(client):
    assert client.get(PAGE + "/progress.csv").status_code == 404
    assert client.get("/public/nowhere/vawg-2021/progress.csv").status_code == 404


def test_new_updates_are_not_public_unless_ticked_and_never_when_not_for_publication(as_role):
    tracking, action = _action()
    editor = as_role(Role.EDITOR, ("cumbria",))
    form = editor.get(f"/actions/{action.id}/updates/new").text
    assert 'name="public"' in form and "checked" not in form.split('name="public"')[1].split(">")[0]
    before = len(action.updates)
    answer = editor.post(f"/actions/{action.id}/updates/new", data={
        "occurred_on": ["10", "1", "2022"], "text": "Both ticked.",
        "not_for_publication": "y", "public": "y"})
    assert answer.status_code == 200 and "There is a problem" in answer.text
    assert "cannot be published on the public page" in answer.text, answer.text.split("There is a problem")[1][:800]
    assert 'href="#public"' in answer.text
    db.session.expire_all()
    assert len(action.updates) == before
    answer = editor.post(f"/actions/{action.id}/updates/new", data={
        "occurred_on": ["10", "1", "2022"], "text": "Ticked.", "public": "y"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert [u.public for u in action.updates if u.text == "Ticked."] == [True]
    editor.post(f"/actions/{action.id}/updates/new", data={
        "occurred_on": ["10", "1", "2022"], "text": "Not ticked."})
    db.session.expire_all()
    assert [u.public for u in action.updates if u.text == "Not ticked."] == [False]


def test_the_four_welsh_forces_work_in_welsh(app):
    from tracker.models import Force
    welsh = {f.slug for f in db.session.scalars(sa.select(Force).where(Force.works_in_welsh))}
    assert welsh == {"dyfed-powys", "gwent", "north-wales", "south-wales"}


def test_a_welsh_forces_update_is_published_only_with_its_welsh_version(app, client, published_dir, as_role):  # noqa: F811
    publish(app, "gwent")
    tracking = get_tracking("gwent", "4")
    action = tracking_service.add_action(tracking, title="Adolygu'r polisi")
    db.session.commit()
    editor = as_role(Role.EDITOR, ("gwent",))
    assert 'name="text_cy"' in editor.get(f"/actions/{action.id}/updates/new").text
    data = {"occurred_on": ["10", "1", "2022"], "text": "Every call handler has been trained.", "public": "y"}
    answer = editor.post(f"/actions/{action.id}/updates/new", data=data)
    assert answer.status_code == 200 and 'href="#text_cy"' in answer.text and "in Welsh" in answer.text
    db.session.expire_all()
    assert action.updates == []
    # Example Welsh, written for the demonstration of the feature.
    welsh = "Mae pob triniwr galwadau wedi cael hyfforddiant."
    assert editor.post(f"/actions/{action.id}/updates/new", data={**data, "text_cy": welsh}).status_code == 302
    page = client.get("/public/gwent/vawg-2021").text
    assert "Every call handler has been trained." in page and f'lang="cy">{welsh}</p>' in page
    rows = list(csv.reader(io.StringIO(client.get("/public/gwent/vawg-2021/progress.csv").data.decode())))
    assert welsh in [r[8] for r in rows]
    # Not a Welsh force: no Welsh field, and the English alone is published.
    assert 'name="text_cy"' not in as_role(Role.EDITOR, ("cumbria",)).get(
        f"/actions/{_action()[1].id}/updates/new").text


def test_an_administrator_marks_the_office_as_publishing_in_welsh(as_role):
    from tests.factories import get_force
    admin = as_role(Role.ADMIN, ("cumbria",))
    assert admin.post("/admin/forces/cumbria/public-details", data={"works_in_welsh": "y"}).status_code == 302
    assert get_force("cumbria").works_in_welsh is True
    admin.post("/admin/forces/cumbria/public-details", data={})
    assert get_force("cumbria").works_in_welsh is False
