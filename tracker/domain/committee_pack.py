"""The committee pack's content as plain data: sections of paragraphs, tables and items in full.

One structure, built once by tracker.services.committee_pack, kept as JSON with the pack, and drawn
by both the PDF and the Word copy (tracker.documents.committee_pack): the two say the same thing
because they read the same data, and a kept pack is drawn again from it, byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date

from tracker.domain.formatting import govuk_date
from tracker.domain.register import ITEM_TYPES, Row, status_label
from tracker.domain.statuses import Kind

# How much a pack details: every item is counted, but a table lists at most this many rows and at
# most this many items are given in full. Drawing the PDF costs about 17 ms of CPU per table row and
# 35 ms per item in full (WeasyPrint 70, measured): at these limits a national force's largest view
# draws in seconds, not minutes (bench/test_bench.py: test_committee_pack).
ROWS_PER_TABLE = 50
ITEMS_IN_FULL = 60

# The row headings of the counts, one per kind of item (as the dashboard's "At a glance").
TYPE_HEADINGS = {"recommendation": "Recommendations", "action": "Actions", "statutory_response": "Statutory responses"}


@dataclass
class Table:
    """A table: its caption, column headings, rows of text, and which columns hold numbers."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[int] = field(default_factory=list)
    # Whether the first cell of each row heads it (a count's label).
    row_headings: bool = False
    # Each column's share of the page's width in per cent (adding up to 100); none: the renderer's own.
    widths: list[int] = field(default_factory=list)


@dataclass
class Item:
    """One item in full: its heading, its whole text (never shortened) and its facts as label and value."""

    key: str
    heading: str
    text: str
    facts: list[list[str]]


@dataclass
class Section:
    """A part of the pack under one heading."""

    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said after the tables (what was left out of them)


@dataclass
class PackContent:
    """The whole pack. `counts` are the dashboard's ("At a glance" and the view's total, by kind of
    item), kept for the next pack to compare with."""

    title: str
    organisation: str
    force: str
    meeting_on: str  # ISO dates: the structure is JSON
    previous_meeting_on: str
    made: str  # "1 April 2022 at 9:30am by Jo Bloggs"
    counts: dict[str, dict[str, int]]
    sections: list[Section]

    def to_json(self) -> str:
        """The content as JSON (keys in a fixed order: the same content, the same text)."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PackContent:
        """The content kept as JSON."""
        data = json.loads(text)
        sections = [Section(key=s["key"], heading=s["heading"], paragraphs=s["paragraphs"], notes=s["notes"],
                            tables=[Table(**t) for t in s["tables"]], items=[Item(**i) for i in s["items"]])
                    for s in data.pop("sections")]
        return cls(sections=sections, **data)

    def section(self, key: str) -> Section | None:
        """The section with this key, if the pack has it."""
        return next((s for s in self.sections if s.key == key), None)


def item_label(row: Row) -> str:
    """An item as a table names it: "Recommendation 3.2", "Area for improvement 6", "Action under
    recommendation 3.2", "Statutory response"."""
    kind = Kind(row.kind).label if row.kind else ITEM_TYPES[row.type]
    if row.type == "recommendation":
        return f"{kind} {row.ref}" if row.ref else kind
    if row.type == "action":
        return f"Action under {kind.lower()} {row.ref}" if row.ref else "Action"
    return ITEM_TYPES[row.type]


def item_key(row: Row) -> str:
    """The item's key in the pack ("recommendation-12"), by which a table's row is found in full."""
    return f"{row.type}-{row.id}"


def status_on(row: Row) -> str:
    """The item's status as the pack counts it on the meeting date: its status, but "Closed after the
    meeting date" for an item open then and closed since (its status now is not what it was then)."""
    if row.closed_on is not None and row.closed_on > row.as_of:
        return "Closed after the meeting date"
    return status_label(row.type, row.status)


def counts_table(counts: dict[str, dict[str, int]], caption: str) -> Table:
    """The dashboard's counts as a table: overdue, due within 30 days and in the view, by kind of item."""
    rows = [[TYPE_HEADINGS[t], str(c["overdue"]), str(c["due_soon"]), str(c["in_window"])] for t, c in counts.items()]
    rows.append(["All items", *(str(sum(c[k] for c in counts.values())) for k in ("overdue", "due_soon", "in_window"))])
    return Table(caption, ["Item", "Overdue", "Due within 30 days", "In this view"], rows, numeric=[1, 2, 3],
                 row_headings=True, widths=[40, 20, 20, 20])


def comparison_table(then: dict[str, dict[str, int]], now: dict[str, dict[str, int]], then_on: date, now_on: date) -> Table:
    """Counts at the previous pack beside those now, by kind of item."""
    rows = []
    for t in TYPE_HEADINGS:
        before, after = then.get(t, {}), now.get(t, {})
        rows.append([TYPE_HEADINGS[t], *(str(d.get(k, 0)) for k in ("overdue", "in_window") for d in (before, after))])
    return Table(f"Counts at the previous pack ({govuk_date(then_on)}) and now ({govuk_date(now_on)})",
                 ["Item", f"Overdue on {govuk_date(then_on)}", f"Overdue on {govuk_date(now_on)}",
                  f"In the view on {govuk_date(then_on)}", f"In the view on {govuk_date(now_on)}"],
                 rows, numeric=[1, 2, 3, 4], row_headings=True, widths=[28, 18, 18, 18, 18])


def shown(rows: list, what: str) -> tuple[list, list[str]]:
    """The rows a table lists (at most ROWS_PER_TABLE) and the note saying how many were left out."""
    if len(rows) <= ROWS_PER_TABLE:
        return rows, []
    return rows[:ROWS_PER_TABLE], [f"The table lists the first {ROWS_PER_TABLE} of {len(rows)} {what}; every one of "
                                   "them is counted above. The dashboard view named at the start lists them all."]
