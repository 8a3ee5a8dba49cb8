"""The reading of text: what a PDF or web page paste does to it (odd spaces, ligatures, page
furniture, words hyphenated across lines), and the small tests of a line's look (a heading, a
sentence's start and end)."""

from __future__ import annotations

import re
from collections import Counter

from tracker.domain.importer.shapes import BULLET, LABELLED, LETTERED, NUMBERED, SECTION_HEADING

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


def fold_quotes(text: str) -> str:
    """Fold curly quotes and dashes to plain ones, for matching (never for what is kept)."""
    return (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
            .replace("\u2013", "-").replace("\u2014", "-"))


PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]$",
                          re.IGNORECASE)


def furniture_key(line: str) -> str:
    """The line with its numbers folded, so "Report title 12" and "Report title 13" match."""
    return re.sub(r"\d+", "#", fold_quotes(line).lower())


def find_running_lines(lines: list[str]) -> set[str]:
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
        return line == PAGE_BREAK or bool(PAGE_NUMBER.match(line)) or (blank_counts and not line)

    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line or line == PAGE_BREAK or len(line) > 120 or PAGE_NUMBER.match(line):
            continue
        key = furniture_key(line)
        example.setdefault(key, fold_quotes(line))
        if is_break(index - 1, "#" in key) or is_break(index + 1, "#" in key):
            counts[key] += 1
    running = set()
    for key, count in counts.items():
        if count < 2 or key.endswith(":") or "should" in key or len(key.split()) < 2:
            continue
        line = example[key]
        if any(p.match(line) for p in (SECTION_HEADING, BULLET, LABELLED, NUMBERED, LETTERED)):
            continue
        running.add(key)
    return running


_SMALL_WORDS = {"and", "of", "the", "to", "for", "in", "on", "a", "an", "&", "with", "by", "at", "or"}


def starts_with_capital(text: str) -> bool:
    """True when the text starts like a sentence: a capital letter, a quote or a bracket."""
    return bool(text) and (text[0].isupper() or text[0] in "\"'\u201c\u2018(")


def ends_sentence(text: str) -> bool:
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


def shorten(text: str, width: int = 80) -> str:
    """The start of a line, shortened for a warning."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def join_lines(before: str, after: str, words: set[str] | frozenset = frozenset()) -> str:
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
