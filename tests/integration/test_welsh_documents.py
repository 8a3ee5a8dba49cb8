"""The Welsh copies: an office that works in Welsh publishes its response in Welsh and English together
(PDF, HTML and Word copies of both at once); the Welsh PDF is tagged as the English one is, with /Lang
(cy); HMICFRS's own text stays in English, marked as English, inside the Welsh copies; the public page
in Welsh serves the Welsh copy."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from tests.factories import make_user
from tests.integration.test_public_html_first import published_welsh_response
from tests.integration.test_responses import check_tagged_pdf, parsed_as_xml_to_the_same_bytes, pdf_text
from tests.integration.test_welsh_versions import dyfed_powys, people, published_dir, write_english, write_welsh  # noqa: F401
from tests.page_check import check_html, soup
from tracker.db import db
from tracker.documents import phrases, word
from tracker.documents.response import render_response_body, render_response_pdf, response_trackings
from tracker.documents.word import render_response_docx
from tracker.domain.statuses import Role
from tracker.models import Force
from tracker.services import responses as response_service

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TITLE_CY = "Ymateb Comisiynydd Heddlu a Throseddu Dyfed-Powys i Police response to violence against women and girls – " \
           "Final inspection report"


def test_publishing_stores_the_english_and_welsh_copies_at_once(app, published_dir):  # noqa: F811
    version = published_welsh_response(published_dir)
    en = response_service.published_path(published_dir, version, "en")
    cy = response_service.published_path(published_dir, version, "cy")
    assert cy.name == "vawg-2021-v1.cy.pdf" and en.name == "vawg-2021-v1.pdf"
    for pdf in (en, cy):
        assert pdf.read_bytes()[:5] == b"%PDF-"
        assert response_service.html_path(pdf).is_file() and response_service.docx_path(pdf).is_file()
    assert version.sha256_cy == hashlib.sha256(cy.read_bytes()).hexdigest() and version.size_cy == cy.stat().st_size
    assert version.sha256 == hashlib.sha256(en.read_bytes()).hexdigest()
    assert response_service.published_languages(version) == ["en", "cy"]
    assert "lang=\"cy\"" in response_service.published_html(published_dir, version, "cy")


def test_an_office_that_works_in_english_publishes_english_only(app, published_dir):  # noqa: F811
    from tests.integration.test_response_pages import make_ready, seeded
    version = response_service.publish(make_ready(), seeded(Role.EDITOR), published_dir)
    assert version.filename_cy is None and response_service.published_languages(version) == ["en"]
    assert sorted(p.name for p in published_dir.rglob("*.*")) == ["vawg-2021-v1.docx", "vawg-2021-v1.html",
                                                                   "vawg-2021-v1.pdf"]


def test_a_failure_writing_the_welsh_copy_leaves_no_file_of_either_language(app, published_dir, monkeypatch):  # noqa: F811
    response = dyfed_powys()
    write_english(response)
    write_welsh(response)
    editor = make_user(Role.EDITOR, ("dyfed-powys",))
    response_service.mark_ready(response, editor, date(2021, 11, 1))
    response_service.approve(response, make_user(Role.APPROVER, ("dyfed-powys",)), date(2021, 11, 2))
    real = response_service.write_once

    def fail_on_welsh_word(path, data):
        if path.name.endswith(".cy.docx"):
            raise OSError("disk full")
        return real(path, data)

    monkeypatch.setattr(response_service, "write_once", fail_on_welsh_word)
    with pytest.raises(OSError):
        response_service.publish(response, editor, published_dir)
    assert [p for p in published_dir.rglob("*") if p.is_file()] == []
    assert response.versions == []


def test_the_welsh_pdf_is_tagged_with_lang_cy_and_passes_the_same_checks(app, published_dir):  # noqa: F811
    version = published_welsh_response(published_dir)
    welsh = response_service.published_path(published_dir, version, "cy").read_bytes()
    check_tagged_pdf(welsh, "cy", TITLE_CY, ("Prif ganfyddiadau", "Sylwadau'r Comisiynydd", "Sylwadau'r prif gwnstabl"))
    english = response_service.published_path(published_dir, version, "en").read_bytes()
    check_tagged_pdf(english, "en-GB", f"Dyfed-Powys Police and Crime Commissioner's response to {version.response.inspection.title}",
                     ("Key findings", "The PCC's comments", "The chief constable's comments"))
    text = pdf_text(welsh)
    assert "Tudalen 1 o" in text and "Page 1 of" not in text
    assert "Cyhoeddwyd ar" in text and "Argymhelliad" in text and "17 Medi 2021" in text
    assert "Mae'r Comisiynydd yn croesawu'r adroddiad." in text and "Esboniad o" in text
    # HMICFRS's text, in English, is in the Welsh copy too
    first = response_trackings(version.response)[0].recommendation
    assert " ".join(first.text.split()[:6]) in text


def test_the_welsh_html_is_lang_cy_with_hmicfrs_text_marked_english(app):
    response = dyfed_powys()
    write_english(response)
    write_welsh(response)
    html = render_response_body(response, published=(date(2022, 4, 1), 1), language="cy")
    page = soup(html)
    article = page.select_one("article.response")
    assert article["lang"] == "cy"
    assert "Cyhoeddwyd ar 1 Ebrill 2022 (fersiwn 1)" in article.get_text(" ")
    assert page.select_one("h1 span[lang=en]").get_text() == response.inspection.title
    for tracking in response_trackings(response):
        rec = tracking.recommendation
        section = page.find(id=f"recommendation-{rec.id}").parent
        assert section.select_one(".recommendation__text")["lang"] == "en"
        assert f"Esboniad o {rec.ref}." in section.get_text(" ") and f"Explanation of {rec.ref}." not in section.get_text()
    assert [p["lang"] for p in page.select("#key-findings ~ p[lang]")][:1] == ["en"]
    english = soup(render_response_body(response, published=(date(2022, 4, 1), 1)))
    assert english.select_one("article.response")["lang"] == "en-GB" and not english.select("[lang=en]")
    assert "Published on 1 April 2022 (version 1)" in english.get_text(" ")


@pytest.mark.parametrize("slug", ["example-iopc-pursuit-2022", "example-coroner-pfd-2022", "example-fire-inspection-2022",
                                  "vawg-2021"])
def test_every_source_has_its_welsh_document_words(app, slug):
    """Each source's document renders in Welsh with no English word of the document's own left (a phrase
    missing from the Welsh would fail the rendering)."""
    response = next(r for r in response_service.responses_for_forces([f.id for f in _forces()])
                    if r.inspection.slug == slug)
    html = render_response_body(response, language="cy")
    for english in ("The inspection", "Key findings", "Response due by", "Addressed to:", "The PCC's comments",
                    "Recommendations and", "Date of"):
        assert english not in re.sub(r'<[^>]*lang="en"[^>]*>.*?</[^>]+>', "", html, flags=re.S)


@pytest.mark.parametrize("language", ["cy", "en"])
@pytest.mark.parametrize("slug", ["example-iopc-pursuit-2022", "example-coroner-pfd-2022", "example-fire-inspection-2022",
                                  "vawg-2021"])
def test_every_source_document_is_parsed_as_xml_to_the_bytes_of_html5(app, slug, language):
    """Each source's PDF, in Welsh and in English, is well-formed XML: parsed with expat to the bytes of HTML5."""
    response = next(r for r in response_service.responses_for_forces([f.id for f in _forces()])
                    if r.inspection.slug == slug)
    assert parsed_as_xml_to_the_same_bytes(lambda: render_response_pdf(response, language=language, draft=True))


