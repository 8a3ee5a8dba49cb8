"""Roles that say their reach: a force administrator manages only their forces' users; a service
administrator (every force, made from the command line) manages everyone; what a shared inspection
shares changes only by someone who belongs to every force it concerns; each force sets its own part."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import TEST_PASSWORD, get_force, get_inspection, get_tracking, make_user, sign_in
from tests.page_check import get_page, post_page
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import Force, InspectionForce, Recommendation, User
from tracker.services import users as user_service


def user_form(**overrides) -> dict:
    data = {"email": "new.person@opcc.example", "name": "New Person", "role": "viewer",
            "forces": [str(get_force("cumbria").id)], "active": "y", "password": "a long enough password"}
    data.update(overrides)
    return data


def edit_form(user: User, **overrides) -> dict:
    data = {"name": user.name, "role": user.role.value, "forces": [str(f.id) for f in user.forces], "active": "y"}
    data.update(overrides)
    return data


def user_rows() -> list[tuple]:
    """Every user's state that an administrator's refused request must leave alone."""
    db.session.expire_all()
    return [(u.id, u.email, u.role, u.password_hash, u.active, tuple(sorted(f.id for f in u.forces)))
            for u in db.session.scalars(sa.select(User).order_by(User.id))]


# --- finding 1: a force's administrator managed every force's users ---------------------------------


def test_a_force_administrator_lists_only_users_within_their_forces(as_role):
    client = as_role(Role.ADMIN, ("cumbria",))
    make_user(Role.EDITOR, ("cumbria",), email="in.cumbria@test.example")
    make_user(Role.EDITOR, ("lancashire",), email="in.lancashire@test.example")
    make_user(Role.EDITOR, ("cumbria", "lancashire"), email="in.both@test.example")
    make_user(Role.SERVICE_ADMIN, email="service@test.example")
    page = get_page(client, "/admin/users")
    assert "in.cumbria@test.example" in page
    for outside in ("in.lancashire@test.example", "in.both@test.example", "service@test.example",
                    "admin@tracker.example"):  # the demonstration administrator has every force
        assert outside not in page


def test_a_force_administrator_cannot_touch_another_forces_users(as_role):
    client = as_role(Role.ADMIN, ("cumbria",))
    other = make_user(Role.EDITOR, ("lancashire",), email="other.force@test.example")
    shared = make_user(Role.EDITOR, ("cumbria", "lancashire"), email="shared.forces@test.example")
    before = user_rows()
    for target in (other, shared):
        for url in (f"/admin/users/{target.id}/edit", f"/admin/users/{target.id}/password"):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/admin/users/{target.id}/password",
                           data={"password": "taken over account"}).status_code == 404
        assert client.post(f"/admin/users/{target.id}/edit",
                           data=edit_form(target, forces=[str(get_force("cumbria").id)])).status_code == 404
    assert user_rows() == before
    assert user_service.password_matches(other, TEST_PASSWORD)


def test_a_force_administrator_grants_only_forces_they_hold(app):
    admin = make_user(Role.ADMIN, ("cumbria",), email="cumbria.admin@test.example")
    client = sign_in(app.test_client(), admin)
    lancashire, cumbria = str(get_force("lancashire").id), str(get_force("cumbria").id)
    before = user_rows()
    page = post_page(client, "/admin/users/new", user_form(role="admin", forces=[lancashire]))
    assert "govuk-error-summary" in page
    page = post_page(client, "/admin/users/new", user_form(role="service_admin"))
    assert "govuk-error-summary" in page
    # Adding themselves to another force.
    page = post_page(client, f"/admin/users/{admin.id}/edit", edit_form(admin, forces=[cumbria, lancashire]))
    assert "govuk-error-summary" in page
    assert user_rows() == before
    assert client.get("/tracking/{}".format(get_tracking("lancashire", "4").id)).status_code == 404
    # Within their reach it works.
    assert client.post("/admin/users/new", data=user_form(role="admin")).status_code == 302
    assert user_service.get_user_by_email("new.person@opcc.example").role is Role.ADMIN


def test_the_service_administrator_is_made_from_the_command_line_and_manages_everyone(as_role, runner):
    result = runner.invoke(args=["create-user", "--email", "svc@test.example", "--name", "Sam Service",
                                 "--role", "service_admin", "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    service = user_service.get_user_by_email("svc@test.example")
    assert service.role is Role.SERVICE_ADMIN
    assert len(service.forces) == db.session.scalar(sa.select(sa.func.count()).select_from(Force))
    refused = runner.invoke(args=["create-user", "--email", "svc2@test.example", "--name", "X", "--role",
                                  "service_admin", "--force", "cumbria", "--password", "a long enough password"])
    assert refused.exit_code != 0 and "every force" in refused.output
    other = make_user(Role.EDITOR, ("lancashire",), email="other.force@test.example")
    client = as_role(Role.SERVICE_ADMIN)
    assert "other.force@test.example" in get_page(client, "/admin/users")
    assert "svc@test.example" in get_page(client, "/admin/users")
    assert client.post(f"/admin/users/{other.id}/password", data={"password": "a new long password"}).status_code == 302
    # Not even a service administrator makes another one on the page.
    page = post_page(client, "/admin/users/new", user_form(role="service_admin"))
    assert "govuk-error-summary" in page and user_service.get_user_by_email("new.person@opcc.example") is None


# --- finding 2: one force's editor changed shared inspections for every force ------------------------


def shared_state() -> list:
    """What the national inspection shares: its facts, scope and recommendations' deadlines."""
    db.session.expire_all()
    inspection = get_inspection("vawg-2021")
    return [inspection.title, inspection.published_on, inspection.version,
            sorted((r.force_id, r.in_scope, r.exclusion_reason) for r in inspection.scope),
            sorted((r.id, r.text, r.deadline_date, r.deadline_overridden, tuple(t.slug for t in r.themes))
                   for r in inspection.recommendations),
            sorted((t.id, t.due_on) for r in inspection.recommendations for t in r.trackings)]


