"""Editing tracking rows through the service: lifecycle rules and optimistic locking."""

from datetime import date

import pytest

from tests.factories import get_tracking
from tracker.db import db
from tracker.domain.statuses import TrackingStatus
from tracker.services import ConflictError, DomainError, save
from tracker.services.inspections import override_deadline
from tracker.services.tracking import update_tracking

TODAY = date(2022, 2, 1)


def _undated(ref="3.2"):
    """A tracking row whose recommendation has no deadline, so it has no due date yet."""
    tracking = get_tracking("cumbria", ref)
    override_deadline(tracking.recommendation, None, None)
    save()
    db.session.refresh(tracking)
    assert tracking.due_on is None
    return tracking


def test_an_edit_against_the_current_version_lands(app):
    tracking = _undated()
    update_tracking(tracking, tracking.version, TODAY, lead_officer="  DCI Example ", target_date=date(2022, 6, 30))
    save()
    assert tracking.lead_officer == "DCI Example"
    assert tracking.due_on == date(2022, 6, 30)


def test_a_target_date_is_set_once_then_moves_only_by_an_extension(app):
    tracking = _undated()
    update_tracking(tracking, tracking.version, TODAY, target_date=date(2022, 6, 30))
    save()
    with pytest.raises(DomainError) as error:
        update_tracking(tracking, tracking.version, TODAY, target_date=None)
    assert error.value.field == "target_date" and "extension" in error.value.message
    db.session.rollback()
    assert get_tracking("cumbria", "3.2").due_on == date(2022, 6, 30)


def test_per_cent_complete_by_hand_is_from_0_to_100(app):
    tracking = get_tracking("cumbria", "3.2")
    for wrong in (-1, 101):
        with pytest.raises(DomainError) as error:
            update_tracking(tracking, tracking.version, TODAY, target_date=tracking.target_date, percent_complete=wrong)
        assert error.value.field == "percent_complete"
    update_tracking(tracking, tracking.version, TODAY, target_date=tracking.target_date, percent_complete=40,
                    blocked_by="  The Home Office's national guidance ")
    save()
    assert tracking.percent_complete == 40 and tracking.blocked_by == "The Home Office's national guidance"


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
