"""The tracking and inspection pages are cached by what they show (tracker.db.data_state's finer
scopes): a save to one tracking is seen at once on its page, its inspection's page and the dashboard,
while the force's other trackings' pages and its other inspections' pages stay cached; a write to the
force outside any one tracking, or to the inspection's scope, empties them all. What is cached is one
role's page with a placeholder where each form's CSRF token goes, filled with the user's own."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from tests.conftest import _OwnUserClient
from tests.factories import get_force, get_inspection, get_tracking, make_inspection, make_user, sign_in
from tests.integration.test_dashboard_queries import counting_queries
from tracker import create_app
from tracker.db import data_state, db
from tracker.domain.statuses import ActionStatus, Kind, Role
from tracker.models import (
    Action,
    DataState,
    Inspection,
    InspectionForce,
    NotificationPreference,
    ProgressUpdate,
    PublishedVersion,
    SentReminder,
    StatutoryResponse,
    Tracking,
    utcnow,
)
from tracker.services import MAX_ID
from tracker.services import inspections as inspection_service
from tracker.services import owner_links as owner_link_service
from tracker.web.caching import cache, csrf_slot, remember_within
from tracker.web.views import tracking as tracking_views

INSPECTION = "/inspections/vawg-2021"


def two_trackings(force: str = "cumbria") -> tuple[Tracking, Tracking]:
    """Two of a force's trackings of the shared inspection vawg-2021."""
    first = get_tracking(force, "4.1")
    other = db.session.scalars(sa.select(Tracking).where(
        Tracking.force_id == first.force_id, Tracking.inspection_id == first.inspection_id,
        Tracking.id != first.id).order_by(Tracking.id)).first()
    return first, other


def other_inspections_tracking(force: str = "cumbria") -> Tracking:
    """A force's tracking of an inspection other than vawg-2021."""
    first = get_tracking(force, "4.1")
    return db.session.scalars(sa.select(Tracking).where(
        Tracking.force_id == first.force_id, Tracking.inspection_id != first.inspection_id).order_by(Tracking.id)).first()


def reads_trackings(client, url: str) -> bool:
    """Whether drawing the page read the trackings' actions or the recommendations (it was computed)."""
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return any("FROM actions" in s or "FROM recommendations" in s for s in statements)


def scopes_marked(write) -> set[str]:
    """The data state's scopes a write (a function that changes records) marks for new tokens."""
    db.session.commit()
    write()
    db.session.flush()
    return set(db.session.info.get("data_state_pending", {}))


def test_a_save_to_a_tracking_marks_its_force_itself_and_its_inspection_in_its_force(app):
    tracking, _ = two_trackings()
    force = tracking.force_id

    def write():
        tracking.lead_officer = "Superintendent Reach"
    assert scopes_marked(write) == {data_state.force_scope(force), data_state.tracking_scope(tracking.id),
                                    data_state.inspection_scope(tracking.inspection_id, force)}


def test_an_update_to_an_action_reaches_the_tracking_it_hangs_from(app):
    tracking, _ = two_trackings()
    action = Action(tracking=tracking, force_id=tracking.force_id, title="Reach test action")
    db.session.add(action)
    db.session.commit()
    db.session.expire_all()
    action = db.session.get(Action, action.id)  # its tracking not loaded: found by a query

    def write():
        db.session.add(ProgressUpdate(action_id=action.id, text="Reach test update", occurred_on=utcnow().date()))
    assert scopes_marked(write) == {data_state.force_scope(tracking.force_id), data_state.tracking_scope(tracking.id),
                                    data_state.inspection_scope(tracking.inspection_id, tracking.force_id)}


def test_a_write_to_a_force_outside_its_trackings_marks_it_force_wide(app):
    force = get_force("cumbria")
    response = db.session.scalars(sa.select(StatutoryResponse).where(StatutoryResponse.force_id == force.id)).first()

    def write():
        response.pcc_comments = "A force-wide change"
    assert scopes_marked(write) == {data_state.force_scope(force.id), data_state.force_wide_scope(force.id)}


def test_one_forces_part_of_an_inspection_reaches_every_force_it_concerns(app):
    inspection = get_inspection("vawg-2021")
    row = db.session.scalars(sa.select(InspectionForce).where(
        InspectionForce.inspection_id == inspection.id, InspectionForce.force_id == get_force("essex").id)).one()

    def write():
        row.exclusion_reason = "A reason every force's page shows"
    marked = scopes_marked(write)
    for slug in ("cumbria", "lancashire", "essex"):
        assert data_state.force_wide_scope(get_force(slug).id) in marked


