"""Signing in with the organisation's account, against a real OpenID Connect provider on loopback:
first sign-in makes the user from the role map, refusals make nothing, the IdP's changes apply at the
next sign-in, the protocol's checks (state, nonce, PKCE, keys) hold, and local passwords can be turned off."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from joserfc.jwk import RSAKey

from tests.factories import TEST_PASSWORD, make_user
from tests.oidc_provider import TENANT, running_provider
from tests.page_check import get_page
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import AuditEvent, User
from tracker.web import oidc


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def organisation(app, provider):
    """The app configured for the provider (settings put back afterwards)."""
    saved = {key: app.config.get(key) for key in provider.config()}
    app.config.update(provider.config())
    yield provider
    app.config.update(saved)


def start(client) -> str:
    """Begin signing in: return the provider's authorisation address tracker sends the browser to."""
    response = client.get("/sign-in/organisation")
    assert response.status_code == 302
    return response.headers["Location"]


def come_back(client, callback: str):
    """Follow the provider's redirect back to tracker."""
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_as(client, provider, sub: str, **claims):
    """The whole journey for an account with these claims; return tracker's answer to the return."""
    provider.set_user(sub, **claims)
    return come_back(client, provider.consent(start(client), sub))


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


EDITOR = {"email": "ada.editor@cumbria.police.example", "email_verified": True, "name": "Ada Editor",
          "groups": ["tracker-cumbria-editors"], "tid": TENANT}


def test_the_button_shows_only_when_configured(app, client, provider):
    assert "organisation's account" not in get_page(client, "/sign-in")
    assert client.get("/sign-in/organisation").status_code == 404
    app.config.update(provider.config())
    try:
        html = get_page(client, "/sign-in")
        assert "Sign in with your organisation's account" in html and 'name="password"' in html
    finally:
        app.config.update(TRACKER_OIDC_ISSUER="", TRACKER_OIDC_CLIENT_ID="")


def test_first_sign_in_makes_the_user_with_the_mapped_role_and_force(client, organisation):
    response = sign_in_as(client, organisation, "ada", **EDITOR)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = user_by_email(EDITOR["email"])
    assert user.role is Role.EDITOR and [f.slug for f in user.forces] == ["cumbria"] and user.name == "Ada Editor"
    assert user.oidc_subject == "ada" and user.oidc_issuer == organisation.url
    html = get_page(client, "/")
    assert "Ada Editor" in html and "Cumbria" in html and "At a glance" in html
    # No password signs in to an account made this way.
    assert client.post("/sign-out").status_code == 302
    client.post("/sign-in", data={"email": EDITOR["email"], "password": ""})
    assert client.get("/").get_data(as_text=True).count("At a glance") == 0


@pytest.mark.parametrize(("claims", "words"), [
    ({**EDITOR, "groups": ["everyone"]}, "does not give you a role"),
    ({**EDITOR, "groups": []}, "does not give you a role"),
    ({**EDITOR, "tid": "another-tenant"}, "does not use this tracker"),
    ({k: v for k, v in EDITOR.items() if k != "tid"}, "does not use this tracker"),
    ({k: v for k, v in EDITOR.items() if k != "email"}, "did not say who you are"),
])
def test_an_account_the_map_or_tenant_refuses_gets_a_refusal_and_no_account(client, organisation, claims, words):
    response = sign_in_as(client, organisation, "refused-" + words.split()[0], **claims)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "You cannot sign in to tracker" in html and words in html
    assert user_by_email(EDITOR["email"]) is None
    assert client.get("/").get_data(as_text=True).count("At a glance") == 0


