"""The overdue view as files: CSV, an Excel workbook (openpyxl) and an iCalendar feed (icalendar).

Plain functions from rows to bytes; no Flask.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

from tracker.domain.register import ITEM_TYPES, Row
from tracker.domain.statuses import Kind
from tracker.domain.text import printable

# "Source" comes last, so that the columns scripts already read keep their places.
COLUMNS = ["Item", "Force", "Inspection", "Reference", "Kind", "Title", "Owner", "Status", "Due date",
           "Days overdue", "Last update", "Link", "Source"]
WIDTHS = [18, 26, 40, 10, 20, 60, 30, 20, 12, 12, 12, 40, 16]


def _kind_label(row: Row) -> str:
    """The recommendation kind's label, or nothing for a statutory response."""
    return Kind(row.kind).label if row.kind else ""


def row_values(row: Row, base_url: str) -> list:
    """One row's cells, as Python values (dates as dates, numbers as ints)."""
    return [
        ITEM_TYPES[row.type], row.force_name, row.inspection_title, row.ref or "", _kind_label(row), row.title,
        row.owner or "", row.status_label, row.due, row.days_overdue, row.last_update, base_url.rstrip("/") + row.url,
        row.source_label,
    ]


# What makes a spreadsheet read a cell as a formula: these first characters, in ASCII or full-width
# (Excel folds the full-width forms), and a tab or carriage return before them.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Where a spreadsheet may start a new cell inside the text: a CSV opened where the list separator
# is ";" (or read with another separator) splits "x;=1+1" into "x" and a formula.
_SEPARATORS = re.compile(r"[,;\t|]")


def looks_like_formula(text: str) -> bool:
    """Whether the text, or any part of it a separator could split off, starts (after spaces) as a formula."""
    parts = [text, *_SEPARATORS.split(text)[1:]]
    return any(part.startswith(_FORMULA_STARTS) or part.lstrip().startswith(_FORMULA_STARTS) for part in parts)


def formula_safe(text: str) -> str:
    """Text a spreadsheet shows as text: without control characters, and with a leading quote when
    it looks like a formula."""
    text = printable(text)
    return "'" + text if looks_like_formula(text) else text


def _safe_cell(value) -> str:
    """A cell for CSV: ISO dates, and text made formula_safe."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)  # a number, not text: -3 days overdue is no formula
    return formula_safe(str(value))


def rows_to_csv(rows: list[Row], base_url: str) -> str:
    """The rows as CSV text with a header row; every cell quoted, so no separator inside one splits it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
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
        ws.append([printable(v) if isinstance(v, str) else v for v in values])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(cell.value, str) and looks_like_formula(cell.value):
                # Text, never a formula, and kept so when edited: Excel's hidden leading quote.
                cell.data_type = "s"
                cell.quotePrefix = True
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
    cal.add("x-wr-calname", printable(name, multiline=False))
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
        summary = f"Due: {ITEM_TYPES[row.type]}{ref} – {row.title} ({row.force_name})"
        event.add("summary", printable(summary, multiline=False))
        event.add("description", printable(f"{row.source_label}: {row.inspection_title}\nOwner: {row.owner or 'not set'}\n"
                                           f"Status: {row.status_label}"))
        event.add("url", base_url.rstrip("/") + row.url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
