"""The staff journey in a real browser: sign in, add an inspection with two recommendations, log an
action and a progress update, and see them on the tracking page; every page checked with axe-core."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import assert_accessible, nu_html_problems, sign_in
from tests.e2e.pages import PAGES
from tests.e2e.publishing import UPDATE, published_response

SAVED: dict[str, Path] = {}


def _save(page, name: str, folder: Path, served: bool = True) -> None:
    """Keep the page's HTML for the one Nu HTML Checker run at the end: as served (fetched again),
    or, for a page that answered a form, as the browser holds it."""
    path = folder / (name.replace(" ", "-").replace("'", "") + ".html")
    path.write_bytes(page.request.get(page.url).body() if served else ("<!DOCTYPE html>\n" + page.content().split(">", 1)[1]).encode())
    SAVED[name] = path


def _html_folder(live_server) -> Path:
    """Where the served HTML is kept for the checker: inside the server's own temporary folder."""
    folder = live_server["tmp"] / "html"
    folder.mkdir(exist_ok=True)
    return folder


def test_an_editor_records_an_inspection_and_logs_progress(live_server, new_page):
    folder = _html_folder(live_server)

    def check(page, name):
        """Axe on the page, and keep its HTML for the checker."""
        _save(page, name, folder, served=False)  # before axe adds its script to the page
        assert_accessible(page, name)

    page = new_page()
    sign_in(page, live_server, "editor")
    base = live_server["url"]

    page.goto(base + "/inspections/")
    check(page, "journey inspections")
    page.click("text=Add an inspection")
    page.wait_for_load_state()  # the new page, fully parsed
    check(page, "journey add inspection")
    page.fill("#title", "Custody services in Cumbria")
    page.fill("#published_on-day", "3")
    page.fill("#published_on-month", "2")
    page.fill("#published_on-year", "2022")
    page.check("input[name=type][value=force_specific]")
    page.check("input[name=scope][value=chosen]")
    page.check("label:has-text('Cumbria Constabulary')")
    page.click("button:has-text('Save inspection')")
    page.wait_for_load_state()  # the new page, fully parsed
    assert "Inspection added" in page.content()
    check(page, "journey new inspection")
    inspection_url = page.url

    for ref, text, deadline in [("1", "The force should review custody staffing.", "By March 2023"),
                                ("1.1", "It should publish the review.", "within six months")]:
        page.click("text=Add a recommendation")
        page.wait_for_load_state()  # the new page, fully parsed
        page.fill("#ref", ref)
        if ref == "1.1":
            page.select_option("#parent_id", label="1: The force should review custody staffing.")
        page.fill("#text", text)
        page.fill("#deadline_text", deadline)
        page.click("button:has-text('Check the deadline')")
        page.wait_for_load_state()  # the form again, with the date read
        expected = "31 March 2023" if ref == "1" else "3 August 2022"
        assert f"is read as: {expected}" in page.inner_text("#deadline-reading")
        check(page, "journey recommendation form with the deadline read")
        page.click("button:has-text('Save')")
        page.wait_for_load_state()  # the new page, fully parsed
        assert f"Recommendation {ref} added. Its deadline" in page.content() and expected in page.content()
    check(page, "journey inspection with two recommendations")
    assert page.is_visible("#rec-" + page.get_attribute("li.tracker-rec >> nth=1", "id").split("-")[1])

    page.click("a[href^='/tracking/']:has-text('Cumbria Constabulary') >> nth=0")

    page.wait_for_load_state()  # the new page, fully parsed
    assert "/tracking/" in page.url
    tracking_url = page.url
    check(page, "journey tracking")
    page.click("text=Add an action")
    page.wait_for_load_state()  # the new page, fully parsed
    page.fill("#title", "Review custody staffing rotas")
    page.fill("#owner", "Chief Inspector Kay")
    page.fill("#due_on-day", "31")
    page.fill("#due_on-month", "1")
    page.fill("#due_on-year", "2023")
    page.check("input[name=status][value=in_progress]")
    check(page, "journey add action")
    page.click("button:has-text('Save action')")
    page.wait_for_load_state()  # the new page, fully parsed
    assert "Action added" in page.content()

    page.click("text=Add a progress update")

    page.wait_for_load_state()  # the new page, fully parsed
    check(page, "journey add progress update")
    page.fill("#text", "Rotas reviewed with the custody inspector.")
    page.set_input_files("#files", files=[{"name": "rota review.txt", "mimeType": "text/plain",
                                            "buffer": b"Rota review notes\n"}])
    page.click("button:has-text('Save update')")
    page.wait_for_load_state()  # the new page, fully parsed
    assert page.url.startswith(tracking_url)
    body = page.inner_text("main")
    assert "Review custody staffing rotas" in body and "Chief Inspector Kay" in body
    assert "Rotas reviewed with the custody inspector." in body and "rota review.txt" in body
    check(page, "journey tracking with an action and an update")

    page.click("text=Edit tracking")

    page.wait_for_load_state()  # the new page, fully parsed
    page.fill("#lead_officer", "Superintendent Bell")
    page.click("button:has-text('Save')")
    page.wait_for_load_state()  # the new page, fully parsed
    assert "Superintendent Bell" in page.inner_text("main")
    page.click("nav.tracker-tabs >> text=History")
    page.wait_for_load_state()  # the new page, fully parsed
    assert "Superintendent Bell" in page.inner_text("main")
    check(page, "journey tracking history")
    page.goto(inspection_url)
    assert "It should publish the review." in page.inner_text("main")