def test_one_forces_editor_cannot_change_a_shared_inspection(as_role):
    client = as_role(Role.EDITOR, ("cumbria",))
    inspection = get_inspection("vawg-2021")
    rec = next(r for r in inspection.recommendations if r.ref == "4.1")
    page = get_page(client, "/inspections/vawg-2021")
    assert "belongs to every one of those forces" in page and "Edit inspection" not in page
    before = shared_state()
    posts = {
        "/inspections/vawg-2021/edit": {"title": "Changed", "published_on": ["1", "1", "2022"], "type": "peel",
                                        "scope": "chosen", "forces": [str(get_force("cumbria").id)],
                                        "version": str(inspection.version)},
        f"/recommendations/{rec.id}/edit": {"ref": "4.1", "kind": "recommendation", "text": "Changed",
                                            "deadline_override": ["1", "1", "2030"], "version": str(rec.version),
                                            "submit": "Save"},
        "/inspections/vawg-2021/recommendations/new": {"ref": "99", "kind": "recommendation", "text": "New",
                                                       "submit": "Save"},
        f"/recommendations/{rec.id}/themes": {"themes": ["custody"]},
        "/inspections/vawg-2021/import": {"text": "Recommendation 1\nBy March 2023, forces should act."},
    }
    for url, data in posts.items():
        assert client.get(url).status_code == 403, url
        assert client.post(url, data=data).status_code == 403, url
    # Another force's part of the scope: not theirs to change.
    lancashire_scope = "/inspections/vawg-2021/scope/lancashire"
    assert client.get(lancashire_scope).status_code == 404
    assert client.post(lancashire_scope, data={"applies": "no", "exclusion_reason": "x"}).status_code == 404
    assert shared_state() == before


