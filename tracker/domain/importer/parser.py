"""The parser: one pass over the lines of a report's text, placing each by its shape."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from tracker.domain.importer.addressees import find_addressee, is_directive
from tracker.domain.importer.deadlines import read_deadline
from tracker.domain.importer.layout import Line as _Line
from tracker.domain.importer.layout import split_line
from tracker.domain.importer.noise import is_badge, mend, remove_noise, strip_register_markup
from tracker.domain.importer.published import find_publication_date
from tracker.domain.importer.results import MAX_TEXT_CHARS, ImportFileError, ParsedItem, ParseResult, ParseWarning
from tracker.domain.importer.shapes import (
    BARE_NUMBER,
    BULLET,
    LABELLED,
    LABELS,
    LETTERED,
    NUMBERED,
    ROMAN,
    RUN_IN_LABEL,
    SECTION_HEADING,
    SECTION_KINDS,
    plausible_ref,
    roman_value,
)
from tracker.domain.importer.sources import iopc_made_on, is_coroners_report, read_coroners_report
from tracker.domain.importer.text import (
    PAGE_BREAK,
    PAGE_NUMBER,
    clean_text,
    ends_sentence,
    find_running_lines,
    fold_quotes,
    furniture_key,
    join_lines,
    looks_like_heading,
    shorten,
    starts_with_capital,
)
from tracker.domain.statuses import Kind

# --- the parser -----------------------------------------------------------------------------


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
        self.loose: set[int] = set()  # ids of items read from such paragraphs or points
        self.loose_from_points: set[int] = set()
        self.cause_points = 0  # the last number of a numbered list of a cause of concern's recommendations
        self.unplaced: list[_Line] = []  # a run of lines that are not part of any item
        self.structured = False  # a heading, a labelled item or a numbered recommendation has been read
        self.paragraph_numbers = False  # the text numbers its paragraphs ("2.1 Recommendation 1")
        self.short: set[int] = set()  # ids of items read from one point, row or paragraph: they end with it
        self.last_bare_ref = 0  # a tracker's "1", "2" on lines of their own
        self.causes_by_text: dict[str, ParsedItem] = {}  # a cause of concern repeated in several table rows
        self.cause_recs_by_heading = False  # its recommendations follow a "Recommendations" heading
        self.intro_line: _Line | None = None  # the line of an introduction no item has used yet

    # -- helpers

    def warn(self, message: str, line: _Line | None = None, snippet: str | None = None) -> None:
        """Record something that could not be placed, with its line and a snippet."""
        self.result.warnings.append(ParseWarning(message, line.number if line else None,
                                                 shorten(snippet if snippet is not None else line.text) if line else snippet))

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
                item.bullets[-1] = join_lines(item.bullets[-1], line.text, self.words)
                return
            item.flags.append("Text after the bullet points was added to the end of the text: check it belongs here")
            self.warn("Text after a list of bullet points was added to the end of the item's text", line)
            self.mode = "text"
        if not item.text:
            item.text = line.text
        elif line.blank_before:
            item.text += "\n\n" + line.text
        else:
            item.text = join_lines(item.text, line.text, self.words)

    def parent_for(self, ref: str, line: _Line) -> ParsedItem | None:
        """The item a dotted reference sits under (4.1 under 4), warning when it is missing."""
        if "." not in ref:
            return None
        parent_ref = ref.rsplit(".", 1)[0]
        parent = self.by_ref.get(parent_ref)  # "Recommendation 2" (reference 2) then "2.1": 2.1 sits under it
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
        kind = SECTION_KINDS[base]
        self.structured = True
        self.intro = None
        self.cause_points = 0
        self.mode = "text"
        if kind is Kind.RECOMMENDATION and self.cause is not None:
            self.in_cause_recs, self.cause_recs_by_heading = True, True
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
        kind, label = LABELS[m.group(1).lower()]
        ref = m.group(2)  # "Recommendation 1" is reference 1 of kind recommendation
        if ref in self.by_ref and self.by_ref[ref].kind is not kind:
            ref = f"{label} {ref}"  # "Cause of concern 1" and "Area for improvement 1" in one text
        parent = None
        if kind is Kind.RECOMMENDATION and self.cause is not None:
            parent = self.cause
        elif "." in m.group(2):
            parent = self.by_ref.get(m.group(2).rsplit(".", 1)[0])
        if kind is not Kind.RECOMMENDATION or self.cause is None:
            self.cause, self.in_cause_recs = None, False
        self.intro = None
        self.cause_points = 0
        item = self.start(ref, kind, m.group(3).strip(), line, parent)
        self.structured = True
        if kind is Kind.CAUSE_OF_CONCERN:
            self.cause = item

    def unused_intro(self) -> None:
        """Warn about a list's introduction that no list followed."""
        if self.intro_line is not None:
            self.warn("An introduction to a list of recommendations was followed by no list", self.intro_line)
            self.intro_line = None

    def with_intro(self, text: str) -> str:
        """Put a list's introduction ("By 31 March 2023, the force should:") before one of its items."""
        if not self.intro or not text:
            return text
        self.intro_line = None  # used
        return f"{self.intro.rstrip(':').rstrip()} {text}"

    def numbered(self, ref: str, rest: str, line: _Line) -> None:
        """"3. ...", "3.2: ...": a numbered item (or a numbered bullet point in a list)."""
        after_points = self.mode == "bullets" and self.numbered_bullets == 0  # "11." after "•" points: the next one
        if self.in_cause_recs and self.cause is not None and "." not in ref and (
                not self.in_list_context() or after_points):
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
                self.start_short(None, Kind.RECOMMENDATION, self.with_intro(text), line, self.cause)
                return
            if not self.cause_recs_by_heading and (self.current is None or self.is_short(self.current)):
                self.start_short(None, Kind.RECOMMENDATION, text, line, self.cause)  # its list of points
                return
        if self.cause is not None and self.current is self.cause and not self.in_cause_recs and is_directive(text):
            # A cause of concern's points that tell the force what to do are its recommendations.
            self.in_cause_recs, self.cause_recs_by_heading = True, False
            self.start_short(None, Kind.RECOMMENDATION, text, line, self.cause)
            return
        if self.loose_section and (self.current is None or (
                id(self.current) in self.loose_from_points and not self.current.text.endswith(":"))):
            # Under "Areas for improvement", each unnumbered point is an item of its own.
            self.start_loose(text, line, from_point=True)
            return
        if self.current is None:
            self.unplaced.append(line)
            return
        self.current.bullets.append(text)
        self.mode = "bullets"

    def start_short(self, ref: str | None, kind: Kind, text: str, line: _Line,
                    parent: ParsedItem | None = None) -> ParsedItem:
        """An item read from one point, table row or paragraph: it ends where that ends."""
        item = self.start(ref, kind, text, line, parent)
        self.short.add(id(item))
        if kind is Kind.CAUSE_OF_CONCERN and parent is None:
            self.cause, self.in_cause_recs = item, False
        return item

    def is_short(self, item: ParsedItem | None) -> bool:
        """True for an item read from one point, table row or paragraph."""
        return id(item) in self.short

    def start_loose(self, text: str, line: _Line, from_point: bool = False) -> None:
        """An item with no reference, from a paragraph or point under a section heading."""
        item = self.start_short(None, self.section_kind, text, line) if from_point else \
            self.start(None, self.section_kind, text, line)
        self.loose.add(id(item))
        if from_point:
            self.loose_from_points.add(id(item))
        if self.section_kind is Kind.CAUSE_OF_CONCERN:
            self.cause = item

    def table_row(self, line: _Line) -> None:
        """A tracker's row: its reference and its text, under the cause of concern of the same row."""
        parent = self.cause
        kind = Kind.RECOMMENDATION if parent is not None else self.section_kind
        self.start_short(line.ref, kind, line.text, line, parent)
        self.structured = True

    def cause_from_row(self, text: str, line: _Line) -> None:
        """"Cause of concern: ..." in a table row; a cause repeated in several rows is one item."""
        key = " ".join(fold_quotes(text).lower().split())
        if key in self.causes_by_text:
            self.cause, self.in_cause_recs, self.current = self.causes_by_text[key], True, None
            return
        self.heading("cause of concern", line)
        self.current.text = text
        self.causes_by_text[key] = self.current
        self.in_cause_recs = True

    def item_ended(self, line: _Line) -> bool:
        """True when the current short item's point, row or paragraph ended before this line."""
        item = self.current
        if not self.is_short(item) or self.in_list_context():
            return False
        if line.blank_before and line.text.endswith(":") and not is_directive(line.text):
            return False  # "This should include:": the item goes on with a list
        return line.blank_before or (ends_sentence(_last_text(self)) and starts_with_capital(line.text))

    def plain(self, line: _Line) -> None:
        """A line of text that starts nothing: it continues the current item, or it is unplaced."""
        if self.current is not None and self.mode != "ended" and self.item_ended(line):
            self.current = None
        if self.current is not None and self.mode != "ended":
            if line.blank_before and looks_like_heading(line.text) and self.current.text:
                self.mode = "ended"
                self.current = None
                self.cause, self.in_cause_recs, self.loose_section = None, False, False
                self.unplaced.append(line)
                return
            if (line.blank_before and self.current is self.cause and not self.in_cause_recs
                    and self.current.text and is_directive(line.text)):
                # "The force should immediately:" after a cause of concern: its recommendations follow.
                self.in_cause_recs, self.cause_recs_by_heading, self.current = True, False, None
                self.cause_paragraph(line)
                return
            if (self.loose_section and id(self.current) in self.loose
                    and not self.in_cause_recs and not self.current.text.endswith(":")
                    and (line.blank_before and re.search(r"\b(?:should|must)\b", line.text)
                         or starts_with_capital(line.text) and is_directive(line.text, needs_to=True))):
                # The next unnumbered area for improvement: a paragraph, or a line of its own that
                # tells the force what to do (one-line items are often written without a full stop).
                self.start_loose(line.text, line)
                return
            self.add_text(line)
            return
        if self.in_cause_recs and self.cause is not None:
            self.cause_paragraph(line)
            return
        if self.loose_section and self.mode != "ended" and (
                self.section_kind is Kind.CAUSE_OF_CONCERN or is_directive(line.text, needs_to=True)):
            self.start_loose(line.text, line)  # under "Areas for improvement": an unnumbered one
            return
        if line.blank_before and not self.loose_section and is_directive(line.text) and not line.text.endswith("?"):
            # A recommendation written as a paragraph of its own, with no number or heading: a register entry.
            self.start_short(None, self.section_kind, line.text, line)
            return
        self.current = None
        self.unplaced.append(line)

    def cause_paragraph(self, line: _Line) -> None:
        """A paragraph among a cause of concern's recommendations: an introduction, a list, or one of them."""
        text = line.text
        if text.endswith(":") and is_directive(text):
            self.unused_intro()
            self.intro, self.intro_line, self.current = text, line, None  # "Within three months the force should:"
            return
        if self.intro is not None and self.current is None and looks_like_heading(text):
            self.mode, self.cause, self.in_cause_recs = "ended", None, False  # the recommendations are over
            self.unplaced.append(line)
            return
        if self.intro is not None and not line.blank_before and self.current is None \
                and not self.intro.rstrip().endswith(":"):
            self.intro = join_lines(self.intro, text, self.words)
            return
        if not self.cause_recs_by_heading and self.intro is None and not is_directive(text):
            self.current = None  # the force's progress, a comment: not a recommendation
            self.unplaced.append(line)
            return
        for point in _list_points(text) if self.intro else [text]:
            self.start_short(None, Kind.RECOMMENDATION, self.with_intro(point), line, self.cause)


