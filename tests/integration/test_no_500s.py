"""Odd addresses and odd form values get a clear answer, never a 500."""

from __future__ import annotations

import pytest

from tests.factories import get_tracking
from tests.page_check import get_page
from tracker.domain.statuses import Role

HUGE = 10**30


@pytest.mark.parametrize("path, status", [
    ("/inspections/?year=99999", 200), ("/inspections/?year=0", 200), ("/inspections/?year=0000", 200), ("/inspections/?type=%00", 200),
    ("/inspections/?q=" + "x" * 300, 200), ("/inspections/no-such-report", 404),
    (f"/tracking/{HUGE}", 404), (f"/actions/{HUGE}/edit", 404), (f"/evidence/{HUGE}", 404),
    (f"/recommendations/{HUGE}/edit", 404), (f"/admin/users/{HUGE}/edit", 404), (f"/tracking/{HUGE}/history", 404),
])
def test_odd_addresses(as_role, path, status):
    get_page(as_role(Role.ADMIN), path, status)


def test_odd_form_values(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    tracking = get_tracking("cumbria", "4")
    data = {"status": "nonsense", "rag_forecast": "purple", "hmicfrs_view": "x", "target_date": ["a", "b", "c"],
            "version": "not-a-number"}
    assert client.post(f"/tracking/{tracking.id}/edit", data=data).status_code in (200, 400)
    data = {"title": "T", "published_on": ["1", "1", "2022"], "type": "peel", "scope": "chosen", "forces": ["x", str(HUGE)]}
    assert client.post("/inspections/new", data=data).status_code == 200
    data["forces"] = [str(HUGE)]
    assert client.post("/inspections/new", data=data).status_code == 200
    user = {"email": "odd@test.example", "name": "Odd", "role": "viewer", "forces": [str(HUGE)], "password": "x" * 12}
    assert client.post("/admin/users/new", data=user).status_code == 200
    rec = {"ref": "77", "kind": "recommendation", "text": "x", "parent_id": str(HUGE), "submit": "Save"}
    assert client.post("/inspections/vawg-2021/recommendations/new", data=rec).status_code in (200, 302)
