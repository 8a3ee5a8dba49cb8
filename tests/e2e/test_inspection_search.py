"""The dashboard's inspection filter in a browser without JavaScript: words typed into the text input
narrow the dashboard to that inspection's items, named in a removable tag; a screenshot of the open
filters is kept for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path


def test_words_typed_without_javascript_narrow_the_dashboard(browser, live_server, new_page, _signed_in_states):
    new_page(role="reviewer")  # signs the reviewer in once, keeping the cookies
    context = browser.new_context(java_script_enabled=False, storage_state=_signed_in_states["reviewer"],
                                  viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(live_server["url"] + "/?as_of=2022-04-01&window=open&per_page=100")
        every = page.locator("tr[data-item]").count()
        page.click("text=Filter, sort and date")
        page.fill("#inspection", "WOMEN violence")
        folder = Path(os.environ.get("TRACKER_SCREENSHOTS", "/tmp/tracker-screenshots"))
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "dashboard-inspection-search.png"), full_page=True)
        page.click("button:has-text('Apply')")
        assert "inspection=WOMEN+violence" in page.url
        found = page.locator("tr[data-item]").count()
        assert 0 < found < every
        assert page.locator(".tracker-filter-tag", has_text="Inspection: “WOMEN violence”").count() == 1
        assert page.input_value("#inspection") == "WOMEN violence"

        page.click("text=Filter, sort and date")
        page.fill("#inspection", "no such words")
        page.click("button:has-text('Apply')")
        assert page.locator("tr[data-item]").count() == 0
        assert page.is_visible("text=No inspection’s title has all the words “no such words”")
        page.click("text=show every inspection’s items")
        assert page.locator("tr[data-item]").count() == every
    finally:
        context.close()