def test_role_and_force_changes_apply_at_the_next_sign_in(app, client, organisation):
    sign_in_as(client, organisation, "bea", **{**EDITOR, "email": "bea@example.police.uk"})
    client.post("/sign-out")
    sign_in_as(client, organisation, "bea", **{**EDITOR, "email": "bea@example.police.uk",
                                                "groups": ["tracker-lancashire-viewers"]})
    user = user_by_email("bea@example.police.uk")
    assert user.role is Role.VIEWER and [f.slug for f in user.forces] == ["lancashire"]
    client.post("/sign-out")
    sign_in_as(client, organisation, "bea", **{**EDITOR, "email": "bea@example.police.uk", "groups": [],
                                                "roles": ["Tracker.Admin"]})
    user = user_by_email("bea@example.police.uk")
    assert user.role is Role.ADMIN and len(user.forces) == 43
    # Taken out of every group: refused, and the account is left as it was (not signed in).
    client.post("/sign-out")
    response = sign_in_as(client, organisation, "bea", **{**EDITOR, "email": "bea@example.police.uk", "groups": []})
    assert response.status_code == 403


def refusals_of(user: User) -> list[dict]:
    """The refused organisation sign-ins the audit trail holds against a user."""
    return [event.changes for event in db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "User", AuditEvent.entity_id == user.id,
        AuditEvent.event == "organisation sign-in refused").order_by(AuditEvent.id))]


def signed_in(client) -> bool:
    return "At a glance" in client.get("/").get_data(as_text=True)


def unverified(email: str, **more) -> dict:
    """EDITOR's claims with this email address and no `email_verified` claim (as Entra ID sends them)."""
    return {**{k: v for k, v in EDITOR.items() if k != "email_verified"}, "email": email, **more}


@pytest.mark.parametrize("verified", [True, "true"])
def test_a_local_account_with_the_same_verified_email_becomes_the_organisation_account(client, organisation, verified):
    local = make_user(Role.VIEWER, ("lancashire",), email="cat@cumbria.police.example")
    response = sign_in_as(client, organisation, "cat", **{**EDITOR, "email": "Cat@cumbria.police.example",
                                                            "email_verified": verified})
    assert response.status_code == 302 and signed_in(client)
    user = user_by_email("cat@cumbria.police.example")
    assert user.id == local.id and user.role is Role.EDITOR and [f.slug for f in user.forces] == ["cumbria"]
    assert (user.oidc_issuer, user.oidc_subject) == (organisation.url, "cat")
    assert refusals_of(user) == []


@pytest.mark.parametrize("verified", [None, False, "false", 1])
def test_a_local_account_is_not_taken_over_by_an_unverified_email(client, organisation, verified):
    admin = make_user(Role.ADMIN, ("cumbria",), email="root@cumbria.police.example")
    claims = unverified("root@cumbria.police.example") if verified is None else {
        **EDITOR, "email": "root@cumbria.police.example", "email_verified": verified}
    response = sign_in_as(client, organisation, "mallory", **claims)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "You cannot sign in to tracker" in html and "did not confirm that the email address is verified" in html
    assert not signed_in(client)
    user = user_by_email("root@cumbria.police.example")
    assert user.id == admin.id and user.role is Role.ADMIN and user.oidc_subject is None and user.oidc_issuer is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        sa.func.lower(User.email) == "root@cumbria.police.example")) == 1
    [refusal] = refusals_of(user)
    assert refusal["refused"][1] == "the identity provider did not say the email address is verified"
    assert refusal["oidc_subject"] == [None, "mallory"] and refusal["oidc_issuer"] == [None, organisation.url]
    # The local password still works: nothing about the account changed.
    client.post("/sign-in", data={"email": "root@cumbria.police.example", "password": TEST_PASSWORD})
    assert signed_in(client)


