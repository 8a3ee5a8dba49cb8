"""Every edit page opens filled from its record (Form(obj=record)): what it would post unchanged is
the record as it stands, enums as their values and no date as blank boxes."""

from __future__ import annotations

import pytest

from tests.factories import get_force, get_inspection, get_tracking, make_user, sign_in
from tests.page_check import forms, get_page
from tracker.db import db
from tracker.domain.deadlines import Rag
from tracker.domain.statuses import Role
from tracker.services import oversight as oversight_service
from tracker.services import responses as response_service


def edit_form(client, url: str):
    """The page's form that posts back to it (not the header's sign-out form)."""
    [form] = [f for f in forms(get_page(client, url)) if f.method == "post" and f.action in (None, "", url)]
    return form


def boxes(day) -> list[str]:
    """A date as the GOV.UK date input's three boxes show it."""
    return [f"{day.day:02}", f"{day.month:02}", str(day.year)] if day else ["", "", ""]


@pytest.mark.parametrize("rag", [None, Rag.AMBER])
def test_the_tracking_form_is_the_tracking(as_role, rag):
    tracking = get_tracking("cumbria", "4")
    tracking.rag_forecast = rag
    db.session.commit()
    form = edit_form(as_role(Role.EDITOR), f"/tracking/{tracking.id}/edit")
    assert form.value("status") == tracking.status.value
    assert form.value("rag_forecast") == (rag.value if rag else "")  # no forecast: "Not set" is checked
    assert form.value("hmicfrs_view") == tracking.hmicfrs_view.value
    assert form.value("lead_officer") == tracking.lead_officer
    assert form.values("pcc_explanation") == []  # written on the response's explanations page, not here
    assert tracking.due_on and form.values("target_date") == []  # a date in force moves by extension only
    assert form.value("version") == str(tracking.version)


def test_a_reviewer_gets_only_the_chief_constables_comment(as_role):
    tracking = get_tracking("cumbria", "4")
    form = edit_form(as_role(Role.REVIEWER), f"/tracking/{tracking.id}/edit")
    assert form.value("chief_comment").strip() == (tracking.chief_comment or "").strip()
    assert form.values("status") == [] and form.value("version") == str(tracking.version)


def test_the_action_form_is_the_action(as_role):
    action = get_tracking("cumbria", "4").actions[0]
    form = edit_form(as_role(Role.EDITOR), f"/actions/{action.id}/edit")
    assert form.value("title") == action.title and form.value("owner") == (action.owner or "")
    assert form.value("status") == action.status.value
    assert form.values("due_on") == ([] if action.due_on else boxes(None))  # a set date moves by extension only
    assert form.values("not_for_publication") == (["y"] if action.not_for_publication else [])
    assert form.value("version") == str(action.version)


def test_the_recommendation_form_is_the_recommendation(as_role):
    rec = get_tracking("cumbria", "4.1").recommendation
    form = edit_form(as_role(Role.SERVICE_ADMIN), f"/recommendations/{rec.id}/edit")
    assert form.value("ref") == "4.1" and form.value("kind") == rec.kind.value
    assert form.value("parent_id") == str(rec.parent_id)
    assert form.value("bullets").strip().splitlines() == rec.bullets
    assert form.value("version") == str(rec.version)


def test_the_inspection_form_is_the_inspection(as_role):
    inspection = get_inspection("vawg-2021")
    form = edit_form(as_role(Role.SERVICE_ADMIN), f"/inspections/{inspection.slug}/edit")
    assert form.value("title") == inspection.title and form.value("type") == inspection.type.value
    assert form.values("published_on") == boxes(inspection.published_on)
    assert form.value("scope") == "all" and form.values("forces") == []


def test_the_user_form_is_the_user(as_role):
    user = make_user(Role.REVIEWER, ("lancashire", "cumbria"))
    form = edit_form(as_role(Role.ADMIN, ("lancashire", "cumbria")), f"/admin/users/{user.id}/edit")
    assert form.value("name") == user.name and form.value("role") == "reviewer"
    assert sorted(form.values("forces")) == sorted(str(get_force(s).id) for s in ("lancashire", "cumbria"))
    assert form.values("active") == ["y"] and form.values("password") == []


def test_the_response_forms_are_the_response(as_role):
    response = response_service.get_response("cumbria", "vawg-2021")
    client = as_role(Role.EDITOR)
    milestones = edit_form(client, "/responses/cumbria/vawg-2021/milestones")
    assert milestones.values("chief_invited_on") == boxes(response.chief_invited_on)
    assert milestones.value("version") == str(response.version)
    comments = edit_form(client, "/responses/cumbria/vawg-2021/comments")
    assert comments.value("pcc_comments").strip() == (response.pcc_comments or "").strip()


def test_the_statutory_paragraph_form_shows_the_forces_wording_or_the_default(as_role):
    force = get_force("cumbria")
    form = edit_form(as_role(Role.EDITOR), "/responses/cumbria/statutory-paragraph/edit")
    assert form.value("statutory_paragraph").strip()
    if force.statutory_paragraph:
        assert form.value("statutory_paragraph").strip() == force.statutory_paragraph.strip()


def test_the_email_settings_are_the_users(app):
    user = make_user(Role.VIEWER)
    oversight_service.set_preferences(user.id, due_reminders=False, weekly_digest=True)
    db.session.commit()
    form = edit_form(sign_in(app.test_client(), user), "/settings/notifications")
    assert form.values("due_reminders") == [] and form.values("weekly_digest") == ["y"]


def test_the_themes_form_ticks_the_recommendations_themes(as_role):
    rec = get_tracking("cumbria", "4").recommendation
    theme = oversight_service.all_themes()[0]
    oversight_service.set_themes(rec, [theme.slug])
    db.session.commit()
    form = edit_form(as_role(Role.SERVICE_ADMIN), f"/recommendations/{rec.id}/themes")
    assert form.values("themes") == [theme.slug]
