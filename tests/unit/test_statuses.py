"""The lifecycle rules of statuses, kinds and roles."""

import pytest

from tracker.domain.statuses import (
    ActionStatus,
    InspectionType,
    Kind,
    Role,
    TrackingStatus,
    needs_explanation,
    tracking_change_errors,
)


@pytest.mark.parametrize("status, closed", [
    (TrackingStatus.AWAITING_REVIEW, False), (TrackingStatus.BEING_PROGRESSED, False),
    (TrackingStatus.COMPLETE, True), (TrackingStatus.NO_FURTHER_ACTION, True),
])
def test_which_tracking_statuses_are_closed(status, closed):
    assert status.is_closed is closed


def test_closed_actions():
    assert {s for s in ActionStatus if s.is_closed} == {ActionStatus.COMPLETE, ActionStatus.CANCELLED}


def test_no_further_action_needs_a_reason():
    assert tracking_change_errors(TrackingStatus.NO_FURTHER_ACTION, "  ") == {
        "no_action_reason": "Enter why no further action is needed"
    }
    assert tracking_change_errors(TrackingStatus.NO_FURTHER_ACTION, "Superseded by the 2023 report") == {}
    assert tracking_change_errors(TrackingStatus.COMPLETE, None) == {}


def test_s55_5b_explanations_are_for_recommendations():
    assert needs_explanation(Kind.RECOMMENDATION)
    assert not needs_explanation(Kind.CAUSE_OF_CONCERN)  # its recommendations are explained instead
    assert not needs_explanation(Kind.AREA_FOR_IMPROVEMENT)
    assert needs_explanation(Kind.AREA_FOR_IMPROVEMENT, explain_areas_for_improvement=True)


def test_national_reports_concern_every_force():
    assert InspectionType.NATIONAL_THEMATIC.concerns_every_force
    assert not InspectionType.PEEL.concerns_every_force


def test_only_admins_and_editors_edit():
    assert {r for r in Role if r.can_edit} == {Role.SERVICE_ADMIN, Role.ADMIN, Role.EDITOR}
