"""Signing in with the organisation's account in a real browser, through a real OpenID Connect provider
on loopback (oidc-provider-mock): the mapped user lands on the dashboard with their force and role; an
account the role map refuses sees the refusal page and gets no account; an unverified email address does
not take over a password account; an administrator unlinks an organisation account without JavaScript."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import _free_port, assert_accessible
from tests.oidc_provider import TENANT, running_provider
from tracker.domain.statuses import Role


@pytest.fixture(scope="module")
def organisation_server():
    """tracker configured for the provider, served on a free port against its own seeded database."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from tracker import create_app
    from tracker.db import db
    from tracker.services.seed import seed_database

    tmp = Path(tempfile.mkdtemp(prefix="tracker-e2e-oidc-"))
    with running_provider() as provider:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'e2e.sqlite'}", "TESTING": False, "WTF_CSRF_ENABLED": True,
            "TRACKER_EVIDENCE_DIR": str(tmp / "evidence"), "PROPAGATE_EXCEPTIONS": False, **provider.config(),
        })
        with app.app_context():
            upgrade()
            passwords = seed_database(demo=True)
            db.session.remove()
        server = make_server("127.0.0.1", _free_port(), app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield {"url": f"http://127.0.0.1:{server.server_port}", "app": app, "provider": provider,
               "passwords": passwords}
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


def user_with_email(app, email: str, *fields: str):
    """(role, force slugs) of the user with this email, or None; or the fields named."""
    from tracker.db import db
    from tracker.models import User

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if fields:
            found = tuple(getattr(user, name) for name in fields) if user else None
        else:
            found = (user.role.value, [f.slug for f in user.forces]) if user else None
        db.session.remove()
    return found


def sign_in_through_provider(browser, server, sub: str):
    """Open the sign-in page, choose the organisation's account, sign in at the provider as `sub`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server["url"] + "/sign-in")
    assert_accessible(page, "sign-in page with the organisation's account")
    page.click("text=Sign in with your organisation's account")
    page.wait_for_load_state()
    assert page.url.startswith(server["provider"].url + "/oauth2/authorize")
    page.fill("input[name=sub]", sub)
    page.click("button:has-text('Authorize')")
    page.wait_for_load_state()
    return context, page


def test_a_mapped_account_lands_on_the_dashboard_with_its_force_and_role(browser, organisation_server):
    organisation_server["provider"].set_user(
        "ada", email="ada.reviewer@cumbria.police.example", name="Ada Reviewer", tid=TENANT,
        groups=["tracker-lancashire-viewers"])
    context, page = sign_in_through_provider(browser, organisation_server, "ada")
    try:
        assert page.url == organisation_server["url"] + "/"
        header = page.inner_text(".tracker-header__meta")
        assert "Ada Reviewer" in header and "Lancashire Constabulary" in header
        assert page.locator("h1").first.inner_text()  # the dashboard's heading
        assert "At a glance" in page.content()
        assert user_with_email(organisation_server["app"], "ada.reviewer@cumbria.police.example") == ("viewer", ["lancashire"])
        # A viewer: no link to add an inspection.
        page.goto(organisation_server["url"] + "/inspections/")
        assert page.locator("text=Add an inspection").count() == 0
        assert_accessible(page, "inspections after the organisation's sign-in")
    finally:
        context.close()


def test_an_account_the_map_refuses_sees_the_refusal_and_gets_no_account(browser, organisation_server):
    organisation_server["provider"].set_user(
        "zed", email="zed@elsewhere.example", name="Zed Nobody", tid=TENANT, groups=["all-staff"])
    context, page = sign_in_through_provider(browser, organisation_server, "zed")
    try:
        assert "/sign-in/organisation/callback" in page.url
        assert page.locator("h1").inner_text() == "You cannot sign in to tracker"
        assert "does not give you a role" in page.inner_text("#refusal")
        assert_accessible(page, "refusal page")
        assert user_with_email(organisation_server["app"], "zed@elsewhere.example") is None
        page.goto(organisation_server["url"] + "/")
        assert "At a glance" not in page.content()
    finally:
        context.close()


def test_an_unverified_email_does_not_take_over_a_local_account(browser, organisation_server):
    organisation_server["provider"].set_user(
        "mallory", email="admin@tracker.example", name="Mallory", tid=TENANT, groups=["tracker-cumbria-editors"])
    context, page = sign_in_through_provider(browser, organisation_server, "mallory")
    try:
        assert page.locator("h1").inner_text() == "You cannot sign in to tracker"
        assert "did not confirm that the email address is verified" in page.inner_text("#refusal")
        assert_accessible(page, "refusal page (email not verified)")
        app = organisation_server["app"]
        assert user_with_email(app, "admin@tracker.example", "oidc_subject", "role") == (None, Role.ADMIN)
        page.goto(organisation_server["url"] + "/")
        assert "At a glance" not in page.content()
    finally:
        context.close()


def signed_in_administrator(browser, server, javascript: bool):
    """A browser signed in with the demonstration administrator's password."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript,
                                  bypass_csp=True)
    page = context.new_page()
    page.goto(server["url"] + "/sign-in")
    page.fill("#email", "admin@tracker.example")
    page.fill("#password", server["passwords"]["admin@tracker.example"])
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    return context, page


def test_an_administrator_unlinks_an_organisation_account_without_javascript(browser, organisation_server):
    organisation_server["provider"].set_user(
        "uma", email="uma@cumbria.police.example", email_verified=True, name="Uma Editor", tid=TENANT,
        groups=["tracker-cumbria-editors"])
    context, page = sign_in_through_provider(browser, organisation_server, "uma")
    context.close()
    app = organisation_server["app"]
    user_id, subject = user_with_email(app, "uma@cumbria.police.example", "id", "oidc_subject")
    assert subject == "uma"
    context, page = signed_in_administrator(browser, organisation_server, javascript=True)
    try:
        page.goto(f"{organisation_server['url']}/admin/users/{user_id}/edit")
        assert_accessible(page, "a user who signs in with the organisation account")
    finally:
        context.close()
    context, page = signed_in_administrator(browser, organisation_server, javascript=False)
    try:
        page.goto(f"{organisation_server['url']}/admin/users/{user_id}/edit")
        assert "Signs in with the organisation account" in page.content()
        page.click("button:has-text('Unlink the organisation account')")
        page.wait_for_load_state()
        assert page.url.endswith(f"/admin/users/{user_id}/edit")
        assert "Organisation account unlinked" in page.content()
        assert page.locator("text=Unlink the organisation account").count() == 0
        assert user_with_email(app, "uma@cumbria.police.example", "oidc_subject") == (None,)
    finally:
        context.close()
