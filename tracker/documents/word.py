"""The response as a Word document (.docx): the same content and headings as the PDF, in its source's
words (the s.55 response, the IOPC response letter, the regulation 29 response to the coroner, the
fire action plan), for the PCC's office to edit and sign off the record; a published version's Word
copy is written beside its PDF.

Built from document_context (the public copy): the same title, the statutory paragraph, the
document's facts, each item with its answer, the chief constable's comment and the action taken or
proposed with its dates, the items addressed to other bodies, and the comments. Text goes in as
text (python-docx escapes it for XML), never as markup. Headings are Word's own Heading
styles, so the document has a navigable structure. The core properties carry no time of rendering.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

from docx import Document  # python-docx

from tracker.documents.response import document_context
from tracker.domain.clocks import Source
from tracker.domain.formatting import govuk_date
from tracker.models import StatutoryResponse

PLACEHOLDER_EXPLANATION = "[The PCC's explanation will appear here.]"
FIXED_TIME = datetime(2000, 1, 1)


# Characters XML 1.0 cannot hold (a Word file is XML): dropped from people's text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str | None) -> str:
    """Text as a Word document can hold it."""
    return _NOT_XML.sub("", text or "")


def _paragraphs(document, text: str | None, placeholder: str | None = None) -> None:
    """Each paragraph of a text (blank lines between), or the placeholder when there is none."""
    paras = [p.strip() for p in _clean(text).replace("\r\n", "\n").split("\n\n") if p.strip()]
    if not paras and placeholder:
        document.add_paragraph(placeholder).runs[0].italic = True
    for para in paras:
        document.add_paragraph(para)


def _facts(response, context) -> list[tuple[str, str]]:
    """The document's facts table, in the PDF's rows: the inspection's for an s.55 response; for another
    source, its own (the reference, the coroner's area, the inquest, who answers)."""
    inspection, source = context["inspection"], context["source"]
    hmicfrs = source is Source.HMICFRS
    rows = [("Inspection title" if hmicfrs else "Title", inspection.title),
            ("Date published" if hmicfrs else source.date_label, govuk_date(inspection.published_on))]
    if source in (Source.HMICFRS, Source.HMICFRS_FIRE):
        rows.append(("Type of inspection", inspection.type.label))
    rows += [("Reference", inspection.reference or ""), ("Coroner area", inspection.coroner_area or ""),
             ("The inquest into the death of", inspection.deceased_name or "")]
    if not hmicfrs:
        rows.append(("Answered by", inspection.answered_by.label))
    rows += [("HMICFRS report" if hmicfrs else "The report", inspection.url or ""),
             ("Response due by", govuk_date(response.due_on))]
    return [(label, value) for label, value in rows if value]


def _actions(document, entry) -> None:
    """The action taken or proposed on an item, each with its status and date (a coroner's timetable, a fire
    plan's target dates), and the progress updates the copy may show."""
    if not entry.actions:
        return
    document.add_heading("Action taken or proposed", level=4)
    for item in entry.actions:
        action = item.action
        when = (f", {govuk_date(action.completed_on)}" if action.completed_on
                else f", due {govuk_date(action.due_on)}" if action.due_on else "")
        document.add_paragraph(_clean(f"{action.title} ({action.status.label.lower()}{when})"), style="List Bullet")
        for update in item.updates:
            document.add_paragraph(_clean(f"{govuk_date(update.occurred_on)}: {update.text}"), style="List Bullet 2")


def render_response_docx(response: StatutoryResponse, published: tuple[date, int] | None = None) -> bytes:
    """The response's public copy as .docx bytes, with the headings of the PDF in its source's words (an
    s.55 response, an IOPC response letter, a regulation 29 response, a fire action plan). `published`
    is (the publication date, the version number) of a published version; without it, a draft."""
    context = document_context(response, public=True, draft=published is None, published=published)
    inspection, force, source = context["inspection"], context["force"], context["source"]
    hmicfrs = source is Source.HMICFRS
    document = Document()
    properties = document.core_properties
    properties.title = _clean(context["document_title"])[:255]
    properties.author = force.opcc_name
    properties.created = properties.modified = FIXED_TIME
    properties.last_modified_by = force.opcc_name
    document.add_paragraph(force.opcc_name)
    document.add_heading(_clean(context["document_title"]), level=0)
    if published:
        by = f"{force.commissioner_title}" + (f", {context['pcc_name']}" if context["pcc_name"] else "")
        approved = (f" Approved on behalf of the Police and Crime Commissioner by {context['approved_by']}."
                    if context["approved_by"] else "")
        document.add_paragraph(_clean(f"Published on {govuk_date(published[0])} (version {published[1]}) by the "
                                      f"{by}.{approved}"))
    else:
        document.add_paragraph("Draft: not published. The publication date and version are given when it is published.")
    document.add_paragraph(_clean(context["statutory_paragraph"]))

    document.add_heading("The inspection" if hmicfrs else source.label, level=1)
    table = document.add_table(rows=0, cols=2)
    for label, value in _facts(response, context):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, _clean(value)
    if inspection.key_findings:
        document.add_heading("Key findings", level=1)
        _paragraphs(document, inspection.key_findings)

    answer = context["answer_heading"]
    document.add_heading(context["items_heading"], level=1)
    if not context["entries"]:
        document.add_paragraph("The report makes no recommendations that this force is to answer.")
    for entry in context["entries"]:
        rec = entry.recommendation
        document.add_heading(_clean(f"{rec.kind.label} {rec.ref}".strip()), level=2)
        _paragraphs(document, rec.text)
        for bullet in rec.bullets or []:
            document.add_paragraph(_clean(bullet), style="List Bullet")
        meta = f"Addressed to: {rec.addressed_to or force.name}"
        document.add_paragraph(_clean(meta + (f" · Deadline: {rec.deadline_text}" if rec.deadline_text else "")))
        document.add_heading(answer, level=3)
        if entry.explanation_required or entry.tracking.pcc_explanation:
            _paragraphs(document, entry.tracking.pcc_explanation, PLACEHOLDER_EXPLANATION)
        else:
            document.add_paragraph(f"No {'explanation' if hmicfrs else 'answer'} is required: this "
                                   f"{rec.kind.label.lower()} is not addressed to the force or the PCC.")
        if entry.show_chief_comment:
            document.add_heading("The chief constable's comment", level=3)
            _paragraphs(document, entry.tracking.chief_comment)
        _actions(document, entry)

    if context["for_information_entries"]:
        document.add_heading("Recommendations addressed to other bodies", level=1)
        document.add_paragraph("These recommendations are addressed to other bodies. They do not require the "
                               "force's action; the force follows them for information.")
        for entry in context["for_information_entries"]:
            rec = entry.recommendation
            document.add_heading(_clean(f"{rec.kind.label} {rec.ref}: for information, "
                                        f"{context['addressee_phrase'](rec.addressed_to)}"), level=2)
            _paragraphs(document, rec.text)
            if entry.tracking.pcc_explanation:
                document.add_heading("The PCC's comment", level=3)
                _paragraphs(document, entry.tracking.pcc_explanation)

    if hmicfrs:
        document.add_heading("The PCC's comments", level=1)
        _paragraphs(document, response.pcc_comments, "[The PCC's comments will appear here.]")
        document.add_heading("The chief constable's comments", level=1)
        _paragraphs(document, response.chief_comments or response.chief_comments_absence,
                    "[The chief constable's comments will appear here.]")
        if response.pcc_response_to_chief:
            document.add_heading("The PCC's response to the chief constable's comments", level=1)
            _paragraphs(document, response.pcc_response_to_chief)
    elif response.pcc_comments:
        document.add_heading("Comments", level=1)
        _paragraphs(document, response.pcc_comments)
    if context["withheld"]:
        document.add_paragraph(context["withheld_sentence"])
    out = io.BytesIO()
    document.save(out)
    return _fixed_times(out.getvalue())


def _fixed_times(docx: bytes) -> bytes:
    """The same package with every member dated 1 January 2000, so the same data gives the same bytes
    (python-docx dates each member with the time it is written)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))
    return out.getvalue()
