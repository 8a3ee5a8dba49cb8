"""The API tokens page: make a token (shown once, stored hashed), see it, revoke it; errors on the form."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.api_check import api_get
from tests.factories import make_user, sign_in
from tests.page_check import csrf_token, get_page, post_page
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import ApiToken, utcnow


def tokens_of(user) -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)))


def new_token(client, name: str = "Power BI", expires: str = "30") -> str:
    """Make a token through the page; return its secret as the page shows it."""
    html = post_page(client, "/settings/api-tokens", {"name": name, "expires": expires})
    match = re.search(r'id="new-token">([^<]+)<', html)
    assert match, "the new token is shown"
    return match.group(1)


def test_a_token_is_shown_once_stored_hashed_and_works(app):
    user = make_user(Role.VIEWER, ("cumbria",))
    client = sign_in(app.test_client(), user)
    html = get_page(client, "/settings/api-tokens")
    assert "You have no API tokens" in html and 'value="90" checked' in html.replace("checked=\"checked\"", "checked")
    secret = new_token(client, "Board report", "30")
    [token] = tokens_of(user)
    assert token.name == "Board report" and secret not in token.secret_hash
    assert abs(token.expires_at - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)
    api_get(app.test_client(), "/api/v1/trackings", secret)
    listed = get_page(client, "/settings/api-tokens")
    assert "Board report" in listed and secret not in listed and "Never" not in listed  # its last use is shown


def test_revoking_stops_the_token_and_another_users_token_is_404(app):
    owner, other = make_user(Role.EDITOR, ("cumbria",)), make_user(Role.EDITOR, ("cumbria",))
    client = sign_in(app.test_client(), owner)
    secret = new_token(client)
    [token] = tokens_of(owner)
    assert sign_in(app.test_client(), other).post(f"/settings/api-tokens/{token.id}/revoke").status_code == 404
    api_get(app.test_client(), "/api/v1/trackings", secret)
    response = client.post(f"/settings/api-tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert tokens_of(owner)[0].revoked_at is not None
    assert "You have no API tokens" in get_page(client, "/settings/api-tokens")
    api_get(app.test_client(), "/api/v1/trackings", secret, 401)
    assert client.post(f"/settings/api-tokens/{token.id}/revoke").status_code == 404
    assert client.post("/settings/api-tokens/99999999999/revoke").status_code == 404


def test_wrong_input_re_displays_the_form_with_errors_and_makes_nothing(app):
    user = make_user(Role.VIEWER, ("cumbria",))
    client = sign_in(app.test_client(), user)
    for data, message in (({"name": "", "expires": "30"}, "Enter a name for the token"),
                          ({"name": "x" * 101, "expires": "30"}, "100 characters or fewer"),
                          ({"name": "ok", "expires": "7"}, "Not a valid choice"),
                          ({"name": "ok"}, "Select when the token expires"),
                          ({"name": "   ", "expires": "90"}, "Enter a name for the token")):
        html = post_page(client, "/settings/api-tokens", data)
        assert "There is a problem" in html and message in html, data
        assert 'id="new-token"' not in html
    assert tokens_of(user) == []


def test_the_tokens_page_needs_sign_in_and_csrf(csrf_app):
    assert csrf_app.test_client().get("/settings/api-tokens").status_code == 302
    user = make_user(Role.VIEWER, ("cumbria",))
    client = sign_in(csrf_app.test_client(), user)
    assert client.post("/settings/api-tokens", data={"name": "x", "expires": "30"}).status_code == 400
    html = get_page(client, "/settings/api-tokens")
    client.post("/settings/api-tokens", data={"name": "x", "expires": "30", "csrf_token": csrf_token(html)})
    [token] = tokens_of(user)
    assert client.post(f"/settings/api-tokens/{token.id}/revoke").status_code == 400
    assert tokens_of(user)[0].revoked_at is None


def test_expired_tokens_are_listed_as_expired(app):
    user = make_user(Role.VIEWER, ("cumbria",))
    client = sign_in(app.test_client(), user)
    new_token(client, "Old report")
    token = tokens_of(user)[0]
    token.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert "Expired" in get_page(client, "/settings/api-tokens")


def test_a_request_reads_its_token_user_and_forces_in_one_query(app):
    """The token is read with its user and the user's forces (which every API request reads next)."""
    user = make_user(Role.VIEWER, ("cumbria", "durham"))
    secret = new_token(sign_in(app.test_client(), user))
    api_get(app.test_client(), "/api/v1/overdue", secret)  # its last use written (once a minute)
    db.session.expunge_all()  # as a new request's session: nothing loaded yet
    sent: list[str] = []

    def before(conn, cursor, statement, *args):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        api_get(app.test_client(), "/api/v1/overdue", secret)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    reading_users = [s for s in sent if re.search(r"\bFROM users\b|\bJOIN users\b|\buser_forces\b", s)]
    assert len(reading_users) == 1 and "api_tokens" in reading_users[0]
