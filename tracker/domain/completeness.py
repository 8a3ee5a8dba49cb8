"""What a statutory (s.55) response still lacks before it can be published, and where it stands.

Plain Python, no Flask: the rules read the records they are given and run no queries.

- s.55(5B): where a report makes recommendations, the comments must explain, for each one, the
  action taken or proposed, or why none. So every recommendation addressed to the force or its
  PCC (an item with no addressee is taken as addressed to the force) needs the PCC's explanation,
  including recommendations set under a cause of concern; areas for improvement need one only
  where the force has chosen to explain them (Force.explain_areas_for_improvement).
- s.55(5): the PCC's comments are published with the chief officer's comments, so the PCC's
  comments must be written, and the chief's comments either given or their absence recorded.
- Welsh Language Standards: an office that works in Welsh (Force.works_in_welsh) publishes what it
  writes in Welsh as well as English, at the same time, the Welsh not treated less favourably. So
  every text the response publishes has its Welsh version before it can be approved or published
  (HMICFRS's own text, the recommendations and the report's title, need none).

The other sources' responses answer every item in the words of their own duty (missing_answers):
the IOPC's, what action has been or will be taken, or why none; the coroner's, the action taken or
proposed with its timetable, or why none; the fire action plan, the action and its target date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.addressees import addressed_to_force
from tracker.domain.clocks import Source
from tracker.domain.statuses import ActionStatus, Kind, TrackingStatus, needs_explanation

# What a Missing item asks for, so a page can link to where it is done.
EXPLANATION = "explanation"  # the written answer (the explanations page)
ACTION = "action"  # an action, its date, or "no action" (the recommendation's tracking page)


@dataclass(frozen=True)
class Missing:
    """One thing missing before publishing: what, and (for one item) the tracking row to write it on and
    whether it is the written answer or the action (`needs`)."""

    message: str
    tracking_id: int | None = None
    ref: str | None = None
    field: str | None = None  # the field it is written in, where the page says it by name ('pcc_comments_cy')
    needs: str = EXPLANATION


def requires_explanation(kind: Kind, addressed_to: str | None, explain_areas_for_improvement: bool = False) -> bool:
    """Whether s.55(5B) (or the force's own choice) requires an explanation for this item."""
    return needs_explanation(Kind(kind), explain_areas_for_improvement) and addressed_to_force(addressed_to)


def _blank(text: str | None) -> bool:
    """True for None, empty or whitespace-only text."""
    return text is None or not text.strip()


def missing_explanations(trackings, explain_areas_for_improvement: bool = False) -> list[Missing]:
    """The tracking rows whose recommendation needs an s.55(5B) explanation that is not written."""
    missing = []
    for tracking in trackings:
        rec = tracking.recommendation
        if requires_explanation(rec.kind, rec.addressed_to, explain_areas_for_improvement) and _blank(tracking.pcc_explanation):
            label = Kind(rec.kind).label.lower() + (f" {rec.ref}" if rec.ref else "")
            missing.append(Missing(f"Write the PCC's explanation for {label}", tracking_id=tracking.id, ref=rec.ref))
    return missing


def missing_comments(response) -> list[Missing]:
    """The comments s.55(5) requires that are neither written nor (for the chief's) recorded as absent."""
    missing = []
    if _blank(response.pcc_comments):
        missing.append(Missing("Write the PCC's comments on the report"))
    if _blank(response.chief_comments) and _blank(response.chief_comments_absence):
        missing.append(Missing("Enter the chief constable's comments, or record why there are none"))
    return missing


# What each other source's response must give for every item, in the words of its duty.
ANSWER_NAMES = {
    # Police Reform Act 2002 Sch 3 para 28B(1): "what action the person has taken or proposes to take in
    # response to the recommendation, or ... why the person has not taken, or does not propose to take, any action".
    Source.IOPC: "what action has been or will be taken, or why none",
    # Coroners and Justice Act 2009 Sch 5 para 7(2): "a written response to it"; the report's matters of concern.
    Source.CORONER: "the response to the matter of concern",
    # The Fire and Rescue National Framework 2018, chapter 7: an action plan on the recommendations.
    Source.HMICFRS_FIRE: "the action planned",
    Source.OTHER: "the response",
}


def source_of(response) -> Source:
    """The source of the document a response answers (a response given without one is an s.55 response)."""
    inspection = getattr(response, "inspection", None)
    return Source(inspection.source) if inspection is not None else Source.HMICFRS


def no_action_proposed(tracking) -> bool:
    """Whether the force has recorded that no (further) action is taken on the item, with its reason."""
    return tracking.status == TrackingStatus.NO_FURTHER_ACTION


def _live_actions(tracking) -> list:
    """The item's actions that are not cancelled."""
    return [a for a in tracking.actions if a.status != ActionStatus.CANCELLED]


def has_action(tracking) -> bool:
    """Whether an action taken or proposed is recorded on the item."""
    return bool(_live_actions(tracking))


def has_timetable(tracking) -> bool:
    """Whether the action on the item has a timetable: the item's target date, or an action with the date
    it is due or was completed."""
    return tracking.target_date is not None or any(a.due_on or a.completed_on for a in _live_actions(tracking))


def _action_missing(tracking, source: Source, label: str) -> str | None:
    """What the source's duty still asks of an item's action, in words; None when it has it.

    - IOPC, Police Reform Act 2002 Sch 3 para 28B(1): the response states "what action the person has
      taken or proposes to take in response to the recommendation, or ... why the person has not taken,
      or does not propose to take, any action": an action recorded, or no action recorded with why.
    - Coroner, reg 29(3) of the Coroners (Investigations) Regulations 2013 as the Chief Coroner's guidance
      gives its two limbs: "details of any action" taken or proposed, with a timetable, or "an explanation
      as to why no action is proposed": an action with its date (or the item's target date), or no
      action recorded with why.
    - Fire action plan (Fire and Rescue National Framework, chapter 7): the action and its target date.
    """
    if no_action_proposed(tracking):
        return None
    if source is Source.IOPC and not has_action(tracking):
        return f"Record the action taken or proposed on {label}, or that none will be taken and why"
    if source is Source.CORONER and not has_timetable(tracking):
        return (f"Give the timetable of the action on {label} (an action with its date, or a target date), "
                "or record that no action is proposed and why")
    if source is Source.HMICFRS_FIRE and not has_timetable(tracking):
        return f"Set the target date of the action on {label}"
    return None


def missing_answers(trackings, source: Source) -> list[Missing]:
    """For a source other than HMICFRS's police inspections: every recommendation (and matter of
    concern) the document makes of the force needs its answer, whoever the item names (the document
    was sent to the force), and the action its duty asks for (_action_missing); areas for improvement
    are answered where the force writes one."""
    missing = []
    for tracking in trackings:
        rec = tracking.recommendation
        if Kind(rec.kind) is Kind.AREA_FOR_IMPROVEMENT:
            continue
        label = Kind(rec.kind).label.lower() + (f" {rec.ref}" if rec.ref else "")
        if _blank(tracking.pcc_explanation):
            missing.append(Missing(f"Write {ANSWER_NAMES[source]} for {label}", tracking_id=tracking.id, ref=rec.ref))
        action = _action_missing(tracking, source, label)
        if action:
            missing.append(Missing(action, tracking_id=tracking.id, ref=rec.ref, needs=ACTION))
    return missing


# The response's own texts that are published, each with how to ask for its Welsh version.
WELSH_COMMENTS = {
    "chief_comments": "Enter the chief constable's comments in Welsh",
    "chief_comments_absence": "Write why there are no comments from the chief constable in Welsh",
    "pcc_comments": "Write the PCC's comments in Welsh",
    "pcc_response_to_chief": "Write the PCC's response to the chief constable's comments in Welsh",
}


def works_in_welsh(response) -> bool:
    """Whether the response's office publishes in Welsh as well as English."""
    return bool(getattr(response.force, "works_in_welsh", False))


def welsh_texts(response, trackings) -> list[tuple[str | None, Missing]]:
    """Every Welsh version the response needs, in the document's order, as (the Welsh text written,
    what is missing while it is blank): one for each text of the PCC's (or the chief constable's) that
    the public copy publishes. None for an office that works in English only."""
    if not works_in_welsh(response):
        return []
    source = source_of(response)
    needed = []
    force = response.force
    if source is Source.HMICFRS and not _blank(getattr(force, "statutory_paragraph", None)):
        # The standard paragraph has its standard Welsh wording; the force's own wording needs its own.
        needed.append((force.statutory_paragraph_cy,
                       Missing("Write the statutory paragraph in Welsh", field="statutory_paragraph_cy")))
    ordered = sorted(trackings, key=lambda t: (t.recommendation.position, t.recommendation.id))
    for tracking in ordered:
        rec = tracking.recommendation
        label = Kind(rec.kind).label.lower() + (f" {rec.ref}" if rec.ref else "")
        answer = "the PCC's explanation" if source is Source.HMICFRS else ANSWER_NAMES[source]
        if not _blank(tracking.pcc_explanation):
            needed.append((tracking.pcc_explanation_cy,
                           Missing(f"Write {answer} for {label} in Welsh", tracking_id=tracking.id, ref=rec.ref,
                                   field="pcc_explanation_cy")))
        if not _blank(tracking.chief_comment) and not tracking.chief_comment_not_for_publication:
            needed.append((tracking.chief_comment_cy,
                           Missing(f"Write the chief constable's comment on {label} in Welsh", tracking_id=tracking.id,
                                   ref=rec.ref, field="chief_comment_cy")))
    for name, message in WELSH_COMMENTS.items():
        if not _blank(getattr(response, name)):
            needed.append((getattr(response, f"{name}_cy"), Missing(message, field=f"{name}_cy")))
    return needed


def missing_welsh(response, trackings) -> list[Missing]:
    """The Welsh versions still to write (none for an office that works in English only)."""
    return [missing for welsh, missing in welsh_texts(response, trackings) if _blank(welsh)]


def missing_items(response, trackings) -> list[Missing]:
    """Everything missing before the response can be published, by its source's duty: for an s.55
    response, comments first, then explanations in report order; for another source, an answer to
    every recommendation in report order. Then, for an office that works in Welsh, the Welsh
    version of every text written."""
    ordered = sorted(trackings, key=lambda t: (t.recommendation.position, t.recommendation.id))
    source = source_of(response)
    if source is not Source.HMICFRS:
        return missing_answers(ordered, source) + missing_welsh(response, ordered)
    explain_afis = bool(response.force.explain_areas_for_improvement)
    return missing_comments(response) + missing_explanations(ordered, explain_afis) + missing_welsh(response, ordered)


# Who a source's response is sent to once it is published, where its duty is a response to that body.
SENT_TO = {
    Source.IOPC: "the IOPC",  # Police Reform Act 2002 Sch 3 para 28B(2): "to the Director General"
    Source.CORONER: "the coroner",  # Coroners and Justice Act 2009 Sch 5 para 7(2): "give the senior coroner"
}


def copies_outstanding(response) -> list[str]:
    """Who has not yet been recorded as sent the published response: for an s.55 response HMICFRS and the
    Home Secretary (s.55(6)); for an IOPC or a coroner's response, that body; none for the others (a fire
    action plan is published and kept up to date, not sent)."""
    source = source_of(response)
    if source in SENT_TO:
        return [] if response.sent_to_source_on is not None else [SENT_TO[source]]
    if source is not Source.HMICFRS:
        return []
    outstanding = []
    if response.sent_to_hmicfrs_on is None:
        outstanding.append("HMICFRS")
    if response.sent_to_home_secretary_on is None:
        outstanding.append("the Home Secretary")
    return outstanding


def stage(response) -> str:
    """Where the response stands, in words: from 'Not started' to 'Complete'."""
    if response.published_on is not None:
        outstanding = copies_outstanding(response)
        if outstanding and source_of(response) in SENT_TO:
            return f"Published: not yet sent to {outstanding[0]}"
        return "Published: copies outstanding" if outstanding else "Complete"
    if response.approved_on is not None:
        return "Approved: ready to publish"
    if response.drafted_on is not None:
        return "Drafted: awaiting approval"
    if response.chief_invited_on is not None or not _blank(response.pcc_comments):
        return "In progress"
    return "Not started"


def days_late(due_on: date | None, published: date) -> int:
    """How many days after the statutory deadline a response was published (0 when on time, or when
    the source's clock gives no date)."""
    return max(0, (published - due_on).days) if due_on else 0
