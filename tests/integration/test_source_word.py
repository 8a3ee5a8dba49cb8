"""The Word copy of each source's response (an IOPC response letter, a regulation 29 response to the
coroner, a fire action plan): its own headings and facts, every item with its answer and the action
with its dates, people's text kept as text (escaped in the XML); written beside the PDF of each
published version and downloadable; and it opens in LibreOffice (converted headless)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date, datetime

import pytest
from docx import Document
from pypdf import PdfReader

from tests.factories import sign_in
from tracker.db import db
from tracker.documents.response import response_trackings
from tracker.documents.word import render_response_docx
from tracker.models import Action
from tracker.services import responses as response_service
from tracker.services.users import get_user_by_email

SOFFICE = shutil.which("soffice")
IOPC, CORONER, FIRE = ("cumbria", "example-iopc-pursuit-2022"), ("cumbria", "example-coroner-pfd-2022"), \
    ("essex", "example-fire-inspection-2022")
# source: (the heading of the document's facts, the heading of the items, the heading of each answer)
HEADINGS = {
    IOPC: ("IOPC recommendation", "Recommendations and the response", "The response"),
    CORONER: ("Coroner's report to prevent future deaths", "Matters of concern and the response", "The response"),
    FIRE: ("HMICFRS fire and rescue inspection", "Recommendations and the action planned", "Action planned"),
}
HOSTILE = "Fix <script>alert(1)</script> & <w:t>broken</w:t> \"now\""


def answered(key, text: str = "We have changed the procedure.", title: str = "Change the custody procedure"):
    """The response with every item answered and given an action due on 30 June 2022."""
    response = response_service.get_response(*key)
    for tracking in response_trackings(response):
        tracking.pcc_explanation = f"{text} ({tracking.recommendation.ref})"
        db.session.add(Action(tracking=tracking, force_id=tracking.force_id, inspection_id=tracking.inspection_id,
                              title=title, due_on=date(2022, 6, 30)))
    db.session.flush()
    return response


def _read(data: bytes):
    document = Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return document, headings, text, cells


@pytest.mark.parametrize("key", list(HEADINGS))
def test_each_sources_word_copy_is_in_its_own_words(app, key):
    response = answered(key)
    document, headings, text, cells = _read(render_response_docx(response))
    facts, items, answer = HEADINGS[key]
    assert facts in headings and items in headings and answer in headings
    assert "The inspection" not in headings and "The PCC's comments" not in headings
    assert "The chief constable's comments" not in headings and "section 55" not in text.lower()
    for tracking in response_trackings(response):
        assert f"We have changed the procedure. ({tracking.recommendation.ref})" in text
    assert "Change the custody procedure (not started, due 30 June 2022)" in text  # the action and its date
    assert "Draft: not published." in text and "Answered by" in cells
    assert document.core_properties.title == headings[0]
    assert render_response_docx(response) == render_response_docx(response)


def test_the_coroners_word_copy_names_the_inquest_and_the_area(app):
    _, _, _, cells = _read(render_response_docx(answered(CORONER)))
    assert "Alex Example (a fictional person)" in cells and "Cumbria (an invented example)" in cells
    assert "EXAMPLE-2022-0001" in cells and "Date of the report" in cells


def test_peoples_text_stays_text_in_the_word_copy(app):
    response = answered(IOPC, text=HOSTILE, title="<b>Train</b> & test")
    data = render_response_docx(response)
    _, _, text, _ = _read(data)
    assert HOSTILE in text and "<b>Train</b> & test (not started, due 30 June 2022)" in text
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;w:t&gt;broken&lt;/w:t&gt;" in xml
    assert "<script>" not in xml


@pytest.fixture
def published_dir(app, tmp_path):
    old = app.config["TRACKER_PUBLISHED_DIR"]
    app.config["TRACKER_PUBLISHED_DIR"] = str(tmp_path / "published")
    yield tmp_path / "published"
    app.config["TRACKER_PUBLISHED_DIR"] = old


def test_each_published_version_has_its_word_copy(app, published_dir):
    response = answered(CORONER)
    editor = get_user_by_email("editor@tracker.example")
    response_service.mark_ready(response, editor, date(2022, 4, 1))
    response_service.approve(response, get_user_by_email("approver@tracker.example"), date(2022, 4, 2))
    version = response_service.publish(response, editor, published_dir, now=datetime(2022, 4, 4, 9))
    db.session.commit()
    path = response_service.docx_path(response_service.published_path(published_dir, version))
    _, _, text, _ = _read(path.read_bytes())
    assert "Published on 4 April 2022 (version 1)" in text and "Draft" not in text
    client = sign_in(app.test_client(), get_user_by_email("viewer@tracker.example"))
    page = client.get(f"/responses/{CORONER[0]}/{CORONER[1]}")
    assert f"/responses/{CORONER[0]}/{CORONER[1]}/versions/1.docx" in page.get_data(as_text=True)
    download = client.get(f"/responses/{CORONER[0]}/{CORONER[1]}/versions/1.docx")
    assert download.status_code == 200 and download.data == path.read_bytes()
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/responses/{CORONER[0]}/{CORONER[1]}/versions/2.docx").status_code == 404
    path.unlink()  # a version published before Word copies were kept
    assert client.get(f"/responses/{CORONER[0]}/{CORONER[1]}/versions/1.docx").status_code == 404
    response_service.discard_unrecorded(published_dir, version)
    assert not list(published_dir.rglob("*.*"))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("key", [IOPC, FIRE])
def test_the_word_copy_opens_in_libreoffice(app, tmp_path, key):
    response = answered(key)
    source = tmp_path / "response.docx"
    source.write_bytes(render_response_docx(response))
    profile = tmp_path / "profile"
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(tmp_path / "response.pdf").pages).split())
    assert HEADINGS[key][1] in text
    for tracking in response_trackings(response):
        assert f"We have changed the procedure. ({tracking.recommendation.ref})" in text
