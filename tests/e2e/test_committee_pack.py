"""The committee packs page in a real browser: the form with its errors, a pack made and kept, the list
with its downloads; axe-core on each state of the page."""

from __future__ import annotations

from tests.e2e.conftest import assert_accessible


def test_a_chief_officer_makes_a_committee_pack_and_finds_it_kept(live_server, new_page):
    page = new_page(role="reviewer")
    base = live_server["url"]
    page.goto(base + "/committee-packs?as_of=2022-04-01&force=cumbria&window=open")
    assert_accessible(page, "committee packs form")

    # Without the previous meeting's date: the form again, with the GOV.UK error summary linked to the field.
    page.click("button:has-text('Make the committee pack')")
    page.wait_for_load_state()
    assert page.title().startswith("Error: Committee packs")
    summary = page.locator(".govuk-error-summary")
    assert "Enter the date of the previous meeting" in summary.inner_text()
    assert summary.locator("a[href='#previous_meeting']").count() == 1
    assert_accessible(page, "committee packs form with errors")

    page.fill("#previous_meeting", "1 January 2022")
    page.click("button:has-text('Make the committee pack')")
    page.wait_for_load_state()
    assert "Committee pack made for the meeting on 1 April 2022" in page.inner_text("main")
    row = page.locator("table tbody tr").first
    assert "1 April 2022" in row.inner_text() and "1 January 2022" in row.inner_text()
    assert_accessible(page, "committee packs list")
    for link, start in (("PDF", b"%PDF"), ("Word", b"PK")):
        href = row.locator(f"a:has-text('{link}')").get_attribute("href")
        download = page.request.get(base + href)
        assert download.status == 200 and download.body().startswith(start)