def _list_points(text: str) -> list[str]:
    """The points of a list written as one paragraph: "take steps ...; ensure ...; and ensure ..."."""
    points = [p.strip() for p in re.split(r";\s+(?:and\s+)?(?=[a-z])", text) if p.strip()]
    return points if len(points) > 1 else [text]


def parse_text(text: str, published: date | None = None) -> ParseResult:
    """Read the recommendations out of a report's text (or its recommendations section).

    `published` is the report's publication date as the inspection records it; without it, the
    date the text states (if any) dates deadlines counted from publication.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise ImportFileError(
            f"The text is too long to read ({len(text):,} characters; the most is {MAX_TEXT_CHARS:,}). "
            "Paste or upload the recommendations section only.")
    cleaned = clean_text(text)
    lines, history = strip_register_markup(cleaned.split("\n"))
    mended = [mend(line) for line in lines]
    lines, removed = remove_noise(mended)
    joined = "\n".join(lines)
    if is_coroners_report(joined):
        # A coroner's report to prevent future deaths has a shape of its own (see sources).
        result = read_coroners_report(joined)
        result.history, result.removed = history, removed
        return result
    stated = find_publication_date(joined)
    parser = _Parser(published or (stated.date if stated else None),
                     set(re.findall(r"[a-z]+(?:-[a-z]+)*", cleaned.lower())))
    result = parser.result
    result.history, result.removed = history, removed
    if stated is not None:
        result.published, result.published_text = stated.date, stated.phrase
        if published is not None and stated.date != published:
            parser.warn(f"The text says the report was published on {stated.date:%-d %B %Y}, but the inspection "
                        f"records {published:%-d %B %Y}: deadlines were counted from the inspection's date",
                        None, stated.phrase)
    parser.paragraph_numbers = any(_numbered_label(line) for line in lines if line)
    running = find_running_lines(lines)
    blank = True
    seen_running: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        if not raw or raw == PAGE_BREAK:
            blank = True
            continue
        if PAGE_NUMBER.match(raw) and not _tracker_ref(parser, raw, mended[number:number + 1]):
            result.removed.append((number, raw))
            continue
        if furniture_key(raw) in running:
            result.removed.append((number, raw))
            seen_running.add(raw)
            continue
        for piece in split_line(number, raw, blank):
            _read_line(parser, piece)
        blank = False
    parser.flush_unplaced()
    parser.unused_intro()
    result.removed.sort()
    for key in sorted({furniture_key(r) for r in seen_running}):
        example = next(r for r in seen_running if furniture_key(r) == key)
        result.warnings.append(ParseWarning(
            "A line repeated on several pages was removed as a running header or footer", None, shorten(example)))
    _finish(parser)
    if made := iopc_made_on(joined):
        result.dates.append(("Recommendations made", *made))
    return result


def _tracker_ref(parser: _Parser, line: str, following: list[str]) -> bool:
    """A tracker's "2" above its status badge, in sequence: a reference, not a page number."""
    return (bool(BARE_NUMBER.match(line)) and parser.structured and int(line) == parser.last_bare_ref + 1
            and bool(following) and is_badge(following[0]))


