"""The language of the public pages: English by default, Welsh at ?lang=cy (every public link then keeps
it), the language switch on every public page, Welsh dates, staff pages always English, and the cache
keyed on the language."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup

from tests.factories import get_tracking
from tests.integration.test_public_face import publish, published_dir  # noqa: F401  (a fixture)
from tracker.db import db
from tracker.services import responses as response_service
from tracker.services import tracking as tracking_service
from tracker.web import i18n
from tracker.web.caching import remember


def soup(client, url: str) -> BeautifulSoup:
    answer = client.get(url)
    assert answer.status_code == 200, url
    return BeautifulSoup(answer.text, "html.parser")


def switch(page: BeautifulSoup) -> dict:
    """The language switch: {code: (href or None for the current one, lang, hreflang, aria-current)}."""
    [nav] = page.select("nav.tracker-language-switch")
    items = {}
    for item in nav.select("li"):
        [element] = item.find_all(["a", "span"], recursive=False)
        items[element["lang"]] = (element.get("href"), element.get("hreflang"), element.get("aria-current"))
    return items


def test_the_language_is_english_unless_the_address_asks_for_welsh(app):
    for url, expected in [("/public/", "en"), ("/public/?lang=cy", "cy"), ("/public/cumbria?lang=cy", "cy"),
                          ("/public/?lang=fr", "en"), ("/public/?lang=CY", "en"), ("/?lang=cy", "en"),
                          ("/inspections/?lang=cy", "en")]:
        with app.test_request_context(url):
            assert i18n.public_language() == expected, url


def test_a_welsh_public_page_says_so_and_its_links_stay_welsh(app, client, published_dir):  # noqa: F811
    publish(app, "cumbria")
    page = soup(client, "/public/cumbria?lang=cy")
    assert page.html["lang"] == "cy"
    assert client.get("/public/cumbria?lang=cy").headers["Content-Language"] == "cy"
    links = [a["href"] for a in page.select("main a[href^='/public/'], footer a[href^='/public/']")]
    assert links and all("lang=cy" in href for href in links), links
    english = soup(client, "/public/cumbria")
    assert english.html["lang"] == "en-GB" and "Content-Language" in client.get("/public/cumbria").headers
    assert not [a["href"] for a in english.select("main a, footer a") if "lang=" in a["href"]]


@pytest.mark.parametrize("url", ["/public/", "/public/cumbria", "/public/cumbria/vawg-2021", "/public/accessibility",
                                 "/public/cumbria/privacy", "/public/contact", "/public/cumbria/contact"])
def test_every_public_page_has_the_switch_to_the_same_page_in_the_other_language(app, client, published_dir, url):  # noqa: F811
    publish(app, "cumbria")
    english = switch(soup(client, url))
    assert english["en"] == (None, None, "true")
    welsh_href, hreflang, current = english["cy"]
    assert (hreflang, current) == ("cy", None)
    assert welsh_href.split("?")[0] == url and "lang=cy" in welsh_href
    welsh = switch(soup(client, welsh_href))
    assert welsh["cy"] == (None, None, "true")
    english_href, hreflang, current = welsh["en"]
    assert (english_href, hreflang, current) == (url, "en", None)


def test_the_switch_keeps_the_rest_of_the_query(app, client, published_dir):  # noqa: F811
    publish(app, "cumbria")
    links = switch(soup(client, "/public/cumbria?source=hmicfrs"))
    assert links["cy"][0] == "/public/cumbria?source=hmicfrs&lang=cy"
    links = switch(soup(client, "/public/cumbria?source=hmicfrs&lang=cy"))
    assert links["en"][0] == "/public/cumbria?source=hmicfrs"


def test_dates_on_welsh_pages_have_welsh_months(app, client, published_dir, monkeypatch):  # noqa: F811
    monkeypatch.setattr("tracker.web.views.public.today", lambda: date(2021, 11, 17))
    publish(app, "cumbria")
    english = client.get("/public/cumbria/vawg-2021").text
    welsh = client.get("/public/cumbria/vawg-2021?lang=cy").text
    assert "17 November 2021" in english and "17 Tachwedd 2021" in welsh and "November" not in welsh


def test_staff_pages_stay_english_whatever_the_address(app, as_role):
    page = as_role().get("/?lang=cy")
    assert page.status_code == 200 and '<html lang="en-GB"' in page.text
    assert "tracker-language-switch" not in page.text


def test_the_cache_keeps_each_language_apart(app):
    built = []

    def build(text):
        def make():
            built.append(text)
            return text
        return make

    with app.test_request_context("/public/cumbria?lang=cy"):
        app.preprocess_request()
        assert remember("test-language", [1], (), build("Cymraeg")) == "Cymraeg"
    with app.test_request_context("/public/cumbria"):
        app.preprocess_request()
        assert remember("test-language", [1], (), build("English")) == "English"
        assert remember("test-language", [1], (), build("again")) == "English"
    with app.test_request_context("/public/cumbria?lang=cy"):
        app.preprocess_request()
        assert remember("test-language", [1], (), build("again")) == "Cymraeg"
    assert built == ["Cymraeg", "English"]
    db.session.rollback()


def test_the_calendar_and_the_feed_speak_the_language_of_the_page_that_links_them(app, client, published_dir,  # noqa: F811
                                                                                     monkeypatch):
    response = response_service.get_response("cumbria", "vawg-2021")
    monkeypatch.setattr("tracker.web.views.public.today", lambda: response.due_on)
    page = soup(client, "/public/cumbria?lang=cy")
    assert page.select_one("a[href='/public/cumbria/deadlines.ics?lang=cy']")
    assert page.select_one("a[href='/public/cumbria/feed.atom?lang=cy']")
    due_next = page.select("main ul.govuk-list--bullet li")[0]
    assert due_next.select_one('span[lang="en"]').text.startswith("Police response to violence against women")
    calendar = client.get("/public/cumbria/deadlines.ics?lang=cy").data.decode().replace("\r\n ", "")
    assert "SUMMARY:Ymateb yn ddyledus: Police response to violence" in calendar
    assert "ymatebion sy’n ddyledus" in calendar and "Response due" not in calendar
    assert "Response due" in client.get("/public/cumbria/deadlines.ics").data.decode()

    publish(app, "cumbria")
    feed = client.get("/public/cumbria/feed.atom?lang=cy").data.decode()
    assert 'xml:lang="cy"' in feed and "<title>Ymateb i Police response to violence" in feed
    assert "a gyhoeddwyd gan AHEMGTA ar 17 Medi 2021" in feed
    assert "/public/cumbria/vawg-2021?lang=cy" in feed  # its entries open the Welsh pages
    english = client.get("/public/cumbria/feed.atom").data.decode()
    assert 'xml:lang="en-GB"' in english and "<title>Response to Police" in english and "lang=cy" not in english


def test_a_welsh_public_page_marks_the_offices_and_hmicfrss_english(app, client, published_dir):  # noqa: F811
    publish(app, "cumbria")
    page = soup(client, "/public/cumbria?lang=cy")
    marked = {span.text for span in page.select('span[lang="en"]')}
    assert {"Cumbria Office of Police and Crime Commissioner", "Cumbria Police and Crime Commissioner",
            "Police response to violence against women and girls – Final inspection report"} <= marked
    body = soup(client, "/public/cumbria/vawg-2021?lang=cy").select_one(".tracker-document > div[lang='en']")
    assert body is not None and "The published response." in body.text  # the response as published, in English
    assert not soup(client, "/public/cumbria?lang=en").select('main span[lang="en"]')  # nothing to mark in English


def test_an_error_on_a_public_page_is_a_public_page_in_its_language(client):
    answer = client.get("/public/nowhere?lang=cy")
    page = BeautifulSoup(answer.text, "html.parser")
    assert answer.status_code == 404 and page.html["lang"] == "cy" and answer.headers["Content-Language"] == "cy"
    assert page.h1.text == "Heb ddod o hyd i’r dudalen" and page.select_one("nav.tracker-language-switch")
    assert "/sign-in" not in answer.text and 'href="/"' not in answer.text  # the public header, not the staff's
    english = client.get("/public/nowhere")
    assert english.status_code == 404 and "Page not found" in english.text and "tracker-language-switch" in english.text
    staff = client.get("/inspections/nowhere?lang=cy")
    assert staff.status_code in (302, 404) and "tracker-language-switch" not in staff.text


def test_the_accessibility_statement_gives_the_pages_address_without_the_language(app, client):
    page = soup(client, "/public/cumbria/accessibility?lang=cy")
    assert page.select_one("main .tracker-break").text.endswith("/public/cumbria")


def test_a_welsh_response_page_says_its_english_title_is_english(app, client, published_dir):  # noqa: F811
    publish(app, "cumbria")
    assert soup(client, "/public/cumbria/vawg-2021?lang=cy").title.get("lang") == "en"
    assert soup(client, "/public/cumbria/vawg-2021").title.get("lang") is None


def test_a_bilingual_update_comes_in_the_pages_language_first_the_other_marked(app, client, published_dir):  # noqa: F811
    publish(app, "gwent")
    action = tracking_service.add_action(get_tracking("gwent", "4"), title="Adolygu'r polisi")
    db.session.flush()  # the action finds its force
    welsh = "Mae pob triniwr galwadau wedi cael hyfforddiant."  # example Welsh, written for the test
    tracking_service.add_progress_update(action, date(2022, 1, 10), "Every call handler has been trained.",
                                         public=True, text_cy=welsh)
    db.session.commit()

    def update(url):
        [cell] = [row.select_one("dd") for row in soup(client, url).select(".govuk-summary-list__row")
                  if "trained" in row.text]
        return [(p.text, p.get("lang")) for p in cell.select("p")][1:]  # after the date

    assert update("/public/gwent/vawg-2021") == [("Every call handler has been trained.", None), (welsh, "cy")]
    assert update("/public/gwent/vawg-2021?lang=cy") == [(welsh, None), ("Every call handler has been trained.", "en")]
    assert "10 Ionawr 2022" in soup(client, "/public/gwent/vawg-2021?lang=cy").select_one("main").text


def test_the_query_cannot_change_where_the_switch_leads(app, client, published_dir):  # noqa: F811
    publish(app, "cumbria")
    links = switch(soup(client, "/public/cumbria/privacy?_external=1&_scheme=javascript&_anchor=x&force_slug=other"))
    assert links["cy"][0] == "/public/cumbria/privacy?lang=cy"


def test_the_header_and_footer_of_a_welsh_page_name_the_office_in_welsh_where_it_has_a_welsh_name(
        app, client, published_dir):  # noqa: F811
    publish(app, "dyfed-powys")
    welsh_name = "Swyddfa Comisiynydd Heddlu a Throseddu Dyfed-Powys"
    for url in ("/public/dyfed-powys?lang=cy", "/public/dyfed-powys/contact?lang=cy"):
        page = soup(client, url)
        office = page.select_one(".tracker-header__office span")
        assert (office["lang"], office.text) == ("cy", welsh_name), url
        footer = page.select_one("footer")
        assert footer.select_one('span[lang="cy"]').text == welsh_name
        assert "Dyfed-Powys Office" not in footer.text and welsh_name in page.title.text
    english = soup(client, "/public/dyfed-powys")
    assert welsh_name not in english.text
    assert english.select_one(".tracker-header__office").text.strip() == "Dyfed-Powys Office of the Police and Crime Commissioner"
    # An office without a Welsh name: its English name, marked as English, as before.
    publish(app, "cumbria")
    office = soup(client, "/public/cumbria?lang=cy").select_one(".tracker-header__office span")
    assert (office["lang"], office.text) == ("en", "Cumbria Office of Police and Crime Commissioner")


def test_the_progress_csv_and_the_feed_summary_speak_the_language_asked_for(app, client, published_dir):  # noqa: F811
    publish(app, "cumbria")
    welsh = client.get("/public/cumbria/vawg-2021/progress.csv?lang=cy").data.decode().splitlines()
    assert welsh[0] == ('"Cyfeirnod","Math","Argymhelliad","Statws","Dyddiad cwblhau",'
                        '"Diweddariad cyhoeddus diweddaraf","Dyddiad y diweddariad","Yn gywir ar",'
                        '"Diweddariad cyhoeddus diweddaraf yn Gymraeg"')
    assert '"Argymhelliad"' in welsh[1] and "Recommendation" not in welsh[1]
    english = client.get("/public/cumbria/vawg-2021/progress.csv").data.decode().splitlines()
    assert english[0].startswith('"Reference","Kind","Recommendation","Status"') and '"Recommendation"' in english[1]
    feed = client.get("/public/cumbria/feed.atom?lang=cy").data.decode()
    summary = feed.split("<summary>")[1].split("</summary>")[0]
    assert summary.startswith("Ymateb Cumbria Police and Crime Commissioner i Police response"), summary
    assert "Commissioner's response" not in summary and "a gyhoeddwyd gan AHEMGTA" in summary
    assert "Commissioner's response to" in client.get("/public/cumbria/feed.atom").data.decode()
