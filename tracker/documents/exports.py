"""The overdue view as files: CSV, an Excel workbook (openpyxl) and an iCalendar feed (icalendar).

Plain functions from rows to bytes; no Flask.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from tracker.domain.register import ITEM_TYPES, Row
from tracker.domain.statuses import Kind

COLUMNS = ["Item", "Force", "Inspection", "Reference", "Kind", "Title", "Owner", "Status", "Due date",
           "Days overdue", "Last update", "Link"]
WIDTHS = [18, 26, 40, 10, 20, 60, 30, 20, 12, 12, 12, 40]


def _kind_label(row: Row) -> str:
    """The recommendation kind's label, or nothing for a statutory response."""
    return Kind(row.kind).label if row.kind else ""


def row_values(row: Row, base_url: str) -> list:
    """One row's cells, as Python values (dates as dates, numbers as ints)."""
    return [
        ITEM_TYPES[row.type], row.force_name, row.inspection_title, row.ref or "", _kind_label(row), row.title,
        row.owner or "", row.status_label, row.due, row.days_overdue, row.last_update, base_url.rstrip("/") + row.url,
    ]


def _safe_cell(value) -> str:
    """A cell for CSV: ISO dates, and text that a spreadsheet would run as a formula defused with a quote."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def rows_to_csv(rows: list[Row], base_url: str) -> str:
    """The rows as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row_values(row, base_url)])
    return out.getvalue()


def rows_to_xlsx(rows: list[Row], base_url: str, as_of: date) -> bytes:
    """The rows as an .xlsx workbook: bold frozen header, date cells, integer cells, set widths."""
    from openpyxl import Workbook  # noqa: PLC0415  (a heavy library, loaded when first used)
    from openpyxl.styles import Font  # noqa: PLC0415  (a heavy library, loaded when first used)
    from openpyxl.utils import get_column_letter  # noqa: PLC0415  (a heavy library, loaded when first used)

    wb = Workbook()
    ws = wb.active
    ws.title = f"As of {as_of.isoformat()}"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        values = row_values(row, base_url)
        ws.append([v if not isinstance(v, str) or v[:1] not in ("=",) else "'" + v for v in values])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "dd/mm/yyyy"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, ws.max_row)}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rows_to_ics(rows: list[Row], base_url: str, name: str, now: datetime) -> bytes:
    """Deadlines as an iCalendar feed: one all-day event per item with a due date."""
    from icalendar import Calendar, Event  # noqa: PLC0415  (a heavy library, loaded when first used)

    cal = Calendar()
    cal.add("prodid", "-//tracker//HMICFRS deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    for row in rows:
        if row.due is None:
            continue
        event = Event()
        event.add("uid", f"{row.type}-{row.id}@tracker")
        event.add("dtstamp", now)
        event.add("dtstart", row.due)
        event.add("dtend", row.due + timedelta(days=1))
        ref = f" {row.ref}" if row.ref else ""
        event.add("summary", f"Due: {ITEM_TYPES[row.type]}{ref} – {row.title} ({row.force_name})")
        event.add("description", f"{row.inspection_title}\nOwner: {row.owner or 'not set'}\nStatus: {row.status_label}")
        event.add("url", base_url.rstrip("/") + row.url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
