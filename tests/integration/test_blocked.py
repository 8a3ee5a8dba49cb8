"""A recommendation blocked by an external dependency: still overdue when its date passes (boards want to
see it), labelled blocked on the dashboard, chosen in the status filter, and in the exports with what
it waits for."""

from __future__ import annotations

import csv
import io
from datetime import date

from tests.factories import get_force, get_tracking
from tests.page_check import get_page, soup
from tracker.db import db
from tracker.domain.register import ItemFilter, read_status
from tracker.domain.statuses import Role
from tracker.services import overdue

AS_OF = date(2022, 4, 1)
WAITS_FOR = "The College of Policing's national guidance"


def _block(ref="3.2"):
    tracking = get_tracking("cumbria", ref)
    tracking.blocked_by = WAITS_FOR
    db.session.commit()
    return tracking


def test_a_blocked_item_is_still_overdue_and_the_filter_finds_only_blocked_ones(app):
    tracking = _block()
    cumbria = get_force("cumbria").id
    every = overdue.list_items(ItemFilter(as_of=AS_OF, force_ids=(cumbria,)), page=None)
    assert ("recommendation", tracking.id) in {(r.type, r.id) for r in every}
    [row] = [r for r in every if r.type == "recommendation" and r.id == tracking.id]
    assert row.blocked_by == WAITS_FOR and row.days_overdue == 1
    blocked = ItemFilter(as_of=AS_OF, force_ids=(cumbria,), blocked=True, window="open")
    rows = overdue.list_items(blocked, page=None)
    assert [(r.type, r.id) for r in rows] == [("recommendation", tracking.id)]
    counts = overdue.summary_counts(blocked)
    assert counts["recommendation"]["overdue"] == 1 and counts["action"]["overdue"] == 0
    assert counts["statutory_response"]["in_window"] == 0
    assert read_status("recommendation:blocked") == ("recommendation", "blocked") == read_status("blocked")


def test_the_dashboard_labels_and_filters_blocked_items_and_the_exports_say_what_they_wait_for(as_role):
    tracking = _block()
    client = as_role(Role.VIEWER)
    page = get_page(client, "/?as_of=2022-04-01&force=cumbria")
    assert 'value="recommendation:blocked"' in page
    cell = soup(page).find("a", href=f"/tracking/{tracking.id}").find_parent("tr")
    assert "Blocked" in cell.get_text()
    page = get_page(client, "/?as_of=2022-04-01&force=cumbria&status=recommendation:blocked&window=open")
    links = {a["href"] for a in soup(page).select("table a[href^='/tracking/']")}
    assert links == {f"/tracking/{tracking.id}"}
    assert "Status: Blocked by an external dependency (Recommendations)" in page
    text = client.get("/export.csv?as_of=2022-04-01&force=cumbria").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    [row] = [r for r in rows if r["Link"].endswith(f"/tracking/{tracking.id}")]
    assert row["Blocked by"] == WAITS_FOR and row["Days overdue"] == "1"
