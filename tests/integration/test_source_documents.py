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
from tracker.domain.statuses import TrackingStatus
from tracker.models import Action, PublishedVersion
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


def _act(tracking, due_on: date | None = date(2022, 6, 30), title: str = "Refresher training") -> Action:
    """An action on the item, due on a date (None: no date)."""
    action = Action(tracking=tracking, force_id=tracking.force_id, inspection_id=tracking.inspection_id, title=title,
                    due_on=due_on)
    db.session.add(action)
    db.session.flush()
    return action


def _answer(response, text: str = "Training given.", due_on: date | None = date(2022, 6, 30)) -> None:
    """Write every item's answer and give it an action with its date, as every source's duty asks."""
    for tracking in response_trackings(response):
        tracking.pcc_explanation = text
        _act(tracking, due_on)
    db.session.flush()


def test_each_source_has_its_own_completeness_check(app):
    """Every recommendation or matter of concern needs an answer and the action its duty asks for; no
    s.55 comments are asked for."""
    iopc = response_service.get_response("cumbria", "example-iopc-pursuit-2022")
    missing = completeness.missing_items(iopc, response_trackings(iopc))
    assert [m.message for m in missing] == [
        "Write what action has been or will be taken, or why none for recommendation 1",
        "Record the action taken or proposed on recommendation 1, or that none will be taken and why",
        "Write what action has been or will be taken, or why none for recommendation 2",
        "Record the action taken or proposed on recommendation 2, or that none will be taken and why"]
    assert [m.needs for m in missing] == ["explanation", "action"] * 2
    fire = response_service.get_response("essex", "example-fire-inspection-2022")
    # The cause of concern and its recommendation both call for the action planned, with its target date.
    fire_missing = completeness.missing_items(fire, response_trackings(fire))
    assert [m.ref for m in fire_missing] == ["1", "1", "1.1", "1.1"]
    assert fire_missing[1].message == "Set the target date of the action on cause of concern 1"
    assert completeness.copies_outstanding(iopc) == ["the IOPC"]  # sent to the IOPC, not s.55(6)'s copies
    assert completeness.copies_outstanding(fire) == []  # an action plan is published and kept up to date


def test_an_iopc_action_is_enough_and_no_action_needs_its_reason(app):
    """Para 28B(1): an action taken or proposed (dated or not), or no action recorded with why."""
    iopc = response_service.get_response("cumbria", "example-iopc-pursuit-2022")
    first, second = response_trackings(iopc)
    first.pcc_explanation = second.pcc_explanation = "Our answer."
    _act(first, due_on=None)
    second.status, second.no_action_reason = TrackingStatus.NO_FURTHER_ACTION, "The policy already requires it."
    db.session.flush()
    assert completeness.missing_items(iopc, response_trackings(iopc)) == []


def test_a_coroners_response_needs_a_timetable_or_why_no_action(app):
    """Regulation 29: the action taken or proposed with its timetable, or why no action is proposed. An
    action without a date is not a timetable; a dated action, the item's target date or no action is."""
    coroner = response_service.get_response("cumbria", "example-coroner-pfd-2022")
    trackings = response_trackings(coroner)
    for tracking in trackings:
        tracking.pcc_explanation = "We will change the custody procedure."
        _act(tracking, due_on=None)
    missing = completeness.missing_items(coroner, response_trackings(coroner))
    assert len(missing) == len(trackings) and all(m.needs == "action" for m in missing)
    assert missing[0].message.startswith("Give the timetable of the action on ")
    trackings[0].actions[0].due_on = date(2022, 6, 1)
    if len(trackings) > 1:
        trackings[1].target_date = date(2022, 9, 1)
    for tracking in trackings[2:]:
        tracking.status, tracking.no_action_reason = TrackingStatus.NO_FURTHER_ACTION, "Already in place."
    db.session.flush()
    assert completeness.missing_items(coroner, response_trackings(coroner)) == []


def test_a_cancelled_action_is_no_timetable(app):
    """An action that is cancelled is not the action taken or proposed."""
    coroner = response_service.get_response("cumbria", "example-coroner-pfd-2022")
    tracking = response_trackings(coroner)[0]
    tracking.pcc_explanation = "Answered."
    _act(tracking).status = "cancelled"
    db.session.flush()
    assert any(m.tracking_id == tracking.id and m.needs == "action"
               for m in completeness.missing_items(coroner, response_trackings(coroner)))


def test_an_iopc_response_letter_publishes_as_a_version(app, published_dir):
    """Answered, drafted, approved: it publishes once, as a version with its hash, and not late."""
    response = response_service.get_response("cumbria", "example-iopc-pursuit-2022")
    editor, approver = get_user_by_email("editor@tracker.example"), get_user_by_email("approver@tracker.example")
    with pytest.raises(response_service.IncompleteResponse):
        response_service.mark_ready(response, editor, date(2022, 4, 1))
    _answer(response, "Refresher training for every pursuit commander.")
    response_service.mark_ready(response, editor, date(2022, 4, 1))
    response_service.approve(response, approver, date(2022, 4, 2))
    version = response_service.publish(response, editor, published_dir, now=datetime(2022, 4, 4, 9))
    assert (version.number, version.days_late) == (1, 0)  # due 8 April 2022 after the extension
    assert response_service.published_path(published_dir, version).read_bytes()[:5] == b"%PDF-"
    assert completeness.stage(response) == "Published: not yet sent to the IOPC"
    response_service.record_sent_to_source(response, response.version, editor, date(2022, 4, 5))
    assert completeness.stage(response) == "Complete" and completeness.copies_outstanding(response) == []


def test_the_public_page_lists_every_source_and_filters_by_one(app, client, published_dir):
    """/public/<force>: responses of every source, a link per source, ?source= keeps one; an unknown one is 404."""
    app.config["TRACKER_PUBLISHED_DIR"], old = str(published_dir), app.config["TRACKER_PUBLISHED_DIR"]
    try:
        response = response_service.get_response("cumbria", "example-iopc-pursuit-2022")
        editor, approver = get_user_by_email("editor@tracker.example"), get_user_by_email("approver@tracker.example")
        _answer(response)
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
