"""The response as a Word document (.docx): the same content and headings as the PDF, in its source's
words (the s.55 response, the IOPC response letter, the regulation 29 response to the coroner, the
fire action plan), for the PCC's office to edit and sign off the record; a published version's Word
copy is written beside its PDF.

Built from document_context (the public copy): the same title, the statutory paragraph, the
document's facts, each item with its answer, the chief constable's comment and the action taken or
proposed with its dates, the items addressed to other bodies, and the comments. Text goes in as
text (python-docx escapes it for XML), never as markup. Headings are Word's own Heading
styles, so the document has a navigable structure. The core properties carry no time of rendering.

Each copy is in one language (`language`): its styles carry it (w:lang, en-GB or cy-GB), so a word
processor checks the spelling and reads it aloud in that language; in the Welsh copy HMICFRS's own text
(the report's title, the recommendations) stays in English and its runs say en-GB.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

from docx import Document  # python-docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tracker.documents.phrases import ENGLISH, WORD_LANG
from tracker.documents.response import document_context, title_parts
from tracker.domain.clocks import Source
from tracker.models import StatutoryResponse

PLACEHOLDER_EXPLANATION = "[The PCC's explanation will appear here.]"
FIXED_TIME = datetime(2000, 1, 1)


# Characters XML 1.0 cannot hold (a Word file is XML): dropped from people's text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The children of w:rPr that the schema puts after w:lang (CT_RPr's sequence): w:lang goes before them.
_AFTER_LANG = tuple(qn(f"w:{name}") for name in ("eastAsianLayout", "specVanish", "oMath"))


def _clean(text: str | None) -> str:
    """Text as a Word document can hold it."""
    return _NOT_XML.sub("", text or "")


def _set_lang(properties, lang: str) -> None:
    """Set w:lang (the text's language, for spelling and speech) on a run's or style's run properties."""
    element = properties.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        following = next((child for child in properties if child.tag in _AFTER_LANG), None)
        if following is None:
            properties.append(element)
        else:
            following.addprevious(element)
    element.set(qn("w:val"), lang)


def _document_language(document, lang: str) -> None:
    """The whole document's language: the defaults every style inherits (w:docDefaults), and every
    paragraph and character style's own run properties (python-docx's template sets en-US on some)."""
    for run_properties in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr"):
        _set_lang(run_properties, lang)
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            _set_lang(style.element.get_or_add_rPr(), lang)


def _english_run(run, welsh: bool):
    """Mark one run as English (HMICFRS's text inside a Welsh copy)."""
    if welsh:
        _set_lang(run._r.get_or_add_rPr(), WORD_LANG[ENGLISH])
    return run


def _english(paragraph, welsh: bool):
    """Mark a paragraph's runs as English (HMICFRS's text inside a Welsh copy)."""
    for run in paragraph.runs:
        _english_run(run, welsh)
    return paragraph


def _paragraphs(document, text: str | None, placeholder: str | None = None, english: bool = False) -> None:
    """Each paragraph of a text (blank lines between), or the placeholder when there is none."""
    paras = [p.strip() for p in _clean(text).replace("\r\n", "\n").split("\n\n") if p.strip()]
    if not paras and placeholder:
        document.add_paragraph(placeholder).runs[0].italic = True
    for para in paras:
        _english(document.add_paragraph(para), english)


def _facts(response, context) -> list[tuple[str, str, bool]]:
    """The document's facts table, in the PDF's rows (label, value, whether the value is the source's
    English): the inspection's for an s.55 response; for another source, its own (the reference, the
    coroner's area, the inquest, who answers)."""
    inspection, source, t = context["inspection"], context["source"], context["t"]
    hmicfrs = source is Source.HMICFRS
    rows = [(t("Inspection title") if hmicfrs else t("Title"), inspection.title, True),
            (t("Date published") if hmicfrs else t(source.date_label), t.date(inspection.published_on), False)]
    if source in (Source.HMICFRS, Source.HMICFRS_FIRE):
        rows.append((t("Type of inspection"), t(inspection.type.label), False))
    rows += [(t("Reference"), inspection.reference or "", False), (t("Coroner area"), inspection.coroner_area or "", False),
             (t("The inquest into the death of"), inspection.deceased_name or "", False)]
    if not hmicfrs:
        rows.append((t("Answered by"), t(inspection.answered_by.label), False))
    rows += [(t("HMICFRS report") if hmicfrs else t("The report"), inspection.url or "", False),
             (t("Response due by"), t.date(response.due_on), False)]
    return [row for row in rows if row[1]]


def _actions(document, entry, t) -> None:
    """The action taken or proposed on an item, each with its status and date (a coroner's timetable, a fire
    plan's target dates), and the progress updates the copy may show (an update's Welsh where it has one;
    an action's title, which has no Welsh field, in English)."""
    if not entry.actions:
        return
    document.add_heading(t("Action taken or proposed"), level=4)
    for item in entry.actions:
        action = item.action
        when = (f", {t.date(action.completed_on)}" if action.completed_on
                else ", " + t("due {date}", date=t.date(action.due_on)) if action.due_on else "")
        line = document.add_paragraph(style="List Bullet")
        _english_run(line.add_run(_clean(action.title)), t.welsh)
        line.add_run(_clean(f" ({t.lowered(action.status.label)}{when})"))
        for update in item.updates:
            line = document.add_paragraph(style="List Bullet 2")
            line.add_run(f"{t.date(update.occurred_on)}: ")
            if t.welsh and update.text_cy:
                line.add_run(_clean(update.text_cy))
            else:
                _english_run(line.add_run(_clean(update.text)), t.welsh)


def _title(document, response: StatutoryResponse, language: str) -> None:
    """The document's title (Word's Title style), the report's own title in it marked as English in a Welsh copy."""
    before, title, after = title_parts(response, language)
    heading = document.add_heading(level=0)
    heading.add_run(_clean(before))
    if title is not None:
        _english_run(heading.add_run(_clean(title)), language != ENGLISH)
    heading.add_run(_clean(after))


def render_response_docx(response: StatutoryResponse, published: tuple[date, int] | None = None,
                         language: str = ENGLISH) -> bytes:
    """The response's public copy as .docx bytes, with the headings of the PDF in its source's words (an
    s.55 response, an IOPC response letter, a regulation 29 response, a fire action plan), in `language`.
    `published` is (the publication date, the version number) of a published version; without it, a draft."""
    context = document_context(response, public=True, draft=published is None, published=published,
                               language=language)
    inspection, source, named, t = context["inspection"], context["source"], context["names"], context["t"]
    hmicfrs, welsh = source is Source.HMICFRS, t.welsh
    document = Document()
    _document_language(document, WORD_LANG[language])
    properties = document.core_properties
    properties.title = _clean(context["document_title"])[:255]
    properties.author = named.opcc
    properties.language = WORD_LANG[language]
    properties.created = properties.modified = FIXED_TIME
    properties.last_modified_by = named.opcc
    document.add_paragraph(named.opcc)
    _title(document, response, language)
    if published:
        line = t("Published on {date} (version {number}) by the {commissioner}", date=t.date(published[0]),
                 number=published[1], commissioner=named.commissioner)
        line += (f", {context['pcc_name']}" if context["pcc_name"] else "") + "."
        if context["approved_by"]:
            line += " " + t("Approved on behalf of the Police and Crime Commissioner by {name}.",
                            name=context["approved_by"])
        document.add_paragraph(_clean(line))
    else:
        document.add_paragraph(t("Draft: not published. The publication date and version are given when it is published."))
    document.add_paragraph(_clean(context["statutory_paragraph"]))

    document.add_heading(t("The inspection") if hmicfrs else t(source.label), level=1)
    table = document.add_table(rows=0, cols=2)
    for label, value, english in _facts(response, context):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, _clean(value)
        if english:
            _english(cells[1].paragraphs[0], welsh)
    if inspection.key_findings:
        document.add_heading(t("Key findings"), level=1)
        _paragraphs(document, inspection.key_findings, english=welsh)

    answer = context["answer_heading"]
    document.add_heading(context["items_heading"], level=1)
    if not context["entries"]:
        document.add_paragraph(t("The report makes no recommendations that this force is to answer."))
    for entry in context["entries"]:
        rec = entry.recommendation
        document.add_heading(_clean(f"{t(rec.kind.label)} {rec.ref or ''}".strip()), level=2)
        _paragraphs(document, rec.text, english=welsh)
        for bullet in rec.bullets or []:
            _english(document.add_paragraph(_clean(bullet), style="List Bullet"), welsh)
        meta = document.add_paragraph(t("Addressed to:") + " ")
        if rec.addressed_to:
            _english_run(meta.add_run(_clean(rec.addressed_to)), welsh)
        else:
            meta.add_run(named.force)
        if rec.deadline_text:
            meta.add_run(" · " + t("Deadline:") + " ")
            _english_run(meta.add_run(_clean(rec.deadline_text)), welsh)
        document.add_heading(answer, level=3)
        if entry.explanation_required or entry.explanation or (welsh and entry.tracking.pcc_explanation):
            _paragraphs(document, entry.explanation, t(PLACEHOLDER_EXPLANATION))
        else:
            document.add_paragraph(t("No explanation is required: this {kind} is not addressed to the force or the PCC."
                                     if hmicfrs else
                                     "No answer is required: this {kind} is not addressed to the force or the PCC.",
                                     kind=t.lowered(rec.kind.label)))
        if entry.show_chief_comment:
            document.add_heading(t("The chief constable's comment"), level=3)
            _paragraphs(document, entry.chief_comment)
        _actions(document, entry, t)

    if context["for_information_entries"]:
        document.add_heading(t("Recommendations addressed to other bodies"), level=1)
        document.add_paragraph(t("These recommendations are addressed to other bodies. They do not require the "
                                 "force's action; the force follows them for information."))
        for entry in context["for_information_entries"]:
            rec = entry.recommendation
            if welsh:
                addressed = (f"{t('for information, addressed to')} {rec.addressed_to.strip().rstrip('.')}"
                             if rec.addressed_to else t("for information, addressed to another body"))
            else:
                addressed = f"for information, {context['addressee_phrase'](rec.addressed_to)}"
            document.add_heading(_clean(f"{t(rec.kind.label)} {rec.ref or ''}".strip() + f": {addressed}"), level=2)
            _paragraphs(document, rec.text, english=welsh)
            if entry.explanation:
                document.add_heading(t("The PCC's comment"), level=3)
                _paragraphs(document, entry.explanation)

    texts = context["texts"]
    if hmicfrs:
        document.add_heading(t("The PCC's comments"), level=1)
        _paragraphs(document, texts["pcc_comments"], t("[The PCC's comments will appear here.]"))
        document.add_heading(t("The chief constable's comments"), level=1)
        _paragraphs(document, texts["chief_comments"] or texts["chief_comments_absence"],
                    t("[The chief constable's comments will appear here.]"))
        if texts["pcc_response_to_chief"]:
            document.add_heading(t("The PCC's response to the chief constable's comments"), level=1)
            _paragraphs(document, texts["pcc_response_to_chief"])
    elif texts["pcc_comments"]:
        document.add_heading(t("Comments"), level=1)
        _paragraphs(document, texts["pcc_comments"])
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
