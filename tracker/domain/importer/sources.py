"""The shapes of texts from sources other than HMICFRS: a coroner's report to prevent future deaths
and an IOPC recommendation letter or learning report.

A coroner's report (Coroners (Investigations) Regulations 2013, reg 28) numbers its matters of
concern under "CORONER'S CONCERNS" / "MATTERS OF CONCERN" (or after "The MATTERS OF CONCERN are as
follows"), names who it is sent to, and says "You are under a duty to respond to this report within
56 days of the date of this report, namely by <date>". Each matter of concern is read as an item of
kind recommendation (the model has no kind of its own for it), due on the "namely by" date.

An IOPC text's recommendations are read by the ordinary parser; this module reads the date they
were made ("Date recommendation made: 3 May 2023", "the IOPC made the following recommendations
on 3 May 2023"), from which Schedule 3 para 28A's 56 days run.
"""

from __future__ import annotations

import re
from datetime import date

from tracker.domain.deadlines import DeadlineKind
from tracker.domain.importer.published import _DATE, _date_of
from tracker.domain.importer.results import ParsedItem, ParseResult, ParseWarning
from tracker.domain.importer.text import join_lines, shorten
from tracker.domain.statuses import Kind

_FLAGS = re.IGNORECASE | re.MULTILINE

# A coroner's report: its matters of concern and something that says it is a coroner's report.
_CORONER_WORDS = re.compile(r"\bcoroner|\binquest\b|\bregulation\s+28\b|prevent(?:ion of|ing)?\s+future\s+deaths",
                            re.IGNORECASE)
_CONCERNS_HEADING = re.compile(r"^[\s\d.|]*(?:CORONER['’]?S\s+CONCERNS|MATTERS\s+OF\s+CONCERN)\b[^\n]*$", _FLAGS)
_CONCERNS_INTRO = re.compile(r"The\s+MATTERS\s+OF\s+CONCERN\s+are\s+as\s+follows\s*[:.\-\u2013]*", re.IGNORECASE)
# The sections of the Chief Coroner's template that follow the concerns ("6 ACTION SHOULD BE TAKEN").
_NEXT_SECTION = re.compile(r"^[\s\d.|]*(?:ACTION\s+SHOULD\s+BE\s+TAKEN|YOUR\s+RESPONSE|COPIES\s+and\s+PUBLICATION)\b",
                           re.MULTILINE)
_POINT = re.compile(r"^\s*(?:(\d{1,2})\.|\((\d{1,2})\)|\(([ivx]{1,6})\))\s+(\S.*)$")
# A matter of concern's number inside a line ("... as follows – 1. There is ... 2. I am ..."), as a
# page's text copied into one line gives them: "1." or "(1)" after a space, before a capital letter.
_INLINE_POINTS = (re.compile(r"(?:(?<=\s)|^)(\d{1,2})\.\s+(?=[A-Z])"), re.compile(r"(?:(?<=\s)|^)\((\d{1,2})\)\s+(?=[A-Z])"))
# The template's next section number left at the end of the concerns ("... are in place. 6").
_TRAILING_SECTION = re.compile(r"\s+\d{1,2}\.?\s*$")
_SENT_TO = re.compile(r"(?:THIS\s+REPORT\s+IS\s+BEING\s+SENT\s+TO|(?:I\s+am\s+)?send(?:ing)?\s+this\s+report\s+to)"
                      r"\s*[:\-\u2013]?[ \t]*(?P<rest>[^\n]*)", re.IGNORECASE)
_RECIPIENT_END = re.compile(r"^[\s\d.|]*(?:CORONER\b|I\s+am\b|SIR\b|HIS\s+HONOUR\b|HER\s+HONOUR\b|\d\s*$)", re.IGNORECASE)
_NAMELY_BY = re.compile(rf"\bnamely\s+by\s+(?:{_DATE})", re.IGNORECASE)
_SECTION_NUMBER = r"[ \t|]*(?:\d{1,2}[ \t.|]+)?"  # "9 " or "| 9 |": the template's numbered sections
_REPORT_DATE = re.compile(rf"^{_SECTION_NUMBER}(?:date(?:d|\s+of\s+(?:this\s+)?report)?)[ \t]*[:\-\u2013|]?[ \t]*(?:{_DATE})",
                          _FLAGS)
