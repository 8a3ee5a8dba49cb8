"""The response document of each source: an IOPC response letter, a regulation 29 response to the
coroner, a fire action plan. Each renders as a tagged PDF (the checks of the s.55 response), has its
source's own completeness check (every recommendation or matter of concern answered) and publishes
as a version, as the s.55 response does."""

from __future__ import annotations

import io
from datetime import date, datetime

import pikepdf
import pytest
from pdfminer.high_level import extract_text as pdfminer_text

from tracker.db import db
from tracker.documents.response import render_response_pdf, response_trackings
from tracker.domain import completeness
from tracker.models import PublishedVersion
from tracker.services import responses as response_service
from tracker.services.users import get_user_by_email

DOCUMENTS = {
    # force, slug: what the title says, a line of the statutory paragraph, the heading of each answer
    ("cumbria", "example-iopc-pursuit-2022"): ("response to the IOPC's recommendations",
                                               "Paragraph 28B of Schedule 3 to the Police Reform Act 2002", "The response"),
    ("cumbria", "example-coroner-pfd-2022"): ("response to the coroner's report to prevent future deaths",
                                              "Paragraph 7 of Schedule 5 to the Coroners and Justice Act 2009",
                                              "The response"),
    ("essex", "example-fire-inspection-2022"): ("Action plan on HMICFRS's inspection",
                                                "Fire and Rescue National Framework for England (2018)", "Action planned"),
}


@pytest.fixture
def published_dir(app, tmp_path):
    """A fresh folder for published files, for this test only."""
    return tmp_path / "published"


def _text(pdf: bytes) -> str:
    """The PDF's text, its white space folded (pdfminer: pypdf reads only the margins of a one-page draft
    whose watermark is the page's background)."""
    return " ".join(pdfminer_text(io.BytesIO(pdf)).split())


@pytest.mark.parametrize(("force", "slug"), list(DOCUMENTS))
def test_each_sources_document_is_a_tagged_pdf_in_its_own_words(app, force, slug):
    """Tagged PDF/UA (structure tree, marked, en-GB, title shown, fonts embedded), in the source's words."""
    response = response_service.get_response(force, slug)
    title_words, paragraph, heading = DOCUMENTS[(force, slug)]
    data = render_response_pdf(response, draft=True)
    pdf = pikepdf.open(io.BytesIO(data))
    assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
    assert str(pdf.Root.Lang) == "en-GB" and bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
    assert title_words in str(pdf.docinfo["/Title"])
    for page in pdf.pages:
        for _, font in page.obj.Resources.Font.items():
            for target in (font.DescendantFonts if "/DescendantFonts" in font else [font]):
                assert any(k in target.FontDescriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    text = _text(data)
    assert paragraph in text and heading in text
    assert "section 55" not in text.lower() and "chief constable's comments" not in text.lower()


def test_coroners_document_names_the_inquest_and_the_area(app):
    """The regulation 29 response gives the coroner's area, the inquest and the reference."""
    text = _text(render_response_pdf(response_service.get_response("cumbria", "example-coroner-pfd-2022"), draft=True))
    assert "Alex Example (a fictional person)" in text and "Cumbria (an invented example)" in text
    assert "EXAMPLE-2022-0001" in text and "Date of the report" in text


def test_each_source_has_its_own_completeness_check(app):
    """Every recommendation or matter of concern needs an answer; no s.55 comments are asked for."""
    iopc = response_service.get_response("cumbria", "example-iopc-pursuit-2022")
    missing = completeness.missing_items(iopc, response_trackings(iopc))
    assert [m.message for m in missing] == [
        "Write what action has been or will be taken, or why none for recommendation 1",
        "Write what action has been or will be taken, or why none for recommendation 2"]
    fire = response_service.get_response("essex", "example-fire-inspection-2022")
    # The cause of concern and its recommendation both call for the action planned.
    assert [m.ref for m in completeness.missing_items(fire, response_trackings(fire))] == ["1", "1.1"]
    assert completeness.copies_outstanding(iopc) == []  # s.55(6) is HMICFRS's alone


def test_an_iopc_response_letter_publishes_as_a_version(app, published_dir):
    """Answered, drafted, approved: it publishes once, as a version with its hash, and not late."""
    response = response_service.get_response("cumbria", "example-iopc-pursuit-2022")
    editor, approver = get_user_by_email("editor@tracker.example"), get_user_by_email("approver@tracker.example")
    with pytest.raises(response_service.IncompleteResponse):
        response_service.mark_ready(response, editor, date(2022, 4, 1))
    for tracking in response_trackings(response):
        tracking.pcc_explanation = f"Refresher training for every pursuit commander (recommendation {tracking.recommendation.ref})."
    db.session.flush()
    response_service.mark_ready(response, editor, date(2022, 4, 1))
    response_service.approve(response, approver, date(2022, 4, 2))
    version = response_service.publish(response, editor, published_dir, now=datetime(2022, 4, 4, 9))
    assert (version.number, version.days_late) == (1, 0)  # due 8 April 2022 after the extension
    assert response_service.published_path(published_dir, version).read_bytes()[:5] == b"%PDF-"
    assert completeness.stage(response) == "Complete"


def test_the_public_page_lists_every_source_and_filters_by_one(app, client, published_dir):
    """/public/<force>: responses of every source, a link per source, ?source= keeps one; an unknown one is 404."""
    app.config["TRACKER_PUBLISHED_DIR"], old = str(published_dir), app.config["TRACKER_PUBLISHED_DIR"]
    try:
        response = response_service.get_response("cumbria", "example-iopc-pursuit-2022")
        editor, approver = get_user_by_email("editor@tracker.example"), get_user_by_email("approver@tracker.example")
        for tracking in response_trackings(response):
            tracking.pcc_explanation = "Training given."
        response_service.mark_ready(response, editor, date(2022, 4, 1))
        response_service.approve(response, approver, date(2022, 4, 2))
        response_service.publish(response, editor, published_dir, now=datetime(2022, 4, 4, 9))
        vawg = response_service.get_response("cumbria", "vawg-2021")
        vawg.versions.append(PublishedVersion(number=1, filename="cumbria/vawg-2021-v1.pdf", sha256="0" * 64, size=10,
                                              published_at=datetime(2021, 11, 3, 9)))
        db.session.commit()
        page = client.get("/public/cumbria").get_data(as_text=True)
        assert "Response to Example: IOPC learning" in page and "Response to Police response to violence" in page
        assert 'href="/public/cumbria?source=iopc"' in page
        iopc = client.get("/public/cumbria?source=iopc").get_data(as_text=True)
        assert "Response to Example: IOPC learning" in iopc and "Response to Police response to violence" not in iopc
        assert client.get("/public/cumbria?source=coroner").status_code == 404
        assert client.get("/public/cumbria?source=<b>").status_code == 404
    finally:
        app.config["TRACKER_PUBLISHED_DIR"] = old
