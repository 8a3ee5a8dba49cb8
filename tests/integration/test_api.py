"""The data API: tokens, force isolation, paging, errors, the OpenAPI document, and the overdue view
equal to the dashboard's."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import current_app
from openapi_spec_validator import validate

from tests.api_check import SPEC, api_get, check_answer
from tests.factories import get_force, get_inspection, get_tracking, make_user, sign_in
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import ApiToken, StatutoryResponse, utcnow
from tracker.services import force_pages_reach, overdue, reach_token
from tracker.services import tokens as token_service
from tracker.services import users as user_service
from tracker.web.caching import cache


def token_for(user, days: int = 90) -> str:
    """A new token's secret for the user (committed, as the settings page does)."""
    _, secret = token_service.create_token(user, "test token", days)
    db.session.commit()
    return secret


@pytest.fixture
def cumbria_user(app):
    return make_user(Role.VIEWER, ("cumbria",))


@pytest.fixture
def cumbria_token(cumbria_user):
    return token_for(cumbria_user)


@pytest.fixture
def lancashire_token(app):
    return token_for(make_user(Role.EDITOR, ("lancashire",)))


@pytest.fixture
def records(app):
    """Cumbria's records the API's addresses name."""
    tracking = get_tracking("cumbria", "4")
    response = db.session.scalar(sa.select(StatutoryResponse).where(
        StatutoryResponse.force_id == get_force("cumbria").id,
        StatutoryResponse.inspection_id == get_inspection("vawg-2021").id))
    return {"tracking": tracking.id, "action": tracking.actions[0].id, "rec": tracking.recommendation_id,
            "response": response.id, "inspection": "vawg-2021"}


def app_client():
    """A fresh client with no session cookie (tokens only)."""
    return current_app.test_client()


LISTS = ["/api/v1/inspections", "/api/v1/inspections/{inspection}/recommendations", "/api/v1/trackings",
         "/api/v1/actions", "/api/v1/statutory-responses", "/api/v1/overdue?as_of=2022-04-01"]
ONE_FORCE_RECORDS = ["/api/v1/trackings/{tracking}", "/api/v1/actions/{action}", "/api/v1/statutory-responses/{response}"]
SHARED_RECORDS = ["/api/v1/inspections/{inspection}", "/api/v1/recommendations/{rec}"]
EVERY_ENDPOINT = LISTS + ONE_FORCE_RECORDS + SHARED_RECORDS


def test_the_openapi_document_is_valid_and_names_every_route(app, client):
    validate(SPEC)
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.get_json() == SPEC
    routes = {re.sub(r"<(?:int:)?([a-z_]+)>", "{id}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/")}
    documented = {re.sub(r"\{[a-z_]+\}", "{id}", path) for path in SPEC["paths"]}
    assert routes == documented


@pytest.mark.parametrize("path", EVERY_ENDPOINT)
def test_every_endpoint_answers_its_own_force(cumbria_token, records, path):
    body = api_get(app_client(), path.format(**records), cumbria_token)
    items = body.get("data", [body])
    assert items, path
    for item in items:
        assert item.get("force", "cumbria") == "cumbria"


@pytest.mark.parametrize("path", ONE_FORCE_RECORDS)
def test_another_forces_record_is_404_exactly_as_a_missing_one(lancashire_token, records, path):
    client = app_client()
    other = api_get(client, path.format(**records), lancashire_token, 404)
    missing = api_get(client, path.format(**{k: 2_000_000_000 for k in records}), lancashire_token, 404)
    assert other == missing == {"error": {"status": 404, "message": "Not found"}}


@pytest.mark.parametrize("path", ["/api/v1/trackings", "/api/v1/actions", "/api/v1/statutory-responses",
                                  "/api/v1/overdue?as_of=2022-04-01&window=open"])
def test_lists_hold_only_the_users_forces(lancashire_token, path):
    body = api_get(app_client(), path + ("&" if "?" in path else "?") + "per_page=1000", lancashire_token)
    assert body["data"] and {item["force"] for item in body["data"]} == {"lancashire"}


def test_inspections_and_recommendations_are_the_same_for_every_force(lancashire_token, records):
    """As on the inspection pages: the report is shared, its tracking is each force's own."""
    client = app_client()
    assert api_get(client, f"/api/v1/recommendations/{records['rec']}", lancashire_token)["id"] == records["rec"]
    assert api_get(client, "/api/v1/inspections/vawg-2021", lancashire_token)["slug"] == "vawg-2021"


