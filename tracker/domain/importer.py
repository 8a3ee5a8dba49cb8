"""Reading an inspection report's recommendations from its text, as a person pastes it from the
PDF or the web page, and writing them back out as plain text in our own format.

Plain Python with no Flask in it. `parse_text(text, published)` returns the items it read (with
reference, kind, nesting, who they are addressed to, text, bullet points and deadline) and
warnings for everything it could not place: nothing is dropped silently. `read_file_bytes`
turns an uploaded .txt, .docx or .pdf into text, or raises ImportFileError with a message a
person can act on. `render_text(items)` writes items in a format `parse_text` reads back.
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date

from tracker.domain.deadlines import DeadlineKind, find_deadline_phrase, parse_deadline
from tracker.domain.statuses import Kind

# --- limits --------------------------------------------------------------------------------

MAX_FILE_BYTES = 10 * 1024 * 1024  # an uploaded file: the app's upload limit (TRACKER_MAX_UPLOAD_BYTES) by default
MAX_TEXT_CHARS = 1_000_000  # the text read from it: about 500 pages of a report
MAX_PDF_PAGES = 600
MAX_DOCX_UNZIPPED_BYTES = 60 * 1024 * 1024  # guards against a zip bomb dressed as .docx
ACCEPTED_EXTENSIONS = (".txt", ".docx", ".pdf")


class ImportFileError(Exception):
    """A file or text that cannot be read: the message says why, for the person who gave it."""

    def __init__(self, message: str):
        """Keep the message for the form or the command to show."""
        super().__init__(message)
        self.message = message


# --- what the parser returns ----------------------------------------------------------------


@dataclass
class ParseWarning:
    """Something the parser could not place: what it was, on which line, and a snippet of it."""

    message: str
    line: int | None = None
    snippet: str | None = None

    def as_json(self) -> dict:
        """The warning as a plain dict (for the command's JSON)."""
        return asdict(self)

    def __str__(self) -> str:
        """The warning as a person reads it: where, what, and a snippet."""
        where = f"line {self.line}: " if self.line and "line" not in self.message else ""
        snippet = f" “{self.snippet}”" if self.snippet else ""
        return f"{where}{self.message}{snippet}"


@dataclass
class ParsedItem:
    """One recommendation, area for improvement or cause of concern read from the text."""

    ref: str | None
    kind: Kind
    text: str
    parent_ref: str | None = None
    addressed_to: str | None = None
    bullets: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    deadline: date | None = None
    deadline_kind: DeadlineKind = DeadlineKind.NONE
    line: int | None = None
    # What a person should check before saving: "no reference", an unreadable deadline...
    flags: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """The item in the command's JSON shape."""
        return {
            "ref": self.ref,
            "kind": self.kind.value,
            "parent_ref": self.parent_ref,
            "addressed_to": self.addressed_to,
            "text": self.text,
            "bullets": list(self.bullets),
            "deadline_text": self.deadline_text,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


@dataclass
class ParseResult:
    """The items read, the warnings about what could not be placed, and the page furniture removed."""

    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)

    def as_json(self) -> dict:
        """{"items": [...], "warnings": [...]}: the command's JSON."""
        return {"items": [i.as_json() for i in self.items], "warnings": [w.as_json() for w in self.warnings]}


# --- cleaning what a PDF or web page paste does to text ---------------------------------------

PAGE_BREAK = "\f"  # a form feed, kept on a line of its own by clean_text
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000\t\v"), " ")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}


def clean_text(text: str) -> str:
    """Fold line ends, odd spaces, tabs, ligatures and invisible characters; keep quotes as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", f"\n{PAGE_BREAK}\n").replace("\u2028", "\n")
    text = text.translate(_INVISIBLE).translate(_SPACES)
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    text = "".join(ch for ch in text if ch >= " " or ch in "\n\t\f")
    return "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))


def _plain(text: str) -> str:
    """Fold curly quotes and dashes to plain ones, for matching (never for what is kept)."""
    return (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
            .replace("\u2013", "-").replace("\u2014", "-"))


_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]$",
                          re.IGNORECASE)


def _furniture_key(line: str) -> str:
    """The line with its numbers folded, so "Report title 12" and "Report title 13" match."""
    return re.sub(r"\d+", "#", _plain(line).lower())


def _find_running_lines(lines: list[str]) -> set[str]:
    """The keys of short lines repeated at page breaks: running headers and footers.

    An occurrence counts only next to a page break: a page number, a form feed, the start or end
    of the text, or (for a line that carries a page number itself) a blank line. So a sentence
    that happens to repeat inside the recommendations is never taken for page furniture.
    """
    def is_break(index: int, blank_counts: bool) -> bool:
        """True when the line at this index marks a page break (or is beyond the text)."""
        if index < 0 or index >= len(lines):
            return True
        line = lines[index]
        return line == PAGE_BREAK or bool(_PAGE_NUMBER.match(line)) or (blank_counts and not line)

    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line or line == PAGE_BREAK or len(line) > 120 or _PAGE_NUMBER.match(line):
            continue
        key = _furniture_key(line)
        example.setdefault(key, _plain(line))
        if is_break(index - 1, "#" in key) or is_break(index + 1, "#" in key):
            counts[key] += 1
    running = set()
    for key, count in counts.items():
        if count < 2 or key.endswith(":") or "should" in key or len(key.split()) < 2:
            continue
        line = example[key]
        if any(p.match(line) for p in (_SECTION_HEADING, _BULLET, _LABELLED, _NUMBERED, _LETTERED)):
            continue
        running.add(key)
    return running


# --- the shapes of lines -------------------------------------------------------------------

_SECTION_HEADING = re.compile(
    r"^(recommendations?|areas? for improvement|causes? of concern)\s*[:.]?$", re.IGNORECASE)
_LABELLED = re.compile(
    r"^(recommendation|area for improvement|cause of concern|afi)\s+(\d{1,3}(?:\.\d{1,3})*)"
    r"(?:\s*[:.)\-\u2013\u2014]\s*|\s+|$)(.*)$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)([.:)]\s*|\s+)(.*)$")
_LETTERED = re.compile(r"^(?:\(([a-z]{1,4})\)|([a-z]{1,4})[.)])\s+(.*)$")
_BULLET = re.compile(r"^([\u00b7\u2022\u2023\u2043\u25aa\u25cf\u25e6\u25a0\u25a1\u27a2\u2713\u2714\uf0b7\uf0a7*>o-]"
                     r"|[\u2013\u2014])\s+(.*)$")
_ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(?:ix|iv|v?i{0,3})$")
_LABELS = {
    "recommendation": (Kind.RECOMMENDATION, "Recommendation"),
    "area for improvement": (Kind.AREA_FOR_IMPROVEMENT, "Area for improvement"),
    "afi": (Kind.AREA_FOR_IMPROVEMENT, "Area for improvement"),
    "cause of concern": (Kind.CAUSE_OF_CONCERN, "Cause of concern"),
}
_SECTION_KINDS = {
    "recommendation": Kind.RECOMMENDATION,
    "area for improvement": Kind.AREA_FOR_IMPROVEMENT,
    "cause of concern": Kind.CAUSE_OF_CONCERN,
}
_SMALL_WORDS = {"and", "of", "the", "to", "for", "in", "on", "a", "an", "&", "with", "by", "at", "or"}


def _starts_with_capital(text: str) -> bool:
    """True when the text starts like a sentence: a capital letter, a quote or a bracket."""
    return bool(text) and (text[0].isupper() or text[0] in "\"'\u201c\u2018(")


def _ends_sentence(text: str) -> bool:
    """True when the text ends a sentence or introduces a list."""
    return bool(text) and text.rstrip("\"'\u201d\u2019)")[-1:] in ".:;!?"


def looks_like_heading(line: str) -> bool:
    """A short line in Title Case with no full stop: a heading that ends the recommendations."""
    words = re.findall(r"[A-Za-z][\w'\u2019-]*|&", line)
    if not words or len(words) > 12 or line.endswith("."):
        return False
    counted = [w for w in words if w.lower() not in _SMALL_WORDS]
    if len(counted) < 2:
        return False
    capitals = sum(1 for w in counted if w[0].isupper())
    return capitals / len(counted) >= 0.7


def _snippet(text: str, width: int = 80) -> str:
    """The start of a line, shortened for a warning."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# --- who a recommendation is addressed to ----------------------------------------------------

_PROPER_NOUNS = [
    "Home Office", "Home Secretary", "College of Policing", "National Police Chiefs' Council",
    "National Police Chiefs’ Council", "Crown Prosecution Service", "Ministry of Justice",
    "National Crime Agency", "Independent Office for Police Conduct", "Association of Police and Crime Commissioners",
    "Department for Education", "Department of Health and Social Care", "Department for Levelling Up",
    "Department for Transport", "His Majesty's Courts and Tribunals Service", "HM Courts and Tribunals Service",
    "Her Majesty's Inspectorate", "His Majesty's Inspectorate", "Welsh Government", "Scottish Government",
    "Cabinet Office", "HM Treasury", "Treasury", "Government", "Metropolitan Police Service",
    "British Transport Police", "Police Digital Service", "Police Scotland", "HM Prison and Probation Service",
    "His Majesty's Prison and Probation Service", "Her Majesty's Prison and Probation Service", "NHS England",
    "National Police Chiefs’ Council", "Independent Office for Police Conduct", "Police and Crime Panel",
]
_PROPER_RE = re.compile("|".join(re.escape(p) for p in sorted(_PROPER_NOUNS, key=len, reverse=True)), re.IGNORECASE)
_CANONICAL = {p.lower(): p for p in _PROPER_NOUNS}
_LEAD_IN = re.compile(r"^(?:we recommend that|hmicfrs recommends that|we also recommend that|it is recommended that),?\s+",
                      re.IGNORECASE)


def _case_addressee(subject: str) -> str:
    """Sentence-case a subject ("All Police Forces" → "All police forces"), keeping names and acronyms."""
    out, pos = [], 0
    for m in _PROPER_RE.finditer(subject):
        out.append(_lower_words(subject[pos:m.start()]))
        out.append(_CANONICAL.get(m.group(0).lower(), m.group(0)))
        pos = m.end()
    out.append(_lower_words(subject[pos:]))
    result = "".join(out).strip()
    return result[:1].upper() + result[1:]


# Words of roles and bodies that reports capitalise but a sentence does not ("All Chief Constables").
# Other capitalised words are taken for names ("the Chief Constable of Cumbria Constabulary").
_GENERIC_WORDS = {
    "all", "the", "every", "each", "and", "of", "for", "with", "in", "their", "its", "other", "relevant",
    "police", "policing", "force", "forces", "forces'", "forces\u2019", "chief", "chiefs", "constable", "constables",
    "officer", "officers", "commissioner", "commissioners", "crime", "crimes", "local", "national", "bodies", "body",
    "leaders", "leader", "senior", "partners", "partner", "organisations", "agencies", "services", "service",
    "government", "departments", "department", "working", "together", "fire", "rescue", "authorities", "authority",
}


def _lower_words(text: str) -> str:
    """Lower-case the ordinary words of roles and bodies, keeping names and acronyms (NPCC, PCCs)."""
    def fold(m: re.Match) -> str:
        """Lower-case one word if it is an ordinary role word."""
        word = m.group(0)
        return word.lower() if word.lower() in _GENERIC_WORDS and not _is_acronym(word) else word

    return re.sub(r"[A-Za-z][\w'\u2019]*", fold, text)


def _is_acronym(word: str) -> bool:
    """True for NPCC, PCCs, HMICFRS, CPS (two or more capitals)."""
    return sum(1 for ch in word if ch.isupper()) >= 2


def find_addressee(text: str, deadline_text: str | None = None) -> str | None:
    """Who the recommendation asks to act: the subject of its first 'should', or None if passive."""
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split()), maxsplit=1)[0]
    first = _LEAD_IN.sub("", first)
    m = re.search(r"\s(should|must|are to|is to|needs to|need to)\b\s*(\w+)?", first)
    if not m:
        return None
    if (m.group(2) or "").lower() == "be":  # "Structures and funding should be put in place": passive
        return None
    subject = first[: m.start()].strip(" ,;:")
    if "," in subject:
        head, rest = subject.split(",", 1)
        phrase = find_deadline_phrase(head)
        if phrase or re.match(r"^(?:immediately|now|within|by|in the|over the|from)\b", head.strip(), re.IGNORECASE):
            subject = rest.strip(" ,")
    elif deadline_text and subject.lower().startswith(deadline_text.lower()):
        subject = subject[len(deadline_text):].strip(" ,")
    words = subject.split()
    if not words or len(words) > 16 or not (words[0][0].isalpha()):
        return None
    return _case_addressee(subject)


