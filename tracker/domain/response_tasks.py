"""The statutory (s.55) response as a list of tasks in the order of the law, and what changed since
it was approved or last published.

Plain Python, no Flask: the rules read the records they are given and run no queries.

The other sources have their own tasks (source_tasks): answer every item as the source's duty asks,
send for approval, the approval, publication, then send it to the IOPC or the coroner, or (a fire
action plan) keep it up to date. The s.55 order is the Police Act 1996's: invite the chief officer's comments before a date the PCC
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

from tracker.domain.clocks import Source
from tracker.domain.completeness import (
    SENT_TO,
    copies_outstanding,
    missing_answers,
    missing_comments,
    missing_explanations,
    missing_welsh,
    requires_explanation,
    source_of,
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


def _plan(tracking) -> list[str]:
    """An item's action plan as a fire action plan prints it: the target date and every action with its
    status and dates (a change to any of them is a change to the plan, to be published)."""
    lines = [f"target {tracking.target_date}", f"status {tracking.status}"]
    for action in tracking.actions:
        lines.append(f"{action.title}|{action.status}|{action.due_on}|{action.completed_on}|{action.not_for_publication}")
    return lines


def sections(response, trackings) -> dict[str, str]:
    """The fingerprint of every part of the response's text, keyed by part (a fire action plan's
    actions and dates are part of its text)."""
    plan = source_of(response) is Source.HMICFRS_FIRE
    parts = {name: _digest(_with_welsh(getattr(response, name) or "", getattr(response, f"{name}_cy", None)))
             for name in COMMENT_PARTS}
    for tracking in trackings:
        rec = tracking.recommendation
        parts[f"rec:{rec.id}"] = _digest(_with_welsh(
            "\n".join([rec.text, tracking.pcc_explanation or "", tracking.chief_comment or "",
                       "withheld" if tracking.chief_comment_not_for_publication else "",
                       *(_plan(tracking) if plan else [])]),
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
    """The response's tasks in the order of its source's law, each with its status."""
    if source_of(response) is not Source.HMICFRS:
        return source_tasks(response, trackings)
    return s55_tasks(response, trackings)


# The task of answering every item, by source: its name and the provision it follows.
ANSWER_TASKS = {
    Source.IOPC: ("Say what action has been or will be taken on each recommendation, or why none",
                  "Police Reform Act 2002, Sch 3 para 28B(1)"),
    Source.CORONER: ("Answer each matter of concern: the action and its timetable, or why no action is proposed",
                     "Coroners (Investigations) Regulations 2013, reg 29"),
    Source.HMICFRS_FIRE: ("Plan the action and its target date for each recommendation",
                          "Fire and Rescue National Framework for England, chapter 7"),
    Source.OTHER: ("Answer each recommendation", "The OPCC's own practice"),
}
# What the publication task says, by source.
PUBLISH_HINTS = {
    Source.IOPC: "The numbered version is the response sent to the IOPC, which publishes it "
                 "(within 21 days beginning with the day it receives it, para 28B(5))",
    Source.CORONER: "The numbered version is the response sent to the coroner; the Chief Coroner may publish it",
    Source.HMICFRS_FIRE: "The fire and rescue authority publishes its action plan",
    Source.OTHER: None,
}
SEND_HINTS = {
    Source.IOPC: "Police Reform Act 2002, Sch 3 para 28B(2): to the Director General, before the date in force",
    Source.CORONER: "Coroners and Justice Act 2009, Sch 5 para 7(2) and (3): a written response to the coroner; "
                    "a copy of it must be sent to the Chief Coroner",
}


def _approval_task(response, trackings) -> Task:
    """The PCC's approval: completed while the approved text stands."""
    if approval_stands(response, trackings):
        return Task("approve", "Approval by the PCC", COMPLETED,
                    f"Approved by {response.approved_by.name}" if response.approved_by else None)
    if response.approved_on is not None:
        return Task("approve", "Approval by the PCC", NEW_APPROVAL,
                    "The response changed after it was approved: the approval no longer counts")
    return Task("approve", "Approval by the PCC", NOT_STARTED if response.drafted_on else CANNOT_START)


def _ready_task(response, missing) -> Task:
    """Sending the response for approval, once nothing is missing."""
    return Task("ready", "Send for approval",
                COMPLETED if response.drafted_on else CANNOT_START if missing else NOT_STARTED,
                (f"Marked ready by {response.drafted_by.name}" if response.drafted_by else None)
                if response.drafted_on else "When every task above is completed" if missing else None)


def source_tasks(response, trackings) -> list[Task]:
    """The tasks of an IOPC response, a coroner's (regulation 29) response, a fire action plan or another
    source's response: answer every item as the duty asks, approval, publication, then send it to the
    IOPC or the coroner, or keep the action plan up to date. No s.55 step (the chief constable's
    invitation, copies to HMICFRS and the Home Secretary) belongs to them."""
    source = source_of(response)
    answers_missing = missing_answers(trackings, source)
    missing = answers_missing + missing_welsh(response, trackings)
    items = [t for t in trackings if t.recommendation.kind != "area_for_improvement"]
    unanswered = {m.tracking_id for m in answers_missing}
    done = sum(1 for t in items if t.id not in unanswered)
    name, provision = ANSWER_TASKS[source]
    answers = Task("explanations", name,
                   COMPLETED if not answers_missing else
                   IN_PROGRESS if done or any((t.pcc_explanation or "").strip() for t in items) else NOT_STARTED,
                   f"{provision}: {done} of {len(items)} answered")
    stands = approval_stands(response, trackings)
    versions = list(response.versions)
    noun = "action plan" if source is Source.HMICFRS_FIRE else "response"
    if versions:
        published = Task("publish", f"Publish the {noun}", COMPLETED, f"Version {versions[-1].number} is published")
    else:
        published = Task("publish", f"Publish the {noun}", NOT_STARTED if stands else CANNOT_START,
                         PUBLISH_HINTS[source])
    welsh = welsh_task(response, trackings)
    result = [answers, *([welsh] if welsh else []), _ready_task(response, missing), _approval_task(response, trackings),
              published]
    if source in SENT_TO:
        result.append(Task("sent", f"Send the response to {SENT_TO[source]}",
                           CANNOT_START if response.published_on is None else
                           NOT_STARTED if copies_outstanding(response) else COMPLETED, SEND_HINTS[source]))
    elif source is Source.HMICFRS_FIRE:
        changed = changed_parts(versions[-1].sections, response, trackings) if versions else []
        result.append(Task("update", "Keep the action plan up to date",
                           CANNOT_START if not versions else CHANGED if changed else COMPLETED,
                           "Publish a new version when an action, its date or its progress changes"))
    return result


def s55_tasks(response, trackings) -> list[Task]:
    """The s.55 response's tasks in the order of the law, each with its status."""
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
    ready = _ready_task(response, missing)
    stands = approval_stands(response, trackings)
    approved = _approval_task(response, trackings)
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
