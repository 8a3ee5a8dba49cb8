"""Every page of the staff workspace for every role: who gets the page (checked HTML), who gets 403,
and that a member of another force gets 404 for every force-owned page."""

from __future__ import annotations

import pytest

from tests.conftest import get_tracking, make_user
from tests.page_check import get_page
from tracker.domain.statuses import Role

A, E, R, V = Role.ADMIN, Role.EDITOR, Role.REVIEWER, Role.VIEWER
EVERYONE, EDITORS, ADMINS, NOBODY = {A, E, R, V}, {A, E}, {A}, set()

# (path, roles that may open it, whether it belongs to a force)
PAGES = [
    ("/inspections/", EVERYONE, False),
    ("/inspections/?q=women&year=2021&type=national_thematic&force=cumbria&state=open", EVERYONE, False),
    ("/inspections/vawg-2021", EVERYONE, False),
    ("/inspections/vawg-2021/history", EVERYONE, False),
    ("/inspections/new", EDITORS, False),
    # A national report is shared: one force's editors and administrators do not change it.
    ("/inspections/vawg-2021/edit", NOBODY, False),
    ("/inspections/vawg-2021/recommendations/new", NOBODY, False),
    ("/recommendations/{rec}/edit", NOBODY, False),
    ("/tracking/{tracking}", EVERYONE, True),
    ("/tracking/{tracking}/edit", {A, E, R}, True),
    ("/tracking/{tracking}/history", EVERYONE, True),
    ("/tracking/{tracking}/actions/new", EDITORS, True),
    ("/actions/{action}/edit", EDITORS, True),
    ("/actions/{action}/updates/new", EDITORS, True),
    ("/actions/{action}/history", EVERYONE, True),
    ("/admin/users", ADMINS, False),
    ("/admin/users/new", ADMINS, False),
    ("/admin/users/{user}/edit", ADMINS, False),
    ("/admin/users/{user}/password", ADMINS, False),
]


@pytest.fixture
def ids():
    """The records the paths name."""
    tracking = get_tracking("cumbria", "4")
    user = make_user(Role.VIEWER, email="matrix.subject@test.example")
    return {"tracking": tracking.id, "action": tracking.actions[0].id, "rec": get_tracking("cumbria", "4.1").recommendation_id,
            "user": user.id}


@pytest.mark.parametrize("role", [A, E, R, V], ids=lambda r: r.value)
def test_every_page_for_every_role(as_role, ids, role):
    client = as_role(role, ("cumbria",))
    for path, allowed, _ in PAGES:
        get_page(client, path.format(**ids), 200 if role in allowed else 403)


@pytest.mark.parametrize("role", [A, E, R, V], ids=lambda r: r.value)
def test_every_force_page_is_404_to_another_force(as_role, ids, role):
    client = as_role(role, ("lancashire",))
    for path, _, force_owned in PAGES:
        if force_owned:
            get_page(client, path.format(**ids), 404)
