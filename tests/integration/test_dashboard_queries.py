"""The dashboard runs the same number of SQL queries with 10 and with 1,000 tracked recommendations."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa

from tests.factories import get_force
from tracker.db import data_state, db
from tracker.domain.statuses import Role
from tracker.models import Action, Inspection, ProgressUpdate, Recommendation, Tracking
from tracker.services import overdue
from tracker.web.caching import cache


@contextmanager
def counting_queries(with_parameters: bool = False):
    """The SQL statements sent to the database inside the block; with_parameters: each with its
    parameters ({} for none)."""
    statements: list = []

    def before(conn, cursor, statement, parameters, *args):
        statements.append((statement, parameters or {}) if with_parameters else statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def add_tracked_recommendations(inspection_id: int, force_id: int, start: int, count: int) -> None:
    """Bulk-insert recommendations tracked by a force, each with an action and a progress update."""
    db.session.execute(sa.insert(Recommendation), [
        {"inspection_id": inspection_id, "position": i, "ref": f"R{i}", "text": f"Recommendation {i}",
         "bullets": [], "deadline_date": date(2022, 1, 31)} for i in range(start, start + count)])
    rec_ids = db.session.scalars(sa.select(Recommendation.id).where(
        Recommendation.inspection_id == inspection_id, Recommendation.position >= start)).all()
    db.session.execute(sa.insert(Tracking), [
        {"recommendation_id": rid, "force_id": force_id, "inspection_id": inspection_id, "due_on": date(2022, 1, 31),
         "lead_officer": f"Officer {rid % 7}"}
        for rid in rec_ids])
    tracking_ids = db.session.scalars(sa.select(Tracking.id).where(Tracking.recommendation_id.in_(rec_ids))).all()
    db.session.execute(sa.insert(Action), [
        {"tracking_id": tid, "force_id": force_id, "inspection_id": inspection_id, "title": f"Action {tid}",
         "due_on": date(2022, 2, 28), "owner": "Owner"}
        for tid in tracking_ids])
    action_ids = db.session.scalars(sa.select(Action.id).where(Action.tracking_id.in_(tracking_ids))).all()
    db.session.execute(sa.insert(ProgressUpdate), [
        {"action_id": aid, "occurred_on": date(2022, 3, 1), "text": "Progress"} for aid in action_ids])
    db.session.commit()


def dashboard_queries(client, query: str) -> int:
    """How many SQL statements one dashboard page runs (after a first request has loaded the user)."""
    # In tests the session outlives a request: the first request loads the user and opens a savepoint.
    client.get(f"/?{query}")
    cache.clear()  # counted as computed, not as served from the cache
    with counting_queries() as statements:
        response = client.get(f"/?{query}")
    assert response.status_code == 200
    return len(statements)


def test_the_same_number_of_queries_for_10_and_1000(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    force = get_force("cumbria")
    inspection = Inspection(slug="scale-test", title="Scale test", published_on=date(2021, 6, 1), type="force_specific")
    db.session.add(inspection)
    db.session.commit()
    queries = ["as_of=2022-04-01&per_page=100", "as_of=2022-04-01&window=open&sort=updated&per_page=100",
               "as_of=2022-04-01&owner=Owner&sort=owner&order=asc&per_page=50&page=2"]

    add_tracked_recommendations(inspection.id, force.id, 0, 10)
    small = [dashboard_queries(client, q) for q in queries]
    add_tracked_recommendations(inspection.id, force.id, 10, 990)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tracking).where(
        Tracking.recommendation_id.in_(sa.select(Recommendation.id).where(Recommendation.inspection_id == inspection.id)))) == 1000
    large = [dashboard_queries(client, q) for q in queries]
    # As many for 1,000 rows as for 10, but for the due-date cut, which a page holding the last rows
    # (all 10 of them) does without.
    assert all(big - few in (0, 1) for few, big in zip(small, large, strict=True)), (small, large)
    print("dashboard queries:", large)
    assert max(large) <= 12


def test_the_same_view_computed_again_builds_no_statement_again_and_sees_new_data(app, as_role):
    """After a write empties the page cache, the next page of the same view reuses the statements built
    for it (overdue.STATEMENTS_KEPT) and reads the data as it is now."""
    client = as_role(Role.REVIEWER, ("cumbria",))
    url = "/?as_of=2022-04-01&window=open&per_page=100"
    client.get(url)
    built = (overdue._summary_statement.cache_info().misses, overdue._items_statement.cache_info().misses)
    tracking = db.session.scalar(sa.select(Tracking).where(Tracking.force_id == get_force("cumbria").id,
                                                          Tracking.closed_on.is_(None)).limit(1))
    tracking.lead_officer = "Superintendent Rebuilt"
    db.session.commit()  # a write: the page cache's key is new
    html = client.get(url).get_data(as_text=True)
    assert "Superintendent Rebuilt" in html
    assert (overdue._summary_statement.cache_info().misses, overdue._items_statement.cache_info().misses) == built


def test_the_dashboards_dates_are_written_into_its_statements(app, as_role):
    """The as-of date and the dates derived from it (the due-soon window, the page's due-date cut) are
    written into the counts, the due-date cut and the rows, not sent as parameters: PostgreSQL can then
    keep one plan for each (a generic plan), made knowing the dates (overdue._day)."""
    client = as_role(Role.REVIEWER, ("cumbria",))
    url = "/?as_of=2022-04-01&window=open&per_page=10"  # more rows than a page: the due-date cut is looked for
    client.get(url)
    cache.clear()
    with counting_queries(with_parameters=True) as sent:
        assert client.get(url).status_code == 200
    overdue_statements = [(s, p) for s, p in sent
                          if ("due_on" in s and ("UNION ALL" in s or "items" in s) or "open_item_steps" in s)
                          and "waiting_parts" not in s]  # the reviewer's queue has no as-of date
    assert len(overdue_statements) >= 3  # the counts (from the kept steps), the due-date cut, the rows
    for statement, parameters in overdue_statements:
        assert "2022-04-01" in statement
        values = parameters.values() if isinstance(parameters, dict) else parameters
        assert not [v for v in values if type(v) is date], statement[:80]


def test_a_page_of_the_last_rows_is_the_same_without_the_due_date_cut(app):
    """A caller that counted the rows (in_window) gets no rows past the last, and the last page's rows
    are those the cut would have given, in the same order."""
    forces = tuple(get_force(s).id for s in ("cumbria", "lancashire", "leicestershire", "hampshire-and-isle-of-wight"))
    f = overdue.ItemFilter(as_of=date(2022, 4, 1), force_ids=forces, window="open")
    total = overdue.count_items(f)
    assert total > 10
    for sort, descending in (("days", True), ("due", False), ("ref", False)):
        last_page = (total - 1) // 10 + 1
        without = overdue.list_items(f, sort=sort, descending=descending, page=last_page, per_page=10)
        assert overdue.list_items(f, sort=sort, descending=descending, page=last_page, per_page=10,
                                  in_window=total) == without
        assert overdue.list_items(f, sort=sort, descending=descending, page=last_page + 1, per_page=10,
                                  in_window=total) == []


def test_the_kept_counts_and_the_queue_are_sent_with_no_parameters(app, as_role):
    """Their values are written into their text (services.written_out), so PostgreSQL plans each once per
    connection instead of at every request."""
    client = as_role(Role.REVIEWER, ("cumbria",))
    client.get("/")
    cache.clear()
    with counting_queries(with_parameters=True) as sent:
        assert client.get("/").status_code == 200
    written = [(s, p) for s, p in sent if "open_item_steps" in s or "signed_off_at IS NULL" in s
               or "implemented_on IS NOT NULL" in s]
    assert any("open_item_steps" in s for s, _ in written)
    # The queue's parts in one statement: the sign-offs, the verifications and the extension requests.
    assert [s for s, _ in written if "signed_off_at IS NULL" in s and "implemented_on IS NOT NULL" in s
            and "extension_requests" in s]
    assert all(not p for _s, p in written), [(s[:300], p) for s, p in written if p]


def test_last_updates_are_the_latest_on_the_date_with_one_statement_for_any_number_of_rows(app):
    """The page's last-update dates equal a plain reading of the progress updates; on PostgreSQL each list
    of ids is one array parameter, so the statement's text is the same for one row or many (prepared once)."""
    as_of = date(2022, 4, 1)
    actions = db.session.scalars(sa.select(Action).order_by(Action.id)).all()
    assert len(actions) > 3
    expected = {}
    for action in actions:
        dates = [u.occurred_on for u in action.updates if u.occurred_on <= as_of]
        if dates:
            expected[("action", action.id)] = max(dates)
            key = ("recommendation", action.tracking_id)
            expected[key] = max(expected.get(key, dates[0]), *dates)
    with counting_queries() as sent:
        one = overdue.last_updates([actions[0].id], [actions[0].tracking_id], as_of)
        every = overdue.last_updates([a.id for a in actions], sorted({a.tracking_id for a in actions}), as_of)
        none = overdue.last_updates([], [], as_of)
    assert every == expected and none == {}
    assert one == {k: v for k, v in expected.items() if k in (("action", actions[0].id), ("recommendation", actions[0].tracking_id))}
    if db.engine.dialect.name == "postgresql":
        assert len(set(sent)) == 1, sent


def test_the_dashboard_reads_the_data_states_tokens_once(app, as_role):
    """The owners, the page and the reviewer's queue are each kept under tokens of their own reach: read
    in one statement at the start of the page (caching.read_ahead), not one a part."""
    client = as_role(Role.REVIEWER, ("cumbria", "lancashire"))
    client.get("/")
    cache.clear()
    db.session.info.pop(data_state._SEEN)  # as a new request's transaction (the tests' outlives each request)
    with counting_queries() as statements:
        assert client.get("/").status_code == 200
    assert len([s for s in statements if "data_states" in s]) == 1, statements


def test_the_owners_are_every_distinct_owner_of_the_forces_with_the_forces_written_into_the_statement(app):
    """One statement, with the forces in its text and no parameter: PostgreSQL plans it once per connection
    (with the forces as parameters it planned it afresh at every request)."""
    forces = [get_force(slug).id for slug in ("cumbria", "lancashire", "essex")]
    sent: list[tuple[str, object]] = []
    for chosen in (forces[:1], forces):
        plain = sa.union(sa.select(Tracking.lead_officer.label("owner")).where(Tracking.force_id.in_(chosen)),
                         sa.select(Action.owner).where(Action.force_id.in_(chosen)))
        expected = sorted(o for o in db.session.scalars(plain) if o is not None)
        with counting_queries(with_parameters=True) as statements:
            assert overdue.owners(chosen) == expected and expected
        sent += statements
    assert len(sent) == 2 and not any(parameters for _statement, parameters in sent)
    assert f"IN ({', '.join(map(str, forces))})" in sent[1][0]


def test_the_rows_and_the_due_date_cut_have_the_forces_written_into_them(app, as_role):
    """PostgreSQL then keeps one plan for each (with the forces as parameters it planned them afresh at every
    request for several forces)."""
    client = as_role(Role.REVIEWER, ("cumbria", "lancashire"))
    url = "/?as_of=2022-04-01&window=open&per_page=10"
    client.get(url)
    cache.clear()
    with counting_queries(with_parameters=True) as sent:
        assert client.get(url).status_code == 200
    forces = sorted(get_force(slug).id for slug in ("cumbria", "lancashire"))
    rows = [(s, p) for s, p in sent if "items.type" in s or s.lstrip().startswith("SELECT anon_1.due_on")]
    assert len(rows) == 2
    for statement, parameters in rows:
        assert f"force_id IN ({forces[0]}, {forces[1]})" in statement, statement[:200]
        if statement.lstrip().startswith("SELECT anon_1.due_on"):  # the cut: its numbers of rows too
            assert "LIMIT 10" in statement and "OFFSET 9" in statement, statement[-200:]
            # (SQLAlchemy's SQLite dialect adds an OFFSET of 0 as a parameter to a LIMIT written out.)
            assert db.engine.dialect.name == "sqlite" or not parameters, parameters