def test_a_save_to_one_tracking_leaves_the_forces_other_tracking_pages_cached(app, as_role):
    client = as_role(Role.EDITOR, ("cumbria",))
    saved, other = two_trackings()
    for tracking in (saved, other):
        client.get(f"/tracking/{tracking.id}")
    assert not reads_trackings(client, f"/tracking/{other.id}")
    saved.lead_officer = "Superintendent Only Here"
    db.session.commit()
    assert not reads_trackings(client, f"/tracking/{other.id}")
    assert "Superintendent Only Here" in client.get(f"/tracking/{saved.id}").get_data(as_text=True)


def test_a_new_action_is_seen_at_once_on_its_tracking_and_inspection_pages(app, as_role):
    client = as_role(Role.EDITOR, ("cumbria",))
    tracking, _ = two_trackings()
    elsewhere = f"/inspections/{db.session.get(Inspection, other_inspections_tracking().inspection_id).slug}"
    for url in (f"/tracking/{tracking.id}", INSPECTION, elsewhere):
        client.get(url)
    tracking.actions.append(Action(force_id=tracking.force_id, title="An action seen at once"))
    db.session.commit()
    assert "An action seen at once" in client.get(f"/tracking/{tracking.id}").get_data(as_text=True)
    assert reads_trackings(client, INSPECTION)  # its inspection's page is drawn again
    assert not reads_trackings(client, elsewhere)  # another inspection's page stays cached


def test_a_save_to_a_tracking_empties_its_inspections_page_for_its_force_alone(app, as_role):
    client = as_role(Role.EDITOR, ("cumbria",))
    tracking, _ = two_trackings()
    client.get(INSPECTION)
    tracking.lead_officer = "Superintendent Inspection Page"
    db.session.commit()
    assert reads_trackings(client, INSPECTION)
    lancashire = as_role(Role.EDITOR, ("lancashire",))
    lancashire.get(INSPECTION)
    other, _ = two_trackings("cumbria")
    other.lead_officer = "Superintendent Cumbria"
    db.session.commit()
    assert not reads_trackings(lancashire, INSPECTION)  # another force's save leaves it alone


def test_a_force_wide_write_empties_the_forces_tracking_pages(app, as_role):
    client = as_role(Role.EDITOR, ("cumbria",))
    tracking, _ = two_trackings()
    client.get(f"/tracking/{tracking.id}")
    response = db.session.scalars(sa.select(StatutoryResponse).where(
        StatutoryResponse.force_id == tracking.force_id)).first()
    response.pcc_comments = "Force-wide"
    db.session.commit()
    assert reads_trackings(client, f"/tracking/{tracking.id}")


def test_each_role_has_its_own_tracking_page(app, as_role):
    tracking, _ = two_trackings()
    editor = as_role(Role.EDITOR, ("cumbria",))
    viewer = as_role(Role.VIEWER, ("cumbria",))
    assert "Add an action" in editor.get(f"/tracking/{tracking.id}").get_data(as_text=True)
    assert "Add an action" not in viewer.get(f"/tracking/{tracking.id}").get_data(as_text=True)
    assert "Add an action" in editor.get(f"/tracking/{tracking.id}").get_data(as_text=True)


def test_a_cached_tracking_page_gives_each_user_their_own_csrf_token(app):
    tracking, _ = two_trackings()
    pages = []
    for _ in range(2):
        client = sign_in(app.test_client(), make_user(Role.EDITOR, ("cumbria",)))
        html = client.get(f"/tracking/{tracking.id}").get_data(as_text=True)
        with client.session_transaction() as session:
            raw = session["csrf_token"]
        pages.append((html, raw))
    tokens = [set(re.findall(r'name="csrf_token" value="([^"]+)"', html)) for html, _ in pages]
    assert all(tokens) and tokens[0].isdisjoint(tokens[1])
    for (html, raw), found in zip(pages, tokens, strict=True):
        assert "csrf-slot-" not in html and csrf_slot() not in html
        # each token is the user's own: signed from the raw token in their session
        assert all(token.split(".")[0].strip("\"'") for token in found) and raw


