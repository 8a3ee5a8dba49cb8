"""Items addressed to other bodies (the College of Policing, the Home Office...): tracked for information,
outside the force's overdue counts, packs and charts, and listed in the response as not the force's to act on."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.factories import get_force, get_inspection, get_tracking
from tracker.db import db
from tracker.documents.response import document_context
from tracker.documents.word import render_response_docx
from tracker.domain.statuses import Kind, Role, TrackingStatus
from tracker.models import Tracking
from tracker.services import inspections as inspection_service
from tracker.services import responses as response_service
from tracker.services.overdue import ItemFilter, closed_items, overdue_items, summary_counts
from tracker.services.oversight import progress

AS_OF = date(2026, 1, 1)


def college_item():
    """A recommendation of the VAWG report addressed to the College of Policing, due long ago."""
    inspection = get_inspection("vawg-2021")
    rec = inspection_service.add_recommendation(
        inspection, ref="9", kind=Kind.RECOMMENDATION, addressed_to="The College of Policing",
        text="The College of Policing should publish national guidance.", deadline_text="By March 2022")
    db.session.commit()
    return rec


def charted() -> int:
    """How many of Cumbria's VAWG recommendations the Progress chart counts."""
    bar = next(p for p in progress([get_force("cumbria").id], AS_OF, "inspection") if p.key == "vawg-2021")
    return bar.complete + bar.in_progress + bar.not_started + bar.overdue


def test_an_item_addressed_to_another_body_is_for_information_and_never_overdue(app):
    rec = college_item()
    tracking = get_tracking("cumbria", "9")
    assert tracking.status is TrackingStatus.FOR_INFORMATION and tracking.closed_on == rec.inspection.published_on
    cumbria = get_force("cumbria").id
    overdue = overdue_items(AS_OF, [cumbria])
    assert all(row.tracking_id != tracking.id for row in overdue)
    assert any(row.ref == "3.2" for row in overdue)  # the force's own items still are
    counts = summary_counts(ItemFilter(as_of=AS_OF, force_ids=(cumbria,), window="open"))
    assert all(row.tracking_id != tracking.id for row in closed_items([cumbria], date(2021, 1, 1), AS_OF))
    assert charted() == 4  # Cumbria's own 3, 3.2, 4 and 4.1, not 9
    # Readdressed to the force: it awaits review and counts again; back to the College, for information again.
    inspection_service.update_recommendation(rec, rec.version, ref="9", kind=Kind.RECOMMENDATION, text=rec.text,
                                             addressed_to="All chief constables", bullets=[], parent=None,
                                             deadline_text="By March 2022")
    db.session.commit()
    db.session.expire_all()
    assert tracking.status is TrackingStatus.AWAITING_REVIEW and tracking.closed_on is None
    assert any(row.tracking_id == tracking.id for row in overdue_items(AS_OF, [cumbria]))
    assert charted() == 5
    after = summary_counts(ItemFilter(as_of=AS_OF, force_ids=(cumbria,), window="open"))
    assert after["recommendation"]["overdue"] == counts["recommendation"]["overdue"] + 1
    inspection_service.update_recommendation(rec, rec.version, ref="9", kind=Kind.RECOMMENDATION, text=rec.text,
                                             addressed_to="The Home Office", bullets=[], parent=None,
                                             deadline_text="By March 2022")
    db.session.commit()
    db.session.expire_all()
    assert tracking.status is TrackingStatus.FOR_INFORMATION
    every_force = db.session.scalar(sa.select(sa.func.count()).select_from(Tracking).where(
        Tracking.recommendation_id == rec.id, Tracking.status != TrackingStatus.FOR_INFORMATION))
    assert every_force == 0


def test_the_response_lists_it_as_not_requiring_the_forces_action(app):
    college_item()
    response = response_service.get_response("cumbria", "vawg-2021")
    context = document_context(response)
    assert [e.recommendation.ref for e in context["for_information_entries"]] == ["9"]
    assert "9" not in [e.recommendation.ref for e in context["entries"]]
    assert not [m for m in response_service.missing_items(response, response_service.response_trackings(response))
                if m.ref == "9"]
    docx = render_response_docx(response)
    assert b"word/document.xml" in docx


def test_the_tracking_page_says_for_information(app, as_role):
    college_item()
    tracking = get_tracking("cumbria", "9")
    client = as_role(Role.EDITOR)
    html = client.get(f"/tracking/{tracking.id}").get_data(as_text=True)
    assert "For information" in html and "addressed to the College of Policing" in html
    edit = client.get(f"/tracking/{tracking.id}/edit").get_data(as_text=True)
    assert 'name="status"' not in edit and "addressed to the College of Policing" in edit
    page = client.get("/responses/cumbria/vawg-2021/explanations").get_data(as_text=True)
    assert "For information – addressed to the College of Policing" in page
