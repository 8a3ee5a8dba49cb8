"""HTML first: the public page of a response is the primary copy, holding the same text as its PDF
(linked from it as an alternative, with its size), in English and, for an office that works in Welsh,
in Welsh: the Welsh page holds the Welsh PDF's text."""

from __future__ import annotations

import difflib
import re
from datetime import date
from html.parser import HTMLParser
from io import BytesIO

import pytest
from pdfminer.high_level import extract_text

from tests.factories import make_user
from tests.integration.test_response_pages import make_ready, published_dir, seeded  # noqa: F401  (a fixture)
from tests.integration.test_welsh_versions import dyfed_powys, write_english, write_welsh
from tracker.db import db
from tracker.documents.response import names
from tracker.domain.statuses import Role
from tracker.services import responses as response_service


class _Text(HTMLParser):
    """The text of the published document on the page: the element with class response (its <article>)."""

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or (tag == "article" and "response" in classes):
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def words(text: str) -> list[str]:
    """The words of a text, whatever its layout: PDF line breaks and hyphenation, typographic quotes."""
    text = text.replace("\u00ad", "").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.findall(r"[\w'&£%.,:;()\-/]+", text)


def published_welsh_response(published_dir):  # noqa: F811
    """Dyfed-Powys's response, written in English and Welsh, approved and published."""
    response = dyfed_powys()
    write_english(response)
    write_welsh(response)
    editor = make_user(Role.EDITOR, ("dyfed-powys",))
    response_service.mark_ready(response, editor, date(2021, 11, 1))
    response_service.approve(response, make_user(Role.APPROVER, ("dyfed-powys",)), date(2021, 11, 2))
    return response_service.publish(response, editor, published_dir)


def page_and_pdf(client, published_dir, language="en"):  # noqa: F811
    """The public page (in the language), the text of its document and of the PDF it links, and the version."""
    if language == "cy":
        version = published_welsh_response(published_dir)
    else:
        version = response_service.publish(make_ready(), seeded(Role.EDITOR), published_dir)
    db.session.commit()
    response = version.response
    page = client.get(f"/public/{response.force.slug}/{response.inspection.slug}"
                      + ("?lang=cy" if language == "cy" else "")).text
    parser = _Text()
    parser.feed(page)
    pdf = response_service.published_path(published_dir, version, language).read_bytes()
    return page, " ".join(parser.parts), extract_text(BytesIO(pdf)), version


PAGE_WORDS = {"en": ("Page", "of"), "cy": ("Tudalen", "o")}


def without_page_furniture(pdf_text: str, office: str, title: str, language: str = "en") -> str:
    """The PDF's text without what each page repeats (the office at the top of pages after the first; the report's title and
    'Page N of M' at the foot), with web addresses and hyphenated words broken over two lines joined again."""
    page, of = PAGE_WORDS[language]
    text = re.sub(rf"{re.escape(title)}\s+{page} \d+ {of} \d+", " ", pdf_text)
    first, _, rest = text.partition(office)  # the first is the document's own caption, on both
    text = first + office + re.sub(rf"^\s*{re.escape(office)}\s*$", " ", rest, flags=re.MULTILINE)
    text = re.sub(r"(https?://\S+-)\n(\S)", r"\1\2", text)
    return re.sub(r"(\w-)\n(\w)", r"\1\2", text)  # a line broken after a hyphen ("Dyfed-Powys")


def document_and_pdf_words(client, published_dir, language):  # noqa: F811
    """The words of the page's document and of its PDF, without the PDF's page furniture."""
    page, html_text, pdf_text, version = page_and_pdf(client, published_dir, language)
    response = version.response
    office = names(response.force, language).opcc
    return page, words(html_text), words(without_page_furniture(pdf_text, office, response.inspection.title, language))


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_public_page_and_the_pdf_hold_the_same_text(client, published_dir, language):  # noqa: F811
    page, document, pdf = document_and_pdf_words(client, published_dir, language)
    assert len(document) > 300
    assert document == pdf, "\n".join(difflib.unified_diff(document, pdf, "page", "pdf", lineterm="", n=2))
    if language == "cy":  # the Welsh page is the Welsh copy, beside the Welsh PDF
        assert "Argymhelliad" in document and "Recommendation" not in document
        assert "Sylwadau'r Comisiynydd" in " ".join(document)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_text_on_the_page_but_not_in_the_pdf_fails_the_comparison(client, published_dir, language):  # noqa: F811
    """The comparison would notice: a word added to the page's copy is a difference."""
    _, document, pdf = document_and_pdf_words(client, published_dir, language)
    assert document[:-1] + ["changed"] != pdf


def test_the_pdf_is_linked_as_an_alternative_with_its_size(client, published_dir):  # noqa: F811
    page, _, _, version = page_and_pdf(client, published_dir)
    assert re.search(r'href="/public/cumbria/vawg-2021/v1.pdf"[^>]*>[^<]*PDF[^<]*\(\d+ KB\)', page)


def test_the_welsh_page_links_the_welsh_pdf_with_its_size(client, published_dir):  # noqa: F811
    page, _, _, version = page_and_pdf(client, published_dir, "cy")
    assert re.search(r'href="/public/dyfed-powys/vawg-2021/v1.cy.pdf\?lang=cy" hreflang="cy"[^>]*>[^<]*PDF[^<]*\(\d+ KB\)',
                     page), page
    assert client.get("/public/dyfed-powys/vawg-2021/v1.cy.pdf").data == \
        response_service.published_path(published_dir, version, "cy").read_bytes()