def _numbered_label(line: str) -> bool:
    """True for a label after a paragraph number: "2.1 Recommendation 1"."""
    m = NUMBERED.match(line)
    return bool(m and LABELLED.match(fold_quotes(m.group(3))))


def _read_line(parser: _Parser, line: _Line) -> None:
    """Send one line to the parser according to its shape."""
    text = line.text
    plain = fold_quotes(text)
    if line.ref is not None:
        parser.table_row(line)
        return
    if m := SECTION_HEADING.match(plain):
        parser.heading(m.group(1), line)
        return
    if (m := LABELLED.match(plain)) and (not m.group(3) or starts_with_capital(m.group(3)) or m.group(3)[0].isdigit()):
        parser.mode = "text"
        offset = len(text) - len(m.group(3))
        parser.labelled(_Relabel(m, text[offset:]), line)
        return
    if m := RUN_IN_LABEL.match(plain):
        _run_in_label(parser, m.group(1), text[len(text) - len(m.group(2)):], line)
        return
    if BARE_NUMBER.match(text) and parser.structured and int(text) == parser.last_bare_ref + 1:
        parser.last_bare_ref = int(text)  # a tracker's "1", "2", "3" on lines of their own
        parser.numbered(text, "", line)
        return
    if m := NUMBERED.match(text):
        ref, rest = m.group(1), m.group(3)
        if rest and LABELLED.match(fold_quotes(rest)):
            _read_line(parser, replace(line, text=rest))  # "2.1 Recommendation 1": a paragraph number first
            return
        if parser.paragraph_numbers and rest and not parser.in_list_context():
            parser.plain(replace(line, text=rest))  # a paragraph number in a text that numbers its paragraphs
            return
        if rest and "." not in ref and _in_cause_list(parser) and int(ref) == parser.cause_points + 1:
            # "By 31 March 2023, the force should: 1. ...; 2. ...": the cause of concern's recommendations.
            parser.cause_points = int(ref)
            parser.bullet(rest, line)
            return
        # "4.1 Forces" (a space only) could be a broken sentence; "4.1:" or "4." cannot.
        sentence_break = (line.blank_before or parser.current is None or not m.group(2).isspace()
                          or ends_sentence(_last_text(parser)))
        if rest and parser.in_list_context() and "." not in ref \
                and _is_numbered_bullet(parser, int(ref)) and not parser.in_cause_recs:
            parser.numbered_bullets = int(ref)
            parser.bullet(rest, line)
            return
        if (not rest or starts_with_capital(rest)) and sentence_break and plausible_ref(ref) \
                and _numbers_an_item(parser, ref, rest):
            parser.numbered(ref, rest, line)
            parser.structured = True
            return
    if m := LETTERED.match(text):
        label = m.group(1) or m.group(2)
        if _is_sub_label(parser, label) and (line.blank_before or parser.in_list_context()
                                              or ends_sentence(_last_text(parser))):
            _lettered(parser, label, m.group(3), line)
            return
    if m := BULLET.match(text):
        parser.bullet(m.group(2), line)
        return
    parser.plain(line)


