"""The audit trail: every change is recorded, from what to what, by whom; it is append-only;
a rolled-back change leaves no audit row."""

from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import get_tracking, make_user
from tracker.db import audit, db
from tracker.db.audit import AuditTrailIsAppendOnly
from tracker.models import AuditEvent
from tracker.services.tracking import add_action


def events_for(obj):
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == type(obj).__name__, AuditEvent.entity_id == obj.id)
        .order_by(AuditEvent.id)
    ).all()


def test_an_update_records_who_changed_what_from_what_to_what(app):
    user = make_user()
    audit.set_actor(db.session, user.id)
    tracking = get_tracking("cumbria", "3.2")
    tracking.lead_officer = "ACC Example"
    db.session.commit()
    event = events_for(tracking)[-1]
    assert event.event == "updated"
    assert event.user_id == user.id
    assert event.force_id == tracking.force_id
    assert event.changes == {"lead_officer": [None, "ACC Example"]}


def test_a_created_record_is_recorded_with_its_values(app):
    action = add_action(get_tracking("cumbria", "3.2"), "Audit recording of protected characteristics",
                        due_on=date(2022, 3, 1))
    db.session.commit()
    event = events_for(action)[0]
    assert event.event == "created"
    assert event.changes["title"] == [None, "Audit recording of protected characteristics"]
    assert event.changes["due_on"] == [None, "2022-03-01"]


def test_passwords_never_reach_the_trail(app):
    user = make_user()
    events = events_for(user)
    assert events[0].changes["password_hash"] == ["(hidden)", "(changed)"]
    assert "argon2" not in str([e.changes for e in events])


def test_audit_events_cannot_be_changed_or_deleted(app):
    event = db.session.scalars(sa.select(AuditEvent)).first()
    event.event = "tampered"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(sa.select(AuditEvent)).first())
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_a_rolled_back_change_leaves_no_audit_row(app):
    tracking = get_tracking("cumbria", "3.2")
    count = len(events_for(tracking))
    tracking.lead_officer = "Someone"
    db.session.flush()
    db.session.rollback()
    assert len(events_for(get_tracking("cumbria", "3.2"))) == count