# --- the parser -----------------------------------------------------------------------------


@dataclass
class _Line:
    """One line of the text: its number, its words, and whether a blank line came before it."""

    number: int  # 1-based, in the text as given
    text: str
    blank_before: bool


class _Parser:
    """The state of one pass over the lines: the current item, section and list."""

    def __init__(self, published: date | None, words: set[str] | None = None):
        """Set up the state of one pass."""
        self.published = published
        self.words = words or set()  # every word of the text, for mending hyphenation
        self.result = ParseResult()
        self.items: list[ParsedItem] = []
        self.by_ref: dict[str, ParsedItem] = {}
        self.current: ParsedItem | None = None
        self.mode = "text"  # "text", "bullets" (in the current item's list), "ended" (after a heading)
        self.section_kind = Kind.RECOMMENDATION
        self.cause: ParsedItem | None = None  # the cause of concern whose recommendations follow
        self.in_cause_recs = False  # after "Recommendations" inside a cause of concern
        self.intro: str | None = None  # "By March 2023, the force should:" introducing a list of its recommendations
        self.numbered_bullets = 0  # how many "1.", "2." bullets the current list has had
        self.lettered: list[str] = []  # the letters/numerals of sub-items so far
        self.loose_section = False  # after "Areas for improvement": unnumbered paragraphs or points are items
        self.loose: list[ParsedItem] = []  # items read from such paragraphs (True) or points
        self.loose_from_points: list[ParsedItem] = []
        self.cause_points = 0  # the last number of a numbered list of a cause of concern's recommendations
        self.unplaced: list[_Line] = []  # a run of lines that are not part of any item

    # -- helpers

    def warn(self, message: str, line: _Line | None = None, snippet: str | None = None) -> None:
        """Record something that could not be placed, with its line and a snippet."""
        self.result.warnings.append(ParseWarning(message, line.number if line else None,
                                                 _snippet(snippet if snippet is not None else line.text) if line else snippet))

    def flush_unplaced(self) -> None:
        """Report a run of lines that belong to no item as one warning."""
        if self.unplaced:
            first, last = self.unplaced[0], self.unplaced[-1]
            where = f"lines {first.number} to {last.number}" if last is not first else f"line {first.number}"
            self.warn(f"Not read as part of any recommendation ({where}): check nothing was missed", first)
            self.unplaced = []

    def start(self, ref: str | None, kind: Kind, text: str, line: _Line, parent: ParsedItem | None = None) -> ParsedItem:
        """Begin a new item."""
        self.flush_unplaced()
        item = ParsedItem(ref=ref, kind=kind, text=text, line=line.number,
                          parent_ref=parent.ref if parent else None)
        if parent is not None and parent.ref is None:
            item.flags.append("It sits under an item with no reference: check where it belongs")
        if ref is not None:
            if ref in self.by_ref:
                self.warn(f"The reference {ref} appears twice: the second is kept, and flagged", line)
                item.flags.append(f"The reference {ref} was used by an earlier item")
            else:
                self.by_ref[ref] = item
        self.items.append(item)
        self.current = item
        self.mode = "text"
        self.numbered_bullets = 0
        return item

    def add_text(self, line: _Line) -> None:
        """Add a line to the current item: the same paragraph, or a new one after a blank line."""
        item = self.current
        if self.mode == "bullets" and item.bullets:
            if not line.blank_before:
                item.bullets[-1] = _join(item.bullets[-1], line.text, self.words)
                return
            item.flags.append("Text after the bullet points was added to the end of the text: check it belongs here")
            self.warn("Text after a list of bullet points was added to the end of the item's text", line)
            self.mode = "text"
        if not item.text:
            item.text = line.text
        elif line.blank_before:
            item.text += "\n\n" + line.text
        else:
            item.text = _join(item.text, line.text, self.words)

    def parent_for(self, ref: str, line: _Line) -> ParsedItem | None:
        """The item a dotted reference sits under (4.1 under 4), warning when it is missing."""
        if "." not in ref:
            return None
        parent_ref = ref.rsplit(".", 1)[0]
        parent = self.by_ref.get(parent_ref)
        for label in ("Recommendation", "Cause of concern", "Area for improvement"):
            # "Recommendation 2" then "2.1": 2.1 sits under Recommendation 2.
            parent = parent or self.by_ref.get(f"{label} {parent_ref}")
        if parent is None:
            labelled = re.match(r"^(\D+)\s", ref)
            if labelled:
                return None
            self.warn(f"{ref} has no item {parent_ref} above it: it was placed at the top level", line)
        return parent

    def in_list_context(self) -> bool:
        """True when the current item's text introduces a list ("This should include:")."""
        return self.current is not None and (self.mode == "bullets" or self.current.text.rstrip().endswith(":"))

    # -- the kinds of line

    def heading(self, word: str, line: _Line) -> None:
        """A section heading: Recommendations, Areas for improvement, Causes of concern (or one of them)."""
        self.flush_unplaced()
        word = word.lower()
        plural = word in ("recommendations", "areas for improvement", "causes of concern")
        base = {"recommendations": "recommendation", "areas for improvement": "area for improvement",
                "causes of concern": "cause of concern"}.get(word, word)
        kind = _SECTION_KINDS[base]
        self.intro = None
        self.cause_points = 0
        self.mode = "text"
        if kind is Kind.RECOMMENDATION and self.cause is not None:
            self.in_cause_recs = True
            self.current = None
            return
        self.cause, self.in_cause_recs = None, False
        self.section_kind = kind
        self.current = None
        self.loose_section = plural
        if not plural:
            # "Area for improvement" on its own line: an item with no number; its text follows.
            item = self.start(None, kind, "", line)
            if kind is Kind.CAUSE_OF_CONCERN:
                self.cause = item

    def labelled(self, m: re.Match, line: _Line) -> None:
        """"Recommendation 2: ...", "Area for improvement 3", "Cause of concern 1"."""
        kind, label = _LABELS[m.group(1).lower()]
        ref = f"{label} {m.group(2)}"
        parent = None
        if kind is Kind.RECOMMENDATION and self.cause is not None:
            parent = self.cause
        elif "." in m.group(2):
            parent = self.by_ref.get(f"{label} {m.group(2).rsplit('.', 1)[0]}")
        if kind is not Kind.RECOMMENDATION or self.cause is None:
            self.cause, self.in_cause_recs = None, False
        self.intro = None
        self.cause_points = 0
        item = self.start(ref, kind, m.group(3).strip(), line, parent)
        if kind is Kind.CAUSE_OF_CONCERN:
            self.cause = item

    def with_intro(self, text: str) -> str:
        """Put a list's introduction ("By 31 March 2023, the force should:") before one of its items."""
        if not self.intro or not text:
            return text
        return f"{self.intro.rstrip(':').rstrip()} {text}"

    def numbered(self, ref: str, rest: str, line: _Line) -> None:
        """"3. ...", "3.2: ...": a numbered item (or a numbered bullet point in a list)."""
        if self.in_cause_recs and self.cause is not None and "." not in ref and not self.in_list_context():
            self.start(ref, Kind.RECOMMENDATION, self.with_intro(rest), line, self.cause)
            return
        parent = self.parent_for(ref, line)
        kind = parent.kind if parent is not None else self.section_kind
        if kind is Kind.CAUSE_OF_CONCERN and parent is not None:
            kind = Kind.RECOMMENDATION
        item = self.start(ref, kind, rest, line, parent)
        if kind is Kind.CAUSE_OF_CONCERN and parent is None:
            self.cause, self.in_cause_recs = item, False
        self.lettered = []

    def bullet(self, text: str, line: _Line) -> None:
        """A bullet point: one of the current item's list, or a recommendation under a cause of concern."""
        if self.in_cause_recs and self.cause is not None:
            if self.intro is None and self.current is not None and self.current is not self.cause \
                    and self.current.ref is None and not self.current.bullets and self.current.text.endswith(":"):
                # The paragraph just read was the list's introduction, not a recommendation.
                self.intro = self.current.text
                self.items.remove(self.current)
                self.current = None
            if self.intro is not None:
                self.start(None, Kind.RECOMMENDATION, self.with_intro(text), line, self.cause)
                return
        if self.loose_section and (self.current is None or (
                any(self.current is i for i in self.loose_from_points) and not self.current.text.endswith(":"))):
            # Under "Areas for improvement", each unnumbered point is an item of its own.
            self.start_loose(text, line, from_point=True)
            return
        if self.current is None:
            self.unplaced.append(line)
            return
        self.current.bullets.append(text)
        self.mode = "bullets"

    def start_loose(self, text: str, line: _Line, from_point: bool = False) -> None:
        """An item with no reference, from a paragraph or point under a section heading."""
        item = self.start(None, self.section_kind, text, line)
        self.loose.append(item)
        if from_point:
            self.loose_from_points.append(item)
        if self.section_kind is Kind.CAUSE_OF_CONCERN:
            self.cause = item

    def plain(self, line: _Line) -> None:
        """A line of text that starts nothing: it continues the current item, or it is unplaced."""
        if self.current is not None and self.mode != "ended":
            if line.blank_before and looks_like_heading(line.text) and self.current.text:
                self.mode = "ended"
                self.current = None
                self.cause, self.in_cause_recs, self.loose_section = None, False, False
                self.unplaced.append(line)
                return
            if (line.blank_before and self.loose_section and any(self.current is i for i in self.loose)
                    and not self.in_cause_recs and not self.current.text.endswith(":")
                    and re.search(r"\b(?:should|must)\b", line.text)):
                self.start_loose(line.text, line)  # the next unnumbered area for improvement
                return
            self.add_text(line)
            return
        if self.in_cause_recs and self.cause is not None:
            # A recommendation of the cause of concern with no number, or the introduction of a list of them.
            if self.intro is not None and not line.blank_before:
                self.intro = _join(self.intro, line.text, self.words)
                return
            self.intro = None
            self.start(None, Kind.RECOMMENDATION, line.text, line, self.cause)
            return
        if self.loose_section and self.mode != "ended":
            self.start_loose(line.text, line)
            return
        self.current = None
        self.unplaced.append(line)


