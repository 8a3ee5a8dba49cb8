"""What is in a pasted page but never part of an item: the register's status markup and the force's
progress comments, status badges, a web page's error header, a tracker's repeated force name, and
what a PDF or a careless copy does to the text (words run together, a stray footnote number).

Each function takes and returns the list of lines, keeping their number (a removed line becomes
blank), so the parser's warnings still point at the line as given.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from tracker.domain.importer.shapes import LABELLED, SECTION_HEADING
from tracker.domain.importer.text import fold_quotes

# --- the register's markup ------------------------------------------------------------------

# HMICFRS's recommendation register prints each entry's history as
# "[on]9th February 2017 [status]awaiting-review[/status][/on][on]... [comment] ... [/comment][/on]",
# sometimes unbalanced. Everything from the first [on] to the next entry is history, not an item.
_MARKUP = re.compile(r"\[/?(?:on|status|comment)\]", re.IGNORECASE)
_STATUS = re.compile(r"\[on\]\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\s+(\d{4})\s*\[status\]\s*([\w-]+)", re.IGNORECASE)
# A register entry's title ends with its id in brackets: "Core Business: ... use of police time (4822)".
REGISTER_TITLE = re.compile(r"\(\d{3,6}\)$")
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}


def strip_register_markup(lines: list[str]) -> tuple[list[str], list[tuple[date, str]]]:
    """Blank the register's status history and comments; return the lines and the (date, status) history."""
    out, history, in_history = [], [], False
    for line in lines:
        if in_history and REGISTER_TITLE.search(line):
            in_history = False
        if "[" in line and _MARKUP.search(line):
            in_history = True
            history.extend(_statuses(line))
        out.append("" if in_history else line)
    return out, history


def _statuses(line: str) -> list[tuple[date, str]]:
    """The (date, status) pairs written in a line of register markup."""
    found = []
    for m in _STATUS.finditer(line):
        month = _MONTHS.get(m.group(2).lower())
        if month:
            try:
                found.append((date(int(m.group(3)), month, int(m.group(1))), m.group(4).lower()))
            except ValueError:
                continue
    return found


# --- lines that are never text ------------------------------------------------------------------

_ERROR_PAGE = re.compile(r"^(?:error\s+)?(?:404\b.*|page not found|sorry,? (?:we|the page).*not (?:be )?found.*)$",
                         re.IGNORECASE)
# A tracker's status badge on a line of its own.
_BADGE = re.compile(
    r"^(?:completed?|superseded|in progress|ongoing|open|closed|not started|partially (?:completed?|met)|"
    r"awaiting[- ]review|being[- ]progressed|no[- ]further[- ]action(?:[- ]needed)?|discharged|achieved|"
    r"not achieved|on track|off track|overdue|red|amber|green)$", re.IGNORECASE)


def remove_noise(lines: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """Blank error headers, status badges and short lines a tracker repeats (a force's name).

    Returns the lines and the (line number, text) of what was removed.
    """
    counts = Counter(line for line in lines if _could_be_badge(line))
    repeated = {line for line, n in counts.items() if n >= 3}
    out, removed = [], []
    for number, line in enumerate(lines, start=1):
        if line and (_ERROR_PAGE.match(line) or _BADGE.match(line) or line in repeated):
            removed.append((number, line))
            out.append("")
        else:
            out.append(line)
    return out, removed


def is_badge(line: str) -> bool:
    """True for a status badge on a line of its own: "Completed", "In progress"."""
    return bool(_BADGE.match(line.strip()))


def _could_be_badge(line: str) -> bool:
    """A short line with no sentence in it that is not a heading or a label: a name, a status."""
    if not line or len(line) > 60 or line[-1] in ".:;?!" or not line[0].isupper():
        return False
    plain = fold_quotes(line)
    if SECTION_HEADING.match(plain) or LABELLED.match(plain) or len(line.split()) > 6 or "," in line:
        return False
    # A name is in Title Case ("West Mercia Police"); a line of wrapped text is not.
    return all(w[0].isupper() or w.lower() in _NAME_SMALL_WORDS for w in line.split())


_NAME_SMALL_WORDS = {"of", "and", "the", "for", "&", "in", "on"}


# --- damage done by PDFs and copying -----------------------------------------------------------

_JOINED_SENTENCE = re.compile(r"(?<=[a-z]{2}[.;])(?=[A-Z][a-z])")  # "victims of crime.The force"
_JOINED_AND = re.compile(
    r"(?<=;) ?and(?=(?:agree|clearly|conduct|consider|create|define|design|develop|ensure|establish|expand|"
    r"identify|implement|improve|increase|introduce|make|provide|put|reduce|review|set|take|understand|use)\b)")
_JOINED_AFTER_SEMICOLON = re.compile(r";(?=[a-z])")  # "reports of crime;ensure"
_FOOTNOTE = re.compile(r"(?<=[a-z][.;:,])\d{1,2}$")  # "... the investigation.12"
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,;:])$")  # "... the investigation ."
_BROKEN_APOSTROPHE = re.compile(r"(?<=[A-Za-z])[`\u00bf](?=[a-z])")  # "force`s", "force¿s"


def mend(line: str) -> str:
    """Mend a line: words run together after a full stop or semicolon, footnote numbers, broken quotes."""
    if not line:
        return line
    line = _BROKEN_APOSTROPHE.sub("\u2019", line)
    line = _JOINED_AND.sub(" and ", line)
    line = _JOINED_AFTER_SEMICOLON.sub("; ", line)
    line = _JOINED_SENTENCE.sub(" ", line)
    line = _FOOTNOTE.sub("", line)
    return _SPACE_BEFORE_STOP.sub(r"\1", line)
