"""Deadlines in the text of an item: the phrase that sets one, and the date it gives."""

from __future__ import annotations

from datetime import date

from tracker.domain.deadlines import DeadlineKind, find_deadline_phrase, find_deadline_phrases, parse_deadline
from tracker.domain.importer.results import ParsedItem


def read_deadline(item: ParsedItem, published: date | None) -> None:
    """Find the item's deadline phrase and its date, flagging one a person must set by hand."""
    item.deadline_text = find_deadline_phrase(item.text)
    if not item.deadline_text:
        return
    deadline = parse_deadline(item.deadline_text, published)
    item.deadline_kind = deadline.kind
    item.deadline = deadline.date
    if deadline.needs_a_person:
        item.flags.append(f"The deadline “{item.deadline_text}” could not be read ({deadline.reason}): set a date")
    elif deadline.kind is DeadlineKind.IMMEDIATE and deadline.date is None:
        item.flags.append(f"The deadline “{item.deadline_text}” runs from publication, and the publication date "
                          "is not known: set it on the inspection")
    others = {p.lower() for p in find_deadline_phrases(item.text)} - {item.deadline_text.lower()}
    if others:
        item.flags.append("The text sets more than one deadline (" + ", ".join(sorted(others)) + "): check which applies")
