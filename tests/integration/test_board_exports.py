"""Exports a board can use: full texts, ratings, lead officer, explanation, latest update, original
and revised dates, links to the address the user is on, and a printable Excel table; opened by
LibreOffice as a person would open them."""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.factories import get_tracking
from tracker.db import db
from tracker.domain.deadlines import Rag
from tracker.domain.statuses import Role
from tracker.models import Action, ProgressUpdate
from tracker.web.views._helpers import site_url

QUERY = "as_of=2022-04-01&window=open&force=cumbria"
LONG_TEXT = ("By 31 March 2022, the chief constable should make sure that every officer who attends a report of "
             "domestic abuse records the risk assessment in full, explains to the victim what happens next, and "
             "refers them to the local specialist service the same day; and that supervisors check a sample each "
             "month and report what they find to the force's governance board.")


@pytest.fixture
def board_item(app):
    """Cumbria's tracking of recommendation 4 with a long text, a lead officer, the PCC's explanation,
    a revised target date and an action with two updates (the later one after the as-of date)."""
    tracking = get_tracking("cumbria", "4")
    tracking.recommendation.text = LONG_TEXT
    tracking.lead_officer = "ACC Jane Example"
    tracking.pcc_explanation = "The PCC will hold the force to account at the March board."
    tracking.rag_forecast = Rag.AMBER
    original = tracking.recommendation.deadline_date
    tracking.target_date = tracking.due_on = date(2022, 9, 30)
    action = Action(tracking=tracking, force_id=tracking.force_id, inspection_id=tracking.inspection_id,
                    title="Train every response officer in the new risk assessment", owner="Ch Insp A. Owner",
                    due_on=date(2022, 6, 30))
    db.session.add(action)
    db.session.add_all([
        ProgressUpdate(action=action, occurred_on=date(2022, 3, 15), text="Half of the officers trained; =SUM(A1)"),
        ProgressUpdate(action=action, occurred_on=date(2022, 5, 1), text="After the as-of date: not shown"),
    ])
    db.session.commit()
    return tracking, action, original


def _csv_rows(client, query=QUERY) -> list[dict]:
    response = client.get(f"/export.csv?{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_has_what_a_board_reads(as_role, board_item):
    tracking, action, original = board_item
    rows = _csv_rows(as_role(Role.VIEWER, ("cumbria",)))
    rec = next(r for r in rows if r["Item"] == "Recommendation" and r["Link"].endswith(f"/tracking/{tracking.id}"))
    assert rec["Title"] == LONG_TEXT and "…" not in rec["Title"]
    assert rec["Lead officer"] == "ACC Jane Example" and rec["Owner"] == "ACC Jane Example"
    assert rec["PCC's explanation"] == "The PCC will hold the force to account at the March board."
    assert rec["Latest update"] == "'Half of the officers trained; =SUM(A1)"  # the latest on the as-of date, defused
    assert rec["Last update"] == "2022-03-15"
    assert original is not None and rec["Original due date"] == original.isoformat()
    assert rec["Revised due date"] == rec["Due date"] == "2022-09-30"
    assert rec["RAG now"] == "Green" and rec["Forecast"] == "At risk"
    done = [a.status.value == "complete" and (a.completed_on is None or a.completed_on <= date(2022, 4, 1))
            for a in tracking.actions if a.status.value != "cancelled"]
    assert rec["Per cent complete"] == str(round(100 * sum(done) / len(done))) and len(done) >= 1
    act = next(r for r in rows if r["Item"] == "Action" and r["Title"] == action.title)
    assert act["Per cent complete"] == ""  # an action is done or not: its status says which
    assert act["Owner"] == "Ch Insp A. Owner" and act["Lead officer"] == "ACC Jane Example"
    assert act["Last update"] == "2022-03-15" and act["RAG now"] == "Green"  # due in more than 30 days
    assert not any("…" in r["Title"] for r in rows)


def test_a_latest_update_that_looks_like_a_formula_stays_text(as_role, board_item):
    rows = _csv_rows(as_role(Role.VIEWER, ("cumbria",)))
    updates = {r["Latest update"] for r in rows}
    assert "Half of the officers trained; =SUM(A1)" not in updates
    assert "'Half of the officers trained; =SUM(A1)" in updates


def test_links_point_at_the_address_the_user_is_on(app, as_role, board_item, monkeypatch):
    client = as_role(Role.VIEWER, ("cumbria",))
    monkeypatch.setitem(app.config, "TRACKER_BASE_URL", "")
    links = [r["Link"] for r in _csv_rows(client)]
    assert links and all(link.startswith("http://localhost/") for link in links)
    with app.test_request_context("/export.csv", base_url="https://tracker.opcc.example/"):
        assert site_url() == "https://tracker.opcc.example"
    # Each link opens the item's page for the user.
    assert client.get(links[0].removeprefix("http://localhost")).status_code == 200
    monkeypatch.setitem(app.config, "TRACKER_BASE_URL", "https://tracker.example.gov.uk/")
    assert all(r["Link"].startswith("https://tracker.example.gov.uk/") and "//" not in r["Link"][8:]
               for r in _csv_rows(client))


def test_workbook_is_a_printable_table_with_real_hyperlinks(as_role, board_item):
    tracking, _action, _original = board_item
    response = as_role(Role.VIEWER, ("cumbria",)).get(f"/export.xlsx?{QUERY}")
    ws = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in ws[1]]
    assert list(ws.tables) == ["Items"] and ws.tables["Items"].ref == f"A1:{ws.cell(1, len(header)).column_letter}{ws.max_row}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 8  # A3 and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    link_column = header.index("Link") + 1
    for row in range(2, ws.max_row + 1):
        cell = ws.cell(row, link_column)
        assert cell.hyperlink is not None and cell.hyperlink.target == cell.value and cell.value.startswith("http://localhost/")
    texts = [ws.cell(row, header.index("Title") + 1) for row in range(2, ws.max_row + 1)]
    assert LONG_TEXT in [c.value for c in texts] and all(c.alignment.wrap_text for c in texts)
    long_row = next(c.row for c in texts if c.value == LONG_TEXT)
    assert ws.row_dimensions[long_row].height >= 15 * len(LONG_TEXT) / 60  # tall enough for its wrapped lines