@pytest.mark.parametrize("path", EVERY_ENDPOINT)
def test_no_token_a_wrong_one_or_a_cookie_is_401(as_role, records, path):
    url = path.format(**records)
    client = app_client()
    for headers in ({}, {"Authorization": "Bearer trk_not-a-token"}, {"Authorization": "Basic dXNlcjpwYXNz"},
                    {"Authorization": "Bearer "}):
        api_get(client, url, None, 401, headers=headers)
    # A signed-in session cookie is not accepted by the API: only tokens are.
    signed_in = as_role(Role.ADMIN, ("cumbria",))
    body = api_get(signed_in, url, None, 401)
    assert body["error"]["status"] == 401
    assert signed_in.get(url).headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("how", ["expired", "revoked", "deactivated"])
def test_expired_revoked_and_deactivated_users_tokens_are_401(cumbria_user, records, how):
    secret = token_for(cumbria_user, 30)
    client = app_client()
    api_get(client, "/api/v1/trackings", secret)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == cumbria_user.id))
    if how == "expired":
        token.expires_at = utcnow() - timedelta(seconds=1)
    elif how == "revoked":
        token_service.revoke_token(token)
    else:
        user_service.update_user(cumbria_user, name=cumbria_user.name, role=cumbria_user.role,
                                 forces=cumbria_user.forces, active=False)
    db.session.commit()
    for path in EVERY_ENDPOINT:
        body = api_get(client, path.format(**records), secret, 401)
        assert "not valid" in body["error"]["message"]


def test_a_token_sees_what_its_user_sees_after_their_forces_change(cumbria_user, cumbria_token):
    client = app_client()
    assert {i["force"] for i in api_get(client, "/api/v1/trackings?per_page=1000", cumbria_token)["data"]} == {"cumbria"}
    user_service.update_user(cumbria_user, name=cumbria_user.name, role=cumbria_user.role,
                             forces=[get_force("lancashire")], active=True)
    db.session.commit()
    assert {i["force"] for i in api_get(client, "/api/v1/trackings?per_page=1000", cumbria_token)["data"]} == {"lancashire"}


def test_pages_hold_every_item_once_with_links_and_totals(cumbria_token):
    client = app_client()
    whole = api_get(client, "/api/v1/trackings?per_page=1000", cumbria_token)
    total = whole["meta"]["total"]
    assert total == len(whole["data"]) > 3
    seen, url = [], "/api/v1/trackings?per_page=3"
    while url:
        body = api_get(client, url, cumbria_token)
        assert body["meta"]["total"] == total and body["meta"]["pages"] == -(-total // 3)
        seen += [item["id"] for item in body["data"]]
        url = body["links"]["next"]
    assert seen == [item["id"] for item in whole["data"]]
    last = api_get(client, "/api/v1/trackings?per_page=3&page=2", cumbria_token)["links"]
    assert last["prev"].endswith("page=1&per_page=3") and "page=2" in last["self"] and last["first"].endswith("page=1&per_page=3")
    beyond = api_get(client, f"/api/v1/trackings?per_page=3&page={total}", cumbria_token)
    assert beyond["data"] == [] and beyond["links"]["next"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("/api/v1/trackings?page=0", "page"), ("/api/v1/trackings?page=x", "page"),
    ("/api/v1/trackings?per_page=1001", "per_page"), ("/api/v1/trackings?per_page=-1", "per_page"),
    ("/api/v1/trackings?force=lancashire", "force"), ("/api/v1/trackings?status=lost", "status"),
    ("/api/v1/trackings?inspection=no-such-report", "inspection"), ("/api/v1/actions?tracking=abc", "tracking"),
    ("/api/v1/inspections?type=novel", "type"), ("/api/v1/inspections?year=21", "year"),
    ("/api/v1/statutory-responses?force=%00", "force"), ("/api/v1/actions?inspection=a%00b", "inspection"),
    ("/api/v1/overdue?as_of=31/02/2022", "as_of"), ("/api/v1/overdue?force=lancashire", "force"),
    ("/api/v1/overdue?window=soon", "window"), ("/api/v1/overdue?sort=colour", "sort"),
    ("/api/v1/overdue?theme=%F0%9F%92%A5", "theme"), ("/api/v1/overdue?per_page=0", "per_page"),
])
def test_bad_filters_are_400_naming_the_field(cumbria_token, query, field):
    body = api_get(app_client(), query, cumbria_token, 400)
    assert field in body["error"]["fields"], body