def _join(before: str, after: str, words: set[str] | frozenset = frozenset()) -> str:
    """Join a line broken by the PDF to the next one, mending a word hyphenated across them.

    The hyphen is kept when the text writes that word with a hyphen elsewhere, dropped when it
    writes it whole elsewhere, and otherwise kept only after a prefix such as "non-" or "pre-".
    """
    if before.endswith("-") and len(before) > 1 and before[-2].isalpha() and after[:1].islower():
        head = re.search(r"([A-Za-z]+)-$", before)
        tail = re.match(r"[a-z]+", after)
        prefix = head.group(1).lower() if head else ""
        rest = tail.group(0) if tail else ""
        if f"{prefix}-{rest}" in words:
            return before + after
        if f"{prefix}{rest}" in words:
            return before[:-1] + after
        if prefix in _KEEP_HYPHEN_PREFIXES:
            return before + after
        return before[:-1] + after
    if before.endswith("/"):
        return before + after
    return before + " " + after


# A word broken after one of these keeps its hyphen: "non-\nmolestation" is "non-molestation".
_KEEP_HYPHEN_PREFIXES = {"non", "pre", "post", "self", "cross", "multi", "co", "anti", "high", "low", "well",
                         "ex", "semi", "so", "full", "front", "honour", "risk", "place", "case", "cyber"}