def _forces():
    import sqlalchemy as sa

    return list(db.session.scalars(sa.select(Force)))


def test_every_phrase_the_templates_use_has_its_welsh():
    """Each t("...") of the document's templates and Word copy is in the Welsh dictionary."""
    from tracker._files import folder
    sources = [(folder("reports") / name).read_text() for name in ("_response_body.html", "response.html")]
    sources.append(Path(word.__file__).read_text())
    used = set()
    for source in sources:
        used |= set(re.findall(r"""\bt\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]""", source))
        used |= set(re.findall(r"""\bt\(\s*'((?:[^'\\]|\\.)+)'\s*[,)]""", source))
    assert len(used) > 30
    assert sorted(used - set(phrases.WELSH_PHRASES)) == []


def test_the_welsh_word_copy_sets_welsh_on_its_styles_and_english_on_hmicfrs_runs(app):
    response = dyfed_powys()
    write_english(response)
    write_welsh(response)
    data = render_response_docx(response, language="cy", published=(date(2022, 4, 1), 1))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = package.read("word/styles.xml").decode()
        body = package.read("word/document.xml").decode()
    assert 'w:lang w:val="cy-GB"' in styles and 'w:val="en-US"' not in styles
    document = Document(io.BytesIO(data))
    assert document.paragraphs[1].text == TITLE_CY
    english_runs = [r.text for p in document.paragraphs for r in p.runs
                    if (lang := r._r.find(f"{W}rPr/{W}lang")) is not None and lang.get(f"{W}val") == "en-GB"]
    rec = response_trackings(response)[0].recommendation
    assert response.inspection.title in english_runs
    assert any(rec.text.split("\n")[0].strip() in run for run in english_runs)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Cyhoeddwyd ar 1 Ebrill 2022 (fersiwn 1)" in text and "Mae'r Comisiynydd yn croesawu'r adroddiad." in text
    assert "Esboniad o" in text and "Explanation of" not in text
    english = render_response_docx(response)
    with zipfile.ZipFile(io.BytesIO(english)) as package:
        assert 'w:lang w:val="en-GB"' in package.read("word/styles.xml").decode()
    assert 'w:val="en-GB"' in body  # HMICFRS's runs