def test_a_forces_editor_sets_their_own_part_of_a_shared_inspection(as_role):
    client = as_role(Role.EDITOR, ("cumbria",))
    url = "/inspections/vawg-2021/scope/cumbria"
    assert "Does it apply to Cumbria Constabulary?" in get_page(client, url)
    page = post_page(client, url, {"applies": "no", "exclusion_reason": "  "})
    assert "Enter why the inspection does not apply to the force" in page
    assert client.post(url, data={"applies": "no", "exclusion_reason": "Covered by our own review"}).status_code == 302
    row = db.session.get(InspectionForce, (get_inspection("vawg-2021").id, get_force("cumbria").id))
    db.session.refresh(row)
    assert not row.in_scope and row.exclusion_reason == "Covered by our own review"
    assert "left out (Covered by our own review)" in get_page(client, "/inspections/vawg-2021")
    assert client.post(url, data={"applies": "yes"}).status_code == 302
    db.session.refresh(row)
    assert row.in_scope and row.exclusion_reason is None
    # Their own tracking and target dates stay theirs.
    tracking = get_tracking("cumbria", "4")
    assert client.get(f"/tracking/{tracking.id}/edit").status_code == 200


def test_readers_are_told_who_can_change_a_shared_inspection(as_role):
    page = get_page(as_role(Role.VIEWER), "/inspections/vawg-2021")
    assert "Only editors and administrators can change this inspection." in page
    assert as_role(Role.VIEWER).get("/inspections/vawg-2021/scope/cumbria").status_code == 403


def test_an_editor_records_an_inspection_only_for_forces_they_belong_to(as_role):
    client = as_role(Role.EDITOR, ("cumbria",))
    data = {"title": "Custody in Lancashire", "published_on": ["3", "2", "2022"], "type": "force_specific",
            "scope": "chosen", "forces": [str(get_force("lancashire").id)]}
    page = post_page(client, "/inspections/new", data)
    assert "Select only forces you belong to" in page
    page = post_page(client, "/inspections/new", dict(data, scope="all", forces=[]))
    assert "Select only forces you belong to" in page
    assert get_inspection("custody-in-lancashire-2022") is None
    # Their own force's inspection they record and change: they belong to every force it concerns.
    assert client.post("/inspections/new", data=dict(data, title="Custody in Cumbria",
                                                      forces=[str(get_force("cumbria").id)])).status_code == 302
    assert "Edit inspection" in get_page(client, "/inspections/custody-in-cumbria-2022")
    assert client.get("/inspections/custody-in-cumbria-2022/edit").status_code == 200


def test_a_service_administrator_changes_a_shared_recommendations_deadline(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    rec = db.session.scalar(sa.select(Recommendation).where(Recommendation.ref == "4.1"))
    data = {"ref": "4.1", "kind": "recommendation", "text": rec.text, "deadline_text": rec.deadline_text or "",
            "deadline_override": ["1", "6", "2030"], "version": str(rec.version), "submit": "Save"}
    assert client.post(f"/recommendations/{rec.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert str(get_tracking("lancashire", "4.1").due_on) == "2030-06-01"


def test_pages_say_who_changes_what_the_user_cannot(as_role):
    tracking = get_tracking("cumbria", "4")
    viewer, reviewer, editor = as_role(Role.VIEWER), as_role(Role.REVIEWER), as_role(Role.EDITOR)
    says = "Cumbria Constabulary's editors and administrators change this tracking"
    assert says in get_page(viewer, f"/tracking/{tracking.id}") and "reviewers (chief officers) write" in get_page(viewer, f"/tracking/{tracking.id}")
    assert says in get_page(reviewer, f"/tracking/{tracking.id}")
    assert says not in get_page(editor, f"/tracking/{tracking.id}")
    says = "editors and administrators change this response"
    assert says in get_page(viewer, "/responses/cumbria/vawg-2021")
    assert says not in get_page(editor, "/responses/cumbria/vawg-2021")
