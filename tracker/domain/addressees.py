"""Who a recommendation is addressed to: the force (or its PCC) to act, or another body, for information.

Plain Python, read from the stored `addressed_to` text, so it holds for data entered before the rule.
A report addressed to "All chief constables" asks the force to act; one addressed to "The College of
Policing" or "The Home Office" tells the force what another body is to do. Such an item is tracked
"for information": outside the force's overdue counts, packs and charts, and listed in the
response as not requiring the force's action. An item with no addressee is taken as the force's.
"""

from __future__ import annotations

import re

# Words in an addressee that make a recommendation the force's or the PCC's to answer.
_FORCE_WORDS = re.compile(
    r"\b(forces?|constabular(y|ies)|chief constables?|chief officers?|police and crime commissioners?|"
    r"pccs?|police, fire and crime commissioners?|pfccs?|local policing bod(y|ies)|mayors?|commissioners?|"
    r"fire and rescue (services?|authorit(y|ies))|chief fire officers?|fire authorit(y|ies))\b",
    re.IGNORECASE,
)


def addressed_to_force(addressed_to: str | None) -> bool:
    """Whether a recommendation is the force's or its PCC's to answer (no addressee: yes)."""
    if addressed_to is None or not addressed_to.strip():
        return True
    return bool(_FORCE_WORDS.search(addressed_to))


def for_information(addressed_to: str | None) -> bool:
    """Whether the item is addressed only to other bodies, so the force tracks it for information."""
    return not addressed_to_force(addressed_to)


def addressee_phrase(addressed_to: str | None) -> str:
    """'addressed to the College of Policing', in running text (the stored text, its first letter lowered)."""
    text = " ".join((addressed_to or "").split()).rstrip(".")
    if text[:4] == "The ":
        text = "the " + text[4:]
    return f"addressed to {text}" if text else "addressed to another body"