def test_the_public_page_in_welsh_serves_the_welsh_copy(client, published_dir):  # noqa: F811
    version = published_welsh_response(published_dir)
    db.session.commit()
    welsh = client.get("/public/dyfed-powys/vawg-2021?lang=cy").text
    check_html(welsh)
    assert soup(welsh).select_one("article.response")["lang"] == "cy"
    assert "/public/dyfed-powys/vawg-2021/v1.cy.pdf" in welsh
    english = client.get("/public/dyfed-powys/vawg-2021").text
    assert soup(english).select_one("article.response")["lang"] == "en-GB"
    assert 'href="/public/dyfed-powys/vawg-2021/v1.pdf"' in english and ".cy.pdf" not in english
    assert client.get("/public/dyfed-powys/vawg-2021/v1.cy.pdf").data[:5] == b"%PDF-"
    assert version.size_cy > 0
    # The force's list of responses offers the same copy in each language.
    welsh_list = soup(client.get("/public/dyfed-powys?lang=cy").text)
    assert welsh_list.select_one('a[href^="/public/dyfed-powys/vawg-2021/v1.cy.pdf"]')["hreflang"] == "cy"
    assert not welsh_list.select('a[href^="/public/dyfed-powys/vawg-2021/v1.pdf"]')
    english_list = client.get("/public/dyfed-powys").text
    feed = client.get("/public/dyfed-powys/feed.atom").text
    assert 'hreflang="cy"' in feed and "/public/dyfed-powys/vawg-2021/v1.cy.pdf" in feed
    assert 'href="/public/dyfed-powys/vawg-2021/v1.pdf"' in english_list and ".cy.pdf" not in english_list


def test_an_english_only_response_in_welsh_shows_its_english_copy(client, published_dir):  # noqa: F811
    from tests.integration.test_response_pages import make_ready, seeded
    response_service.publish(make_ready(), seeded(Role.EDITOR), published_dir)
    db.session.commit()
    page = client.get("/public/cumbria/vawg-2021?lang=cy").text
    assert soup(page).select_one("article.response")["lang"] == "en-GB"
    assert "v1.cy.pdf" not in page
    assert client.get("/public/cumbria/vawg-2021/v1.cy.pdf").status_code == 404


def test_staff_download_each_copy_of_a_version(app, published_dir, people):  # noqa: F811
    version = published_welsh_response(published_dir)
    db.session.commit()
    base = "/responses/dyfed-powys/vawg-2021/versions/1"
    client = people["editor_client"]
    welsh_pdf = client.get(f"{base}.cy.pdf")
    assert welsh_pdf.status_code == 200 and welsh_pdf.mimetype == "application/pdf"
    assert welsh_pdf.data == response_service.published_path(published_dir, version, "cy").read_bytes()
    for copy in ("docx", "cy.docx"):
        answer = client.get(f"{base}.{copy}")
        assert answer.status_code == 200 and answer.data[:2] == b"PK"
        assert answer.mimetype.endswith("wordprocessingml.document")
    assert client.get("/responses/dyfed-powys/vawg-2021/versions/2.cy.pdf").status_code == 404
    cumbria = make_user(Role.EDITOR, ("cumbria",))
    from tests.factories import sign_in
    assert sign_in(app.test_client(), cumbria).get(f"{base}.cy.docx").status_code == 404


