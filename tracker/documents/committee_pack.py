"""The committee pack as a tagged PDF and as a Word document, both drawn from its content.

One structure (domain.committee_pack.PackContent) and two renderers that walk it the same way:
the title, then each section's heading, paragraphs, tables and items in full. The PDF goes through
render_pdf (PDF/UA-1, the asset-only fetcher; the template's autoescaping prints typed text as
text); the Word copy through python-docx (Word's own Title, Heading and table styles, so it has a
navigable structure; text is put in as text, never as markup). Neither holds the time it was
drawn: a kept pack is drawn again byte for byte.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document  # python-docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask import render_template

from tracker.documents.pdf import render_pdf
from tracker.documents.word import FIXED_TIME, _clean, _fixed_times
from tracker.domain.committee_pack import PackContent, Table
from tracker.domain.formatting import govuk_date

PACK_CSS = "print/committee_pack.css"
TEXT_WIDTH_MM = 297 - 2 * 14  # A4 landscape between the margins


def render_pack_html(pack: PackContent) -> str:
    """The pack as the HTML the PDF is drawn from."""
    return render_template("committee_pack.html", pack=pack, meeting=govuk_date(date.fromisoformat(pack.meeting_on)))


def render_pack_pdf(pack: PackContent, created: str | None = None) -> bytes:
    """The pack as tagged PDF bytes (`created`: the ISO 8601 time written as its creation date)."""
    return render_pdf(render_pack_html(pack), title=pack.title, stylesheet=PACK_CSS, created=created)


def render_pack_docx(pack: PackContent) -> bytes:
    """The pack as .docx bytes: the same sections, tables and items as the PDF, landscape A4."""
    document = Document()
    page = document.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE
    page.page_width, page.page_height = Mm(297), Mm(210)
    page.left_margin = page.right_margin = Mm(14)
    page.top_margin = page.bottom_margin = Mm(16)
    page.header.paragraphs[0].text = _clean(f"{pack.organisation} · Committee pack · Official")
    properties = document.core_properties
    properties.title = _clean(pack.title)[:255]
    properties.author = properties.last_modified_by = _clean(pack.organisation)[:255]
    properties.created = properties.modified = FIXED_TIME
    document.add_heading(_clean(pack.title), level=0)
    document.add_paragraph(_clean(f"Made on {pack.made}."))
    for section in pack.sections:
        document.add_heading(_clean(section.heading), level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(_clean(paragraph))
        for table in section.tables:
            _table(document, table)
        for note in section.notes:
            document.add_paragraph(_clean(note)).runs[0].italic = True
        for item in section.items:
            document.add_heading(_clean(item.heading), level=2)
            for line in item.text.splitlines():
                if line.strip():
                    document.add_paragraph(_clean(line))
            for label, value in item.facts:
                paragraph = document.add_paragraph()
                paragraph.add_run(_clean(f"{label}: ")).bold = True
                paragraph.add_run(_clean(value))
                paragraph.paragraph_format.space_after = Pt(0)
    out = io.BytesIO()
    document.save(out)
    return _fixed_times(out.getvalue())


def _table(document, table: Table) -> None:
    """A table with its caption above it, its heading row repeated on every page, and the content's
    column widths (of the landscape page's width between its margins)."""
    document.add_paragraph(_clean(table.caption), style="Caption")
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.autofit = False
    widths = [Mm(TEXT_WIDTH_MM * share / 100) for share in table.widths]
    for column, width in zip(grid.columns, widths, strict=False):
        column.width = width  # the table's grid: what LibreOffice reads (Word reads the cells')
    header = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for row in [table.columns, *table.rows]:
        cells = header.cells if row is table.columns else grid.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = _clean(value)
            paragraph = cell.paragraphs[0]
            for run in paragraph.runs:
                run.font.size = Pt(9)
                run.bold = row is table.columns or None
            if index in table.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if widths:
                cell.width = widths[index]