def test_an_administrator_imports_a_register_page_with_an_item_the_inspection_holds(live_server, new_page):
    folder = _html_folder(live_server)
    page = new_page()
    sign_in(page, live_server, "admin")
    page.goto(live_server["url"] + "/inspections/vawg-2021/import")
    page.fill("#text", "The inspectorate published its report on 17th September 2021.\n\n"
                       "Recommendations\n3. Chief constables should review their policies.\n"
                       "9. Within six months, forces should train their call handlers.\n"
                       "[on]4th May 2022 [status]awaiting-review[/status][/on]\n")
    page.click("button:has-text('Read the recommendations')")
    page.wait_for_load_state()  # the preview, fully parsed
    body = page.inner_text("main")
    assert "The text says the report was published on 17 September 2021" in body
    assert "This looks like reference 3 already on the inspection" in body
    assert not page.is_checked("#items-0-include") and page.is_checked("#items-1-include")
    _save(page, "import preview with a duplicate", folder, served=False)
    assert_accessible(page, "import preview with a duplicate")
    page.click("button:has-text('Import 2 items')")
    page.wait_for_load_state()  # the inspection's page
    assert "1 item imported" in page.content()
    _remove_recommendation(live_server, "vawg-2021", "9")


def _remove_recommendation(live_server, inspection_slug: str, ref: str) -> None:
    """Put the shared inspection back as the tests after this one expect it (the demonstration's published
    responses to it explain every recommendation it had; a new one would stop them being published)."""
    from tracker.db import db
    from tracker.models import Inspection, Recommendation

    with live_server["app"].app_context():
        recommendation = db.session.scalar(sa.select(Recommendation).join(Inspection).where(
            Inspection.slug == inspection_slug, Recommendation.ref == ref))
        db.session.delete(recommendation)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("name, path, role", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_is_accessible(live_server, new_page, name, path, role):
    page = new_page(role=role)
    page.goto(live_server["url"] + path.format(**live_server["ids"]))
    assert_accessible(page, name)
    # The served HTML (not the DOM after scripts ran) is what the checker should see.
    _save(page, name, _html_folder(live_server))


def test_a_published_response_with_progress_is_accessible_and_reflows(live_server, new_page):
    """The public page of a published response, with an update chosen for it: axe, the Nu checker (saved
    for the run below) and no sideways scrolling at 320 px. Unpublished again afterwards."""
    with published_response(live_server):
        for width in (1280, 320):
            page = new_page(width=width, height=640)
            page.goto(live_server["url"] + "/public/cumbria/vawg-2021")
            assert UPDATE in page.inner_text("main")
            assert_accessible(page, f"published public response at {width} px")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"the published public response at {width}px is {overflow}px too wide"
            shots = Path(os.environ.get("TRACKER_SCREENSHOTS", "/tmp/tracker-screenshots"))
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"public-response-{width}.png"), full_page=True)
        _save(page, "published public response", _html_folder(live_server))


def test_every_saved_page_passes_the_nu_html_checker():
    """One Java run over every page the tests above saved (the checker is slow to start)."""
    if not SAVED:
        pytest.fail("no pages were saved: run this with the page tests above")
    problems = nu_html_problems(SAVED.values())
    assert not problems, "\n".join(problems)
