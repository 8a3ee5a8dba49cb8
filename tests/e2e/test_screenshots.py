"""Screenshots of the main pages at desktop (1280) and phone (375) widths, for a person to look at.

Written to $TRACKER_SCREENSHOTS (default /tmp/tracker-screenshots); the test checks that nothing
is wider than the screen, which is the fault a person would otherwise spot first on a phone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

MAIN_PAGES = [
    ("dashboard", "/?as_of=2022-04-01", "editor"),
    ("dashboard-reviewer", "/?as_of=2022-04-01", "reviewer"),
    ("inspections", "/inspections/", "editor"),
    ("inspection", "/inspections/vawg-2021", "editor"),
    ("tracking", "/tracking/{tracking}", "editor"),
    ("edit-tracking", "/tracking/{tracking}/edit", "editor"),
    ("add-inspection", "/inspections/new", "editor"),
    ("recommendation", "/recommendations/{rec}/edit", "editor"),
    ("history", "/tracking/{tracking}/history", "editor"),
    ("users", "/admin/users", "admin"),
    ("response-tasks", "/responses/cumbria/vawg-2021", "editor"),
    ("response-explanations", "/responses/cumbria/vawg-2021/explanations", "editor"),
    ("response-approval", "/responses/cumbria/vawg-2021/approve", "approver"),
    ("response-publish", "/responses/cumbria/vawg-2021/publish", "editor"),
    ("sign-off", "/actions/{action}/sign-off", "reviewer"),
    ("public-force", "/public/cumbria", None),
    ("public-accessibility", "/public/cumbria/accessibility", None),
    ("public-details", "/admin/forces/cumbria/public-details", "admin"),
]


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name, path, role", MAIN_PAGES, ids=[p[0] for p in MAIN_PAGES])
def test_screenshots_fit_the_screen(live_server, new_page, name, path, role, width):
    folder = Path(os.environ.get("TRACKER_SCREENSHOTS", "/tmp/tracker-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    page = new_page(width=width, role=role)
    page.goto(live_server["url"] + path.format(**live_server["ids"]))
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} at {width}px is {overflow}px wider than the screen"
