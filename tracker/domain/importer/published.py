"""The publication date a text states: "Published on: 12 December 2017", "The inspectorate published
its report ... on 4th May 2021", "the report, which was published on the 4th of May 2021".

Deadlines "within six months" count from it. Only a whole date (day, month and year) is taken, and
only where the text says a report (or the page itself) was published on it: never a page's "Last
updated" date, a date in an address, a register's status date, a letter's "Sent on" date, a data
period ("year ending 31 March 2023") or the publication of something else ("we published our
proposed framework for consultation on 13 April 2021").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"]
_MONTH = r"(?:" + "|".join(_MONTH_NAMES) + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
_DATE = (rf"(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})\.?,?\s+(?P<year>(?:19|20)\d{{2}})"
         rf"|(?P<month2>{_MONTH})\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year2>(?:19|20)\d{{2}})")

_PATTERNS = [
    # A page's own header: "Published on: 12 December 2017", "Date published: 28 April 2022".
    re.compile(rf"^[ \t]*(?:published(?:[ \t]+on)?|date[ \t]+published|publication[ \t]+date)[ \t]*[:\-\u2013]?[ \t]*"
               rf"(?:{_DATE})[ \t]*$", re.IGNORECASE | re.MULTILINE),
    # "published its report <title> on <date>", "published the report ... on <date>" (within a sentence).
    # (The words between must name a report: checked in find_publication_date.)
    re.compile(rf"\bpublished\s+(?:its|the|this|our|their)\s+[^.\n]{{0,240}}?\son\s+(?:{_DATE})", re.IGNORECASE),
    # "the report, which was published on the 4th of May 2021", "this report was published on 9 June 2022".
    re.compile(rf"\breport\b[^.\n]{{0,120}}?\b(?:was|were|is|been)\s+published\s+on\s+(?:{_DATE})", re.IGNORECASE),
    # "The report, published on 17 September 2021, ..."
    re.compile(rf"\breport\b,?\s+published\s+on\s+(?:{_DATE})", re.IGNORECASE),
]


@dataclass(frozen=True)
class Publication:
    """The publication date a text states, and the words that state it."""

    date: date
    phrase: str


def find_publication_date(text: str) -> Publication | None:
    """The first publication date the text states, or None."""
    found = []
    for index, pattern in enumerate(_PATTERNS):
        for m in pattern.finditer(text):
            when = _date_of(m)
            names_report = index != 1 or re.search(r"\breport\b", m.group(0), re.IGNORECASE)
            if when is not None and names_report:
                found.append((m.start(), when, " ".join(m.group(0).split())))
                break
    if not found:
        return None
    _, when, phrase = min(found)
    return Publication(when, phrase)


def _date_of(m: re.Match) -> date | None:
    """The date matched by _DATE in either order, or None if it is not a real day."""
    day, month, year = (m.group("day"), m.group("month"), m.group("year")) if m.group("day") else (
        m.group("day2"), m.group("month2"), m.group("year2"))
    number = next(i for i, name in enumerate(_MONTH_NAMES, start=1) if name.startswith(month.lower()[:3]))
    try:
        return date(int(year), number, int(day))
    except ValueError:
        return None
