"""The dashboard's inspection filter: words of an inspection's title, or (from links) its slug.

Every word typed must be in the title, in any order and any case, as it is typed (% and _ are not
wildcards); an inspection's slug means that inspection alone. The exports, the committee pack and the
API read the same filter, and a search never shows another force's items.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from urllib.parse import quote_plus

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_user
from tests.integration.test_api import token_for
from tests.page_check import item_keys as rows_of
from tracker.db import db
from tracker.domain.register import title_words
from tracker.domain.statuses import InspectionType, Role
from tracker.models import Inspection, MeetingPack
from tracker.services import inspections as inspection_service

# Every open item of the seed data, whatever its date.
VIEW = "/?as_of=2030-01-01&window=open&per_page=100"
VAWG_TITLE = "Police response to violence against women and girls – Final inspection report"
NO_TITLE_HAS = "No inspection’s title has all the words"


def rows(client, inspection: str, view: str = VIEW) -> list[str]:
    response = client.get(f"{view}&inspection={quote_plus(inspection)}")
    assert response.status_code == 200
    return rows_of(response.get_data(as_text=True))


@pytest.fixture
def cumbria(as_role):
    return as_role(Role.REVIEWER, ("cumbria",))


def test_title_words_are_lower_case_and_each_once():
    assert title_words("  Custody custody\tREVIEW ") == ("custody", "review")
    assert title_words("   ") == ()


@pytest.mark.parametrize("words", ["violence women", "WOMEN Violence", "girls VIOLENCE against", "viol", "Final REPORT"])
def test_every_word_in_any_order_and_case_finds_the_inspection(cumbria, words):
    vawg = rows(cumbria, "vawg-2021")
    everything = rows_of(cumbria.get(VIEW).get_data(as_text=True))
    assert vawg and set(vawg) < set(everything)  # Cumbria also tracks the IOPC and coroner examples
    assert rows(cumbria, words) == vawg


def test_a_word_missing_from_the_title_finds_nothing_and_says_so(cumbria):
    response = cumbria.get(f"{VIEW}&inspection=violence+pursuit&type=recommendation")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and rows_of(html) == []
    assert f"{NO_TITLE_HAS} “violence pursuit”" in html
    # The way out keeps the other filters and leaves out the words.
    link = re.search(r'href="([^"]+)">show every inspection’s items</a>', html).group(1).replace("&amp;", "&")
    assert "inspection=" not in link and "type=recommendation" in link and "window=open" in link
    assert rows_of(cumbria.get(link).get_data(as_text=True))


def test_words_some_inspection_has_but_no_item_of_the_view_say_no_items(cumbria):
    html = cumbria.get("/?as_of=2022-04-01&inspection=fire+rescue").get_data(as_text=True)
    assert rows_of(html) == [] and NO_TITLE_HAS not in html and "No items match these filters" in html


@pytest.mark.parametrize("words", ["%", "_", "%%", "vi_lence", "violence%women", "\\", "'", '"'])
def test_wildcards_and_quotes_are_matched_as_typed(cumbria, words):
    html = cumbria.get(f"{VIEW}&inspection={quote_plus(words)}").get_data(as_text=True)
    assert rows_of(html) == [] and NO_TITLE_HAS in html


def test_a_title_holding_wildcards_is_found_by_them(app):
    db.session.add(Inspection(slug="sample-2022", title="A 50% sample of custody_records \\ checked",
                              published_on=date(2022, 1, 1), type=InspectionType.NATIONAL_THEMATIC))
    db.session.flush()
    for words, found in [("50%", True), ("5%", False), ("custody_records", True), ("y_r", True), ("y%r", False),
                         ("custody_", True), ("y_", True), ("a_", False), ("\\", True), ("\\c", False),
                         ("SAMPLE 50% checked", True)]:
        assert inspection_service.any_titled(title_words(words)) is found, words


def test_a_slug_means_that_inspection_alone_and_its_tag_reads_its_title(cumbria):
    html = cumbria.get(f"{VIEW}&inspection=vawg-2021").get_data(as_text=True)
    assert f"</span>Inspection: {VAWG_TITLE}</a>" in html
    assert 'name="inspection" type="text" value="vawg-2021"' in html  # sent again as it came: still exact
    iopc = rows(cumbria, "example-iopc-pursuit-2022")
    assert iopc and not set(iopc) & set(rows(cumbria, "vawg-2021"))
    # The slug of one inspection is not searched as words: "example" alone is in three titles.
    assert set(rows(cumbria, "example")) > set(iopc)


def test_the_tag_of_words_quotes_them_and_removes_them(cumbria):
    html = cumbria.get(f"{VIEW}&inspection=pursuit+IOPC").get_data(as_text=True)
    tag = re.search(r'<a class="tracker-filter-tag" href="([^"]+)"><span[^>]*>Remove this filter: </span>'
                    r'Inspection: “pursuit IOPC”</a>', html)
    assert tag and "inspection=" not in tag.group(1)


@pytest.mark.parametrize("length, status", [(200, 200), (201, 400), (5000, 400)])
def test_very_long_words_are_refused_with_an_error_summary(cumbria, length, status):
    response = cumbria.get(f"{VIEW}&inspection={'w' * length}")
    html = response.get_data(as_text=True)
    assert response.status_code == status
    if status == 400:
        assert "There is a problem" in html and '<a href="#inspection">Inspection must be 200 characters or fewer</a>' in html
        assert "<title>Error: " in html
    assert response.status_code == cumbria.get(f"/export.csv?inspection={'w' * length}").status_code


def test_a_search_never_shows_another_forces_items(app, as_role):
    """The fire example is Essex's alone, VAWG every force's: Cumbria's search finds only its own."""
    cumbria, essex = as_role(Role.REVIEWER, ("cumbria",)), as_role(Role.REVIEWER, ("essex",))
    assert rows(essex, "fire rescue") and rows(cumbria, "fire rescue") == []
    for client, slug, force, other in ((cumbria, "cumbria", "Cumbria Constabulary", "Essex"),
                                       (essex, "essex", "Essex Police", "Cumbria")):
        found = rows(client, "violence")
        assert found == rows(client, "vawg-2021")
        exported = client.get("/export.csv?as_of=2030-01-01&window=open&inspection=violence").get_data(as_text=True)
        forces = {row["Force"] for row in csv.DictReader(io.StringIO(exported))}
        assert forces == {force} and not any(other in f for f in forces)
        api = app.test_client().get("/api/v1/overdue?as_of=2030-01-01&window=open&per_page=100&inspection=violence",
                                    headers={"Authorization": f"Bearer {token_for(make_user(Role.VIEWER, (slug,)))}"})
        assert api.status_code == 200
        assert [f"{r['type']}-{r['id']}" for r in api.get_json()["data"]] == found


