"""The statutory (s.55) response as a list of tasks in the order of the law, and what changed since
it was approved or last published.

Plain Python, no Flask: the rules read the records they are given and run no queries.

The order is the Police Act 1996's: invite the chief officer's comments before a date the PCC
specifies (s.55(4)); the chief officer's comments; the PCC's comments (s.55(5)); an explanation for
each recommendation (s.55(5B)); the PCC's approval; publication (s.55(5A)); copies to the
inspectors and the Secretary of State (s.55(6)).

An approval is of a text: a fingerprint of each part (the comments, each recommendation's
explanation and the chief officer's comment on it, with their Welsh versions where written) is kept
when it is given, and it counts only while the text is the same. The fingerprints of each published version say what changed since.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from tracker.domain.completeness import (
    copies_outstanding,
    missing_comments,
    missing_explanations,
    missing_welsh,
    requires_explanation,
    welsh_texts,
    works_in_welsh,
)

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START = "Cannot start yet"
NEW_APPROVAL = "New approval needed"
CHANGED = "Changed since publication"


@dataclass(frozen=True)
class Task:
    """One task of the response: its name, status, the page that does it (a key) and a hint."""

    key: str
    name: str
    status: str
    hint: str | None = None


COMMENT_PARTS = {
    "chief_comments": "The chief constable's comments",
    "chief_comments_absence": "Why there are no comments from the chief constable",
    "pcc_comments": "The PCC's comments",
    "pcc_response_to_chief": "The PCC's response to the chief constable's comments",
}


def _digest(text: str | None) -> str:
    """A short fingerprint of a text (blank and missing are the same)."""
    return hashlib.sha256(" ".join((text or "").split()).encode("utf-8")).hexdigest()[:16]


def _with_welsh(text: str, *welsh: str | None) -> str:
    """A part's text with its Welsh versions, when any is written (a part without Welsh keeps the
    fingerprint it had before Welsh versions were kept)."""
    return text if not any((w or "").strip() for w in welsh) else "\n".join([text, "cy:", *(w or "" for w in welsh)])


def sections(response, trackings) -> dict[str, str]:
    """The fingerprint of every part of the response's text, keyed by part."""
    parts = {name: _digest(_with_welsh(getattr(response, name) or "", getattr(response, f"{name}_cy", None)))
             for name in COMMENT_PARTS}
    for tracking in trackings:
        rec = tracking.recommendation
        parts[f"rec:{rec.id}"] = _digest(_with_welsh(
            "\n".join([rec.text, tracking.pcc_explanation or "", tracking.chief_comment or "",
                       "withheld" if tracking.chief_comment_not_for_publication else ""]),
            getattr(tracking, "pcc_explanation_cy", None), getattr(tracking, "chief_comment_cy", None)))
    return parts


def dump(parts: dict[str, str]) -> str:
    """The fingerprints as stored (JSON, keys sorted)."""
    return json.dumps(parts, sort_keys=True)


def changed_parts(stored: str | None, response, trackings) -> list[str]:
    """The names of the parts whose text differs from the stored fingerprints, in the document's order."""
    if not stored:
        return []
    before = json.loads(stored)
    now = sections(response, trackings)
    labels = dict(COMMENT_PARTS)
    for tracking in trackings:
        rec = tracking.recommendation
        labels[f"rec:{rec.id}"] = f"{rec.kind.label} {rec.ref}".strip()
    return [labels[key] for key in now if before.get(key) != now[key]] + \
        (["A recommendation that is no longer in the report"] if set(before) - set(now) else [])


def approval_stands(response, trackings) -> bool:
    """Whether the response is approved and its text is still the text that was approved."""
    return response.approved_on is not None and not changed_parts(response.approved_sections, response, trackings) \
        and response.approved_sections is not None


def explanations_needed(response, trackings) -> list:
    """The tracking rows whose recommendation needs the PCC's explanation (s.55(5B)), in report order."""
    afi = bool(response.force.explain_areas_for_improvement)
    return [t for t in trackings
            if requires_explanation(t.recommendation.kind, t.recommendation.addressed_to, afi)]