def parse_text(text: str, published: date | None = None) -> ParseResult:
    """Read the recommendations out of a report's text (or its recommendations section)."""
    if len(text) > MAX_TEXT_CHARS:
        raise ImportFileError(
            f"The text is too long to read ({len(text):,} characters; the most is {MAX_TEXT_CHARS:,}). "
            "Paste or upload the recommendations section only.")
    cleaned = clean_text(text)
    lines = cleaned.split("\n")
    parser = _Parser(published, set(re.findall(r"[a-z]+(?:-[a-z]+)*", cleaned.lower())))
    running = _find_running_lines(lines)
    blank = True
    seen_running: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        if not raw or raw == PAGE_BREAK:
            blank = True
            continue
        if _PAGE_NUMBER.match(raw):
            parser.result.removed.append((number, raw))
            continue
        if _furniture_key(raw) in running:
            parser.result.removed.append((number, raw))
            seen_running.add(raw)
            continue
        _read_line(parser, _Line(number, raw, blank))
        blank = False
    parser.flush_unplaced()
    for key in sorted({_furniture_key(r) for r in seen_running}):
        example = next(r for r in seen_running if _furniture_key(r) == key)
        parser.result.warnings.append(ParseWarning(
            "A line repeated on several pages was removed as a running header or footer", None, _snippet(example)))
    _finish(parser)
    return parser.result