def test_trust_email_links_an_account_whose_provider_sends_no_email_verified(app, client, organisation):
    local = make_user(Role.VIEWER, ("lancashire",), email="jo@cumbria.police.example")
    app.config["TRACKER_OIDC_TRUST_EMAIL"] = True
    try:
        # A provider that says the address is not verified is believed even so.
        response = sign_in_as(client, organisation, "jo", **{**EDITOR, "email": "jo@cumbria.police.example",
                                                              "email_verified": False})
        assert response.status_code == 403 and user_by_email("jo@cumbria.police.example").oidc_subject is None
        response = sign_in_as(client, organisation, "jo", **unverified("jo@cumbria.police.example"))
        assert response.status_code == 302 and signed_in(client)
    finally:
        app.config["TRACKER_OIDC_TRUST_EMAIL"] = False
    user = user_by_email("jo@cumbria.police.example")
    assert user.id == local.id and user.oidc_subject == "jo" and user.role is Role.EDITOR


def test_an_account_linked_to_one_identity_is_not_taken_by_another_with_the_same_email(app, client, organisation):
    assert sign_in_as(client, organisation, "ivy", **{**EDITOR, "email": "ivy@cumbria.police.example"}).status_code == 302
    client.post("/sign-out")
    first = user_by_email("ivy@cumbria.police.example")
    other = app.test_client()
    response = sign_in_as(other, organisation, "ivy-impostor", **{**EDITOR, "email": "ivy@cumbria.police.example",
                                                                   "roles": ["Tracker.Admin"]})
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "linked to a different organisation account" in html and "Ask a tracker administrator" in html
    assert not signed_in(other)
    user = user_by_email("ivy@cumbria.police.example")
    assert user.id == first.id and user.oidc_subject == "ivy" and user.role is Role.EDITOR
    [refusal] = refusals_of(user)
    assert refusal["refused"][1] == "already linked to another organisation account"
    assert refusal["oidc_subject"] == [None, "ivy-impostor"]
    # The trust setting does not change that, and the linked identity still signs in.
    app.config["TRACKER_OIDC_TRUST_EMAIL"] = True
    try:
        assert sign_in_as(app.test_client(), organisation, "ivy-impostor",
                          **unverified("ivy@cumbria.police.example")).status_code == 403
    finally:
        app.config["TRACKER_OIDC_TRUST_EMAIL"] = False
    assert len(refusals_of(user)) == 2
    assert sign_in_as(client, organisation, "ivy", **{**EDITOR, "email": "ivy@cumbria.police.example"}).status_code == 302
    assert signed_in(client) and user_by_email("ivy@cumbria.police.example").oidc_subject == "ivy"


def test_preferred_username_never_links_or_makes_an_account(client, organisation):
    local = make_user(Role.ADMIN, ("cumbria",), email="kim@cumbria.police.example")
    claims = {k: v for k, v in EDITOR.items() if k != "email"}
    response = sign_in_as(client, organisation, "kim-chosen", **{**claims, "preferred_username": "kim@cumbria.police.example"})
    assert response.status_code == 403 and "did not say who you are" in response.get_data(as_text=True)
    user = user_by_email("kim@cumbria.police.example")
    assert user.id == local.id and user.oidc_subject is None and user.role is Role.ADMIN
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.oidc_subject == "kim-chosen")) == 0
    # It names a new user who has no name claim; the email address is the `email` claim's.
    nameless = {k: v for k, v in EDITOR.items() if k != "name"}
    response = sign_in_as(client, organisation, "lee", **{**nameless, "email": "lee@cumbria.police.example",
                                                           "preferred_username": "Lee (Cumbria OPCC)"})
    assert response.status_code == 302
    user = user_by_email("lee@cumbria.police.example")
    assert user.name == "Lee (Cumbria OPCC)" and user.oidc_subject == "lee"


def test_a_linked_account_signs_in_by_its_subject_alone(client, organisation):
    sign_in_as(client, organisation, "mo", **{**EDITOR, "email": "mo@cumbria.police.example"})
    client.post("/sign-out")
    # The provider no longer sends an email address, or sends another: the subject decides.
    response = sign_in_as(client, organisation, "mo", **{k: v for k, v in EDITOR.items() if k != "email"})
    assert response.status_code == 302 and signed_in(client)
    client.post("/sign-out")
    response = sign_in_as(client, organisation, "mo", **unverified("someone.else@cumbria.police.example"))
    assert response.status_code == 302 and signed_in(client)
    assert user_by_email("mo@cumbria.police.example").oidc_subject == "mo"
    assert user_by_email("someone.else@cumbria.police.example") is None


