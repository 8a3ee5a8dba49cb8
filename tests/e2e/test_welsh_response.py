"""The demonstration's bilingual response (an office that works in Welsh) on its public page, in Welsh and
in English, at 1280 and 320 px: the Welsh copy is shown on the Welsh page, axe-core finds nothing, nothing
scrolls sideways, and the Nu HTML Checker finds no error."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_accessible, nu_html_problems

PATH = "/public/north-wales/vawg-2021"


@contextmanager
def published_demo(live_server):
    """The demonstration responses published as `seed --demo` publishes them (into the server's own folder),
    taken away afterwards for the tests that run after it."""
    from tracker.db import db
    from tracker.models import PublishedVersion, StatutoryResponse
    from tracker.services import seed

    app = live_server["app"]
    old_dir = app.config["TRACKER_PUBLISHED_DIR"]
    app.config["TRACKER_PUBLISHED_DIR"] = str(live_server["tmp"] / "published-demo")
    with app.app_context():
        versions = seed.publish_demo(seed.read_seed_set(demo=True), Path(app.config["TRACKER_PUBLISHED_DIR"]))
        db.session.commit()
        ids = [(version.id, version.response_id) for version in versions]
        try:
            yield versions
        finally:
            db.session.rollback()
            for version_id, response_id in ids:
                db.session.delete(db.session.get(PublishedVersion, version_id))
                response = db.session.get(StatutoryResponse, response_id)
                response.published_on = response.drafted_on = response.approved_on = None
                response.approved_sections = None
            db.session.commit()
            db.session.remove()
            app.config["TRACKER_PUBLISHED_DIR"] = old_dir


@pytest.fixture(scope="module")
def demo(live_server):
    with published_demo(live_server) as versions:
        yield versions


SAVED: dict[str, Path] = {}


@pytest.mark.parametrize("language, query, html_lang, copy_lang", [("en", "", "en-GB", "en-GB"),
                                                                    ("cy", "?lang=cy", "cy", "cy")])
def test_the_bilingual_response_page_is_accessible_in_both_languages(live_server, new_page, demo, language, query,
                                                                       html_lang, copy_lang):
    url = live_server["url"] + PATH + query
    for width in (1280, 320):
        page = new_page(width=width, height=640)
        page.goto(url)
        assert page.get_attribute("html", "lang") == html_lang
        assert page.get_attribute("article.response", "lang") == copy_lang
        heading = page.inner_text("article.response h1")
        assert heading.startswith("Ymateb Comisiynydd Heddlu a Throseddu Gogledd Cymru" if language == "cy"
                                  else "North Wales Police and Crime Commissioner's response")
        if language == "cy":
            assert page.get_attribute("article.response h1 span", "lang") == "en"
            assert page.get_attribute("a[hreflang='cy'][href*='.cy.pdf']", "href").endswith("/v1.cy.pdf?lang=cy")
        assert_accessible(page, f"the bilingual response in {language} at {width} px")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the response in {language} at {width}px is {overflow}px wider than the screen"
    folder = live_server["tmp"] / "html-welsh-response"
    folder.mkdir(exist_ok=True)
    saved = folder / f"north-wales-response-{language}.html"
    saved.write_bytes(page.request.get(url).body())
    SAVED[language] = saved


def test_the_bilingual_response_pages_pass_the_nu_html_checker():
    """One Java run over the two pages the tests above saved."""
    if len(SAVED) != 2:
        pytest.fail("not every page was saved: run this with the page tests above")
    problems = nu_html_problems(SAVED.values())
    assert not problems, "\n".join(problems)
