"""The statutory response as a Word document (.docx): the same content and headings as the PDF, for the
PCC's office to edit and sign off the record.

Built from document_context (the public copy, as a draft): the same title, the statutory paragraph,
the inspection's facts, each recommendation with the PCC's explanation and the chief constable's
comment, the items addressed to other bodies, and the comments. Headings are Word's own Heading
styles, so the document has a navigable structure. The core properties carry no time of rendering.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from docx import Document  # python-docx

from tracker.documents.response import document_context
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


def render_response_docx(response: StatutoryResponse) -> bytes:
    """The response's public copy as .docx bytes, with the headings of the PDF."""
    context = document_context(response, public=True, draft=True)
    inspection, force = context["inspection"], context["force"]
    document = Document()
    properties = document.core_properties
    properties.title = _clean(context["document_title"])[:255]
    properties.author = force.opcc_name
    properties.created = properties.modified = FIXED_TIME
    properties.last_modified_by = force.opcc_name
    document.add_paragraph(force.opcc_name)
    document.add_heading(_clean(context["document_title"]), level=0)
    document.add_paragraph("Draft: not published. The publication date and version are given when it is published.")
    document.add_paragraph(context["statutory_paragraph"])

    document.add_heading("The inspection", level=1)
    table = document.add_table(rows=0, cols=2)
    for label, value in [("Inspection title", inspection.title), ("Date published", govuk_date(inspection.published_on)),
                         ("Type of inspection", inspection.type.label), ("HMICFRS report", inspection.url or ""),
                         ("Response due by", govuk_date(response.due_on))]:
        if value:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, _clean(value)
    if inspection.key_findings:
        document.add_heading("Key findings", level=1)
        _paragraphs(document, inspection.key_findings)

    document.add_heading("Recommendations and the PCC's explanations", level=1)
    for entry in context["entries"]:
        rec = entry.recommendation
        document.add_heading(_clean(f"{rec.kind.label} {rec.ref}".strip()), level=2)
        _paragraphs(document, rec.text)
        for bullet in rec.bullets or []:
            document.add_paragraph(_clean(bullet), style="List Bullet")
        meta = f"Addressed to: {rec.addressed_to or force.name}"
        document.add_paragraph(_clean(meta + (f" · Deadline: {rec.deadline_text}" if rec.deadline_text else "")))
        document.add_heading("The PCC's explanation", level=3)
        if entry.explanation_required or entry.tracking.pcc_explanation:
            _paragraphs(document, entry.tracking.pcc_explanation, PLACEHOLDER_EXPLANATION)
        else:
            document.add_paragraph(f"No explanation is required: this {rec.kind.label.lower()} is not addressed "
                                   "to the force or the PCC.")
        if entry.show_chief_comment:
            document.add_heading("The chief constable's comment", level=3)
            _paragraphs(document, entry.tracking.chief_comment)

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

    document.add_heading("The PCC's comments", level=1)
    _paragraphs(document, response.pcc_comments, "[The PCC's comments will appear here.]")
    document.add_heading("The chief constable's comments", level=1)
    _paragraphs(document, response.chief_comments or response.chief_comments_absence,
                "[The chief constable's comments will appear here.]")
    if response.pcc_response_to_chief:
        document.add_heading("The PCC's response to the chief constable's comments", level=1)
        _paragraphs(document, response.pcc_response_to_chief)
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