def test_an_email_claim_that_is_not_an_email_address_makes_no_account(client, organisation):
    response = sign_in_as(client, organisation, "nat", **{**EDITOR, "email": "not an address"})
    assert response.status_code == 403 and "did not say who you are" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.oidc_subject == "nat")) == 0


def test_a_deactivated_user_is_refused(client, organisation):
    local = make_user(Role.EDITOR, ("cumbria",), email="dan@cumbria.police.example")
    local.active = False
    db.session.commit()
    response = sign_in_as(client, organisation, "dan", **{**EDITOR, "email": "dan@cumbria.police.example"})
    assert response.status_code == 403 and "switched off" in response.get_data(as_text=True)


def test_the_request_carries_state_nonce_and_a_pkce_challenge(client, organisation):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0] and query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://localhost/sign-in/organisation/callback"]


def test_a_tampered_state_is_refused(client, organisation):
    organisation.set_user("eve", **{**EDITOR, "email": "eve@cumbria.police.example"})
    callback = organisation.consent(start(client), "eve")
    tampered = callback.replace("state=", "state=x")
    response = come_back(client, tampered)
    assert response.status_code == 400 and "did not complete" in response.get_data(as_text=True)
    assert user_by_email("eve@cumbria.police.example") is None
    # A return from another browser's sign-in (no state in this session) is refused too.
    other = come_back(client.application.test_client(), callback)
    assert other.status_code == 400


def test_a_wrong_nonce_is_refused(client, organisation):
    organisation.set_user("fay", **{**EDITOR, "email": "fay@cumbria.police.example"})
    callback = organisation.consent(start(client), "fay")
    with client.session_transaction() as session:
        for key, value in session.items():
            if key.startswith("_state_"):
                value["data"]["nonce"] = "not-the-nonce-sent"
                session[key] = value
    response = come_back(client, callback)
    assert response.status_code == 400
    assert user_by_email("fay@cumbria.police.example") is None


def test_the_issuers_keys_are_kept_and_fetched_again_for_an_unknown_key(app, organisation):
    for n in range(2):
        client = app.test_client()
        assert sign_in_as(client, organisation, f"gus{n}", **{**EDITOR, "email": f"gus{n}@example.police.uk"}).status_code == 302
    fetched = organisation.hits["/jwks"]
    assert fetched >= 1
    client = app.test_client()
    sign_in_as(client, organisation, "gus2", **{**EDITOR, "email": "gus2@example.police.uk"})
    assert organisation.hits["/jwks"] == fetched  # kept, not fetched per sign-in
    # The issuer rotates its key: the kept set no longer holds the key that signs.
    with app.test_request_context():
        kept = oidc.client()
        kept.server_metadata["jwks"] = {"keys": [RSAKey.generate_key(2048, {"kid": "retired-key"}).as_dict(private=False)]}
    response = sign_in_as(app.test_client(), organisation, "gus3", **{**EDITOR, "email": "gus3@example.police.uk"})
    assert response.status_code == 302
    assert organisation.hits["/jwks"] == fetched + 1


def test_local_passwords_can_be_switched_off(app, client, organisation):
    make_user(Role.EDITOR, ("cumbria",), email="hal@cumbria.police.example")
    app.config["TRACKER_LOCAL_SIGN_IN"] = False
    try:
        html = get_page(client, "/sign-in")
        assert "Sign in with your organisation's account" in html and 'name="password"' not in html
        response = client.post("/sign-in", data={"email": "hal@cumbria.police.example", "password": TEST_PASSWORD})
        assert response.status_code == 403
        assert client.get("/").get_data(as_text=True).count("At a glance") == 0
        assert sign_in_as(client, organisation, "hal", **{**EDITOR, "email": "hal@cumbria.police.example"}).status_code == 302
    finally:
        app.config["TRACKER_LOCAL_SIGN_IN"] = True