_SIGNED_DATE = re.compile(rf"^{_SECTION_NUMBER}(?:{_DATE})[ \t]*(?:\|[^\n]*)?$", _FLAGS)

# An IOPC text and the date its recommendations were made.
_IOPC_WORDS = re.compile(r"\bIOPC\b|Independent\s+Office\s+for\s+Police\s+Conduct", re.IGNORECASE)
_MADE_ON = [
    re.compile(rf"\bdate\s+(?:the\s+)?recommendations?\s+(?:was\s+|were\s+)?made\s*[:\-\u2013]?\s*(?:{_DATE})",
               re.IGNORECASE),
    re.compile(rf"\brecommendations?\s+(?:was\s+|were\s+)?made\s+on\s+(?:{_DATE})", re.IGNORECASE),
    re.compile(rf"\bmade\s+(?:the\s+following|these|this|a|the)\s+(?:learning\s+)?recommendations?\b[^.\n]{{0,80}}?"
               rf"\bon\s+(?:{_DATE})", re.IGNORECASE),
    re.compile(rf"\bon\s+(?:{_DATE}),?\s+(?:the\s+IOPC|we)\s+made\b[^.\n]{{0,80}}?\brecommendations?", re.IGNORECASE),
]


def is_coroners_report(text: str) -> bool:
    """True when the text is a coroner's report with matters of concern to read."""
    return bool(_CORONER_WORDS.search(text)) and bool(
        _CONCERNS_HEADING.search(text) or _CONCERNS_INTRO.search(text))


def read_coroners_report(text: str) -> ParseResult:
    """The matters of concern of a coroner's report, each due on its "namely by" date."""
    result = ParseResult()
    report = _first_date(_REPORT_DATE, text)
    respond_by = _first_date(_NAMELY_BY, text)
    if report is None and respond_by is not None:
        # The template ends with the date and the coroner's name, after the response section.
        report = _first_date(_SIGNED_DATE, text[_NAMELY_BY.search(text).end():])
    if report is not None:
        result.dates.append(("Date of the report", *report))
    if respond_by is not None:
        result.dates.append(("Response due (namely by)", *respond_by))
    addressee = _recipients(text)
    for item in _concerns(text, result):
        item.addressed_to = addressee
        if respond_by is not None:
            item.deadline_text, item.deadline, item.deadline_kind = respond_by[1], respond_by[0], DeadlineKind.DATE
        else:
            item.flags.append("The report gives no “namely by” date: set the deadline (56 days of the report's date)")
        if addressee is None:
            item.flags.append("The report does not say readably who it is sent to: check 'addressed to'")
        result.items.append(item)
    if result.items:
        result.warnings.append(ParseWarning(
            "A coroner's report: only its numbered matters of concern were read as items; the rest of the report "
            "was read for its dates and who it is sent to only"))
    else:
        result.warnings.insert(0, ParseWarning("No recommendations, areas for improvement or causes of concern were found"
                                               " (no numbered matters of concern in this coroner's report)"))
    return result


def iopc_made_on(text: str) -> tuple[date, str] | None:
    """The date an IOPC text says its recommendations were made, and the words saying it."""
    if not _IOPC_WORDS.search(text):
        return None
    found = [(m.start(), m) for pattern in _MADE_ON for m in pattern.finditer(text) if _date_of(m) is not None]
    if not found:
        return None
    m = min(found, key=lambda pair: pair[0])[1]
    return _date_of(m), " ".join(m.group(0).split())


# --- the coroner's report ----------------------------------------------------------------------


def _first_date(pattern: re.Pattern, text: str) -> tuple[date, str] | None:
    """The first real date the pattern finds, with its words."""
    for m in pattern.finditer(text):
        when = _date_of(m)
        if when is not None:
            return when, " ".join(m.group(0).strip(" \t|").split())
    return None


def _concerns_region(text: str) -> tuple[str, int] | None:
    """The text of the matters of concern (up to the next section of the report) and its first line's number."""
    heading, intro = _CONCERNS_HEADING.search(text), _CONCERNS_INTRO.search(text)
    starts = [m for m in (heading, intro) if m is not None]
    if not starts:
        return None
    first = min(starts, key=lambda m: m.start())
    if first is heading and intro is not None and intro.start() < _section_end(text, heading.end()):
        first = intro  # "CORONER'S CONCERNS ... The MATTERS OF CONCERN are as follows:": the list follows the words
    end = _section_end(text, first.end())
    return text[first.end():end], text.count("\n", 0, first.end()) + 1


