"""Test data: look-ups of the seeded records, and factories that make new ones (each commits, so that
a request sees them; the test's outer transaction still rolls everything back)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import sqlalchemy as sa

from tracker.db import db
from tracker.domain.statuses import InspectionType, Role
from tracker.models import Force, Inspection, Recommendation, Tracking, User
from tracker.services import inspections as inspection_service
from tracker.services import users as user_service
from tracker.web.auth import session_fields

TEST_PASSWORD = "correct horse battery staple"


def get_force(slug: str) -> Force:
    """A seeded force, by slug."""
    return db.session.scalar(sa.select(Force).where(Force.slug == slug))


def get_inspection(slug: str) -> Inspection:
    """A seeded inspection, by slug."""
    return db.session.scalar(sa.select(Inspection).where(Inspection.slug == slug))


def get_tracking(force_slug: str, ref: str, inspection_slug: str = "vawg-2021") -> Tracking:
    """A force's tracking of a recommendation of an inspection."""
    return db.session.scalar(
        sa.select(Tracking)
        .join(Recommendation)
        .join(Inspection)
        .join(Force, Tracking.force_id == Force.id)
        .where(Force.slug == force_slug, Recommendation.ref == ref, Inspection.slug == inspection_slug)
    )


def make_user(role: Role = Role.EDITOR, forces: tuple[str, ...] = ("cumbria",), email: str | None = None) -> User:
    """A new user of a role in some forces, with TEST_PASSWORD and an email no other test user has."""
    email = email or f"{role.value}-{uuid4().hex[:12]}@test.example"
    user = user_service.create_user(email, f"Test {role.label}", role, [get_force(s) for s in forces], TEST_PASSWORD)
    db.session.commit()
    return user


def make_inspection(slug: str = "stalking-2024", forces: tuple[str, ...] = ("cumbria", "lancashire"),
                    published: date = date(2021, 9, 17)) -> Inspection:
    """A new national inspection with no recommendations, concerning some forces."""
    inspection = Inspection(slug=slug, title="Police response to stalking", published_on=published,
                            type=InspectionType.NATIONAL_THEMATIC)
    db.session.add(inspection)
    inspection_service.set_scope(inspection, [get_force(s) for s in forces])
    inspection_service.ensure_force_records(inspection)
    db.session.commit()
    return inspection


def sign_in(client, user: User):
    """Sign a client in as the user, without going through the form: the session start_session makes."""
    if not user.session_token:
        user.session_token = user_service.new_session_token()
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session.update(session_fields(user.session_token))
    return client