def test_an_empty_view_is_still_a_valid_table(as_role):
    response = as_role(Role.VIEWER, ("cumbria",)).get("/export.xlsx?as_of=2000-01-01&window=overdue")
    ws = load_workbook(io.BytesIO(response.data)).active
    assert ws.max_row <= 2 and ws.tables["Items"].ref.endswith("2")


SOFFICE = shutil.which("soffice")


def _convert(path: Path, to: str, out: Path) -> Path:
    """Convert a file with LibreOffice headless, in a profile of its own (no clash with another run)."""
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to", to,
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    return out / f"{path.stem}.{to.split(':')[0]}"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (scripts/system-packages.sh installs it)")
def test_libreoffice_opens_the_exports_with_full_texts_and_working_links(as_role, board_item, tmp_path):
    client = as_role(Role.VIEWER, ("cumbria",))
    workbook = tmp_path / "items.xlsx"
    workbook.write_bytes(client.get(f"/export.xlsx?{QUERY}").data)
    text = tmp_path / "items-text.csv"
    text.write_bytes(client.get(f"/export.csv?{QUERY}").data)

    # The workbook as LibreOffice reads it: every full text, and each address a link (an <a href>).
    page = _convert(workbook, "html", tmp_path).read_text(encoding="utf-8", errors="replace")
    assert LONG_TEXT in " ".join(html.unescape(page).split())
    hrefs = re.findall(r'<a href="(http://localhost/[^"]+)"', page)
    assert hrefs and all(client.get(h.removeprefix("http://localhost")).status_code == 200 for h in set(hrefs))
    assert _convert(workbook, "pdf", tmp_path).read_bytes().startswith(b"%PDF")

    # The CSV as LibreOffice reads it, written back out: the same cells.
    (tmp_path / "csv").mkdir()
    again = _convert(text, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false", tmp_path / "csv")
    rows = list(csv.DictReader(io.StringIO(again.read_text(encoding="utf-8"))))
    assert LONG_TEXT in {r["Title"] for r in rows}
    assert all(r["Link"].startswith("http://localhost/") for r in rows)