def test_unknown_addresses_and_methods_answer_in_json(cumbria_token):
    client = app_client()
    headers = {"Authorization": f"Bearer {cumbria_token}"}
    for url, status in (("/api/v1/nothing-here", 404), ("/api/v1/trackings/99999999999", 404),
                        ("/api/v1/inspections/no-such-report", 404), ("/api/v1/inspections/a%00b", 404),
                        ("/api/v1/inspections/no-such-report/recommendations", 404)):
        response = client.get(url, headers=headers)
        assert response.status_code == status and response.get_json()["error"]["status"] == status
    response = client.post("/api/v1/trackings", headers=headers)
    assert response.status_code == 405 and response.get_json()["error"]["status"] == 405


def test_actions_carry_their_latest_update(cumbria_token, records):
    client = app_client()
    one = api_get(client, f"/api/v1/actions/{records['action']}", cumbria_token)
    assert one["updates"], "the demonstration action has progress updates"
    assert one["latest_update"] == one["updates"][0]
    assert [u["occurred_on"] for u in one["updates"]] == sorted((u["occurred_on"] for u in one["updates"]), reverse=True)
    listed = api_get(client, f"/api/v1/actions?tracking={records['tracking']}", cumbria_token)["data"]
    assert next(a for a in listed if a["id"] == records["action"])["latest_update"] == one["latest_update"]


def test_every_request_is_logged_with_the_token_and_its_last_use_recorded(cumbria_user, caplog):
    token, secret = token_service.create_token(cumbria_user, "logged", 30)
    db.session.commit()
    assert token.last_used_at is None
    with caplog.at_level(logging.INFO):
        api_get(app_client(), "/api/v1/trackings?per_page=2", secret)
        api_get(app_client(), "/api/v1/trackings/2000000000", secret, 404)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("api request")]
    assert any(f"token={token.id} status=200 GET /api/v1/trackings?per_page=2" in line for line in lines)
    assert any(f"token={token.id} status=404" in line for line in lines)
    assert not any(secret in r.getMessage() for r in caplog.records)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_only_a_hash_of_the_secret_is_stored(cumbria_user):
    token, secret = token_service.create_token(cumbria_user, "hashed", 30)
    assert secret.startswith("trk_") and len(secret) > 40 and secret not in token.secret_hash
    assert token_service.find_token(secret) is token
    assert token_service.find_token(secret[:-1]) is None


# --- the overdue view equals the dashboard's ---------------------------------------------------------


def dashboard_keys(client, query: str) -> list[str]:
    """Every row key of the dashboard over all its pages."""
    keys, page = [], 1
    while True:
        html = client.get(f"/?{query}&page={page}").get_data(as_text=True)
        keys += re.findall(r'data-item="([a-z_]+-\d+)"', html)
        if not re.search(rf"[?&;]page={page + 1}(?!\d)", html):
            return keys
        page += 1


def api_keys(client, token: str, query: str, per_page: int = 7) -> tuple[list[str], dict]:
    """Every row key of the API's overdue view over all its pages, and the first page's meta."""
    keys, url, meta = [], f"/api/v1/overdue?{query}&per_page={per_page}", None
    while url:
        body = api_get(client, url, token)
        meta = meta or body["meta"]
        keys += [f"{row['type']}-{row['id']}" for row in body["data"]]
        url = body["links"]["next"]
    return keys, meta


@pytest.mark.parametrize("query", [
    "as_of=2022-04-01",
    "as_of=2022-04-01&window=open&per_page=10",
    "as_of=2022-04-01&window=open&sort=owner&order=asc&per_page=10",
    "as_of=2022-04-01&window=open&type=action&per_page=10",
    "as_of=2022-04-01&window=90&force=cumbria&per_page=10",
    "as_of=2021-12-01&window=open&kind=recommendation&inspection=vawg-2021&per_page=10",
    "as_of=2023-06-30&window=overdue&sort=updated&per_page=10",
    "as_of=2022-04-01&window=open&status=not_published&per_page=10",
])
def test_the_overdue_view_equals_the_dashboards(as_role, query):
    user = make_user(Role.REVIEWER, ("cumbria", "lancashire"))
    token = token_for(user)
    page = sign_in(app_client(), user)
    expected = dashboard_keys(page, query)
    keys, meta = api_keys(app_client(), token, query.replace("&per_page=10", ""))
    assert keys == expected
    assert meta["total"] == len(expected)
    if "as_of=2022-04-01" in query:
        assert meta["as_of"] == "2022-04-01"


