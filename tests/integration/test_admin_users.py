"""The user administration pages: administrators only."""

from __future__ import annotations

import pytest

from tests.factories import TEST_PASSWORD, get_force, make_user
from tests.page_check import get_page, post_page
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.services import users as user_service


def user_form(**overrides) -> dict:
    """A complete new-user form."""
    data = {"email": "new.person@opcc.example", "name": "New Person", "role": "reviewer",
            "forces": [str(get_force("cumbria").id)], "active": "y", "password": "a long enough password"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER, Role.VIEWER])
def test_only_administrators_manage_users(as_role, role):
    client = as_role(role)
    someone = make_user(Role.VIEWER, email="someone.else@test.example")
    for url in ["/admin/users", "/admin/users/new", f"/admin/users/{someone.id}/edit", f"/admin/users/{someone.id}/password"]:
        assert client.get(url).status_code == 403, url
        if url != "/admin/users":
            assert client.post(url, data=user_form()).status_code == 403, url
    assert "/admin/users" not in get_page(client, "/inspections/")


def test_an_administrator_creates_edits_and_resets_a_user(as_role):
    client = as_role(Role.ADMIN, ("cumbria", "lancashire"))
    assert 'href="/admin/users"' in get_page(client, "/admin/users")
    get_page(client, "/admin/users/new")
    assert client.post("/admin/users/new", data=user_form()).status_code == 302
    user = user_service.get_user_by_email("new.person@opcc.example")
    assert user.role is Role.REVIEWER and [f.slug for f in user.forces] == ["cumbria"]
    assert "New Person" in get_page(client, "/admin/users")
    page = get_page(client, f"/admin/users/{user.id}/edit")
    assert "new.person@opcc.example" in page and 'name="password"' not in page
    data = user_form(role="editor", forces=[str(get_force("lancashire").id)], active="", name="Renamed")
    assert client.post(f"/admin/users/{user.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert user.role is Role.EDITOR and not user.active and user.name == "Renamed"
    assert [f.slug for f in user.forces] == ["lancashire"]
    get_page(client, f"/admin/users/{user.id}/password")
    page = post_page(client, f"/admin/users/{user.id}/password", {"password": "short"})
    assert "Password must be 12 characters or more" in page
    assert client.post(f"/admin/users/{user.id}/password", data={"password": "another long password"}).status_code == 302
    db.session.expire_all()
    assert user_service.password_matches(user, "another long password")
    assert not user_service.password_matches(user, TEST_PASSWORD)
    assert client.get("/admin/users/999999/edit").status_code == 404


def test_user_form_refusals_keep_what_was_typed(as_role):
    client = as_role(Role.ADMIN)
    existing = make_user(Role.VIEWER, email="existing.person@test.example")
    page = post_page(client, "/admin/users/new", user_form(email=existing.email.upper(), name="Typed Name"))
    assert "A user with that email address already exists" in page and 'value="Typed Name"' in page
    page = post_page(client, "/admin/users/new", user_form(email="not-an-email", forces=[], password="x"))
    assert "Enter an email address in the correct format" in page and "Select at least one force" in page


def test_the_edit_form_shows_the_users_forces_ticked(as_role):
    client = as_role(Role.ADMIN, ("cumbria", "lancashire"))
    user = make_user(Role.VIEWER, ("lancashire",), email="ticked.forces@test.example")
    page = get_page(client, f"/admin/users/{user.id}/edit")
    lancashire, cumbria = get_force("lancashire").id, get_force("cumbria").id
    assert f'value="{lancashire}" checked' in page and f'value="{cumbria}" checked' not in page
