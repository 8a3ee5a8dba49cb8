"""The data state's token and the cache keyed by it: a write is seen at once, a read changes nothing,
and what is cached is never one user's own (name, sign-out form) or another force's."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import get_tracking, make_user, sign_in
from tests.integration.test_dashboard_queries import counting_queries
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import DataState, Tracking
from tracker.web.caching import cache

URL = "/?as_of=2022-04-01&window=open&per_page=100"


def token() -> str:
    """The data state's token, read afresh."""
    return db.session.scalar(sa.select(DataState.token))


def named_reviewer(client, name: str, forces=("cumbria",)):
    """A client signed in as a reviewer with a name of its own."""
    user = make_user(Role.REVIEWER, forces)
    user.name = name
    db.session.commit()
    return sign_in(client, user)


def test_a_flushed_change_gives_a_new_token(app):
    before = token()
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Token"
    db.session.flush()
    after = token()
    assert len(after) == 32 and after != before


def test_an_update_statement_gives_a_new_token(app):
    before = token()
    db.session.execute(sa.update(Tracking).where(Tracking.id == get_tracking("cumbria", "4.1").id)
                       .values(lead_officer="Superintendent Statement"))
    assert token() != before


def test_a_rolled_back_change_leaves_the_token_as_it_was(app):
    before = token()
    savepoint = db.session.begin_nested()
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Rollback"
    db.session.flush()
    assert token() != before
    savepoint.rollback()
    assert token() == before


def test_reading_pages_leaves_the_token_alone(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    before = token()
    for url in (URL, "/inspections/vawg-2021", "/responses/", "/?as_of=2022-03-01"):
        assert client.get(url).status_code == 200
    assert token() == before


def test_the_dashboard_shows_a_change_at_once(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert "Superintendent Fresh" not in client.get(URL).get_data(as_text=True)
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Fresh"
    db.session.commit()
    assert "Superintendent Fresh" in client.get(URL).get_data(as_text=True)


def test_the_owner_filter_offers_a_new_owner_at_once(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    client.get(URL)
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Chooser"
    db.session.commit()
    assert '<option value="Superintendent Chooser">' in client.get(URL).get_data(as_text=True)


def test_a_cached_page_is_the_computed_page(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    cache.clear()
    computed = client.get(URL).get_data(as_text=True)
    cached = client.get(URL).get_data(as_text=True)
    # The same page but for the layout's script nonce, new in every response (none in the content).
    assert "nonce" not in cached.split("<main")[1].split("</main>")[0]
    assert re.sub(r'nonce="[^"]+"', "", cached) == re.sub(r'nonce="[^"]+"', "", computed)
    assert "data-item=" in cached


def test_a_cached_page_runs_no_query_of_the_items(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    client.get(URL)
    with counting_queries() as statements:
        assert client.get(URL).status_code == 200
    assert not [s for s in statements if "trackings" in s or "inspections" in s], statements
    assert len(statements) <= 4, statements


def test_users_of_the_same_forces_share_the_content_not_the_layout(app):
    alice = named_reviewer(app.test_client(), "Alice Cachetest")
    bob = named_reviewer(app.test_client(), "Bob Cachetest")
    alice_page = alice.get(URL).get_data(as_text=True)
    bob_page = bob.get(URL).get_data(as_text=True)
    assert "Alice Cachetest" in alice_page and "Alice Cachetest" not in bob_page
    assert "Bob Cachetest" in bob_page
    assert alice_page.split("<main")[1] == bob_page.split("<main")[1]


def test_users_of_other_forces_get_their_own_items(app):
    cumbria = named_reviewer(app.test_client(), "Carol Cumbria", ("cumbria",))
    lancashire = named_reviewer(app.test_client(), "Dan Lancashire", ("lancashire",))
    cumbria_ids = {t.id for t in db.session.scalars(sa.select(Tracking).where(
        Tracking.force_id == get_tracking("cumbria", "4.1").force_id))}
    cumbria.get(URL)
    html = lancashire.get(URL).get_data(as_text=True)
    assert "data-item=" in html
    assert not any(f'data-item="recommendation-{i}"' in html for i in cumbria_ids)


def test_a_new_day_is_a_new_page(app, as_role, monkeypatch):
    client = as_role(Role.REVIEWER, ("cumbria",))
    monkeypatch.setattr("tracker.web.views.oversight.today", lambda: date(2022, 4, 1))
    assert "As of 1 April 2022" in client.get("/").get_data(as_text=True)
    monkeypatch.setattr("tracker.web.views.oversight.today", lambda: date(2022, 4, 2))
    assert "As of 2 April 2022" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/?as_of=2022-13-01", "/?window=sometime"])
def test_a_wrong_filter_is_never_cached(as_role, url):
    client = as_role(Role.REVIEWER, ("cumbria",))
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)


def test_one_new_token_per_transaction_and_again_after_a_rolled_back_savepoint(app):
    tracking = get_tracking("cumbria", "4.1")
    with counting_queries() as statements:
        tracking.lead_officer = "Superintendent One"
        db.session.flush()
        tracking.lead_officer = "Superintendent Two"
        db.session.flush()
    assert sum(s.startswith("UPDATE data_state") for s in statements) == 1
    db.session.commit()
    before = token()
    savepoint = db.session.begin_nested()
    tracking.lead_officer = "Superintendent Three"
    db.session.flush()
    savepoint.rollback()
    tracking.lead_officer = "Superintendent Four"
    db.session.flush()
    assert token() != before


def test_browsers_never_store_a_signed_in_page(app, as_role, client):
    assert "Cache-Control" not in client.get("/public/cumbria").headers  # the public's pages may be kept
    signed_in = as_role(Role.REVIEWER, ("cumbria",))
    for url in (URL, "/inspections/vawg-2021", "/public/cumbria"):
        assert signed_in.get(url).headers["Cache-Control"] == "no-store", url
    assert signed_in.get("/static/build/tracker.css").headers.get("Cache-Control") != "no-store"