def test_a_wrong_role_map_stops_the_app_starting():
    from tracker import create_app
    from tracker.domain.identity import RoleMapError

    with pytest.raises(RoleMapError, match="role must be one of"):
        create_app({"TESTING": True, "TRACKER_OIDC_ROLE_MAP": json.dumps(
            {"rules": [{"value": "g", "role": "chief", "forces": ["cumbria"]}]})})


def test_an_administrator_unlinks_an_account_so_the_persons_new_identity_can_link(app, client, as_role, organisation):
    ivy = {**EDITOR, "email": "ivy@cumbria.police.example"}
    assert sign_in_as(client, organisation, "ivy-old", **ivy).status_code == 302
    user = user_by_email("ivy@cumbria.police.example")
    # The person's organisation account is replaced: the new one is refused until an administrator acts.
    assert sign_in_as(app.test_client(), organisation, "ivy-new", **ivy).status_code == 403
    admin = as_role(Role.ADMIN, ("cumbria",))
    page = get_page(admin, f"/admin/users/{user.id}/edit")
    assert "ivy-old" in page and "Unlink the organisation account" in page
    elsewhere = as_role(Role.ADMIN, ("lancashire",))
    assert elsewhere.post(f"/admin/users/{user.id}/unlink").status_code == 404
    assert as_role(Role.EDITOR, ("cumbria",)).post(f"/admin/users/{user.id}/unlink").status_code == 403
    assert user_by_email("ivy@cumbria.police.example").oidc_subject == "ivy-old"
    response = admin.post(f"/admin/users/{user.id}/unlink")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{user.id}/edit"
    unlinked = user_by_email("ivy@cumbria.police.example")
    assert unlinked.oidc_subject is None and unlinked.oidc_issuer is None
    assert "Unlink the organisation account" not in get_page(admin, f"/admin/users/{user.id}/edit")
    [event] = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "User", AuditEvent.entity_id == user.id, AuditEvent.event == "updated")
        .order_by(AuditEvent.id.desc()).limit(1))
    assert event.changes["oidc_subject"] == ["ivy-old", None] and event.user_id is not None
    assert not signed_in(client)  # the old identity's session ended
    newcomer = app.test_client()
    assert sign_in_as(newcomer, organisation, "ivy-new", **ivy).status_code == 302 and signed_in(newcomer)
    assert user_by_email("ivy@cumbria.police.example").id == user.id
    assert user_by_email("ivy@cumbria.police.example").oidc_subject == "ivy-new"
    # Now the old identity is the one refused.
    assert sign_in_as(app.test_client(), organisation, "ivy-old", **ivy).status_code == 403


def test_a_first_sign_in_that_another_made_first_signs_in_to_that_user(client, organisation, monkeypatch):
    """Two first sign-ins at once (two browsers, a double click): both look and find no user, one makes
    it. The other's write is refused by the database; it signs in to the user the first made (its own
    account's), and a second account with the same address is refused as linked elsewhere: never a 500,
    never a second user."""
    assert sign_in_as(client, organisation, "ada", **EDITOR).status_code == 302
    client.post("/sign-out")
    from tracker.services import users as user_service
    monkeypatch.setattr(user_service, "user_for_account", lambda *args, **kwargs: None)  # looked before it was made
    response = sign_in_as(client, organisation, "ada", **{**EDITOR, "groups": ["tracker-lancashire-viewers"]})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert user_by_email(EDITOR["email"]).role is Role.VIEWER
    client.post("/sign-out")
    response = sign_in_as(client, organisation, "someone-else", **EDITOR)
    assert response.status_code == 403 and "linked to a different organisation account" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == EDITOR["email"])) == 1
    assert user_by_email(EDITOR["email"]).oidc_subject == "ada"