def test_every_label_a_document_prints_has_its_welsh():
    """The kinds, types, statuses, sources and respondents the documents name, all in Welsh."""
    from tracker.domain.clocks import Respondent, Source
    from tracker.domain.statuses import ActionStatus, InspectionType, Kind
    labels = [m.label for enum in (Kind, InspectionType, ActionStatus, Source, Respondent) for m in enum]
    labels += [source.date_label for source in Source]
    assert [label for label in labels if label not in phrases.WELSH_PHRASES] == []


def test_the_documents_and_the_public_pages_catalogue_agree_on_shared_words():
    """A word both the documents' dictionary and the public pages' catalogue translate is the same Welsh."""
    from babel.messages.pofile import read_po

    from tracker._files import INSTALLED
    with (INSTALLED.parent / "translations" / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = {m.id: m.string for m in read_po(po) if isinstance(m.id, str) and m.string}
    def same(text: str) -> str:
        return text.replace("’", "'")
    assert [(english, welsh, catalogue[english]) for english, welsh in phrases.WELSH_PHRASES.items()
            if english in catalogue and same(catalogue[english]) != same(welsh)] == []


def test_the_demonstration_publishes_its_bilingual_response(app, client, published_dir):  # noqa: F811
    """`seed --demo` publishes the invented North Wales response in Welsh and English (and Dorset's in English),
    so /public/ shows them."""
    from tracker.services import seed
    versions = seed.publish_demo(seed.read_seed_set(demo=True), published_dir)
    db.session.commit()
    assert sorted(v.response.force.slug for v in versions) == ["dorset", "north-wales"]
    english = next(v for v in versions if v.response.force.slug == "dorset")
    assert response_service.published_languages(english) == ["en"]  # an office that works in English only
    version = next(v for v in versions if v.response.force.slug == "north-wales")
    assert version.published_at.date() == date(2021, 11, 8) and version.days_late == 0
    assert response_service.published_languages(version) == ["en", "cy"]
    check_tagged_pdf(response_service.published_path(published_dir, version, "cy").read_bytes(), "cy",
                     "Ymateb Comisiynydd Heddlu a Throseddu Gogledd Cymru i " + version.response.inspection.title,
                     ("Prif ganfyddiadau", "Sylwadau'r Comisiynydd"))
    index = client.get("/public/").text
    assert "North Wales" in index and "Dorset" in index
    welsh = client.get("/public/north-wales/vawg-2021?lang=cy").text
    assert "Enghraifft: mae&#39;r Comisiynydd yn croesawu&#39;r adroddiad." in welsh
    assert "Canfu&#39;r archwiliad misol cyntaf" in welsh  # its update in Welsh, in the document and the progress
    assert seed.publish_demo(seed.read_seed_set(demo=True), published_dir) == []  # once only


def test_the_demonstration_never_overwrites_a_published_file(app, published_dir):  # noqa: F811
    from tracker.services import seed
    stale = published_dir / "north-wales" / "vawg-2021-v1.pdf"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an earlier database's file")
    with pytest.raises(seed.SeedError, match="never overwritten"):
        seed.publish_demo(seed.read_seed_set(demo=True), published_dir)
    assert stale.read_bytes() == b"an earlier database's file"
    assert sorted(p.name for p in stale.parent.iterdir()) == ["vawg-2021-v1.pdf"]


def test_the_response_page_links_every_copy_of_a_version(app, published_dir, people):  # noqa: F811
    published_welsh_response(published_dir)
    db.session.commit()
    html = people["editor_client"].get("/responses/dyfed-powys/vawg-2021").text
    check_html(html)
    for copy in ("1.pdf", "1.docx", "1.cy.pdf", "1.cy.docx"):
        assert f'href="/responses/dyfed-powys/vawg-2021/versions/{copy}"' in html
