"""The synthetic data set: the same seed gives the same rows, and the rows are believable."""

from datetime import date

import pytest

from tracker.cli.generate import SCALES, GenerateError, Plan, scale_named
from tracker.domain.deadlines import parse_deadline, statutory_response_deadline
from tracker.domain.statuses import ActionStatus, TrackingStatus

END = date(2026, 11, 21)
FORCES = [(1, "cumbria", "Cumbria Constabulary"), (2, "kent", "Kent Police"), (3, "dyfed-powys", "Dyfed-Powys Police")]
THEMES = {"vawg": 1, "domestic-abuse": 2, "vetting": 3}


def rows(seed: int = 7, scale: str = "tiny") -> dict[str, list[dict]]:
    """Every row of a data set drawn in memory, by table."""
    everything: dict[str, list[dict]] = {}
    for buffers in Plan(scale_named(scale), seed, END, FORCES, THEMES).rows():
        for table, batch in buffers.items():
            everything.setdefault(table, []).extend(batch)
    return everything


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    assert rows(7) == rows(7)
    assert rows(7) != rows(8)


def test_recommendation_deadlines_are_read_by_the_deadline_engine():
    data = rows()
    published = {i["id"]: i["published_on"] for i in data["inspections"]}
    assert any(r["deadline_text"] for r in data["recommendations"])
    for rec in data["recommendations"]:
        deadline = parse_deadline(rec["deadline_text"], published[rec["inspection_id"]])
        assert (rec["deadline_kind"], rec["deadline_date"]) == (deadline.kind, deadline.date)


def test_every_tracking_row_is_due_on_its_target_date_or_else_the_deadline():
    data = rows(3, "force")
    deadlines = {r["id"]: r["deadline_date"] for r in data["recommendations"]}
    for t in data["trackings"]:
        assert t["due_on"] == (t["target_date"] or deadlines[t["recommendation_id"]])
        assert (t["closed_on"] is not None) == t["status"].is_closed
        assert t["closed_on"] is None or t["closed_on"] <= END


def test_some_items_are_overdue_and_some_complete():
    data = rows(3, "force")
    statuses = {t["status"] for t in data["trackings"]}
    assert {TrackingStatus.COMPLETE, TrackingStatus.BEING_PROGRESSED} <= statuses
    assert any(t["closed_on"] is None and t["due_on"] and t["due_on"] < END for t in data["trackings"])
    assert any(a["completed_on"] is None and a["due_on"] < END for a in data["actions"])


def test_actions_belong_to_their_tracking_force_and_close_as_the_services_close_them():
    data = rows(3, "force")
    trackings = {t["id"]: t for t in data["trackings"]}
    for action in data["actions"]:
        tracking = trackings[action["tracking_id"]]
        assert action["force_id"] == tracking["force_id"]
        assert (action["completed_on"] is not None) == ActionStatus(action["status"]).is_closed
        if tracking["closed_on"] is not None:
            assert action["status"].is_closed and action["completed_on"] <= tracking["closed_on"]


def test_statutory_responses_fall_due_56_days_from_publication_and_are_published_by_the_end():
    data = rows(3, "force")
    published = {i["id"]: i["published_on"] for i in data["inspections"]}
    for response in data["statutory_responses"]:
        assert response["due_on"] == statutory_response_deadline(published[response["inspection_id"]])
        assert response["published_on"] is None or response["published_on"] <= END
    assert any(r["published_on"] and r["published_on"] <= r["due_on"] for r in data["statutory_responses"])


def test_a_scale_times_a_number_has_that_many_times_the_inspections_and_items():
    assert scale_named("national") is SCALES["national"]
    assert scale_named("national*3").inspections == 3 * SCALES["national"].inspections
    assert scale_named("national", times=3) == scale_named("national*3")
    assert scale_named("tiny*2", times=5).name == "tiny*10"
    once, thrice = rows(scale="tiny"), rows(scale="tiny*3")
    assert len(thrice["inspections"]) == 3 * len(once["inspections"])
    assert len({i["slug"] for i in thrice["inspections"]}) == len(thrice["inspections"])
    assert 2 * len(once["trackings"]) < len(thrice["trackings"]) < 4 * len(once["trackings"])


@pytest.mark.parametrize("text", ["huge", "national*", "national*x", "national*0", "*3", ""])
def test_a_scale_that_is_not_one_is_refused(text):
    with pytest.raises(GenerateError):
        scale_named(text)


def test_only_recent_completions_wait_for_verification():
    """The OPCC works its queue: every completion is verified within two months, so what waits is recent
    (a queue of ten years' unverified completions would grow with the history, not the work)."""
    trackings = rows(3, "force")["trackings"]
    complete = [t for t in trackings if t["status"] is TrackingStatus.COMPLETE]
    waiting = [t for t in complete if t["verified_on"] is None]
    assert complete and waiting
    assert all((END - t["closed_on"]).days < 60 for t in waiting)
    assert all(t["closed_on"] <= t["verified_on"] <= END for t in complete if t["verified_on"] is not None)
    assert all(t["verified_on"] is None for t in trackings if t["status"] is not TrackingStatus.COMPLETE)