def _read_line(parser: _Parser, line: _Line) -> None:
    """Send one line to the parser according to its shape."""
    text = line.text
    plain = _plain(text)
    if m := _SECTION_HEADING.match(plain):
        parser.heading(m.group(1), line)
        return
    if (m := _LABELLED.match(plain)) and (not m.group(3) or _starts_with_capital(m.group(3)) or m.group(3)[0].isdigit()):
        parser.mode = "text"
        offset = len(text) - len(m.group(3))
        parser.labelled(_Relabel(m, text[offset:]), line)
        return
    if m := _NUMBERED.match(text):
        ref, rest = m.group(1), m.group(3)
        if rest and "." not in ref and _in_cause_list(parser) and int(ref) == parser.cause_points + 1:
            # "By 31 March 2023, the force should: 1. ...; 2. ...": the cause of concern's recommendations.
            parser.cause_points = int(ref)
            parser.bullet(rest, line)
            return
        # "4.1 Forces" (a space only) could be a broken sentence; "4.1:" or "4." cannot.
        sentence_break = (line.blank_before or parser.current is None or not m.group(2).isspace()
                          or _ends_sentence(_last_text(parser)))
        if rest and parser.in_list_context() and "." not in ref \
                and _is_numbered_bullet(parser, int(ref)) and not parser.in_cause_recs:
            parser.numbered_bullets = int(ref)
            parser.bullet(rest, line)
            return
        if (not rest or _starts_with_capital(rest)) and sentence_break and _plausible_ref(ref):
            parser.numbered(ref, rest, line)
            return
    if m := _LETTERED.match(text):
        label = m.group(1) or m.group(2)
        if _is_sub_label(parser, label) and (line.blank_before or parser.in_list_context()
                                              or _ends_sentence(_last_text(parser))):
            _lettered(parser, label, m.group(3), line)
            return
    if m := _BULLET.match(text):
        parser.bullet(m.group(2), line)
        return
    parser.plain(line)


