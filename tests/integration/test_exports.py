"""Exports of the filtered view (CSV, Excel), the calendar feed and its token, on the seed data."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from icalendar import Calendar
from openpyxl import load_workbook

from tests.page_check import item_keys
from tracker.domain.statuses import Role

QUERY = "as_of=2022-04-01&window=open&per_page=10"


def page_rows(client, query: str) -> list[str]:
    """Every row key of the dashboard over all its pages."""
    keys, page = [], 1
    while True:
        html = client.get(f"/?{query}&page={page}").get_data(as_text=True)
        found = item_keys(html)
        keys += found
        if f'page={page + 1}' not in html:
            return keys
        page += 1


def test_csv_holds_the_same_rows_as_the_page(as_role):
    client = as_role(Role.VIEWER, ("cumbria", "lancashire"))
    keys = page_rows(client, QUERY)
    response = client.get(f"/export.csv?{QUERY}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(keys) > 10 and len(rows) == len(keys)  # every page, not just the first
    links = [r["Link"] for r in rows]
    for key, link in zip(keys, links):
        kind, _ = key.split("-")
        assert ("/responses/" in link) == (kind == "statutory_response")
    assert {r["Due date"] for r in rows if r["Due date"]} >= {"2022-03-31"}


def test_workbook_holds_the_same_rows_with_dates_as_dates(as_role):
    client = as_role(Role.VIEWER, ("cumbria", "lancashire"))
    keys = page_rows(client, QUERY)
    csv_rows = list(csv.reader(io.StringIO(client.get(f"/export.csv?{QUERY}").get_data(as_text=True))))
    response = client.get(f"/export.xlsx?{QUERY}")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) - 1 == len(keys)
    header = list(rows[0])
    assert header == csv_rows[0]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert ws.column_dimensions["F"].width == 50  # the title, in full
    due = header.index("Due date")
    days = header.index("Days overdue")
    dated = [r for r in rows[1:] if r[due] is not None]
    assert dated and all(isinstance(r[due].date() if hasattr(r[due], "date") else r[due], date) for r in dated)
    assert ws.cell(row=2, column=due + 1).is_date and ws.cell(row=2, column=due + 1).number_format == "dd/mm/yyyy"
    assert all(isinstance(r[days], int) for r in rows[1:])
    # The same rows, in the same order, as the CSV (and so as the page).
    for xrow, crow in zip(rows[1:], csv_rows[1:]):
        assert xrow[header.index("Link")] == crow[header.index("Link")]
        assert (xrow[due].date().isoformat() if xrow[due] else "") == crow[due]


def test_exports_refuse_wrong_filters_with_a_message(as_role):
    client = as_role(Role.VIEWER, ("cumbria",))
    response = client.get("/export.xlsx?as_of=yesterday")
    assert response.status_code == 400 and "Enter the as-of date as a real date" in response.get_data(as_text=True)


def test_exports_need_sign_in(client):
    assert client.get("/export.csv").status_code == 302


def test_a_formula_in_a_cell_is_defused():
    from tracker.documents.exports import _safe_cell

    assert _safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _safe_cell("plain") == "plain"


def test_calendar_feed_parses_and_its_token_can_be_revoked(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    page = client.get("/settings/calendar").get_data(as_text=True)
    assert "You have no calendar address" in page
    client.post("/settings/calendar", data={"create": "Create a calendar address"})
    page = client.get("/settings/calendar").get_data(as_text=True)
    url = re.search(r'id="feed-url">([^<]+)<', page).group(1)
    path = url.replace(app.config["TRACKER_BASE_URL"], "")
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    events = list(cal.walk("VEVENT"))
    assert events
    assert all(isinstance(e.decoded("dtstart"), date) for e in events)
    assert all("Cumbria" in str(e.get("summary")) for e in events)
    # Regenerate: the old address stops working.
    client.post("/settings/calendar", data={"create": "Replace"})
    assert anonymous.get(path).status_code == 404
    # Revoke: the new one stops too.
    new_url = re.search(r'id="feed-url">([^<]+)<', client.get("/settings/calendar").get_data(as_text=True)).group(1)
    new_path = new_url.replace(app.config["TRACKER_BASE_URL"], "")
    assert anonymous.get(new_path).status_code == 200
    client.post("/settings/calendar", data={"revoke": "Turn off"})
    assert anonymous.get(new_path).status_code == 404
    assert anonymous.get("/calendar/.ics").status_code == 404


def test_calendar_settings_need_a_csrf_token(csrf_app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert client.post("/settings/calendar", data={"create": "x"}).status_code == 400
