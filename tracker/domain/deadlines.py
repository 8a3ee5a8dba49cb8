"""The deadline engine: the statutory response date, deadlines written in recommendations,
what is overdue or due soon on any date, and the RAG rating.

Plain Python with no Flask in it. Nothing here guesses: a deadline the rules cannot read
comes back as UNREADABLE so that a person sets the date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

# Police Act 1996 s.55(5A): "before the end of the period of 56 days beginning with the day on
# which the report is published". The publication day is day 1, so the last day is day 56.
STATUTORY_PERIOD_DAYS = 56

# "Due soon" means due within this many days of the as-of date, the as-of date included.
DUE_SOON_DAYS = 30


def statutory_response_deadline(published: date) -> date:
    """Return the last day on which the PCC's s.55 comments may be published."""
    return published + timedelta(days=STATUTORY_PERIOD_DAYS - 1)


class DeadlineKind(StrEnum):
    """How a deadline written in a recommendation was read."""

    DATE = "date"  # a calendar date
    IMMEDIATE = "immediate"  # due from publication, shown as "immediate"
    UNREADABLE = "unreadable"  # something is written but the rules cannot read it: a person sets it
    NONE = "none"  # nothing is written


@dataclass(frozen=True)
class Deadline:
    """A deadline as written and as read: kind, the date (if any), and why it is unreadable."""

    kind: DeadlineKind
    date: date | None = None
    text: str | None = None
    reason: str | None = None

    @property
    def needs_a_person(self) -> bool:
        """True when the text says something the engine could not turn into a date."""
        return self.kind is DeadlineKind.UNREADABLE


# --- the shapes deadlines are written in -------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20|21)\d{2}"
_FINANCIAL_YEAR = rf"{_YEAR}\s*[/-]\s*(?:\d{{2}}|{_YEAR})"
_VAGUE = r"(?:spring|summer|autumn|winter|q[1-4]|quarter\s+[1-4]|(?:the\s+)?(?:first|second)\s+half\s+of)"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "eighteen": 18, "twenty-four": 24, "twenty four": 24,
}
_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = r"(?:days?|weeks?|months?|years?)"
_OF_PUBLICATION = (
    r"(?:\s+(?:of|from|following|after)\s+(?:the\s+)?"
    r"(?:date\s+of\s+)?(?:the\s+)?(?:publication(?:\s+of\s+this\s+report)?|this\s+report(?:'s\s+publication)?"
    r"|(?:this\s+)?report\s+being\s+published))?"
)
_DATE_CORE = (
    rf"(?:{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR}"
    rf"|{_MONTH},?\s+{_YEAR}|{_VAGUE}\s+{_YEAR}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}"
    rf"|{_YEAR}-\d{{2}}-\d{{2}}|{_FINANCIAL_YEAR}|{_YEAR})"
)
_BY = r"(?:by|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|before)"

# Used to find the deadline phrase inside a recommendation's sentence.
_PHRASE_PATTERNS = [
    re.compile(
        rf"\b{_BY}\s+(?:the\s+)?(?:end\s+of\s+)?(?:the\s+)?(?:(?:calendar|financial)\s+year\s+)?"
        rf"{_DATE_CORE}(?:\s+financial\s+year)?\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\bwithin\s+(?:the\s+next\s+)?{_NUMBER}\s+{_UNIT}{_OF_PUBLICATION}", re.IGNORECASE),
    re.compile(r"\b(?:immediately|with\s+immediate\s+effect|as\s+a\s+matter\s+of\s+urgency|without\s+delay)\b",
               re.IGNORECASE),
]

# Used to read a phrase once it has been normalised (lower case, prefix removed).
_IMMEDIATE = re.compile(
    r"^(?:immediately|immediate|with immediate effect|forthwith|now|as a matter of urgency|without delay)$")