class _Relabel:
    """A labelled match whose text part is taken from the original line (curly quotes kept)."""

    def __init__(self, match: re.Match, rest: str):
        """Wrap the match, with the text part as originally written."""
        self._m, self._rest = match, rest

    def group(self, n: int) -> str:
        """The match's group, with group 3 (the text) as originally written."""
        return self._rest if n == 3 else self._m.group(n)


def _in_cause_list(parser: _Parser) -> bool:
    """True inside a list of a cause of concern's recommendations (or right after its introduction)."""
    if not (parser.in_cause_recs and parser.cause is not None):
        return False
    current = parser.current
    intro_candidate = (current is not None and current is not parser.cause and current.ref is None
                       and not current.bullets and current.text.endswith(":"))
    return parser.intro is not None or intro_candidate


def _last_text(parser: _Parser) -> str:
    """The last thing written into the current item (its last bullet or its text)."""
    item = parser.current
    if item is None:
        return "."
    if parser.mode == "bullets" and item.bullets:
        return item.bullets[-1]
    return item.text or "."


def _plausible_ref(ref: str) -> bool:
    """A reference number, not a year or a count: each part at most 3 digits and the first under 200."""
    return int(ref.split(".")[0]) < 200


def _is_numbered_bullet(parser: _Parser, number: int) -> bool:
    """In a list, "1." starts numbered points and "2." continues them; other numbers are new items."""
    if number == 1 and parser.numbered_bullets == 0:
        return not parser.current.bullets  # "1." after "•" points is a new item, not a point
    return parser.numbered_bullets > 0 and number == parser.numbered_bullets + 1


