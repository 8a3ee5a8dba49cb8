"""What the importer returns (items, warnings, what it removed) and what it refuses (ImportFileError)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from tracker.domain.deadlines import DeadlineKind
from tracker.domain.statuses import Kind

MAX_TEXT_CHARS = 1_000_000  # the text read from a file or pasted: about 500 pages of a report


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
    # The publication date the text states ("Published on: 12 December 2017") and the words stating it.
    published: date | None = None
    published_text: str | None = None
    # A register entry's status history ([on]9th February 2017 [status]awaiting-review...), oldest first.
    history: list[tuple[date, str]] = field(default_factory=list)
    # Other dates the text states for its source, with the words stating them: a coroner's report's
    # date and "namely by" date, the date IOPC recommendations were made. (label, date, words)
    dates: list[tuple[str, date, str]] = field(default_factory=list)

    def as_json(self) -> dict:
        """{"items": [...], "warnings": [...]}: the command's JSON."""
        return {"items": [i.as_json() for i in self.items], "warnings": [w.as_json() for w in self.warnings],
                "published": self.published.isoformat() if self.published else None,
                "dates": [{"label": label, "date": when.isoformat(), "words": words} for label, when, words in self.dates]}
