"""HTML first: the public page of a response is the primary copy, holding the same text as its PDF
(linked from it as an alternative, with its size)."""

from __future__ import annotations

import difflib
import re
from html.parser import HTMLParser
from io import BytesIO

from pdfminer.high_level import extract_text

from tests.integration.test_response_pages import make_ready, published_dir, seeded  # noqa: F401  (a fixture)
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.services import responses as response_service


class _Text(HTMLParser):
    """The text of the element with class tracker-document, up to the progress section."""

    def __init__(self):
        super().__init__()
        self.depth, self.stop, self.parts = 0, False, []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if "tracker-public-progress" in classes:
            self.stop = True
        if self.depth or "tracker-document" in classes:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.stop:
            self.parts.append(data)


def words(text: str) -> list[str]:
    """The words of a text, whatever its layout: PDF line breaks and hyphenation, typographic quotes."""
    text = text.replace("\u00ad", "").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.findall(r"[\w'&£%.,:;()\-/]+", text)


def page_and_pdf(client, published_dir):  # noqa: F811
    response = make_ready()
    version = response_service.publish(response, seeded(Role.EDITOR), published_dir)
    db.session.commit()
    page = client.get("/public/cumbria/vawg-2021").text
    parser = _Text()
    parser.feed(page)
    pdf = response_service.published_path(published_dir, version).read_bytes()
    return page, " ".join(parser.parts), extract_text(BytesIO(pdf)), version


def without_page_furniture(pdf_text: str, office: str, title: str) -> str:
    """The PDF's text without what each page repeats (the office at the top of pages after the first; the report's title and
    'Page N of M' at the foot), with web addresses broken over two lines joined again."""
    text = re.sub(rf"{re.escape(title)}\s+Page \d+ of \d+", " ", pdf_text)
    first, _, rest = text.partition(office)  # the first is the document's own caption, on both
    text = first + office + re.sub(rf"^\s*{re.escape(office)}\s*$", " ", rest, flags=re.MULTILINE)
    return re.sub(r"(https?://\S+-)\n(\S)", r"\1\2", text)


def test_the_public_page_and_the_pdf_hold_the_same_text(client, published_dir):  # noqa: F811
    page, html_text, pdf_text, version = page_and_pdf(client, published_dir)
    response = version.response
    document = words(html_text.split("Download as PDF", 1)[1].split(")", 1)[1])  # after the PDF's link
    pdf = words(without_page_furniture(pdf_text, response.force.opcc_name, response.inspection.title))
    assert len(document) > 300
    assert document == pdf, "\n".join(difflib.unified_diff(document, pdf, "page", "pdf", lineterm="", n=2))


def test_a_text_on_the_page_but_not_in_the_pdf_fails_the_comparison(client, published_dir):  # noqa: F811
    """The comparison would notice: a word added to the page's copy is a difference."""
    page, html_text, pdf_text, version = page_and_pdf(client, published_dir)
    response = version.response
    document = words(html_text.split("Download as PDF", 1)[1].split(")", 1)[1])
    pdf = words(without_page_furniture(pdf_text, response.force.opcc_name, response.inspection.title))
    assert document[:-1] + ["changed"] != pdf


def test_the_pdf_is_linked_as_an_alternative_with_its_size(client, published_dir):  # noqa: F811
    page, _, _, version = page_and_pdf(client, published_dir)
    assert re.search(r'href="/public/cumbria/vawg-2021/v1.pdf"[^>]*>[^<]*PDF[^<]*\(\d+ KB\)', page)
