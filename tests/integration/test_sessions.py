"""Sessions (finding 4) and sign-in (finding 5): a session ends everywhere on sign-out, a password
reset, deactivation or a change of role or forces, and after inactivity or its lifetime; one answer
for every failed sign-in, the same work for unknown addresses, counts per account and per address
that expire, and an administrator's unlock."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import TEST_PASSWORD, get_force, make_user
from tests.page_check import csrf_token, get_page
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import AuditEvent, SignInAddress, User, utcnow
from tracker.services import save
from tracker.services import sign_in as sign_in_service
from tracker.services import users as user_service

SIGNED_IN = "Overdue and due soon"  # the dashboard, which only a signed-in user sees at /
WRONG = "not the password at all"


def form_sign_in(app, user: User, address: str = "192.0.2.1"):
    """A new browser signed in through the form, from a client address."""
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD},
                           environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def copy_of(app, client):
    """Another browser holding a copy of the client's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client) -> bool:
    return SIGNED_IN in client.get("/").get_data(as_text=True)


# --- finding 4: sessions outlived sign-out and password resets --------------------------------------


def test_signing_out_ends_a_copied_session_too(app):
    user = make_user()
    client = form_sign_in(app, user)
    thief = copy_of(app, client)
    assert signed_in(thief)
    assert client.post("/sign-out").status_code == 302
    assert not signed_in(client) and not signed_in(thief)
    assert thief.get("/inspections/").status_code == 302  # to the sign-in page
    assert signed_in(form_sign_in(app, user))  # signing in again works


def test_a_password_reset_ends_every_session_of_the_user(app, as_role):
    user = make_user(email="reset.me@test.example")
    client = form_sign_in(app, user)
    thief = copy_of(app, client)
    admin = as_role(Role.ADMIN)
    assert admin.post(f"/admin/users/{user.id}/password", data={"password": "a brand new password"}).status_code == 302
    assert not signed_in(client) and not signed_in(thief)


@pytest.mark.parametrize("change", ["deactivated", "role", "forces"])
def test_deactivation_and_a_change_of_role_or_forces_end_every_session(app, as_role, change):
    user = make_user(email="changed.user@test.example")
    client = form_sign_in(app, user)
    data = {"name": user.name, "role": "editor", "forces": [str(get_force("cumbria").id)], "active": "y"}
    if change == "deactivated":
        data.pop("active")
    elif change == "role":
        data["role"] = "viewer"
    else:
        data["forces"].append(str(get_force("lancashire").id))
    admin = as_role(Role.ADMIN, ("cumbria", "lancashire"))
    assert admin.post(f"/admin/users/{user.id}/edit", data=data).status_code == 302
    assert not signed_in(client)


def test_a_change_of_name_alone_keeps_the_sessions(app, as_role):
    user = make_user(email="renamed.user@test.example")
    client = form_sign_in(app, user)
    data = {"name": "A New Name", "role": "editor", "forces": [str(get_force("cumbria").id)], "active": "y"}
    assert as_role(Role.ADMIN).post(f"/admin/users/{user.id}/edit", data=data).status_code == 302
    assert signed_in(client)


def test_an_administrator_changing_their_own_forces_stays_signed_in_here_only(app):
    admin = make_user(Role.ADMIN, ("cumbria", "lancashire"), email="self.editing@test.example")
    client = form_sign_in(app, admin)
    elsewhere = form_sign_in(app, admin, "192.0.2.2")
    data = {"name": admin.name, "role": "admin", "forces": [str(get_force("cumbria").id)], "active": "y"}
    assert client.post(f"/admin/users/{admin.id}/edit", data=data).status_code == 302
    assert signed_in(client) and not signed_in(elsewhere)


def test_sessions_end_after_inactivity_and_after_their_lifetime(app):
    user = make_user()
    for key, age in (("session_seen", timedelta(minutes=app.config["TRACKER_SESSION_IDLE_MINUTES"] + 1)),
                     ("session_started", timedelta(hours=app.config["TRACKER_SESSION_HOURS"], minutes=1))):
        client = form_sign_in(app, user)
        assert signed_in(client)
        with client.session_transaction() as session:
            session[key] = int((utcnow() - age).timestamp())
        assert not signed_in(client), key


def test_a_session_without_the_users_token_is_refused(app):
    user = make_user()
    client = app.test_client()
    with client.session_transaction() as session:  # the cookie the old code accepted
        session["_user_id"], session["_fresh"] = str(user.id), True
    assert not signed_in(client)
    assert client.get("/").status_code == 200  # and no error