def _numbers_an_item(parser: _Parser, ref: str, rest: str) -> bool:
    """A number starts an item under a heading, among numbered items, or when its sentence recommends.

    Otherwise it numbers a paragraph of a letter, minutes or a page ("1. On 22 November ...").
    """
    if parser.structured or ("." in ref and ref.rsplit(".", 1)[0] in parser.by_ref):
        return True
    return bool(re.search(r"\b(?:should|must|recommend)", rest[:400], re.IGNORECASE))


def _run_in_label(parser: _Parser, label: str, rest: str, line: _Line) -> None:
    """"Cause of concern: The force ...", "Recommendations: Forces should ...": the label, then its text."""
    if line.from_table and label.lower().startswith("cause"):
        parser.cause_from_row(rest, line)
        return
    parser.heading(label, line)
    _read_line(parser, replace(line, text=rest, blank_before=True))


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
    return bool(ROMAN.match(label)) and roman_value(label) == roman_value(previous) + 1 if ROMAN.match(previous) else False



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


# "In our inspections, if we identify ... we will report it as a cause of concern": a glossary's definition.
_EXPLANATION = re.compile(r"^(?:in our inspections\b|if we (?:identify|find)\b)|\bwe will report it as\b", re.IGNORECASE)


def _finish(parser: _Parser) -> None:
    """Fill in each item's addressee and deadline, tidy its text and flag what a person must check."""
    result = parser.result
    for item in parser.items:
        item.text = item.text.strip()
        if item.ref is None and _EXPLANATION.search(item.text):
            # "In our inspections, if we identify ... we will report it as a cause of concern": a glossary.
            parser.warn("A paragraph explaining what the inspectorate does was not read as an item",
                        _Line(item.line or 0, item.text, False))
            continue
        item.bullets = [b.strip() for b in item.bullets if b.strip()]
        if not item.text and item.bullets:
            item.text, item.bullets = item.bullets[0], item.bullets[1:]
        if not item.text:
            parser.warn("An item has a reference but no text", None, item.ref)
            item.flags.append("No text was found for this item")
        if item.ref is None:
            item.flags.append("The text gives no reference: add one")
        read_deadline(item, parser.published)
        if item.kind is not Kind.CAUSE_OF_CONCERN:
            item.addressed_to = find_addressee(item.text, item.deadline_text)
            if item.addressed_to is None:
                item.flags.append("The text does not say who should act: check 'addressed to'")
        result.items.append(item)
    if not result.items:
        result.warnings.insert(0, ParseWarning("No recommendations, areas for improvement or causes of concern were found"))