def test_the_overdue_view_by_owner_and_theme_equals_the_dashboards(as_role):
    """The API's form is only read, never drawn: it looks at the owners and the themes only to check one
    asked for, and then answers as the dashboard does; one not among the choices is a 400."""
    user = make_user(Role.REVIEWER, ("cumbria", "lancashire"))
    token = token_for(user)
    page = sign_in(app_client(), user)
    owner = overdue.owners([get_force("cumbria").id])[0]
    for query in (f"as_of=2022-04-01&window=open&owner={quote(owner)}", "as_of=2022-04-01&window=open&theme=vawg"):
        expected = dashboard_keys(page, query)
        assert expected, query
        assert api_keys(app_client(), token, query)[0] == expected
    for query, field in (("owner=Nobody%20Here", "owner"), ("theme=nope", "theme")):
        assert field in api_get(app_client(), f"/api/v1/overdue?{query}", token, 400)["error"]["fields"]
    # Another force's owner is not one of this user's choices.
    other = make_user(Role.REVIEWER, ("lancashire",))
    theirs = set(overdue.owners([get_force("cumbria").id])) - set(overdue.owners([get_force("lancashire").id]))
    assert "owner" in api_get(app_client(), f"/api/v1/overdue?owner={quote(sorted(theirs)[0])}", token_for(other),
                              400)["error"]["fields"]


def test_the_overdue_view_reads_no_owners_or_themes_it_is_not_asked_to_check(cumbria_token):
    api_get(app_client(), "/api/v1/overdue", cumbria_token)
    cache.clear()
    sent: list[str] = []

    def before(conn, cursor, statement, *args):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        api_get(app_client(), "/api/v1/overdue", cumbria_token)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    assert not [s for s in sent if "RECURSIVE" in s or "themes" in s or "data_states" in s], sent


def test_an_overdue_row_says_what_the_dashboard_works_out(cumbria_token):
    body = api_get(app_client(), "/api/v1/overdue?as_of=2022-04-01&type=recommendation", cumbria_token)
    row = next(r for r in body["data"] if r["ref"] == "4.1")
    assert row["due_on"] == "2022-03-31" and row["days_overdue"] == 1 and row["rag"] == "red"
    assert row["state"] == "overdue" and row["web_url"].endswith(f"/tracking/{row['tracking_id']}")
    assert body["meta"]["counts"]["recommendation"]["overdue"] == body["meta"]["total"]


def test_error_answers_match_the_document_too(app):
    check_answer("/api/v1/trackings", 401, {"error": {"status": 401, "message": "x"}})
    with pytest.raises(AssertionError):
        check_answer("/api/v1/trackings", 200, {"data": [], "meta": {}, "links": {}})


def test_recording_a_tokens_use_leaves_the_page_cache_alone(cumbria_user):
    """The last-use write is not a change of the data: cached dashboards stay valid."""
    token, secret = token_service.create_token(cumbria_user, "cache", 30)
    db.session.commit()
    force_ids = [get_force("cumbria").id]
    before = reach_token(force_pages_reach(force_ids))
    db.session.commit()
    api_get(app_client(), "/api/v1/overdue", secret)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    assert reach_token(force_pages_reach(force_ids)) == before


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_role_reads_every_endpoint_of_its_forces_only(app, records, role):
    """Reading is every role's: a token of any role answers as its user's pages do (own force 200,
    another force's records 404; a service administrator belongs to every force)."""
    token = token_for(make_user(role, ("cumbria",)))
    client = app_client()
    for path in EVERY_ENDPOINT:
        api_get(client, path.format(**records), token)
    other = token_for(make_user(role, ("lancashire",)))
    for path in ONE_FORCE_RECORDS:
        api_get(client, path.format(**records), other, 200 if role is Role.SERVICE_ADMIN else 404)