def test_a_user_id_that_is_not_a_number_is_signed_out_without_an_error(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1 OR 1=1"
    assert client.get("/").status_code == 200 and not signed_in(client)


# --- finding 5: sign-in told real accounts from unknown ones and could be kept locked ---------------


def failure_message(app, email: str, password: str, address: str) -> str:
    response = app.test_client().post("/sign-in", data={"email": email, "password": password},
                                      environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    start = page.index('<p id="email-error"')
    return page[start:page.index("</p>", start)]


def test_every_failure_gets_the_same_answer(app):
    user = make_user(email="real.account@test.example")
    gone = make_user(email="gone.account@test.example")
    gone.active = False
    locked = make_user(email="locked.account@test.example")
    locked.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    answers = {
        "unknown": failure_message(app, "nobody@test.example", WRONG, "198.51.100.1"),
        "wrong password": failure_message(app, user.email, WRONG, "198.51.100.2"),
        "deactivated": failure_message(app, gone.email, TEST_PASSWORD, "198.51.100.3"),
        "locked": failure_message(app, locked.email, TEST_PASSWORD, "198.51.100.4"),
    }
    assert len(set(answers.values())) == 1, answers


def test_an_unknown_address_costs_the_same_argon2_check(app, monkeypatch):
    user = make_user()
    checked = []
    real = user_service.hash_matches
    monkeypatch.setattr(user_service, "hash_matches", lambda h, p: checked.append(h.split("$")[3]) or real(h, p))
    hasher = user_service.password_hasher()
    for email in (user.email, "nobody@test.example"):
        failure_message(app, email, WRONG, "198.51.100.9")
    assert len(checked) == 2
    assert checked[0] == checked[1] == f"m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"


def test_the_account_locks_after_many_wrong_passwords_and_the_lock_expires_and_resets(app):
    user = make_user()
    for i in range(sign_in_service.ACCOUNT_FAILURES):  # from many addresses, so none is paused
        failure_message(app, user.email, WRONG, f"203.0.113.{i}")
    db.session.refresh(user)
    assert user.locked_at(utcnow())
    client = app.test_client()
    client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}, environ_base={"REMOTE_ADDR": "192.0.2.50"})
    assert not signed_in(client)
    # The lock ends: the right password works, and the count starts again from nothing.
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert signed_in(form_sign_in(app, user, "192.0.2.51"))
    db.session.refresh(user)
    assert user.failed_logins == 0 and user.locked_until is None


def test_an_ended_lock_leaves_a_fresh_count(app):
    """Without the reset, one wrong password after a lock ended would lock the account again."""
    now = utcnow()
    user = make_user()
    user.failed_logins, user.failed_logins_since, user.locked_until = 12, now - timedelta(minutes=30), now - timedelta(minutes=1)
    assert sign_in_service.attempt(user.email, WRONG, "192.0.2.60", now=now) is None
    assert user.failed_logins == 1 and user.locked_until is None


def test_one_address_can_never_lock_an_account(app):
    """A stranger at one address trying every minute for three hours: the account stays open."""
    user = make_user()
    start = utcnow()
    for minute in range(0, 180):
        sign_in_service.attempt(user.email, WRONG, "203.0.113.200", now=start + timedelta(minutes=minute))
        assert not user.locked_at(start + timedelta(minutes=minute)), minute
    save()
    assert signed_in(form_sign_in(app, user, "192.0.2.70"))


def test_an_address_with_many_failures_is_paused_for_every_account(app):
    user = make_user()
    for i in range(sign_in_service.ADDRESS_FAILURES):
        failure_message(app, f"nobody{i}@test.example", WRONG, "203.0.113.77")
    assert db.session.get(SignInAddress, "203.0.113.77").failures == sign_in_service.ADDRESS_FAILURES
    paused = app.test_client()
    paused.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}, environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert not signed_in(paused)
    db.session.refresh(user)
    assert user.failed_logins == 0  # the paused address's attempts do not count against the account
    assert signed_in(form_sign_in(app, user, "192.0.2.80"))
    # The window ends and the address may try again.
    row = db.session.get(SignInAddress, "203.0.113.77")
    row.since -= sign_in_service.WINDOW
    db.session.commit()
    assert signed_in(form_sign_in(app, user, "203.0.113.77"))


def test_an_administrator_unlocks_an_account_and_it_is_audited(csrf_app, as_role):
    user = make_user(email="locked.out@test.example")
    user.failed_logins, user.locked_until = 12, utcnow() + timedelta(minutes=10)
    db.session.commit()
    admin = as_role(Role.ADMIN)
    assert "Locked" in get_page(admin, "/admin/users")
    page = get_page(admin, f"/admin/users/{user.id}/edit")
    assert "This account is locked" in page and "Unlock the account" in page
    assert admin.post(f"/admin/users/{user.id}/unlock").status_code == 400  # no CSRF token
    other = as_role(Role.ADMIN, ("lancashire",))
    token = csrf_token(get_page(other, "/admin/users"))
    assert other.post(f"/admin/users/{user.id}/unlock", data={"csrf_token": token}).status_code == 404
    db.session.refresh(user)
    assert user.locked_at(utcnow())
    token = csrf_token(page)
    assert admin.post(f"/admin/users/{user.id}/unlock", data={"csrf_token": token}).status_code == 302
    db.session.refresh(user)
    assert not user.locked_at(utcnow()) and user.failed_logins == 0
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_type == "User", AuditEvent.entity_id == user.id,
                                                         AuditEvent.event == "unlocked")) is not None
    assert "Unlock the account" not in get_page(admin, f"/admin/users/{user.id}/edit")
