"""The overdue view as files: CSV, an Excel workbook (openpyxl) and an iCalendar feed (icalendar); and
a calendar of any dated events (the public calendar of responses due).

Plain functions from rows to bytes; no Flask.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker.domain.forecast import forecast_label
from tracker.domain.register import ITEM_TYPES, Row, RowDetails, revised_due
from tracker.domain.statuses import Kind
from tracker.domain.text import printable

# The dashboard's columns keep their places (scripts read them; "Source" came last), the title now
# in full; a board's columns follow: ratings, lead officer, explanation, latest update, dates.
COLUMNS = ["Item", "Force", "Inspection", "Reference", "Kind", "Title", "Owner", "Status", "Due date",
           "Days overdue", "Last update", "Link", "Source",
           "Lead officer", "RAG now", "Forecast", "PCC's explanation", "Latest update", "Original due date",
           "Revised due date", "Per cent complete", "Per cent complete from", "Why the date was revised",
           "Blocked by"]
# Narrow enough to stay readable printed landscape, one A3 page wide; every cell wraps.
WIDTHS = [15, 14, 24, 7, 15, 50, 16, 14, 10, 8, 10, 34, 10, 16, 7, 9, 30, 34, 10, 10, 8, 9, 24, 20]
LINE_HEIGHT = 15  # points per line of wrapped text (Calibri 11)


def lines_needed(text: str, width: float) -> int:
    """How many lines a text wraps to in a column of this width (a little over a character a unit)."""
    return sum(max(1, math.ceil(len(part) / (width * 1.2))) for part in text.split("\n"))


def _kind_label(row: Row) -> str:
    """The recommendation kind's label, or nothing for a statutory response."""
    return Kind(row.kind).label if row.kind else ""


def _rating(value) -> str:
    """A RAG rating as a word ("Red"), or nothing."""
    return str(getattr(value, "value", value)).capitalize() if value else ""


def link(base_url: str, row: Row) -> str:
    """The item's page as a full address on the site the export was asked from."""
    return base_url.rstrip("/") + row.url


def row_values(row: Row, base_url: str, details: RowDetails | None = None) -> list:
    """One row's cells, as Python values (dates as dates, numbers as ints); the row's own title when
    there are no details."""
    d = details or RowDetails(text=row.title)
    return [
        ITEM_TYPES[row.type], row.force_name, row.inspection_title, row.ref or "", _kind_label(row), d.text,
        row.owner or "", row.status_label, row.due, row.days_overdue, d.latest_update_on or row.last_update,
        link(base_url, row), row.source_label,
        d.lead_officer or "", _rating(row.rag), forecast_label(row.rag_forecast), d.pcc_explanation or "",
        d.latest_update or "", d.original_due, revised_due(row, details), d.percent_complete,
        d.percent_source, d.revision_reason or "", d.blocked_by or "",
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


def rows_to_csv(rows: list[Row], base_url: str, details: dict[tuple[str, int], RowDetails] | None = None) -> str:
    """The rows as CSV text with a header row; every cell quoted, so no separator inside one splits it."""
    details = details or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row_values(row, base_url, details.get((row.type, row.id)))])
    return out.getvalue()


