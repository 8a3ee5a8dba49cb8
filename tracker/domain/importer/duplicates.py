"""Items read from a text that an inspection already holds: the same reference, or the same words."""

from __future__ import annotations

import re

from tracker.domain.importer.text import fold_quotes

_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    """The words of a text, lower case, quotes and dashes folded."""
    return _WORD.findall(fold_quotes(text or "").lower())


def same_words(a: str, b: str) -> bool:
    """True when two texts say the same thing: the same words but for a few (a pasted text's own damage)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if wa == wb or (len(wa) >= 12 and wa[:12] == wb[:12]):
        return True
    shared = set(wa) & set(wb)
    return len(shared) / len(set(wa) | set(wb)) >= 0.85


def duplicate_of(ref: str | None, text: str, existing: list[tuple[str | None, str]]) -> tuple[str | None, str] | None:
    """The (reference, text) of an existing item this one repeats, or None.

    It repeats one when it has the same reference, or says the same thing in the same words.
    """
    for other_ref, other_text in existing:
        if ref is not None and ref == other_ref:
            return other_ref, other_text
    for other_ref, other_text in existing:
        if same_words(text, other_text):
            return other_ref, other_text
    return None
