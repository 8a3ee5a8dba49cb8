"""Lines that hold more than one thing, split before the parser reads them: a table row (a
tracker's reference, its cause of concern and recommendation, a force's name and a status), points
run into one line ("• ... • ..."), and a committee paper's areas for improvement run into one
paragraph after the words that introduce them.

Every piece keeps the number of the line it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tracker.domain.importer.text import fold_quotes


@dataclass
class Line:
    """One line (or piece of a line) of the text, as the parser reads it."""

    number: int  # 1-based, in the text as given
    text: str
    blank_before: bool
    ref: str | None = None  # a table row's reference ("T10")
    from_table: bool = False


# --- tables -------------------------------------------------------------------------------------

_TABLE_ROW = re.compile(r"^\|.*\|$")
_TABLE_RULE = re.compile(r"^\|[\s:|\-]+\|$")
_TABLE_REF = re.compile(r"^[A-Z]{0,3}\d{1,3}(?:\.\d{1,3})*[a-z]?$")
_CELL_LABELS = re.compile(r"\b(cause of concern|recommendation|area for improvement)\s*:\s*", re.IGNORECASE)


def _table_row(number: int, row: str) -> Iterator[Line]:
    """A markdown or pipe table row: its reference and its longest cell, split at its labels."""
    if _TABLE_RULE.match(row):
        return
    cells = [c.strip() for c in row.strip("|").split("|")]
    text = max(cells, key=len)
    if len(text) < 40:  # a header row: "| # | Recommendation | Directed at | Status |"
        return
    ref = cells[0] if cells[0] != text and _TABLE_REF.match(cells[0]) else None
    labels = list(_CELL_LABELS.finditer(text))
    if not labels:
        yield Line(number, text, True, ref, True)
        return
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        body = text[label.end():end].strip()
        if label.group(1).lower() == "cause of concern":
            yield Line(number, f"Cause of concern: {body}", True, None, True)
        else:
            yield Line(number, body, True, ref, True)


# --- points run into one line ---------------------------------------------------------------------

_POINT_MARK = re.compile(r"\s*[\u2022\u25e6\u25aa\u25cf]\s*")


def _run_in_points(number: int, text: str, blank: bool) -> Iterator[Line] | None:
    """'• a • b • c' or 'This should include: ◦a;◦b' as one line per point, or None."""
    marks = list(_POINT_MARK.finditer(text))
    if not marks or (len(marks) == 1 and marks[0].start() == 0):
        return None

    def pieces() -> Iterator[Line]:
        head = text[:marks[0].start()].strip()
        if head:
            yield Line(number, head, blank)
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
            point = text[mark.end():end].strip()
            if point:
                yield Line(number, "\u2022 " + point, blank and not head and index == 0)

    return pieces()


# --- areas for improvement run into one paragraph ---------------------------------------------------

_LIST_INTRO = re.compile(r"(?i:\b(areas?\s+for\s+improvement|afis?|recommendations))\W[^:]{0,100}:\s+(?=[A-Z])")
_DIRECTIVE_START = re.compile(
    r"(?<=[a-z0-9,;)\u2019\u201d.]) (?=(?:The force|Forces|All forces|The constabulary|Chief constables|The chief constable)"
    r" (?:should|must|needs? to)\b)")
_PARAGRAPH_NUMBER = re.compile(r"\s(\d{1,2}\.\d{1,2})\s(?=[A-Z])")


def _run_in_list(number: int, text: str, blank: bool) -> Iterator[Line] | None:
    """'... included areas for improvement: The force should a The force should b 2.4 Leadership ...'."""
    intro = _LIST_INTRO.search(text)
    if not intro:
        return None
    rest = text[intro.end():]
    starts = [0] + [m.start() + 1 for m in _DIRECTIVE_START.finditer(rest)]
    if len(starts) < 2:
        return None
    after = _PARAGRAPH_NUMBER.search(rest, starts[-1])
    stop = after.start() if after else len(rest)
    kind = "Recommendations" if intro.group(1).lower().startswith("rec") else "Areas for improvement"

    def pieces() -> Iterator[Line]:
        yield Line(number, text[:intro.end()].strip(), blank)
        yield Line(number, kind, True)
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else stop
            yield Line(number, "- " + rest[start:end].strip(), False)
        if after:
            yield Line(number, rest[after.end():].strip(), True)

    return pieces()


def split_line(number: int, text: str, blank: bool) -> Iterator[Line]:
    """The pieces of one line: usually the line itself."""
    if _TABLE_ROW.match(text):
        yield from _table_row(number, text)
        return
    plain = fold_quotes(text)
    pieces = (_run_in_list(number, text, blank) if len(plain) > 200 else None) or _run_in_points(number, text, blank)
    if pieces is None:
        yield Line(number, text, blank)
    else:
        yield from pieces
