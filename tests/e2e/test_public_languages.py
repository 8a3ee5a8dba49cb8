"""Every public page in English and in Welsh, on a desktop screen and at 320 px: axe-core finds nothing,
nothing scrolls sideways, the page says its language and has the switch, and the Nu HTML Checker finds
no error in any of them (one run at the end). A Welsh response page's screenshot at 320 px goes to
$TRACKER_SCREENSHOTS for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_accessible, nu_html_problems
from tests.e2e.publishing import UPDATE, published_response

PAGES = [
    ("index", "/public/"),
    ("force", "/public/cumbria"),
    ("force by source", "/public/cumbria?source=hmicfrs"),
    ("response", "/public/cumbria/vawg-2021"),
    ("accessibility", "/public/cumbria/accessibility"),
    ("accessibility of every force", "/public/accessibility"),
    ("privacy", "/public/cumbria/privacy"),
    ("privacy of every force", "/public/privacy"),
    ("contact", "/public/cumbria/contact"),
    ("contact of every force", "/public/contact"),
    ("page not found", "/public/nowhere"),
]
LANGUAGES = {"en": ("en-GB", "English"), "cy": ("cy", "Cymraeg")}
SAVED: dict[str, Path] = {}


@pytest.fixture(scope="module")
def published(live_server):
    """A published response for the whole module, so that every public page has something to show."""
    with published_response(live_server) as version:
        yield version


def address(path: str, language: str) -> str:
    """The page's address in a language: Welsh adds lang=cy to the query."""
    if language == "en":
        return path
    return path + ("&" if "?" in path else "?") + "lang=cy"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name, path", PAGES, ids=[p[0] for p in PAGES])
def test_every_public_page_in_both_languages_is_accessible_and_reflows(live_server, new_page, published, name, path,
                                                                       language):
    html_lang, current = LANGUAGES[language]
    url = live_server["url"] + address(path, language)
    for width in (1280, 320):
        page = new_page(width=width, height=640)
        page.goto(url)
        assert page.get_attribute("html", "lang") == html_lang
        assert page.inner_text(".tracker-language-switch [aria-current='true']") == current
        if name == "response":
            assert UPDATE in page.inner_text("main")
        assert_accessible(page, f"{name} in {language} at {width} px")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} in {language} at {width}px is {overflow}px wider than the screen"
    if name == "response" and language == "cy":
        shots = Path(os.environ.get("TRACKER_SCREENSHOTS", "/tmp/tracker-screenshots"))
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "public-response-cy-320.png"), full_page=True)
    # The HTML as served (the checker reads it, not the DOM after scripts ran).
    folder = live_server["tmp"] / "html-languages"
    folder.mkdir(exist_ok=True)
    saved = folder / f"{name.replace(' ', '-')}-{language}.html"
    saved.write_bytes(page.request.get(url).body())
    SAVED[f"{name} {language}"] = saved


def test_the_switch_leads_to_the_same_page_in_the_other_language(live_server, new_page, published):
    page = new_page()
    page.goto(live_server["url"] + "/public/cumbria/privacy")
    page.click(".tracker-language-switch a[hreflang='cy']")
    page.wait_for_load_state()
    assert page.url.endswith("/public/cumbria/privacy?lang=cy") and page.get_attribute("html", "lang") == "cy"
    assert page.inner_text("h1") == "Hysbysiad preifatrwydd"
    page.click("footer a:has-text('Cysylltu')")  # a link of the Welsh page stays Welsh
    page.wait_for_load_state()
    assert page.url.endswith("/public/cumbria/contact?lang=cy")
    page.click(".tracker-language-switch a[hreflang='en']")
    page.wait_for_load_state()
    assert page.url.endswith("/public/cumbria/contact") and page.get_attribute("html", "lang") == "en-GB"


def test_every_public_page_in_both_languages_passes_the_nu_html_checker():
    """One Java run over the pages the tests above saved."""
    if len(SAVED) != len(PAGES) * len(LANGUAGES):
        pytest.fail("not every page was saved: run this with the page tests above")
    problems = nu_html_problems(SAVED.values())
    assert not problems, "\n".join(problems)
