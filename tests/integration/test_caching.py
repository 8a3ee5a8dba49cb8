"""The data state's tokens and the cache keyed by them: a write is seen at once (from any worker), a
read changes nothing, a write to one force leaves the other forces' cached pages alone, and what is
cached is never one user's own (name, sign-out form) or another force's."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import _OwnUserClient
from tests.factories import TEST_PASSWORD, get_force, get_inspection, get_tracking, make_user, sign_in
from tests.integration.test_dashboard_queries import counting_queries
from tracker import create_app
from tracker.db import data_state, db
from tracker.db.data_state import SHARED, force_scope, reach
from tracker.domain.register import ItemFilter
from tracker.domain.statuses import Role
from tracker.models import DataState, Tracking, User, utcnow
from tracker.services.inspections import refresh_due_dates
from tracker.services.oversight import set_themes
from tracker.web.caching import cache

URL = "/?as_of=2022-04-01&window=open&per_page=100"


SLUGS = ("cumbria", "lancashire", "essex")


def stored() -> dict[str, str]:
    """Every data state's token as stored, read afresh, by the names `shared` and the forces' slugs."""
    rows = dict(db.session.execute(sa.select(DataState.scope, DataState.token)).all())
    named = {slug: rows.get(force_scope(get_force(slug).id)) for slug in SLUGS}
    return {"shared": rows[SHARED], **named}


def tokens() -> dict[str, str]:
    """The tokens as this transaction sees them: those it will write at commit, else those stored."""
    return {name: data_state.tokens(db.session, [force_scope(get_force(name).id)] if name in SLUGS else [])[-1]
            for name in ("shared", *SLUGS)}


def token() -> str:
    """Cumbria's data state's token, read afresh."""
    return tokens()["cumbria"]


def changed(before: dict[str, str]) -> set[str]:
    """The names of the tokens that are not what they were."""
    return {name for name, value in tokens().items() if value != before[name]}


def named_reviewer(client, name: str, forces=("cumbria",)):
    """A client signed in as a reviewer with a name of its own."""
    user = make_user(Role.REVIEWER, forces)
    user.name = name
    db.session.commit()
    return sign_in(client, user)


def test_a_flushed_change_gives_a_new_token_written_at_commit(app):
    before = token()
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Token"
    db.session.flush()
    after = token()
    assert len(after) == 32 and after != before
    assert stored()["cumbria"] == before  # no row locked until the commit
    db.session.commit()
    assert stored()["cumbria"] == token() == after


def test_a_change_to_one_forces_records_gives_that_force_alone_a_new_token(app):
    before = tokens()
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Token"
    db.session.flush()
    assert changed(before) == {"cumbria"}


def test_an_update_statement_of_unknown_reach_gives_a_new_shared_token(app):
    before = tokens()
    db.session.execute(sa.update(Tracking).where(Tracking.id == get_tracking("cumbria", "4.1").id)
                       .values(lead_officer="Superintendent Statement"))
    assert changed(before) == {"shared"}


def test_an_update_statement_of_named_forces_gives_them_new_tokens(app):
    before = tokens()
    db.session.execute(sa.update(Tracking).where(Tracking.id == get_tracking("cumbria", "4.1").id)
                       .values(lead_officer="Superintendent Statement")
                       .execution_options(**reach(forces=[get_force("cumbria").id])))
    assert changed(before) == {"cumbria"}


def test_a_change_to_a_shared_inspection_gives_every_force_in_its_scope_a_new_token(app):
    before = tokens()
    get_inspection("example-iopc-pursuit-2022").key_findings = "Cumbria's alone"
    db.session.flush()
    assert changed(before) == {"cumbria"}
    db.session.commit()  # a token is new once in each transaction
    before = tokens()
    get_inspection("vawg-2021").key_findings = "Every force's"
    db.session.flush()
    assert changed(before) == {"cumbria", "lancashire", "essex"}


def test_a_change_to_an_inspections_title_or_date_reaches_every_force(app):
    """Every force's dashboard may name an inspection by its title (a chosen inspection's tag), and the
    latest inspection's date decides the filters' queries: the shared token, which every cached page is
    keyed by, is new (and its forces' tokens need not be)."""
    before = tokens()
    get_inspection("example-iopc-pursuit-2022").title = "A new title"
    db.session.flush()
    assert changed(before) == {"shared"}


def test_a_change_to_a_recommendation_reaches_the_forces_of_its_inspection(app):
    before = tokens()
    recommendation = get_tracking("cumbria", "4.1").recommendation
    recommendation.text = "A new text"
    db.session.flush()
    assert changed(before) == {"cumbria", "lancashire", "essex"}


def test_a_rolled_back_transaction_leaves_every_token_as_it_was(app):
    before = tokens()
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Rollback"
    get_inspection("vawg-2021").title = "A rolled-back title"
    db.session.flush()
    assert changed(before) == {"shared", "cumbria"}
    db.session.rollback()
    assert changed(before) == set() and stored() == before


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


def test_the_filters_name_a_renamed_inspection_and_force_at_once(app, as_role):
    """A chosen inspection's tag reads its title, which the shared data state keeps; the forces' list is
    kept under the force's state."""
    client = as_role(Role.REVIEWER, ("cumbria",))
    url = URL + "&inspection=example-iopc-pursuit-2022"
    client.get(url)
    get_inspection("example-iopc-pursuit-2022").title = "A retitled inspection"
    get_force("cumbria").name = "Cumbria Renamed Constabulary"
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "</span>Inspection: A retitled inspection</a>" in html and ">Cumbria Renamed Constabulary</option>" in html


def test_a_write_to_a_forces_records_draws_its_dashboard_again_but_not_its_filters(app):
    """The filters show the inspections, themes, forces and owners: a write that changes none of them
    empties the force's dashboards, not the filters drawn for them."""
    client = reporting_client(make_user(Role.REVIEWER, ("cumbria",)))
    client.get(URL)
    get_tracking("cumbria", "4.1").due_on = date(2022, 3, 3)
    db.session.commit()
    assert cache_outcomes(client.get(URL)) == {  # (a due date is not in the reviewer's queue either)
        "owners": "miss", "filter-choices": "hit", "filters": "hit", "reviewer-queue": "hit",
        "dashboard": "miss"}
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent New Owner"
    db.session.commit()
    response = client.get(URL)
    assert cache_outcomes(response)["filters"] == "miss"
    assert '<option value="Superintendent New Owner">' in response.get_data(as_text=True)


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


def test_a_write_to_one_force_leaves_another_forces_cached_page_alone(app, as_role):
    cumbria = as_role(Role.REVIEWER, ("cumbria",))
    lancashire = as_role(Role.REVIEWER, ("lancashire",))
    cumbria.get(URL)
    lancashire.get(URL)
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Elsewhere"
    db.session.commit()
    with counting_queries() as statements:
        assert lancashire.get(URL).status_code == 200
    assert not [s for s in statements if "trackings" in s or "inspections" in s], statements
    assert "Superintendent Elsewhere" in cumbria.get(URL).get_data(as_text=True)


def test_a_write_to_one_force_is_seen_by_a_user_of_several(app, as_role):
    both = as_role(Role.REVIEWER, ("cumbria", "lancashire"))
    both.get(URL)
    get_tracking("lancashire", "4.1").lead_officer = "Superintendent Both"
    db.session.commit()
    assert "Superintendent Both" in both.get(URL).get_data(as_text=True)


def test_a_save_is_seen_on_the_next_page_from_any_worker(app):
    """Two app instances on one database, each with its own page cache, as two workers or servers."""
    other = create_app({"TESTING": True})
    other.config.update(WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    other.test_client_class = _OwnUserClient
    user = make_user(Role.REVIEWER, ("cumbria",))
    here, there = sign_in(app.test_client(), user), sign_in(other.test_client(), user)
    for client in (here, there):
        assert "Superintendent Everywhere" not in client.get(URL).get_data(as_text=True)
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Everywhere"
    db.session.commit()
    for client in (there, here):
        assert "Superintendent Everywhere" in client.get(URL).get_data(as_text=True)


def test_a_shared_inspections_edit_empties_the_cache_of_every_force_in_its_scope(app, as_role):
    cumbria = as_role(Role.REVIEWER, ("cumbria",))
    essex = as_role(Role.REVIEWER, ("essex",))
    cumbria.get(URL)
    essex.get(URL)
    get_tracking("essex", "4.1").recommendation.text = "A recommendation of every force, newly worded"
    db.session.commit()
    for client in (cumbria, essex):
        with counting_queries() as statements:
            assert client.get(URL).status_code == 200
        assert [s for s in statements if "trackings" in s], statements


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


def writes_to_data_states(statements: list[str]) -> int:
    return sum("data_states" in s and not s.startswith("SELECT") for s in statements)


def test_one_write_of_the_tokens_per_transaction_at_its_commit(app):
    """Every flush marks; the commit writes every marked token in one statement (in the order of their
    names, so that two transactions lock the rows in the same order)."""
    tracking, lancashire = get_tracking("cumbria", "4.1"), get_tracking("lancashire", "4.1")
    with counting_queries() as statements:
        tracking.lead_officer = "Superintendent One"
        db.session.flush()
        lancashire.lead_officer = "Superintendent Two"
        db.session.flush()
    assert writes_to_data_states(statements) == 0
    before = stored()
    with counting_queries() as statements:
        db.session.commit()
    assert writes_to_data_states(statements) == 1
    assert {name for name, value in stored().items() if value != before[name]} == {"cumbria", "lancashire"}


def test_a_write_before_a_rolled_back_savepoint_still_gives_a_new_token(app):
    db.session.commit()
    before = stored()
    savepoint = db.session.begin_nested()
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Three"
    db.session.flush()
    savepoint.rollback()
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Four"
    db.session.commit()
    assert stored()["cumbria"] != before["cumbria"]


def test_a_page_built_after_a_write_is_keyed_by_the_new_tokens(app):
    """Within the writing transaction the new tokens are already the ones pages are keyed by: a page
    built from the uncommitted write is never cached under the old ones."""
    before = token()
    get_tracking("cumbria", "4.1").lead_officer = "Superintendent Uncommitted"
    db.session.flush()
    assert data_state.tokens(db.session, [force_scope(get_force("cumbria").id)])[1] not in ("", before)


def test_browsers_never_store_a_signed_in_page(app, as_role, client):
    assert "Cache-Control" not in client.get("/public/cumbria").headers  # the public's pages may be kept
    signed_in = as_role(Role.REVIEWER, ("cumbria",))
    for url in (URL, "/inspections/vawg-2021", "/public/cumbria"):
        assert signed_in.get(url).headers["Cache-Control"] == "no-store", url
    assert signed_in.get("/static/build/tracker.css").headers.get("Cache-Control") != "no-store"


def reporting_client(user: User):
    """A client of an app that says in each response which cached parts it found or built, signed in."""
    reporting = create_app({"TESTING": True, "TRACKER_CACHE_REPORT": True})
    reporting.config.update(WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    reporting.test_client_class = _OwnUserClient
    return sign_in(reporting.test_client(), user)


def cache_outcomes(response) -> dict[str, str]:
    """The cached parts a response found (hit) or built (miss), by name."""
    return dict(part.split("=") for part in response.headers["X-Tracker-Cache"].split(", "))


def test_the_cache_reports_hits_and_misses_only_when_asked(as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert "X-Tracker-Cache" not in client.get(URL).headers
    client = reporting_client(make_user(Role.REVIEWER, ("cumbria",)))
    for outcome in ("miss", "hit"):
        parts = cache_outcomes(client.get(URL))
        assert {"filter-choices", "dashboard"} <= set(parts) and set(parts.values()) == {outcome}


def test_the_due_dates_copied_from_a_recommendation_reach_the_forces_of_its_inspection(app):
    """A statement marked with its reach (data_state.reach) gives only those forces new tokens."""
    recommendation = get_tracking("cumbria", "4.1").recommendation
    db.session.commit()
    before = tokens()
    refresh_due_dates(recommendation)
    assert changed(before) == {"cumbria", "lancashire", "essex"}


def test_a_committee_pack_reaches_its_force_alone(app):
    """A kept pack and its items are written by statements marked with the pack's force."""
    from tracker.services.committee_pack import make_pack

    view = ItemFilter(as_of=date(2022, 4, 1), force_ids=(get_force("cumbria").id,), window="open")
    user = make_user(Role.REVIEWER)
    for _ in range(2):
        db.session.commit()
        before = tokens()
        make_pack(get_force("cumbria"), view, {"force": "cumbria", "window": "open"}, [], "/", date(2022, 1, 1), user,
                  utcnow())
        assert changed(before) == {"cumbria"}


def test_a_recommendations_themes_reach_the_forces_of_its_inspection(app):
    """The dashboard filters by theme: a change of a recommendation's themes alone is a change."""
    recommendation = get_tracking("cumbria", "4.1").recommendation
    db.session.commit()
    before = tokens()
    set_themes(recommendation, [] if recommendation.themes else ["vawg"])
    db.session.flush()
    assert changed(before) == {"cumbria", "lancashire", "essex"}


def test_signing_in_leaves_every_forces_cached_pages_alone(app, as_role):
    """People sign in all day: what signing in writes (the user's wrong-password count, the session
    token) is not shown on any page, so another force's cached dashboard stays cached."""
    user = make_user(Role.EDITOR, ("cumbria",))
    user.failed_logins = 3  # a wrong password before: signing in sets it back to 0
    db.session.commit()
    lancashire = as_role(Role.REVIEWER, ("lancashire",))
    lancashire.get(URL)
    before = stored()
    response = app.test_client().post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert db.session.get(User, user.id).failed_logins == 0 and stored() == before
    with counting_queries() as statements:
        assert lancashire.get(URL).status_code == 200
    assert not [s for s in statements if "trackings" in s or "inspections" in s], statements


def test_a_change_to_a_users_role_still_reaches_every_force(app):
    user = make_user(Role.EDITOR, ("cumbria",))
    before = tokens()
    user.role = Role.REVIEWER
    db.session.flush()
    assert changed(before) == {"shared"}


def test_the_tokens_of_any_number_of_scopes_are_read_by_one_statement(app):
    """Each scope's token as stored ('' for one never written), read in one statement whose text does not
    change with the number of scopes on PostgreSQL (one array parameter: prepared once)."""
    forces = [get_force(slug).id for slug in SLUGS]
    data_state.bump(db.session.connection(), [force_scope(forces[0])])
    db.session.commit()
    rows = dict(db.session.execute(sa.select(DataState.scope, DataState.token)).all())
    sent = []
    for scopes in ([force_scope(forces[0])], [force_scope(i) for i in forces] + ["queue:999999"]):
        db.session.info.pop(data_state._SEEN, None)  # as a new transaction
        with counting_queries() as statements:
            read = data_state.tokens(db.session, scopes)
        sent += [s for s in statements if "data_states" in s]
        pending = db.session.info.get(data_state._PENDING, {})  # the tests' transaction outlives their commits
        assert read == tuple(pending.get(name) or rows.get(name, "") for name in [SHARED, *sorted(scopes)])
        assert read[-1] == ("" if len(scopes) > 1 else read[1])
    assert len(sent) == 2
    if db.engine.dialect.name == "postgresql":
        assert sent[0] == sent[1]
