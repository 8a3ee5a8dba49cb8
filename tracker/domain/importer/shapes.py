"""The shapes of items: section headings, labelled, numbered and lettered items, bullet points,
and what makes a number a reference."""

from __future__ import annotations

import re

from tracker.domain.statuses import Kind

# --- the shapes of lines -------------------------------------------------------------------

SECTION_HEADING = re.compile(
    r"^(recommendations?|areas? for improvement|causes? of concern)\s*[:.]?$", re.IGNORECASE)
LABELLED = re.compile(
    r"^(recommendation|area for improvement|cause of concern|afi|action for further improvement)\s+(\d{1,3}(?:\.\d{1,3})*)"
    r"(?:\s*[:.)\-\u2013\u2014]\s*|\s+|$)(.*)$", re.IGNORECASE)
# A label run into its text: "Cause of concern: The force ...", "Recommendations: Forces should ...",
# "Cause of concern Forces do not ..." (no colon, a capital after it).
RUN_IN_LABEL = re.compile(
    r"^(recommendations?|areas? for improvement|causes? of concern)(?:\s*[:\-\u2013\u2014]\s*|\s+(?-i:(?=[A-Z][a-z])))(\S.*)$",
    re.IGNORECASE)
BARE_NUMBER = re.compile(r"^\d{1,3}$")  # a tracker's reference on a line of its own
NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)([.:)]\s*|\s+)(.*)$")
LETTERED = re.compile(r"^(?:\(([a-z]{1,4})\)|([a-z]{1,4})[.)])\s+(.*)$")
BULLET = re.compile(r"^([\u00b7\u2022\u2023\u2043\u25aa\u25cf\u25e6\u25a0\u25a1\u27a2\u2713\u2714\uf0b7\uf0a7*>o-]"
                     r"|[\u2013\u2014])\s+(.*)$")
ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(?:ix|iv|v?i{0,3})$")
LABELS = {
    "recommendation": (Kind.RECOMMENDATION, "Recommendation"),
    "area for improvement": (Kind.AREA_FOR_IMPROVEMENT, "Area for improvement"),
    "afi": (Kind.AREA_FOR_IMPROVEMENT, "Area for improvement"),
    "action for further improvement": (Kind.AREA_FOR_IMPROVEMENT, "Area for improvement"),
    "cause of concern": (Kind.CAUSE_OF_CONCERN, "Cause of concern"),
}
SECTION_KINDS = {
    "recommendation": Kind.RECOMMENDATION,
    "area for improvement": Kind.AREA_FOR_IMPROVEMENT,
    "cause of concern": Kind.CAUSE_OF_CONCERN,
}

def plausible_ref(ref: str) -> bool:
    """A reference number, not a year or a count: each part at most 3 digits and the first under 200."""
    return int(ref.split(".")[0]) < 200


def roman_value(text: str) -> int:
    """The value of a small lower-case Roman numeral."""
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    total = 0
    for i, ch in enumerate(text):
        v = values[ch]
        total += -v if i + 1 < len(text) and values[text[i + 1]] > v else v
    return total
