"""Reflow (WCAG 2.2, 1.4.10): at 320 CSS pixels wide no page scrolls sideways. Wide tables scroll
inside their own labelled, focusable region instead; screenshots of every page at 320 px go to
$TRACKER_SCREENSHOTS (default /tmp/tracker-screenshots) for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.pages import PAGES

WIDTH = 320

# Every table on a page either sits in a scroll region (focusable, with a label, so a keyboard user
# can scroll it and a screen reader names it) or fits the screen.
TABLES = """() => [...document.querySelectorAll('table')].map(table => {
  const region = table.closest('.tracker-table-scroll');
  return {
    caption: (table.caption && table.caption.innerText) || table.innerText.slice(0, 40),
    region: !!region,
    focusable: !!region && region.tabIndex === 0,
    labelled: !!region && !!(region.getAttribute('aria-label') || region.getAttribute('aria-labelledby')),
    role: region && region.getAttribute('role'),
    fits: table.getBoundingClientRect().right <= document.documentElement.clientWidth,
  };
})"""


@pytest.mark.parametrize("name, path, role", PAGES, ids=[p[0] for p in PAGES])
def test_no_page_is_wider_than_a_320_pixel_screen(live_server, new_page, name, path, role):
    _check_reflow(live_server, new_page, name, path, role)


def test_the_published_versions_table_with_its_sha_256_reflows(live_server, new_page):
    """The response page once published: its versions table holds each PDF's 64-character SHA-256."""
    from tracker.db import db
    from tracker.models import Force, PublishedVersion, StatutoryResponse

    with live_server["app"].app_context():
        response = db.session.scalar(sa.select(StatutoryResponse).join(Force).where(Force.slug == "cumbria"))
        version = PublishedVersion(response_id=response.id, number=1, filename="cumbria/vawg-2021-v1.pdf",
                                   sha256="9f" * 32, size=123_456)
        db.session.add(version)
        db.session.commit()
        try:
            page = _check_reflow(live_server, new_page, "response published", "/responses/cumbria/vawg-2021", "editor")
            assert "9f" * 32 in page.inner_text("main")  # the whole hash, wrapped
        finally:
            db.session.delete(version)
            db.session.commit()
            db.session.remove()


def _check_reflow(live_server, new_page, name: str, path: str, role: str | None):
    """No sideways scrolling of the page at 320 px, and every table fits or scrolls in its region."""
    page = new_page(width=WIDTH, height=640, role=role)
    page.goto(live_server["url"] + path.format(**live_server["ids"]))
    folder = Path(os.environ.get("TRACKER_SCREENSHOTS", "/tmp/tracker-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name.replace(' ', '-')}-{WIDTH}.png"), full_page=True)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} at {WIDTH}px is {overflow}px wider than the screen"
    for table in page.evaluate(TABLES):
        assert table["fits"] or (table["focusable"] and table["labelled"] and table["role"] == "region"), (name, table)
    return page