def _is_sub_label(parser: _Parser, label: str) -> bool:
    """True for a, b, c... in order, or i, ii, iii..."""
    if parser.current is None and not parser.in_cause_recs:
        return False
    previous = parser.lettered[-1] if parser.lettered else None
    if previous is None:
        return label in ("a", "i")
    if len(label) == 1 and len(previous) == 1 and ord(label) == ord(previous) + 1:
        return True
    return bool(_ROMAN.match(label)) and _roman(label) == _roman(previous) + 1 if _ROMAN.match(previous) else False


def _roman(text: str) -> int:
    """The value of a small lower-case Roman numeral."""
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    total = 0
    for i, ch in enumerate(text):
        v = values[ch]
        total += -v if i + 1 < len(text) and values[text[i + 1]] > v else v
    return total


def _lettered(parser: _Parser, label: str, rest: str, line: _Line) -> None:
    """"a)", "(b)", "i.": a point of the current list, or a lettered sub-item of the current item."""
    parser.lettered.append(label)
    if parser.in_list_context() or parser.current is None:
        parser.bullet(rest, line)
        return
    base = parser.current
    if base.ref and base.parent_ref and re.search(r"\([a-z]+\)$", base.ref):
        base = parser.by_ref.get(base.parent_ref) or base  # "(b)" after "(a)" sits under the same item
    ref = f"{base.ref}({label})" if base.ref else None
    kind = Kind.RECOMMENDATION if base.kind is Kind.CAUSE_OF_CONCERN else base.kind
    lettered_before = parser.lettered[:]
    parser.start(ref, kind, rest, line, base)
    parser.lettered = lettered_before


def _finish(parser: _Parser) -> None:
    """Fill in each item's addressee and deadline, tidy its text and flag what a person must check."""
    result = parser.result
    for item in parser.items:
        item.text = item.text.strip()
        item.bullets = [b.strip() for b in item.bullets if b.strip()]
        if not item.text and item.bullets:
            item.text, item.bullets = item.bullets[0], item.bullets[1:]
        if not item.text:
            parser.warn("An item has a reference but no text", None, item.ref)
            item.flags.append("No text was found for this item")
        if item.ref is None:
            item.flags.append("The text gives no reference: add one")
        item.deadline_text = find_deadline_phrase(item.text)
        if item.kind is not Kind.CAUSE_OF_CONCERN:
            item.addressed_to = find_addressee(item.text, item.deadline_text)
            if item.addressed_to is None:
                item.flags.append("The text does not say who should act: check 'addressed to'")
        if item.deadline_text:
            deadline = parse_deadline(item.deadline_text, parser.published)
            item.deadline_kind = deadline.kind
            item.deadline = deadline.date
            if deadline.needs_a_person:
                item.flags.append(f"The deadline “{item.deadline_text}” could not be read ({deadline.reason}): set a date")
        result.items.append(item)
    if not result.items:
        result.warnings.insert(0, ParseWarning("No recommendations, areas for improvement or causes of concern were found"))


# --- writing items back out as text -----------------------------------------------------------

_HEADINGS = {Kind.RECOMMENDATION: "Recommendations", Kind.AREA_FOR_IMPROVEMENT: "Areas for improvement",
             Kind.CAUSE_OF_CONCERN: "Causes of concern"}
_SINGULAR = {Kind.RECOMMENDATION: "Recommendation", Kind.AREA_FOR_IMPROVEMENT: "Area for improvement",
             Kind.CAUSE_OF_CONCERN: "Cause of concern"}


def render_text(items: list[ParsedItem], width: int = 78) -> str:
    """Write items as plain text in tracker's own format, which parse_text reads back.

    Items come in document order, parents before their children: recommendations, then areas
    for improvement, then causes of concern, each cause followed by its own recommendations
    under a "Recommendations" heading. A section heading marks each change of kind.
    """
    out: list[str] = []
    causes = {item.ref for item in items if item.kind is Kind.CAUSE_OF_CONCERN and item.ref}
    headed_causes: set[str] = set()
    section: Kind | None = None
    for item in items:
        if item.parent_ref is not None and item.parent_ref in causes:
            if item.parent_ref not in headed_causes:
                out.append("Recommendations")
                headed_causes.add(item.parent_ref)
        elif item.parent_ref is None and item.kind is not section:
            out.append(_HEADINGS[item.kind])
            section = item.kind
        out.append(_render_item(item, width))
    return "\n\n".join(out) + "\n"


def _render_item(item: ParsedItem, width: int) -> str:
    """One item: its reference and text (wrapped), then its bullet points."""
    paragraphs = item.text.split("\n\n")
    if item.ref is None:
        head = _SINGULAR[item.kind] + "\n" + _wrap(paragraphs[0], width)
    elif re.match(r"^\d", item.ref):
        ref = item.ref
        letter = re.match(r"^(.*)\(([a-z]+)\)$", ref)
        head = _wrap((f"({letter.group(2)}) " if letter else f"{ref}. ") + paragraphs[0], width)
    else:
        head = _wrap(f"{item.ref}: {paragraphs[0]}", width)
    parts = [head] + [_wrap(p, width) for p in paragraphs[1:]]
    if item.bullets:
        parts.append("\n".join(_wrap("• " + b, width, "  ") for b in item.bullets))
    return "\n\n".join(parts)


