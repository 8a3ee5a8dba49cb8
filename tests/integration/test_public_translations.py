"""The Welsh catalogue of the public pages: every text the public templates and views give to gettext is
translated (none missing, empty or fuzzy, the same placeholders), the compiled catalogue is the .po's,
the domain's labels the pages translate are all in it, and a Welsh page holds no English outside what
is marked lang="en"."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from tests.integration.test_public_face import publish, published_dir  # noqa: F401  (a fixture)
from tracker._files import CHECKOUT
from tracker.domain.clocks import Source
from tracker.domain.statuses import Kind, TrackingStatus
from tracker.web.views.public import PUBLIC_LABELS

CATALOGUE = CHECKOUT / "tracker" / "translations" / "cy" / "LC_MESSAGES"
PUBLIC_PAGES = ["/public/", "/public/cumbria", "/public/cumbria/vawg-2021", "/public/accessibility",
                "/public/cumbria/accessibility", "/public/privacy", "/public/cumbria/privacy", "/public/contact",
                "/public/cumbria/contact"]


def welsh():
    with (CATALOGUE / "messages.po").open("rb") as f:
        return read_po(f, locale="cy")


def extracted() -> set[str]:
    """Every msgid of the public templates and views, found as `make translations` finds them (babel.cfg)."""
    with (CHECKOUT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    return {message[0] if isinstance(message, tuple) else message
            for _, _, message, _, _ in extract_from_dir(str(CHECKOUT), method_map, options_map)}


def test_every_public_text_has_its_welsh_translation():
    catalogue = welsh()
    found = extracted()
    assert len(found) > 100  # the extraction found the templates (a wrong babel.cfg finds nothing)
    missing = sorted(found - {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue if m.id})
    assert not missing, "not in the Welsh catalogue (run make translations, then translate):\n" + "\n".join(missing)
    for message in catalogue:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy (check the translation, then remove the flag): {message.id!r}"
    # Placeholders the same as the English, and the plural forms complete (Babel's own checks).
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue.check()]
    assert not problems, problems


def test_the_catalogue_says_it_needs_review_by_a_welsh_speaker():
    text = (CATALOGUE / "messages.po").read_text("utf-8")
    assert "NEED REVIEW BY A WELSH SPEAKER" in text.split('msgid ""')[0]


def test_the_compiled_catalogue_is_the_po_file():
    compiled = CATALOGUE / "messages.mo"
    assert compiled.exists(), "messages.mo is missing: run make install (it compiles the .po)"
    expected = BytesIO()
    write_mo(expected, welsh())
    assert compiled.read_bytes() == expected.getvalue(), "messages.mo is not the .po's: run make install"


def test_the_labels_the_public_pages_translate_are_every_label_they_show():
    shown = {k.label for k in Kind} | {s.label for s in TrackingStatus} | {s.short_label for s in Source}
    assert shown == set(PUBLIC_LABELS)


def english_words(html: str) -> set[str]:
    """English function words in a page's visible text outside elements marked lang="en" (Welsh has none
    of these words, so one left means an untranslated text)."""
    page = BeautifulSoup(html, "html.parser")
    for element in page.select('[lang="en"], script, style, head'):
        element.decompose()
    words = set(re.findall(r"[A-Za-z’']+", page.get_text(" ").lower()))
    return words & {"the", "and", "of", "to", "your", "you", "our", "this", "these", "with", "published",
                    "response", "responses", "report", "reports", "contact", "version", "download", "update"}


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_welsh_page_has_no_english_but_what_is_marked_so(app, client, published_dir, url):  # noqa: F811
    publish(app, "cumbria")
    answer = client.get(url + "?lang=cy")
    assert answer.status_code == 200
    assert not english_words(answer.text), url
    assert english_words(client.get(url).text)  # the check finds English where there is some
