"""Each source's response shows only its own steps: the s.55 pages (the chief constable's invitation and
comments, the milestones, the copies to HMICFRS and the Home Secretary) answer another source's response
404 and are not linked from it; an IOPC or a coroner's response is sent to that body (recorded, audited);
a fire action plan is kept up to date; a coroner's extension needs the day the coroner granted it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.factories import sign_in
from tests.page_check import csrf_token
from tracker.db import db
from tracker.documents.response import response_trackings
from tracker.domain import completeness, response_tasks
from tracker.models import Action, AuditEvent
from tracker.services import DomainError
from tracker.services import clocks as clock_service
from tracker.services import responses as response_service
from tracker.services.users import get_user_by_email

IOPC, CORONER, FIRE = ("cumbria", "example-iopc-pursuit-2022"), ("cumbria", "example-coroner-pfd-2022"), \
    ("essex", "example-fire-inspection-2022")
S55_PAGES = ("milestones", "invite", "comments", "copies")


def editor():
    return get_user_by_email("editor@tracker.example")


@pytest.fixture
def published_dir(app, tmp_path):
    old = app.config["TRACKER_PUBLISHED_DIR"]
    app.config["TRACKER_PUBLISHED_DIR"] = str(tmp_path / "published")
    yield tmp_path / "published"
    app.config["TRACKER_PUBLISHED_DIR"] = old


def publish(key, published_dir):
    """Answer every item (with a dated action), send for approval, approve and publish the response."""
    response = response_service.get_response(*key)
    for tracking in response_trackings(response):
        tracking.pcc_explanation = "We have changed the procedure."
        db.session.add(Action(tracking=tracking, force_id=tracking.force_id, inspection_id=tracking.inspection_id,
                              title="Change the procedure", due_on=date(2022, 6, 30)))
    db.session.flush()
    response_service.mark_ready(response, editor(), date(2022, 4, 1))
    response_service.approve(response, get_user_by_email("approver@tracker.example"), date(2022, 4, 2))
    response_service.publish(response, editor(), published_dir, now=datetime(2022, 4, 4, 9))
    db.session.commit()
    return response


@pytest.mark.parametrize("key", [IOPC, CORONER, FIRE])
@pytest.mark.parametrize("page", S55_PAGES)
def test_the_s55_pages_answer_another_source_404(app, key, page):
    client = sign_in(app.test_client(), get_user_by_email("admin@tracker.example"))
    assert client.get(f"/responses/{key[0]}/{key[1]}/{page}").status_code == 404


@pytest.mark.parametrize("key", [IOPC, CORONER, FIRE])
def test_another_sources_page_links_none_of_the_s55_steps(app, key):
    client = sign_in(app.test_client(), get_user_by_email("admin@tracker.example"))
    html = client.get(f"/responses/{key[0]}/{key[1]}").get_data(as_text=True)
    for page in S55_PAGES:
        assert f"/responses/{key[0]}/{key[1]}/{page}" not in html
    assert "chief constable's comments" not in html.lower() and "Home Secretary" not in html
    names = [task.name for task in response_tasks.tasks(response_service.get_response(*key), [])]
    assert not any("chief constable" in name or "HMICFRS and the Home Secretary" in name for name in names)


def test_the_s55_response_keeps_its_own_steps_and_has_no_sent_page(app):
    client = sign_in(app.test_client(), get_user_by_email("admin@tracker.example"))
    html = client.get("/responses/cumbria/vawg-2021").get_data(as_text=True)
    assert "/responses/cumbria/vawg-2021/invite" in html and "/responses/cumbria/vawg-2021/milestones" in html
    assert client.get("/responses/cumbria/vawg-2021/sent").status_code == 404
    assert client.get("/responses/cumbria/vawg-2021/milestones").status_code == 200


def test_each_sources_tasks(app):
    assert [t.key for t in response_tasks.tasks(response_service.get_response(*IOPC), [])] == [
        "explanations", "ready", "approve", "publish", "sent"]
    coroner = response_tasks.tasks(response_service.get_response(*CORONER), [])
    assert coroner[-1].name == "Send the response to the coroner"
    assert coroner[0].name.startswith("Answer each matter of concern: the action and its timetable")
    fire = response_tasks.tasks(response_service.get_response(*FIRE), [])
    assert [t.key for t in fire][-1] == "update" and fire[-1].name == "Keep the action plan up to date"
    assert fire[-1].status == response_tasks.CANNOT_START  # nothing published yet


def test_an_iopc_response_is_recorded_as_sent_to_the_iopc(app, published_dir, csrf_app):
    client = sign_in(app.test_client(), editor())
    url = f"/responses/{IOPC[0]}/{IOPC[1]}/sent"
    assert client.get(url).status_code == 302  # not published yet: back to the tasks
    response = publish(IOPC, published_dir)
    page = client.get(url)
    assert page.status_code == 200 and "Date the response was sent to the IOPC" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    bad = client.post(url, data={"csrf_token": token, "version": response.version, "sent_to_source_on": ["1", "4", "2022"]})
    assert bad.status_code == 200 and "cannot be sent before it was published" in bad.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token, "version": response.version, "sent_to_source_on": ["5", "4", "2022"]})
    assert done.status_code == 302
    db.session.expire_all()
    response = response_service.get_response(*IOPC)
    assert response.sent_to_source_on == date(2022, 4, 5) and completeness.stage(response) == "Complete"
    assert db.session.query(AuditEvent).filter_by(entity_type="StatutoryResponse", entity_id=response.id,
                                                  event="sent").count() == 1
    assert "Sent to the IOPC" in client.get(f"/responses/{IOPC[0]}/{IOPC[1]}").get_data(as_text=True)


def test_the_fire_action_plan_is_out_of_date_when_an_action_changes(app, published_dir):
    response = publish(FIRE, published_dir)
    trackings = response_trackings(response)
    assert response_tasks.tasks(response, trackings)[-1].status == response_tasks.COMPLETED
    trackings[0].actions[0].due_on = date(2022, 12, 31)
    db.session.flush()
    assert response_tasks.tasks(response, response_trackings(response))[-1].status == response_tasks.CHANGED
    with pytest.raises(DomainError):
        response_service.record_sent_to_source(response, response.version, editor(), date(2022, 4, 5))


def test_a_coroners_extension_needs_the_day_it_was_granted_and_is_audited(app):
    response = response_service.get_response(*CORONER)
    with pytest.raises(DomainError) as refused:
        clock_service.grant_extension(response, editor(), new_due_on=date(2022, 5, 11), granted_by="HM Senior Coroner",
                                      applied_on=date(2022, 4, 1))
    assert refused.value.field == "granted_on"
    clock_service.grant_extension(response, editor(), new_due_on=date(2022, 5, 11), granted_by="HM Senior Coroner",
                                  applied_on=date(2022, 4, 1), granted_on=date(2022, 4, 4))
    assert response.due_on == date(2022, 5, 11) and response.original_due_on == date(2022, 4, 11)
    event = db.session.query(AuditEvent).filter_by(entity_id=response.id, event="extension granted").one()
    assert event.changes["granted_on"] == [None, "2022-04-04"] and event.changes["applied_on"] == [None, "2022-04-01"]


def test_judicial_review_proceedings_are_audited(app):
    response = response_service.get_response(*IOPC)
    pause = clock_service.start_pause(response, editor(), started_on=date(2022, 2, 1))
    clock_service.end_pause(pause, pause.version, ended_on=date(2022, 2, 10))
    events = [e.event for e in db.session.query(AuditEvent).filter_by(entity_id=response.id,
                                                                       entity_type="StatutoryResponse")]
    assert "judicial review started" in events and "judicial review ended" in events
