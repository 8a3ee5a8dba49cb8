"""The History tabs: readable audit events, kept inside their force."""

from __future__ import annotations

from tests.factories import get_tracking
from tests.page_check import get_page
from tracker.domain.statuses import Role


def test_the_tracking_history_reads_as_words(as_role):
    tracking = get_tracking("cumbria", "4")
    client = as_role(Role.EDITOR)
    data = {"status": "complete", "no_action_reason": "", "lead_officer": "A. Person", "target_date": ["", "", ""],
            "rag_forecast": "", "pcc_explanation": "", "chief_comment": "", "implemented_on": ["", "", ""],
            "verified_on": ["", "", ""], "hmicfrs_view": "closed", "hmicfrs_view_on": ["1", "5", "2022"],
            "version": str(tracking.version)}
    assert client.post(f"/tracking/{tracking.id}/edit", data=data).status_code == 302
    page = get_page(client, f"/tracking/{tracking.id}/history")
    assert "Being progressed" in page and "Complete" in page and "Closed by HMICFRS" in page
    assert "1 May 2022" in page and "HMICFRS&#39;s view" in page and "Test Editor" in page
    assert "being_progressed" not in page


def test_history_stays_inside_its_force(as_role):
    lancashire = as_role(Role.ADMIN, ("lancashire",))
    tracking = get_tracking("cumbria", "4")
    assert lancashire.get(f"/tracking/{tracking.id}/history").status_code == 404
    assert lancashire.get(f"/actions/{tracking.actions[0].id}/history").status_code == 404
    page = get_page(lancashire, "/inspections/vawg-2021/history")
    assert "Blaiklock" not in page
