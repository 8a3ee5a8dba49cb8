"""A long statutory response for looking at and timing: 25 recommendations with long explanations."""

from __future__ import annotations

from datetime import date

from tracker.db import db
from tracker.documents.response import response_trackings
from tracker.domain.statuses import InspectionType, Kind
from tracker.models import Inspection, Recommendation
from tracker.services import inspections as inspection_service
from tracker.services import responses as response_service
from tracker.services.tracking import add_action, add_progress_update

SENTENCE = ("The force has reviewed its approach with partners, set a named lead, agreed a timetable with the "
            "Police and Crime Commissioner and will report progress to the public accountability board each quarter. ")


def make_long_response(force_slug: str = "cumbria", count: int = 25):
    """Create an inspection of `count` recommendations (some nested, some with bullets) and explain them all."""
    force = inspection_service.get_force(force_slug)
    inspection = Inspection(
        slug="long-peel-2022", title="PEEL 2021/22: an inspection of " + force.name, published_on=date(2022, 3, 1),
        type=InspectionType.PEEL, url="https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/",
        key_findings="\n\n".join(SENTENCE * 3 for _ in range(3)),
    )
    db.session.add(inspection)
    parent = None
    for n in range(1, count + 1):
        nested = n % 5 != 1 and parent is not None
        ref = f"{parent.ref}.{n % 5 or 5}" if nested else str(n)
        rec = Recommendation(
            ref=ref, kind=Kind.RECOMMENDATION if n % 7 else Kind.AREA_FOR_IMPROVEMENT,
            addressed_to=None if n % 3 else "Chief constables", position=n, parent=parent if nested else None,
            text=f"Recommendation {ref} text. " + SENTENCE * (1 + n % 3),
            bullets=[f"Point {i} of {ref}: " + SENTENCE for i in range(1, 4)] if n % 4 == 0 else [],
            deadline_text="By March 2023",
        )
        inspection.recommendations.append(rec)
        inspection_service.apply_deadline(rec, inspection.published_on)
        if not nested:
            parent = rec
    inspection_service.set_scope(inspection, [force])
    inspection_service.ensure_force_records(inspection)
    response = response_service.get_response(force_slug, inspection.slug)
    for tracking in response_trackings(response):
        tracking.pcc_explanation = "\n\n".join(f"Paragraph {p}. " + SENTENCE * 4 for p in range(1, 4))
        if tracking.recommendation.position % 4 == 0:
            action = add_action(tracking, f"Action for {tracking.recommendation.ref}: " + SENTENCE[:80], owner="Superintendent")
            db.session.flush()
            add_progress_update(action, date(2022, 4, 1), SENTENCE * 2)
    response.pcc_comments = "\n\n".join(SENTENCE * 5 for _ in range(3))
    response.chief_comments = "\n\n".join(SENTENCE * 4 for _ in range(2))
    db.session.flush()
    return response