def test_the_forecast_posted_from_a_cached_page_is_saved(app):
    """CSRF protection on, as in service: the token the cached page carries is the user's and valid."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        tracking, _ = two_trackings()
        client = sign_in(app.test_client(), make_user(Role.EDITOR, ("cumbria",)))
        client.get(f"/tracking/{tracking.id}")  # cached
        html = client.get(f"/tracking/{tracking.id}").get_data(as_text=True)
        form = html.split('id="forecast"')[1].split("</form>")[0]
        fields = dict(re.findall(r'name="(csrf_token|version)"[^>]*value="([^"]*)"', form))
        response = client.post(f"/tracking/{tracking.id}/forecast", data={**fields, "rag_forecast": "amber"})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        db.session.expire_all()
        assert db.session.get(Tracking, tracking.id).rag_forecast.value == "amber"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_page_with_an_owners_link_is_drawn_again_when_the_link_expires(app, as_role, monkeypatch):
    tracking, _ = two_trackings()
    action = Action(tracking=tracking, force_id=tracking.force_id, title="Linked action", owner_email="o@example.org")
    db.session.add(action)
    db.session.commit()
    owner_link_service.issue(action, current_app.secret_key, days=1)
    db.session.commit()
    client = as_role(Role.EDITOR, ("cumbria",))
    assert "A link to give an update was sent" in client.get(f"/tracking/{tracking.id}").get_data(as_text=True)
    assert not reads_trackings(client, f"/tracking/{tracking.id}")
    # A day and a minute later, with nothing written: the link has expired, so the page is drawn again.
    later = utcnow() + timedelta(days=1, minutes=1)
    monkeypatch.setattr("tracker.services.owner_links.utcnow", lambda: later)
    monkeypatch.setattr("cachelib.simple.time", lambda: later.timestamp())
    assert reads_trackings(client, f"/tracking/{tracking.id}")
    assert "A link to give an update was sent" not in client.get(f"/tracking/{tracking.id}").get_data(as_text=True)


def test_an_entry_lasts_no_longer_than_until_says(app, monkeypatch):
    now = utcnow()
    built = []
    with app.test_request_context():
        def build():
            built.append(1)
            return {"value": len(built)}
        for _ in range(2):
            remember_within("until-test", (), (), build, until=lambda _: now + timedelta(seconds=30))
        assert len(built) == 1
        monkeypatch.setattr("cachelib.simple.time", lambda: (now + timedelta(seconds=31)).timestamp())
        remember_within("until-test", (), (), build, until=lambda _: now + timedelta(seconds=30))
        assert len(built) == 2
        cache.clear()


def test_a_publication_after_a_sign_off_takes_the_undo_away_at_once(app, as_role):
    """The sign-off's undo is offered until a version of the force's response is published after it (a
    write to the response, force-wide, which empties the tracking's cached page)."""
    tracking, _ = two_trackings()
    signed = utcnow() - timedelta(days=2)
    tracking.actions.append(Action(force_id=tracking.force_id, title="A signed-off action", status=ActionStatus.COMPLETE,
                                   completed_on=signed.date(), evidence="The policy", signed_off_at=signed))
    response = db.session.scalars(sa.select(StatutoryResponse).where(
        StatutoryResponse.force_id == tracking.force_id, StatutoryResponse.inspection_id == tracking.inspection_id)).one()
    earlier = PublishedVersion(response_id=response.id, number=90, filename="x/earlier.pdf", sha256="0" * 64, size=1,
                               published_at=signed - timedelta(days=1))
    db.session.add(earlier)
    db.session.commit()
    reviewer = as_role(Role.REVIEWER, ("cumbria",))
    assert "Undo the sign-off" in reviewer.get(f"/tracking/{tracking.id}").get_data(as_text=True)
    db.session.add(PublishedVersion(response_id=response.id, number=91, filename="x/later.pdf", sha256="0" * 64,
                                    size=1, published_at=signed + timedelta(days=1)))
    db.session.commit()
    assert "Undo the sign-off" not in reviewer.get(f"/tracking/{tracking.id}").get_data(as_text=True)


def test_a_page_keeps_one_entry_however_often_it_is_saved(app, as_role):
    """A stale copy is replaced, not left to push live pages out of the bounded cache."""
    client = as_role(Role.EDITOR, ("cumbria",))
    tracking, _ = two_trackings()
    cache.clear()
    for n in range(3):
        assert f"Superintendent Save {n}" not in client.get(f"/tracking/{tracking.id}").get_data(as_text=True)
        tracking.lead_officer = f"Superintendent Save {n}"
        db.session.commit()
        assert f"Superintendent Save {n}" in client.get(f"/tracking/{tracking.id}").get_data(as_text=True)
    assert len([key for key in cache.cache._cache if key.startswith("tracking-page:")]) == 1


def test_an_inspections_page_shows_every_change_to_it_to_a_force_it_does_not_concern(app, as_role):
    """Its page is open to every force: a change to what it shares reaches the page of a force left
    out of its scope, or of a user of no force, as it does those of the forces it concerns."""
    inspection = make_inspection("reach-elsewhere-2024", forces=("cumbria",))
    url = f"/inspections/{inspection.slug}"
    essex, nobody = as_role(Role.EDITOR, ("essex",)), as_role(Role.SERVICE_ADMIN, ())
    for client in (essex, nobody):
        client.get(url)
    inspection.key_findings = "Findings written after the page was drawn"
    db.session.commit()
    for client in (essex, nobody):
        assert "Findings written after the page was drawn" in client.get(url).get_data(as_text=True)
    inspection_service.add_recommendation(inspection, ref="9.9", kind=Kind.RECOMMENDATION,
                                          text="An item added after the page was drawn")
    db.session.commit()
    for client in (essex, nobody):
        assert "An item added after the page was drawn" in client.get(url).get_data(as_text=True)
    row = db.session.scalars(sa.select(InspectionForce).where(InspectionForce.inspection_id == inspection.id)).one()
    row.in_scope, row.exclusion_reason = False, "Left out after the page was drawn"
    db.session.commit()
    for client in (essex, nobody):
        assert "Left out after the page was drawn" in client.get(url).get_data(as_text=True)


def test_a_write_committed_while_a_tracking_page_is_drawn_is_not_cached_under_its_new_tokens(app, as_role, monkeypatch):
    """Another request commits a change to the tracking (and its new tokens) after this one loaded the
    row but before it read the tokens (PostgreSQL's read committed): the page it caches under the new
    tokens must show the change, not the row as first loaded."""
    client = as_role(Role.EDITOR, ("cumbria",))
    tracking, _ = two_trackings()
    tracking_id, force_id, inspection_id = tracking.id, tracking.force_id, tracking.inspection_id
    db.session.commit()
    reach = tracking_views.tracking_page_reach

    def commit_meanwhile(*args):
        # Around the session (as another connection would be), and once.
        monkeypatch.setattr(tracking_views, "tracking_page_reach", reach)
        connection = db.session.connection()
        connection.execute(sa.update(Tracking.__table__).where(Tracking.__table__.c.id == tracking_id)
                           .values(lead_officer="Superintendent Meanwhile"))
        data_state.bump(connection, [data_state.force_scope(force_id), data_state.tracking_scope(tracking_id),
                                     data_state.inspection_scope(inspection_id, force_id)])
        return reach(*args)
    monkeypatch.setattr(tracking_views, "tracking_page_reach", commit_meanwhile)
    client.get(f"/tracking/{tracking_id}")
    db.session.expire_all()  # as the next request's own session would
    assert "Superintendent Meanwhile" in client.get(f"/tracking/{tracking_id}").get_data(as_text=True)


def test_every_scope_name_fits_its_column_with_the_largest_ids(app):
    """PostgreSQL refuses a value longer than the column (SQLite keeps it): a write to a force or an
    inspection of a large id must not fail at commit."""
    scopes = [data_state.force_scope(MAX_ID), data_state.force_wide_scope(MAX_ID), data_state.tracking_scope(MAX_ID),
              data_state.inspection_scope(MAX_ID, MAX_ID), data_state.inspection_wide_scope(MAX_ID)]
    length = DataState.__table__.c.scope.type.length
    assert all(len(scope) <= length for scope in scopes)
    data_state.bump(db.session.connection(), scopes)
    assert "" not in data_state.tokens(db.session, scopes)


def test_a_save_is_seen_on_the_next_tracking_page_from_any_worker(app):
    """Two app instances on one database, each with its own page cache, as two workers or servers."""
    other = create_app({"TESTING": True})
    other.config.update(WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    other.test_client_class = _OwnUserClient
    user = make_user(Role.EDITOR, ("cumbria",))
    tracking, _ = two_trackings()
    here, there = sign_in(app.test_client(), user), sign_in(other.test_client(), user)
    url = f"/tracking/{tracking.id}"
    for client in (here, there):
        assert "Superintendent Every Worker" not in client.get(url).get_data(as_text=True)
    tracking.lead_officer = "Superintendent Every Worker"
    db.session.commit()
    for client in (there, here):
        assert "Superintendent Every Worker" in client.get(url).get_data(as_text=True)


def test_a_refused_forecast_is_shown_with_its_error_and_a_working_token_and_leaves_the_cached_page_alone(app):
    """The refused form is drawn for this request alone (not cached), with the user's own CSRF token,
    never the placeholder, and a token that works: the corrected form is then saved."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        tracking, _ = two_trackings()
        client = sign_in(app.test_client(), make_user(Role.EDITOR, ("cumbria",)))
        client.get(f"/tracking/{tracking.id}")  # cached
        form = client.get(f"/tracking/{tracking.id}").get_data(as_text=True).split('id="forecast"')[1]
        fields = dict(re.findall(r'name="(csrf_token|version)"[^>]*value="([^"]*)"', form.split("</form>")[0]))
        refused = client.post(f"/tracking/{tracking.id}/forecast", data={**fields, "rag_forecast": "purple"})
        html = refused.get_data(as_text=True)
        assert "There is a problem" in html and "govuk-error-message" in html
        assert csrf_slot() not in html and "csrf-slot-" not in html
        again = dict(re.findall(r'name="(csrf_token|version)"[^>]*value="([^"]*)"',
                                html.split('id="forecast"')[1].split("</form>")[0]))
        assert "There is a problem" not in client.get(f"/tracking/{tracking.id}").get_data(as_text=True)
        saved = client.post(f"/tracking/{tracking.id}/forecast", data={**again, "rag_forecast": "red"})
        assert saved.status_code == 302
        db.session.expire_all()
        assert db.session.get(Tracking, tracking.id).rag_forecast.value == "red"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_another_forces_tracking_answers_404_though_its_page_is_cached(app, as_role):
    tracking, _ = two_trackings()
    assert as_role(Role.EDITOR, ("cumbria",)).get(f"/tracking/{tracking.id}").status_code == 200  # cached
    response = as_role(Role.EDITOR, ("lancashire",)).get(f"/tracking/{tracking.id}")
    assert response.status_code == 404
    assert tracking.recommendation.text[:40] not in response.get_data(as_text=True)


def test_a_tracking_deleted_while_its_page_is_drawn_answers_404(app, as_role, monkeypatch):
    """Another request deletes the tracking (its recommendation deleted) after this one loaded it."""
    client = as_role(Role.EDITOR, ("cumbria",))
    tracking, _ = two_trackings()
    tracking_id = tracking.id
    db.session.commit()
    reach = tracking_views.tracking_page_reach

    def delete_meanwhile(*args):
        db.session.connection().execute(sa.delete(Tracking.__table__).where(Tracking.__table__.c.id == tracking_id))
        return reach(*args)
    monkeypatch.setattr(tracking_views, "tracking_page_reach", delete_meanwhile)
    assert client.get(f"/tracking/{tracking_id}").status_code == 404


def test_the_days_reminders_and_a_users_email_settings_leave_every_cached_page_alone(app):
    """No cached page shows them: sending the day's reminders must not empty every force's pages."""
    user = make_user(Role.EDITOR, ("cumbria",))

    def write():
        db.session.add(SentReminder(item_type="recommendation", item_id=1, kind="due_7",
                                    due_on=utcnow().date(), recipient="someone@example.org"))
        db.session.add(NotificationPreference(user_id=user.id, due_reminders=False, weekly_digest=True))
    assert scopes_marked(write) == set()


def test_another_release_never_reads_the_pages_an_older_one_drew(app, monkeypatch):
    """With a cache shared between servers, a deploy of other templates or migrations draws its own."""
    built = []
    with app.test_request_context():
        for version in ("release-one", "release-one", "release-two"):
            monkeypatch.setitem(app.extensions, "tracker_cache_release", (version, "the database"))
            remember_within("release-test", (), (), lambda: built.append(1) or len(built))
        assert len(built) == 2
        cache.clear()


def test_the_code_version_follows_the_templates(tmp_path, monkeypatch):
    from tracker.web import caching  # noqa: PLC0415 (the module whose folders are swapped)

    for name in ("templates", "migrations"):
        (tmp_path / name).mkdir()
    (tmp_path / "templates" / "page.html").write_text("one")
    monkeypatch.setattr(caching, "folder", lambda name: tmp_path / name)
    before = caching.code_version()
    (tmp_path / "templates" / "page.html").write_text("two")
    assert caching.code_version() != before


def test_another_sources_tracking_page_names_its_answer_as_its_document_does(app, as_role):
    """An IOPC recommendation's answer is "The response", not the PCC's s.55(5B) explanation."""
    client = as_role(Role.REVIEWER, ("cumbria",))
    iopc = db.session.scalar(sa.select(Tracking).join(Inspection, Inspection.id == Tracking.inspection_id)
                             .where(Inspection.slug == "example-iopc-pursuit-2022").order_by(Tracking.id))
    html = client.get(f"/tracking/{iopc.id}").get_data(as_text=True)
    assert '<h2 class="govuk-heading-m">The response</h2>' in html and "s.55(5B)" not in html
    tracking, _ = two_trackings()
    assert "explanation (s.55(5B))" in client.get(f"/tracking/{tracking.id}").get_data(as_text=True)