def _section_end(text: str, start: int) -> int:
    """Where the section after `start` ends: the next heading of the report's template, or the end."""
    m = _NEXT_SECTION.search(text, start)
    return m.start() if m else len(text)


def _concerns(text: str, result: ParseResult) -> list[ParsedItem]:
    """Each numbered matter of concern ("1.", "(1)", "(i)") with the lines that continue it."""
    region = _concerns_region(text)
    if region is None:
        return []
    body, first_line = region
    items: list[ParsedItem] = []
    before: list[str] = []
    style: str | None = None
    for offset, raw in enumerate(body.split("\n")):
        line = raw.strip().strip("|").strip()
        m = _POINT.match(line)
        this_style = None if m is None else ("arabic" if m.group(1) else "bracketed" if m.group(2) else "roman")
        if m and (style is None or this_style == style):
            style = this_style
            ref = m.group(1) or m.group(2) or m.group(3)
            items.append(ParsedItem(ref=ref, kind=Kind.RECOMMENDATION, text=m.group(4).strip(),
                                    line=first_line + offset))
        elif not line:
            continue
        elif items:
            items[-1].text = join_lines(items[-1].text, line, set())
        else:
            before.append(line)
    if not items and before:
        items = _inline_concerns(" ".join(before), first_line)
        if items:
            return items
    if len(items) == 1 and items[0].ref and items[0].ref.isdigit():
        # "1. There is ... 2. I am ... 3. There is": the first numbered line holds the others run on.
        items = _inline_concerns(f"{items[0].ref}. {items[0].text}", items[0].line, style) or \
            _inline_concerns(f"({items[0].ref}) {items[0].text}", items[0].line, style) or items
    if not items and before:
        # One concern written as a paragraph, with no number: an item a person must give a reference.
        item = ParsedItem(ref=None, kind=Kind.RECOMMENDATION, text=" ".join(before), line=first_line)
        item.flags.append("The text gives no reference: add one")
        items.append(item)
    elif before and items:
        result.warnings.append(ParseWarning("Words before the first numbered matter of concern were not read as one",
                                            first_line, shorten(" ".join(before))))
    return items


def _inline_concerns(paragraph: str, line: int, style: str | None = None) -> list[ParsedItem]:
    """Matters of concern run together in one paragraph ("1. ... 2. ... 3." or "(1) ... (2) ..."): each
    from its number to the next, when the numbers run 1, 2, 3 ... (two at least, so that a number in a
    sentence is not taken for one); none otherwise. `style` keeps to the numbering a first line used."""
    patterns = {"arabic": _INLINE_POINTS[:1], "bracketed": _INLINE_POINTS[1:]}.get(style or "", _INLINE_POINTS)
    for pattern in patterns:
        marks, expected = [], 1
        for m in pattern.finditer(paragraph):
            if int(m.group(1)) == expected:
                marks.append(m)
                expected += 1
        if len(marks) < 2:
            continue
        items = []
        for mark, following in zip(marks, [*marks[1:], None], strict=True):
            end = following.start() if following else len(paragraph)
            text = paragraph[mark.end():end].strip()
            if following is None:
                text = _TRAILING_SECTION.sub("", text)
            items.append(ParsedItem(ref=mark.group(1), kind=Kind.RECOMMENDATION, text=text.rstrip(" ;"), line=line))
        return items
    return []


def _recipients(text: str) -> str | None:
    """Who the report is sent to ("THIS REPORT IS BEING SENT TO: 1. Chief Constable of ..."), or None."""
    m = _SENT_TO.search(text)
    if m is None:
        return None
    names: list[str] = []
    rest = m.group("rest").strip(" |:")
    lines = ([rest] if rest else []) + text[m.end():].split("\n")[1:]
    for raw in lines:
        line = raw.strip().strip("|").strip()
        if not line:
            if names:
                break
            continue
        if _RECIPIENT_END.match(line) or len(names) >= 6:
            break
        line = re.sub(r"^(?:\d{1,2}[.)]|\(\d{1,2}\)|[•\-])\s*", "", line).strip()
        if line and len(line) <= 160:
            names.append(line.rstrip(",;"))
    return "; ".join(names) or None