def rows_to_xlsx(rows: list[Row], base_url: str, as_of: date,
                 details: dict[tuple[str, int], RowDetails] | None = None) -> bytes:
    """The rows as an .xlsx workbook a board can print: an Excel table (banded, filtered, its header
    bold and frozen), date and integer cells, long texts wrapped, each item's address a real
    hyperlink, and landscape pages one page wide with the header on each."""
    from openpyxl import Workbook  # noqa: PLC0415  (a heavy library, loaded when first used)
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415  (a heavy library, loaded when first used)
    from openpyxl.utils import get_column_letter  # noqa: PLC0415  (a heavy library, loaded when first used)
    from openpyxl.worksheet.table import Table, TableStyleInfo  # noqa: PLC0415  (a heavy library, loaded when first used)

    details = details or {}
    wb = Workbook()
    ws = wb.active
    ws.title = f"As of {as_of.isoformat()}"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    link_column = COLUMNS.index("Link")
    top_wrapped = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.alignment = top_wrapped
    ws.row_dimensions[1].height = LINE_HEIGHT * max(lines_needed(name, width) for name, width in zip(COLUMNS, WIDTHS))
    for row in rows:
        values = row_values(row, base_url, details.get((row.type, row.id)))
        ws.append([printable(v) if isinstance(v, str) else v for v in values])
        for index, cell in enumerate(ws[ws.max_row]):
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(cell.value, str) and looks_like_formula(cell.value):
                # Text, never a formula, and kept so when edited: Excel's hidden leading quote.
                cell.data_type = "s"
                cell.quotePrefix = True
            if index == link_column:
                cell.hyperlink = cell.value
                cell.style = "Hyperlink"
            cell.alignment = top_wrapped
        # Spreadsheets do not size the rows of a written file to their wrapped text: set each height.
        lines = max(lines_needed(v, WIDTHS[i]) if isinstance(v, str) else 1 for i, v in enumerate(values))
        ws.row_dimensions[ws.max_row].height = LINE_HEIGHT * lines
    # A table needs a row below its header, even an empty one.
    table = Table(displayName="Items", ref=f"A1:{get_column_letter(len(COLUMNS))}{max(2, ws.max_row)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def N_(text: str) -> str:  # noqa: N802  (the name the message extractor knows: babel.cfg reads this file)
    """Mark a text for the public pages' message catalogue; the caller translates it."""
    return text


PROGRESS_COLUMNS = [N_("Reference"), N_("Kind"), N_("Recommendation"), N_("Status"), N_("Completed on"),
                    N_("Latest public update"), N_("Date of the update"), N_("As of"),
                    N_("Latest public update in Welsh")]


def progress_to_csv(rows: list, as_of: date, translate: Callable[[str], str] = str) -> str:
    """Progress since publication (services.public.PublicProgress rows) as CSV, every cell quoted and
    guarded against formulas as the overdue exports are. `translate` gives the column headers, kinds and
    statuses in the language asked for (the texts stay as written)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([translate(name) for name in PROGRESS_COLUMNS])
    for row in rows:
        writer.writerow([_safe_cell(v) for v in (row.ref, translate(row.kind), row.text, translate(row.status),
                                                 row.completed_on, row.update_text, row.update_on, as_of,
                                                 row.update_text_cy)])
    return out.getvalue()


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event of a calendar feed."""

    uid: str
    day: date
    summary: str
    description: str
    url: str


def events_to_ics(events: list[CalendarEvent], name: str, now: datetime) -> bytes:
    """All-day events as an iCalendar feed that calendar applications fetch again twice a day."""
    from icalendar import Calendar, Event  # noqa: PLC0415  (a heavy library, loaded when first used)

    cal = Calendar()
    cal.add("prodid", "-//tracker//HMICFRS deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", printable(name, multiline=False))
    cal.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", printable(item.summary, multiline=False))
        event.add("description", printable(item.description))
        event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def rows_to_ics(rows: list[Row], base_url: str, name: str, now: datetime) -> bytes:
    """Deadlines as an iCalendar feed: one all-day event per item with a due date."""
    events = [
        CalendarEvent(
            uid=f"{row.type}-{row.id}@tracker", day=row.due,
            summary=f"Due: {ITEM_TYPES[row.type]}{f' {row.ref}' if row.ref else ''} – {row.title} ({row.force_name})",
            description=f"{row.source_label}: {row.inspection_title}\nOwner: {row.owner or 'not set'}\nStatus: {row.status_label}",
            url=base_url.rstrip("/") + row.url)
        for row in rows if row.due is not None
    ]
    return events_to_ics(events, name, now)