def tasks(response, trackings) -> list[Task]:
    """The response's tasks in the order of the law, each with its status."""
    invited = response.chief_invited_on is not None
    asked_by = response.chief_comments_due_on is not None
    invite = Task("invite", "Invite the chief constable's comments",
                  COMPLETED if invited and asked_by else IN_PROGRESS if invited or asked_by else NOT_STARTED,
                  "Section 55(4): the date of the invitation and the date by which comments are asked")
    chief_done = bool((response.chief_comments or "").strip() or (response.chief_comments_absence or "").strip())
    chief = Task("chief_comments", "The chief constable's comments",
                 COMPLETED if chief_done else NOT_STARTED if invited else CANNOT_START,
                 None if invited or chief_done else "Invite the chief constable first")
    pcc = Task("pcc_comments", "The PCC's comments",
               COMPLETED if (response.pcc_comments or "").strip() else NOT_STARTED, "Section 55(5)")
    needed = explanations_needed(response, trackings)
    written = len(needed) - len(missing_explanations(trackings, bool(response.force.explain_areas_for_improvement)))
    explanations = Task("explanations", "Explain what is done about each recommendation",
                        COMPLETED if written == len(needed) else IN_PROGRESS if written else NOT_STARTED,
                        f"Section 55(5B): {written} of {len(needed)} written")
    welsh = welsh_task(response, trackings)
    missing = (missing_comments(response) + missing_explanations(trackings, bool(response.force.explain_areas_for_improvement))
               + missing_welsh(response, trackings))
    ready = Task("ready", "Send for approval",
                 COMPLETED if response.drafted_on else CANNOT_START if missing else NOT_STARTED,
                 (f"Marked ready by {response.drafted_by.name}" if response.drafted_by else None)
                 if response.drafted_on else "When every task above is completed" if missing else None)
    stands = approval_stands(response, trackings)
    if stands:
        approved = Task("approve", "Approval by the PCC", COMPLETED,
                        f"Approved by {response.approved_by.name}" if response.approved_by else None)
    elif response.approved_on is not None:
        approved = Task("approve", "Approval by the PCC", NEW_APPROVAL,
                        "The response changed after it was approved: the approval no longer counts")
    else:
        approved = Task("approve", "Approval by the PCC", NOT_STARTED if response.drafted_on else CANNOT_START)
    versions = list(response.versions)
    if versions:
        changed = changed_parts(versions[-1].sections, response, trackings)
        published = Task("publish", "Publish the response", CHANGED if changed else COMPLETED,
                         f"Version {versions[-1].number} is published")
    else:
        published = Task("publish", "Publish the response", NOT_STARTED if stands else CANNOT_START,
                         "Section 55(5A): within 56 days beginning with the day the report was published")
    outstanding = copies_outstanding(response)
    copies = Task("copies", "Send copies to HMICFRS and the Home Secretary",
                  CANNOT_START if response.published_on is None else
                  COMPLETED if not outstanding else IN_PROGRESS if len(outstanding) == 1 else NOT_STARTED,
                  "Section 55(6)")
    return [invite, chief, pcc, explanations, *([welsh] if welsh else []), ready, approved, published, copies]


def welsh_task(response, trackings) -> Task | None:
    """For an office that works in Welsh: the Welsh version of every text written, counted (None otherwise)."""
    if not works_in_welsh(response):
        return None
    needed = welsh_texts(response, trackings)
    written = len(needed) - len(missing_welsh(response, trackings))
    status = COMPLETED if needed and written == len(needed) else IN_PROGRESS if written else NOT_STARTED
    return Task("welsh", "Write the Welsh versions", status,
                f"Welsh Language Standards: {written} of {len(needed)} written, for every text above")


def changed_since_publication(response, trackings) -> list[str]:
    """The parts changed since the last published version (none when nothing is published)."""
    versions = list(response.versions)
    return changed_parts(versions[-1].sections, response, trackings) if versions else []