def test_the_exports_read_the_words_as_the_dashboard_does(cumbria):
    for extension in ("csv", "xlsx"):
        words = cumbria.get(f"/export.{extension}?as_of=2030-01-01&window=open&inspection=PURSUIT")
        slug = cumbria.get(f"/export.{extension}?as_of=2030-01-01&window=open&inspection=example-iopc-pursuit-2022")
        assert words.status_code == slug.status_code == 200
        if extension == "csv":
            assert words.data == slug.data
            titles = {row["Inspection"] for row in csv.DictReader(io.StringIO(words.get_data(as_text=True)))}
            assert len(titles) == 1 and "IOPC" in titles.pop()


def test_a_committee_pack_of_a_search_names_it_and_counts_its_items(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    form = client.get("/committee-packs?window=open&inspection=violence+WOMEN").get_data(as_text=True)
    assert 'name="inspection" type="text" value="violence WOMEN"' in form and "Chosen: Inspection: “violence WOMEN”." in form
    data = {"as_of": "1 January 2030", "previous_meeting": "1 January 2022", "force": "cumbria", "window": "open"}
    assert client.post("/committee-packs", data=data | {"inspection": "violence WOMEN"}).status_code == 303
    by_words = db.session.scalar(sa.select(MeetingPack).order_by(MeetingPack.id.desc()).limit(1))
    assert client.post("/committee-packs", data=data | {"inspection": "vawg-2021"}).status_code == 303
    by_slug = db.session.scalar(sa.select(MeetingPack).order_by(MeetingPack.id.desc()).limit(1))
    assert by_words.items and {(i.item_type, i.item_id) for i in by_words.items} == {(i.item_type, i.item_id) for i in by_slug.items}
    page = client.get("/committee-packs").get_data(as_text=True)
    assert "Inspection: “violence WOMEN”" in page and f"Inspection: {VAWG_TITLE}" in page
    too_long = client.post("/committee-packs", data=data | {"inspection": "w" * 201})
    assert too_long.status_code == 400 and "Inspection must be 200 characters or fewer" in too_long.get_data(as_text=True)


def test_the_filters_have_a_text_input_not_a_list_of_every_inspection(cumbria):
    html = cumbria.get(VIEW).get_data(as_text=True)
    field = re.search(r'<label class="govuk-label" for="inspection">\s*Inspection\s*</label>\s*'
                      r'<div id="inspection-hint" class="govuk-hint">\s*Words from the inspection’s title\s*</div>\s*'
                      r'<input class="govuk-input govuk-!-width-full" id="inspection" name="inspection" type="text"'
                      r'[^>]* aria-describedby="inspection-hint">', html)
    assert field and '<select class="govuk-select tracker-select-full" id="inspection"' not in html
    assert "vawg-2021" not in html.split('class="tracker-filters"')[1].split("</form>")[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=260))
def test_no_words_give_a_server_error_or_another_forces_item(cumbria, typed):
    everything = set(rows_of(cumbria.get(VIEW).get_data(as_text=True)))
    response = cumbria.get("/", query_string={"as_of": "2030-01-01", "window": "open", "per_page": "100",
                                              "inspection": typed})
    assert response.status_code in (200, 400)
    assert set(rows_of(response.get_data(as_text=True))) <= everything


def test_the_api_reads_words_and_refuses_too_many(app):
    headers = {"Authorization": f"Bearer {token_for(make_user(Role.VIEWER, ('cumbria',)))}"}
    client = app.test_client()
    words = client.get("/api/v1/overdue?as_of=2030-01-01&window=open&inspection=pursuit+iopc", headers=headers)
    assert words.status_code == 200
    assert {row["inspection"] for row in words.get_json()["data"]} == {"example-iopc-pursuit-2022"}
    too_long = client.get(f"/api/v1/overdue?inspection={'w' * 201}", headers=headers)
    assert too_long.status_code == 400 and "inspection" in too_long.get_json()["error"]["fields"]
