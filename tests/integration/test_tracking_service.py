"""Editing tracking rows through the service: lifecycle rules and optimistic locking."""

from datetime import date

import pytest

from tests.factories import get_tracking
from tracker.db import db
from tracker.domain.statuses import TrackingStatus
from tracker.services import ConflictError, DomainError, save
from tracker.services.tracking import update_tracking

TODAY = date(2022, 2, 1)


def test_an_edit_against_the_current_version_lands(app):
    tracking = get_tracking("cumbria", "3.2")
    update_tracking(tracking, tracking.version, TODAY, lead_officer="  DCI Example ", target_date=date(2022, 6, 30))
    save()
    assert tracking.lead_officer == "DCI Example"
    assert tracking.due_on == date(2022, 6, 30)


def test_clearing_the_target_date_returns_to_the_recommendations_deadline(app):
    tracking = get_tracking("cumbria", "3.2")
    update_tracking(tracking, tracking.version, TODAY, target_date=date(2022, 6, 30))
    save()
    update_tracking(tracking, tracking.version, TODAY, target_date=None)
    save()
    assert tracking.due_on == date(2022, 3, 31)


def test_an_edit_against_an_old_version_is_refused_and_changes_nothing(app):
    tracking = get_tracking("cumbria", "3.2")
    old_version = tracking.version
    update_tracking(tracking, old_version, TODAY, lead_officer="First")
    save()
    with pytest.raises(ConflictError):
        update_tracking(tracking, old_version, TODAY, lead_officer="Second")
    db.session.rollback()
    assert get_tracking("cumbria", "3.2").lead_officer == "First"


def test_no_further_action_needs_a_reason(app):
    tracking = get_tracking("cumbria", "3.2")
    with pytest.raises(DomainError) as error:
        update_tracking(tracking, tracking.version, TODAY, status=TrackingStatus.NO_FURTHER_ACTION)
    assert error.value.field == "no_action_reason"


def test_closing_records_the_day_and_reopening_clears_it(app):
    tracking = get_tracking("cumbria", "3.2")
    update_tracking(tracking, tracking.version, TODAY, status=TrackingStatus.COMPLETE)
    save()
    assert tracking.closed_on == TODAY and tracking.implemented_on == TODAY
    update_tracking(tracking, tracking.version, TODAY, status=TrackingStatus.BEING_PROGRESSED)
    save()
    assert tracking.closed_on is None