_END_OF_YEAR = re.compile(rf"^(?:end of |close of )?(?:calendar year )?(?:the calendar year )?({_YEAR})(?: calendar year)?$")
_END_OF_FINANCIAL_YEAR = re.compile(
    rf"^(?:end of )?(?:financial year )?(?:the )?({_YEAR})\s*[/-]\s*(\d{{2}}|{_YEAR})(?: financial year)?$"
)
_MONTH_YEAR = re.compile(rf"^(?:end of )?(?:the month of )?({_MONTH}),? ({_YEAR})$")
_DAY_MONTH_YEAR = re.compile(rf"^({_DAY}) (?:of )?({_MONTH}),? ({_YEAR})$")
_MONTH_DAY_YEAR = re.compile(rf"^({_MONTH}) ({_DAY}),? ({_YEAR})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_ISO_DATE = re.compile(rf"^({_YEAR})-(\d{{2}})-(\d{{2}})$")
_RELATIVE = re.compile(rf"^within (?:the next )?({_NUMBER}) ({_UNIT}){_OF_PUBLICATION}$")
_BARE_YEAR = re.compile(rf"^{_YEAR}$")
_VAGUE_PERIOD = re.compile(rf"^{_VAGUE} {_YEAR}$")


def find_deadline_phrase(text: str | None) -> str | None:
    """Return the deadline phrase written in a recommendation's text, verbatim, or None."""
    if not text:
        return None
    text = _normalise_spaces(text)
    found = [m for pattern in _PHRASE_PATTERNS if (m := pattern.search(text))]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    return first.group(0).strip(" ,.;:")


def find_deadline_phrases(text: str | None) -> list[str]:
    """Every deadline phrase written in a text, in order: "all forces within six months; ... immediately"."""
    if not text:
        return []
    text = _normalise_spaces(text)
    found = sorted((m.start(), m.group(0).strip(" ,.;:")) for pattern in _PHRASE_PATTERNS for m in pattern.finditer(text))
    return [phrase for _, phrase in found]


def parse_deadline(text: str | None, published: date | None = None) -> Deadline:
    """Read a deadline as written ("By March 2022", "within six months", "immediately").

    `published` is the report's publication date, needed for relative deadlines.
    """
    if text is None or not text.strip():
        return Deadline(DeadlineKind.NONE)
    original = text.strip()
    phrase = _normalise(original)

    def unreadable(reason: str) -> Deadline:
        return Deadline(DeadlineKind.UNREADABLE, None, original, reason)

    if _IMMEDIATE.match(phrase):
        return Deadline(DeadlineKind.IMMEDIATE, published, original)

    if m := _RELATIVE.match(phrase):
        if published is None:
            return unreadable("a deadline counted from publication needs the publication date")
        amount = _number(m.group(1))
        unit = m.group(2).rstrip("s")
        if amount is None or amount == 0:
            return unreadable(f"cannot read the number {m.group(1)!r}")
        return Deadline(DeadlineKind.DATE, published + relativedelta(**{unit + "s": amount}), original)

    had_prefix, phrase = _strip_by(phrase)
    if _VAGUE_PERIOD.match(phrase):
        return unreadable("a season, quarter or half-year does not name a day")
    if _BARE_YEAR.match(phrase) and not had_prefix.endswith("end of"):
        return unreadable("a bare year could mean its start or its end; write 'the end of' the year")

    if had_prefix.endswith("end of"):
        phrase = "end of " + phrase
    return _read_calendar_phrase(phrase, original) or unreadable("not a deadline shape the engine knows")


def _read_calendar_phrase(phrase: str, original: str) -> Deadline | None:
    """Read a phrase naming a day, a month, a year or a financial year; None if none fits."""
    try:
        if m := _END_OF_YEAR.match(phrase):
            return Deadline(DeadlineKind.DATE, date(int(m.group(1)), 12, 31), original)
        if m := _END_OF_FINANCIAL_YEAR.match(phrase):
            start = int(m.group(1))
            end = int(m.group(2))
            end = end + (start // 100) * 100 if end < 100 else end
            if end != start + 1:
                return Deadline(DeadlineKind.UNREADABLE, None, original, "the financial year's two years do not follow on")
            return Deadline(DeadlineKind.DATE, date(end, 3, 31), original)
        if m := _MONTH_YEAR.match(phrase):
            first = _month_date(1, m.group(1), m.group(2))
            return Deadline(DeadlineKind.DATE, first + relativedelta(day=31), original)
        if m := _DAY_MONTH_YEAR.match(phrase):
            return Deadline(DeadlineKind.DATE, _month_date(_day(m.group(1)), m.group(2), m.group(3)), original)
        if m := _MONTH_DAY_YEAR.match(phrase):
            return Deadline(DeadlineKind.DATE, _month_date(_day(m.group(2)), m.group(1), m.group(3)), original)
        if m := _NUMERIC_DATE.match(phrase):
            year = int(m.group(3))
            year = 2000 + year if year < 100 else year
            return Deadline(DeadlineKind.DATE, date(year, int(m.group(2)), int(m.group(1))), original)
        if m := _ISO_DATE.match(phrase):
            return Deadline(DeadlineKind.DATE, date(int(m.group(1)), int(m.group(2)), int(m.group(3))), original)
    except ValueError:
        return Deadline(DeadlineKind.UNREADABLE, None, original, "that day does not exist in the calendar")
    return None


def _month_date(day: int, month_name: str, year: str) -> date:
    """Return the date for a day, an English month name (or abbreviation) and a year."""
    # dateutil reads month names and abbreviations ("Sept", "Mar"); the shape was checked already,
    # and a day that does not exist raises ValueError rather than rolling over.
    month = dateutil_parser.parse(f"1 {month_name} 2000").month
    return date(int(year), month, day)


def _day(text: str) -> int:
    """Return the day number of '31', '31st', '2nd'."""
    return int(re.match(r"\d+", text).group(0))


def _number(text: str) -> int | None:
    """Return the number in '6', 'six' or 'twelve', or None."""
    if text.isdigit():
        return int(text)
    return _NUMBER_WORDS.get(text)


def _normalise_spaces(text: str) -> str:
    """Fold curly quotes, dashes and runs of white space to their plain forms."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip()


def _normalise(text: str) -> str:
    """Lower-case a phrase, fold spaces and drop trailing punctuation and a leading 'the'."""
    text = _normalise_spaces(text).lower().strip(" ,.;:")
    return re.sub(r"\s*/\s*", "/", text)


_BY_PREFIX = re.compile(
    r"^(?:(?:by|no later than|not later than|on or before)\s+)?(?:the\s+)?"
    r"((?:end|close)\s+of\s+(?:the\s+)?)?(?:(financial|calendar) year\s+)?"
)


def _strip_by(phrase: str) -> tuple[str, str]:
    """Remove 'by', 'by the end of', 'no later than'...; return (what was removed, the rest).

    A plain 'before <date>' is left alone (and so unreadable): it could mean the day before.
    'before the end of' means the same as 'by the end of'.
    """
    phrase = re.sub(r"^before (?:the )?(end|close) of ", r"by the \1 of ", phrase)
    m = _BY_PREFIX.match(phrase)
    removed = m.group(0).strip()
    rest = phrase[m.end():]
    if m.group(2) == "financial":
        rest = rest + " financial year"
    if m.group(1):
        removed = "end of"
    return removed, rest.strip()


# --- overdue, due soon and RAG -------------------------------------------------------------


class DueState(StrEnum):
    """Where an item stands against its due date on an as-of date."""

    CLOSED = "closed"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_DUE = "not_due"
    NO_DATE = "no_date"


def due_state(due: date | None, closed_on: date | None, as_of: date, soon_days: int = DUE_SOON_DAYS) -> DueState:
    """Classify an item on `as_of`: closed on or before it, overdue, due soon, not yet due, or no date.

    Overdue means not closed on the as-of date and due before it; an item closed later was still
    overdue on earlier dates, which is what "what was overdue on 1 April 2022" asks.
    """
    if closed_on is not None and closed_on <= as_of:
        return DueState.CLOSED
    if due is None:
        return DueState.NO_DATE
    if due < as_of:
        return DueState.OVERDUE
    if due <= as_of + timedelta(days=soon_days):
        return DueState.DUE_SOON
    return DueState.NOT_DUE


def days_overdue(due: date, as_of: date) -> int:
    """Return how many days late an item due on `due` is on `as_of` (0 if not late)."""
    return max(0, (as_of - due).days)


def days_until(due: date, as_of: date) -> int:
    """Return the days from `as_of` to `due`: negative when late, 0 when due that day."""
    return (due - as_of).days


class Rag(StrEnum):
    """Red, amber, green."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


def rag_rating(state: DueState) -> Rag:
    """The current RAG rating, by one written rule.

    - RED: overdue (open and its due date has passed).
    - AMBER: open and due within 30 days, or open with no due date (someone must set one).
    - GREEN: closed, or open and due more than 30 days ahead.
    """
    if state is DueState.OVERDUE:
        return Rag.RED
    if state in (DueState.DUE_SOON, DueState.NO_DATE):
        return Rag.AMBER
    return Rag.GREEN
