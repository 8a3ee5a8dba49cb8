"""Writing items back out as plain text in tracker's own format, which parse_text reads back."""

from __future__ import annotations

import re
import textwrap

from tracker.domain.importer.results import ParsedItem
from tracker.domain.statuses import Kind

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
    elif item.kind is Kind.CAUSE_OF_CONCERN and re.fullmatch(r"\d+(?:\.\d+)*", item.ref):
        # Labelled, so that a cause after another cause's numbered recommendations is read as a cause.
        head = _wrap(f"{_SINGULAR[item.kind]} {item.ref}: {paragraphs[0]}", width)
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
