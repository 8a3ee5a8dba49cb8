"""tracker.completeness: what a statutory response lacks before publishing, and its stage."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as NS

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.completeness import (
    addressed_to_force,
    copies_outstanding,
    days_late,
    missing_comments,
    missing_explanations,
    missing_items,
    requires_explanation,
    stage,
)
from tracker.domain.statuses import Kind


def tracking(ref="1", kind=Kind.RECOMMENDATION, addressed_to=None, explanation=None, position=1, id=1):
    """A tracking row with its recommendation, as plain objects."""
    rec = NS(ref=ref, kind=kind, addressed_to=addressed_to, position=position, id=id)
    return NS(id=id, recommendation=rec, pcc_explanation=explanation)


def response(**fields):
    """A response with sensible defaults: comments written, nothing dated."""
    base = dict(pcc_comments="PCC", chief_comments="Chief", chief_comments_absence=None,
                force=NS(explain_areas_for_improvement=False), published_on=None, approved_on=None,
                drafted_on=None, chief_invited_on=None, sent_to_hmicfrs_on=None, sent_to_home_secretary_on=None)
    base.update(fields)
    return NS(**base)


@pytest.mark.parametrize("addressee", [None, "", "  ", "All police forces", "Chief constables", "All chief constables",
                                       "Police and crime commissioners", "PCCs", "The force", "Cumbria Constabulary",
                                       "Chief officers and the College of Policing", "Local policing bodies", "Mayors"])
def test_addressed_to_the_force_or_pcc(addressee):
    """No addressee, or one naming forces, chief constables or PCCs, is the force's to answer."""
    assert addressed_to_force(addressee)


@pytest.mark.parametrize("addressee", ["The Home Office", "College of Policing", "The NPCC", "HMCTS", "The CPS"])
def test_addressed_to_others(addressee):
    """A recommendation only for national bodies is not the force's to explain."""
    assert not addressed_to_force(addressee)


def test_recommendation_needs_explanation():
    """s.55(5B): a recommendation to the force needs one."""
    assert requires_explanation(Kind.RECOMMENDATION, None)


def test_cause_of_concern_itself_needs_none_but_its_recommendations_do():
    """A cause of concern is explained through the recommendations under it."""
    assert not requires_explanation(Kind.CAUSE_OF_CONCERN, None)
    assert requires_explanation(Kind.RECOMMENDATION, "Chief constables")


def test_area_for_improvement_only_when_the_force_chooses():
    """Areas for improvement need an explanation only where the force explains them."""
    assert not requires_explanation(Kind.AREA_FOR_IMPROVEMENT, None, False)
    assert requires_explanation(Kind.AREA_FOR_IMPROVEMENT, None, True)


def test_recommendation_to_home_office_needs_none():
    """Addressed to another body: no explanation required."""
    assert not requires_explanation(Kind.RECOMMENDATION, "The Home Office")


def test_missing_explanation_listed_with_its_tracking_row():
    """A recommendation without an explanation is listed, linked to its tracking row."""
    missing = missing_explanations([tracking(ref="3.2", id=7)])
    assert [(m.message, m.tracking_id, m.ref) for m in missing] == [("Write the PCC's explanation for recommendation 3.2", 7, "3.2")]


def test_blank_explanation_counts_as_missing():
    """Whitespace is not an explanation."""
    assert len(missing_explanations([tracking(explanation="   \n ")])) == 1


def test_written_explanation_is_not_missing():
    """An explanation written is enough."""
    assert missing_explanations([tracking(explanation="We will do it.")]) == []


def test_area_for_improvement_listed_only_when_chosen():
    """The force's choice decides whether an area for improvement is listed."""
    rows = [tracking(kind=Kind.AREA_FOR_IMPROVEMENT)]
    assert missing_explanations(rows, False) == []
    assert len(missing_explanations(rows, True)) == 1


def test_pcc_comments_required():
    """The PCC's comments must be written."""
    assert [m.message for m in missing_comments(response(pcc_comments=" "))] == ["Write the PCC's comments on the report"]


def test_chief_comments_or_their_absence_required():
    """The chief's comments may be absent only if the absence is recorded."""
    assert len(missing_comments(response(chief_comments=None))) == 1
    assert missing_comments(response(chief_comments=None, chief_comments_absence="Invited; chose not to comment")) == []


def test_complete_response_has_nothing_missing():
    """Comments and every explanation present: nothing missing."""
    assert missing_items(response(), [tracking(explanation="Done")]) == []


def test_missing_items_in_report_order_after_comments():
    """Comments first, then explanations in the report's order."""
    rows = [tracking(ref="4", position=3, id=2), tracking(ref="3", position=1, id=1)]
    missing = missing_items(response(pcc_comments=None), rows)
    assert [m.ref for m in missing] == [None, "3", "4"]


def test_copies_outstanding_until_both_recorded():
    """s.55(6): both copies must be recorded."""
    assert copies_outstanding(response()) == ["HMICFRS", "the Home Secretary"]
    assert copies_outstanding(response(sent_to_hmicfrs_on=date(2021, 11, 12))) == ["the Home Secretary"]
    assert copies_outstanding(response(sent_to_hmicfrs_on=date(2021, 11, 12), sent_to_home_secretary_on=date(2021, 11, 12))) == []


@pytest.mark.parametrize("fields, expected", [
    ({"pcc_comments": None}, "Not started"),
    ({}, "In progress"),
    ({"drafted_on": date(2021, 11, 1)}, "Drafted: awaiting approval"),
    ({"drafted_on": date(2021, 11, 1), "approved_on": date(2021, 11, 2)}, "Approved: ready to publish"),
    ({"published_on": date(2021, 11, 3)}, "Published: copies outstanding"),
    ({"published_on": date(2021, 11, 3), "sent_to_hmicfrs_on": date(2021, 11, 4),
      "sent_to_home_secretary_on": date(2021, 11, 4)}, "Complete"),
])
def test_stage(fields, expected):
    """The stage follows the milestones."""
    assert stage(response(**fields)) == expected


def test_days_late():
    """Published on the deadline: on time; the day after: one day late."""
    due = date(2021, 11, 11)
    assert days_late(due, date(2021, 11, 11)) == 0
    assert days_late(due, date(2021, 11, 12)) == 1
    assert days_late(due, date(2021, 10, 1)) == 0


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(min_value=-1000, max_value=1000))
def test_days_late_is_never_negative(due, offset):
    """Days late is the days past the deadline, or 0."""
    from datetime import timedelta
    assert days_late(due, due + timedelta(days=offset)) == max(0, offset)