def _wrap(text: str, width: int, indent: str = "") -> str:
    """Wrap a paragraph the way a PDF breaks lines (never inside a word or at a hyphen)."""
    return textwrap.fill(text, width=width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


# --- reading files --------------------------------------------------------------------------


def read_file_bytes(filename: str, data: bytes) -> tuple[str, list[ParseWarning]]:
    """Turn an uploaded .txt, .docx or .pdf into text; raise ImportFileError with a clear message."""
    name = (filename or "").lower()
    extension = next((ext for ext in ACCEPTED_EXTENSIONS if name.endswith(ext)), None)
    if extension is None:
        raise ImportFileError("The selected file must be a .txt, .docx or .pdf file")
    if not data:
        raise ImportFileError("The selected file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"The selected file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB "
            f"(it is {len(data) / (1024 * 1024):.1f} MB)")
    if extension == ".txt":
        text, warnings = _read_txt(data)
    elif extension == ".docx":
        text, warnings = _read_docx(data)
    else:
        text, warnings = _read_pdf(data)
    if len(text) > MAX_TEXT_CHARS:
        raise ImportFileError(
            f"The file holds too much text to read ({len(text):,} characters; the most is {MAX_TEXT_CHARS:,}). "
            "Upload or paste the recommendations section only.")
    if not text.strip():
        raise ImportFileError("The selected file has no text in it")
    return text, warnings


def _looks_binary(data: bytes) -> bool:
    """True when bytes are not text: NUL bytes, or many control characters."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def _read_txt(data: bytes) -> tuple[str, list[ParseWarning]]:
    """Read a text file as UTF-8 (or UTF-16 with a byte order mark), else as Windows-1252 with a warning."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise ImportFileError("The selected file is not readable text") from None
    if _looks_binary(data):
        raise ImportFileError("The selected file is not a text file: it holds binary data. "
                              "Upload a .txt, .docx or .pdf file")
    if data.startswith(b"%PDF-"):
        raise ImportFileError("The selected file is a PDF named .txt: rename it to .pdf and upload it again")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        return text, [ParseWarning(
            f"The file is not UTF-8 (byte {exc.start + 1} is not): it was read as Windows-1252; "
            "check quotes and accented letters", None, None)]


def _read_docx(data: bytes) -> tuple[str, list[ParseWarning]]:
    """Read the paragraphs (and table cells) of a Word document, marking list paragraphs as bullet points."""
    not_word = ("The selected file is not a Word document (.docx) that can be opened: it may be damaged, "
                "or saved in another format. Save it as .docx, .pdf or .txt and try again")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNZIPPED_BYTES:
                raise ImportFileError("The selected Word document is too large to read once unpacked")
            if "word/document.xml" not in archive.namelist():
                raise ImportFileError(not_word)
    except zipfile.BadZipFile:
        raise ImportFileError(not_word) from None
    import docx  # noqa: PLC0415  (a heavy library, loaded when first used)
    from docx.opc.exceptions import PackageNotFoundError  # noqa: PLC0415  (a heavy library, loaded when first used)

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise ImportFileError(not_word) from None
    except Exception:  # lxml's XMLSyntaxError and its kin: a damaged file
        raise ImportFileError(not_word) from None
    lines: list[str] = []
    warnings: list[ParseWarning] = []
    numbered = False
    for paragraph in document.paragraphs:
        text = paragraph.text
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        has_numbering = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
        if text.strip() and ("List" in style or has_numbering) and not _BULLET.match(text.strip()):
            numbered = numbered or "Number" in style or has_numbering
            text = "• " + text
        lines.append(text)
        lines.append("")
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.append(cell.text)
                lines.append("")
    if numbered:
        warnings.append(ParseWarning(
            "Word's automatic list numbering is not kept in the text: numbered paragraphs were read as "
            "bullet points; check the references"))
    return "\n".join(lines), warnings


def _read_pdf(data: bytes) -> tuple[str, list[ParseWarning]]:
    """Read the text layer of a PDF, page by page; refuse a scan or a locked file clearly."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise ImportFileError("The selected file is not a PDF that can be opened: it may be damaged")
    from pypdf import PdfReader  # noqa: PLC0415  (a heavy library, loaded when first used)
    from pypdf.errors import PyPdfError  # noqa: PLC0415  (a heavy library, loaded when first used)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFileError("The selected PDF is protected by a password: remove the password and try again")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ImportFileError(f"The selected PDF has more than {MAX_PDF_PAGES} pages: upload the "
                                  "recommendations section only")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ImportFileError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        raise ImportFileError("The selected file is not a PDF that can be opened: it may be damaged") from None
    text = "\f".join(pages)
    if not text.strip():
        raise ImportFileError("this PDF has no text to read: it may be a scan. "
                              "Copy the recommendations from the report's web page instead")
    return text, []
