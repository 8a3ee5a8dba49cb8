"""The statutory (s.55) response document: its content, its HTML and its PDF.

The same content is drawn as the PDF (reports/response.html with the print CSS) and as an HTML
page in the app (templates/responses/document.html), both from reports/_response_body.html.
The public copy leaves out what is marked not for publication and says that detail was withheld.
Nothing in the document depends on the time it is rendered: the same data gives the same bytes.

Each document is in one language (`language`, "en" or "cy"): an office that works in Welsh publishes
a Welsh copy beside the English one, from the Welsh versions of what the PCC writes, with the
document's own words from tracker.documents.phrases; HMICFRS's text stays in English, marked lang="en".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup, escape
from sqlalchemy.orm import selectinload

from tracker.db import db
from tracker.documents.pdf import PdfStore, asset_url, render_pdf
from tracker.documents.phrases import ENGLISH, Words
from tracker.domain.addressees import addressee_phrase, for_information
from tracker.domain.clocks import Source
from tracker.domain.completeness import requires_explanation
from tracker.models import Action, Recommendation, StatutoryResponse, Tracking

# The print CSS of the statutory response: render_pdf applies it (parsed once), the HTML does not link it.
RESPONSE_CSS = "print/response.css"

DEFAULT_STATUTORY_PARAGRAPH = (
    "Section 55 of the Police Act 1996 (as amended by section 37 of the Policing and Crime Act 2017) requires "
    "the local policing body to publish its comments on a report by His Majesty's Inspectorate of Constabulary "
    "and Fire & Rescue Services, together with the chief officer's comments and its response to them, before the "
    "end of the period of 56 days beginning with the day on which the report is published. Where the report makes "
    "recommendations, the comments must explain, for each recommendation, the action that has been or will be "
    "taken, or why no action has been or will be taken."
)
# Its Welsh wording: the team's translation, to be reviewed by a Welsh speaker before it is relied on.
DEFAULT_STATUTORY_PARAGRAPH_CY = (
    "Mae adran 55 o Ddeddf yr Heddlu 1996 (fel y'i diwygiwyd gan adran 37 o Ddeddf Plismona a Throsedd 2017) yn ei "
    "gwneud yn ofynnol i'r corff plismona lleol gyhoeddi ei sylwadau ar adroddiad gan Arolygiaeth Cwnstabliaeth a "
    "Gwasanaethau Tân ac Achub Ei Fawrhydi, ynghyd â sylwadau'r prif swyddog a'i ymateb iddynt, cyn diwedd y cyfnod o "
    "56 diwrnod sy'n dechrau â'r diwrnod y cyhoeddir yr adroddiad. Pan fo'r adroddiad yn gwneud argymhellion, rhaid i'r "
    "sylwadau egluro, ar gyfer pob argymhelliad, y camau a gymerwyd neu a gymerir, neu pam na chymerwyd ac na chymerir "
    "unrhyw gamau."
)
WITHHELD_SENTENCE = (
    "Some operationally sensitive detail has been withheld from this published version of the response."
)


@dataclass
class ActionEntry:
    """An action as the document shows it, with the progress updates that may be shown."""

    action: Action
    updates: list = field(default_factory=list)


@dataclass
class RecommendationEntry:
    """One recommendation in the document: its text, the PCC's explanation and the actions (the
    explanation and the chief constable's comment in the document's language)."""

    recommendation: Recommendation
    tracking: Tracking
    explanation_required: bool
    actions: list[ActionEntry] = field(default_factory=list)
    show_chief_comment: bool = True
    explanation: str | None = None
    chief_comment: str | None = None


@dataclass(frozen=True)
class ListMarks:
    """What each list item's text starts with: its bullet and a no-break space in the PDF, nothing on a
    web page (where the list's CSS draws the bullets)."""

    item: str = ""
    nested: str = ""


# The PDF's bullets are the first characters of each item's text, and its print CSS draws no list
# marker: WeasyPrint lays out a marker as a box of its own, measured and laid out three times over
# (about a fifth of a long response's CPU). The print CSS hangs the bullet in the list's indent.
PRINT_MARKS = ListMarks(item="\u2022\u00a0", nested="\u25e6\u00a0")

# The statutory paragraph of the other sources' documents (the s.55 one may be worded by each force).
SOURCE_PARAGRAPHS = {
    Source.IOPC: (
        "Paragraph 28B of Schedule 3 to the Police Reform Act 2002 requires a person to whom the Independent "
        "Office for Police Conduct makes a recommendation to provide the Director General with a response in "
        "writing stating what action the person has taken or proposes to take in response to the "
        "recommendation, or why the person has not taken, or does not propose to take, any action in response, "
        "before the end of the period of 56 days beginning with the day on which the recommendation was made, or "
        "of any extended period. The Director General publishes the response."
    ),
    Source.CORONER: (
        "Paragraph 7 of Schedule 5 to the Coroners and Justice Act 2009 requires a person to whom a senior "
        "coroner makes a report to prevent future deaths to give the senior coroner a written response to it; a "
        "copy of the report, and of the response, is sent to the Chief Coroner (regulations 28 and 29 of the "
        "Coroners (Investigations) Regulations 2013). This response answers each matter of concern in turn."
    ),
    Source.HMICFRS_FIRE: (
        "The Fire and Rescue National Framework for England (2018) expects the fire and rescue authority to "
        "publish an action plan on the recommendations of His Majesty's Inspectorate of Constabulary and Fire & "
        "Rescue Services and to keep it up to date. This plan sets out the action taken or planned for each."
    ),
    Source.OTHER: "This response sets out the action taken or planned for each recommendation of the report.",
}
# Their Welsh wording: the team's translation, to be reviewed by a Welsh speaker before it is relied on.
SOURCE_PARAGRAPHS_CY = {
    Source.IOPC: (
        "Mae paragraff 28B o Atodlen 3 i Ddeddf Diwygio'r Heddlu 2002 yn ei gwneud yn ofynnol i berson y mae "
        "Swyddfa Annibynnol Ymddygiad yr Heddlu yn gwneud argymhelliad iddo roi ymateb ysgrifenedig i'r "
        "Cyfarwyddwr Cyffredinol yn nodi pa gamau y mae'r person wedi'u cymryd neu'n bwriadu eu cymryd mewn "
        "ymateb i'r argymhelliad, neu pam nad yw'r person wedi cymryd, neu nad yw'n bwriadu cymryd, unrhyw gamau "
        "mewn ymateb iddo, cyn diwedd y cyfnod o 56 diwrnod sy'n dechrau â'r diwrnod y gwnaed yr argymhelliad, neu "
        "unrhyw gyfnod estynedig. Mae'r Cyfarwyddwr Cyffredinol yn cyhoeddi'r ymateb."
    ),
    Source.CORONER: (
        "Mae paragraff 7 o Atodlen 5 i Ddeddf Crwneriaid a Chyfiawnder 2009 yn ei gwneud yn ofynnol i berson y mae "
        "uwch grwner yn gwneud adroddiad iddo i atal marwolaethau yn y dyfodol roi ymateb ysgrifenedig iddo i'r "
        "uwch grwner; anfonir copi o'r adroddiad, ac o'r ymateb, at y Prif Grwner (rheoliadau 28 a 29 o Reoliadau "
        "Crwneriaid (Ymchwiliadau) 2013). Mae'r ymateb hwn yn ateb pob mater sy'n peri pryder yn ei dro."
    ),
    Source.HMICFRS_FIRE: (
        "Mae Fframwaith Cenedlaethol y Gwasanaethau Tân ac Achub ar gyfer Lloegr (2018) yn disgwyl i'r awdurdod "
        "tân ac achub gyhoeddi cynllun gweithredu ar argymhellion Arolygiaeth Cwnstabliaeth a Gwasanaethau Tân ac "
        "Achub Ei Fawrhydi a'i gadw'n gyfredol. Mae'r cynllun hwn yn nodi'r camau a gymerwyd neu a gynlluniwyd ar "
        "gyfer pob un."
    ),
    Source.OTHER: "Mae'r ymateb hwn yn nodi'r camau a gymerwyd neu a gynlluniwyd ar gyfer pob un o argymhellion yr "
                  "adroddiad.",
}
# The heading of each item's answer in the document, by source.
ANSWER_HEADINGS = {
    Source.HMICFRS: "The PCC's explanation",
    Source.IOPC: "The response",
    Source.CORONER: "The response",
    Source.HMICFRS_FIRE: "Action planned",
    Source.OTHER: "The response",
}

# The heading of the items and their answers in the document, by source.
ITEMS_HEADINGS = {
    Source.HMICFRS: "Recommendations and the PCC's explanations",
    Source.IOPC: "Recommendations and the response",
    Source.CORONER: "Matters of concern and the response",
    Source.HMICFRS_FIRE: "Recommendations and the action planned",
    Source.OTHER: "Recommendations and the response",
}


@dataclass(frozen=True)
class Names:
    """The force's names as a document in one language gives them (the English where a Welsh one is not set)."""

    force: str
    opcc: str
    commissioner: str


def names(force, language: str = ENGLISH) -> Names:
    """The force's, its office's and its commissioner's names in the language."""
    if language == ENGLISH:
        return Names(force.name, force.opcc_name, force.commissioner_title)
    return Names(force.name_cy or force.name, force.opcc_name_cy or force.opcc_name,
                 force.commissioner_title_cy or force.commissioner_title)


def title_parts(response: StatutoryResponse, language: str) -> tuple[str, str | None, str]:
    """The document's title as (before, the report's own title or None, after): the report's title is
    HMICFRS's (or the source's) text, kept as it is in every language."""
    force, source, words = response.force, Source(response.inspection.source), Words(language)
    named = names(force, language)
    marker = "\x00"  # where the report's title goes, so that its words are never translated
    who = words(response.inspection.answered_by.label)
    if source is Source.HMICFRS:
        # Each document names the report it answers.
        text = words("{commissioner}'s response to {title}", commissioner=named.commissioner, title=marker)
    elif source is Source.HMICFRS_FIRE:
        text = words("Action plan on HMICFRS's inspection of fire and rescue services in {area}", area=force.area)
    elif source is Source.IOPC:
        text = words("{force}: response to the IOPC's recommendations ({who})", force=named.force, who=who.lower())
    elif source is Source.CORONER:
        text = words("{force}: response to the coroner's report to prevent future deaths ({who})", force=named.force,
                     who=who.lower())
    else:
        text = words("{force}: response to {title}", force=named.force, title=marker)
    before, found, after = text.partition(marker)
    return before, (response.inspection.title if found else None), after


def response_title(response: StatutoryResponse, language: str = ENGLISH) -> str:
    """The document's title, by source: '<commissioner> response to <report>' for an s.55 response; for
    another source its response document and its respondent. In the language of the document."""
    before, title, after = title_parts(response, language)
    return before + (title or "") + after


def response_heading(response: StatutoryResponse, language: str = ENGLISH) -> Markup:
    """The title as the document's heading: in a Welsh copy the report's own title is marked as English."""
    before, title, after = title_parts(response, language)
    if title is None:
        return escape(before + after)
    if language != ENGLISH:
        return escape(before) + Markup('<span lang="en">%s</span>') % title + escape(after)
    return escape(before + title + after)


def statutory_paragraph(force, source: Source = Source.HMICFRS, language: str = ENGLISH) -> str:
    """The force's own wording of the s.55 paragraph (or the standard wording); another source's own paragraph.
    In Welsh, the force's Welsh wording, or the standard Welsh wording."""
    if language != ENGLISH:
        if source is not Source.HMICFRS:
            return SOURCE_PARAGRAPHS_CY[source]
        return (force.statutory_paragraph_cy or "").strip() or DEFAULT_STATUTORY_PARAGRAPH_CY
    if source is not Source.HMICFRS:
        return SOURCE_PARAGRAPHS[source]
    return (force.statutory_paragraph or "").strip() or DEFAULT_STATUTORY_PARAGRAPH


def in_language(record, name: str, language: str) -> str | None:
    """A text the PCC writes, in the document's language: `name`, or its Welsh version `name_cy`."""
    return getattr(record, name if language == ENGLISH else f"{name}_cy")


def response_trackings(response: StatutoryResponse) -> list[Tracking]:
    """The force's tracking rows of the inspection's recommendations, in report order, with actions and updates."""
    return list(
        db.session.scalars(
            sa.select(Tracking)
            .join(Recommendation)
            .where(Recommendation.inspection_id == response.inspection_id, Tracking.force_id == response.force_id)
            .options(
                selectinload(Tracking.recommendation),
                selectinload(Tracking.actions).selectinload(Action.updates),
            )
            .order_by(Recommendation.position, Recommendation.id)
        )
    )


def document_context(response: StatutoryResponse, public: bool = True, draft: bool = False,
                     published: tuple[date, int] | None = None, language: str = ENGLISH,
                     printed: bool = False) -> dict:
    """Everything the document template needs; the public copy drops items not for publication.

    `published` is (the publication date, the version number) of the version being written; a
    draft has none and says so. Items addressed to other bodies are listed apart, for information.
    `language` is the document's: its own words, and which version of the PCC's texts it prints.
    `printed`: for the PDF (its lists' bullets written in the text, PRINT_MARKS).
    """
    force = response.force
    words = Words(language)
    source = Source(response.inspection.source)
    entries: list[RecommendationEntry] = []
    for_information_entries: list[RecommendationEntry] = []
    withheld = False
    for tracking in response_trackings(response):
        rec = tracking.recommendation
        actions = []
        for action in tracking.actions:
            if public and action.not_for_publication:
                withheld = True
                continue
            updates = []
            for update in action.updates:
                if public and update.not_for_publication:
                    withheld = True
                    continue
                updates.append(update)
            actions.append(ActionEntry(action, updates))
        show_chief_comment = bool(tracking.chief_comment) and not (public and tracking.chief_comment_not_for_publication)
        if tracking.chief_comment and not show_chief_comment:
            withheld = True
        entry = RecommendationEntry(
            recommendation=rec,
            tracking=tracking,
            explanation_required=(requires_explanation(rec.kind, rec.addressed_to, force.explain_areas_for_improvement)
                                  if source is Source.HMICFRS else rec.kind != "area_for_improvement"),
            actions=actions,
            show_chief_comment=show_chief_comment,
            explanation=in_language(tracking, "pcc_explanation", language),
            chief_comment=in_language(tracking, "chief_comment", language),
        )
        (for_information_entries if for_information(rec.addressed_to) else entries).append(entry)
    return {
        "response": response,
        "force": force,
        "inspection": response.inspection,
        "document_title": response_title(response, language),
        "document_heading": response_heading(response, language),
        "statutory_paragraph": statutory_paragraph(force, source, language),
        "source": source,
        "answer_heading": words(ANSWER_HEADINGS[source]),
        "items_heading": words(ITEMS_HEADINGS[source]),
        "texts": {name: in_language(response, name, language)
                  for name in ("chief_comments", "chief_comments_absence", "pcc_comments", "pcc_response_to_chief")},
        "names": names(force, language),
        "t": words,
        "language": language,
        "entries": entries,
        "for_information_entries": for_information_entries,
        "addressee_phrase": addressee_phrase,
        "published": published,
        "pcc_name": (force.pcc_name or "").strip() or None,
        "approved_by": response.approved_by.name if response.approved_by else None,
        "public": public,
        "draft": draft,
        "withheld": withheld,
        "withheld_sentence": words(WITHHELD_SENTENCE),
        "asset_url": asset_url,
        "marks": PRINT_MARKS if printed else ListMarks(),
    }


def render_response_html(response: StatutoryResponse, public: bool = True, draft: bool = False,
                         published: tuple[date, int] | None = None, language: str = ENGLISH) -> str:
    """The HTML source of the PDF (print CSS, running header and footer)."""
    return render_template("response.html", **document_context(response, public=public, draft=draft,
                                                                published=published, language=language,
                                                                printed=True))


def render_response_body(response: StatutoryResponse, public: bool = True,
                         published: tuple[date, int] | None = None, language: str = ENGLISH) -> str:
    """The document's body alone, as kept beside a published PDF for the public HTML copy."""
    return render_template("_response_body.html", **document_context(response, public=public, draft=False,
                                                                       published=published, language=language))


def render_response_pdf(response: StatutoryResponse, public: bool = True, draft: bool = False,
                        published: tuple[date, int] | None = None, language: str = ENGLISH,
                        store: PdfStore | None = None) -> bytes:
    """The response as a tagged PDF/UA-1 document (its /Lang the document's language); the same data
    gives the same bytes.

    A published version's creation date is its publication date (midnight UTC), so a render
    again gives the same bytes; a draft carries the fixed date. With a `store`, a PDF kept there for the
    same document (its HTML, title and date) is given without rendering it again (render_pdf).
    """
    created = f"{published[0].isoformat()}T00:00:00Z" if published else None
    return render_pdf(render_response_html(response, public=public, draft=draft, published=published, language=language),
                      title=response_title(response, language), stylesheet=RESPONSE_CSS, created=created,
                      store=store)
