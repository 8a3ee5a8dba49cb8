"""The dashboard's as-of date as people type it, and its status filter grouped by kind of item."""

from __future__ import annotations

import re

import pytest

from tracker.domain.statuses import Role


def rows_of(html: str) -> list[str]:
    """The data-item keys of the table rows, in order."""
    return re.findall(r'data-item="([a-z_]+-\d+)"', html)


@pytest.fixture
def cumbria(as_role):
    return as_role(Role.REVIEWER, ("cumbria",))


@pytest.mark.parametrize("typed", ["1 April 2022", "1/4/2022", "01.04.2022", "Friday 1 April 2022", "1 Apr 2022"])
def test_the_as_of_date_as_people_type_it_gives_the_same_view(cumbria, typed):
    expected = cumbria.get("/?as_of=2022-04-01&window=open&per_page=100").get_data(as_text=True)
    response = cumbria.get("/", query_string={"as_of": typed, "window": "open", "per_page": "100"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "As of 1 April 2022" in html
    assert rows_of(html) and rows_of(html) == rows_of(expected)
    # The exports read it the same way.
    assert cumbria.get("/export.csv", query_string={"as_of": typed, "window": "open"}).status_code == 200


def test_a_date_that_is_not_real_is_refused_with_an_example_people_type(cumbria):
    response = cumbria.get("/", query_string={"as_of": "31 February 2022"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter the as-of date as a real date, for example 1 April 2022" in html
    assert 'class="govuk-error-summary' in html


def test_statuses_are_grouped_by_kind_of_item(cumbria):
    html = cumbria.get("/?as_of=2022-04-01").get_data(as_text=True)
    select = html.split('name="status"', 1)[1].split("</select>", 1)[0]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _ in groups] == ["Recommendations", "Actions", "Statutory responses"]
    options = {label: re.findall(r'value="([^"]+)"', body) for label, body in groups}
    assert "recommendation:complete" in options["Recommendations"] and "action:complete" in options["Actions"]
    assert "action:in_progress" not in options["Recommendations"]


def test_a_grouped_status_selects_only_its_kind_of_item(cumbria):
    query = {"as_of": "2022-04-01", "window": "open", "per_page": "100"}
    actions = rows_of(cumbria.get("/", query_string={**query, "status": "action:in_progress"}).get_data(as_text=True))
    assert actions and all(key.startswith("action-") for key in actions)
    awaiting = rows_of(cumbria.get("/", query_string={**query, "status": "recommendation:awaiting_review"}).get_data(as_text=True))
    assert awaiting and all(key.startswith("recommendation-") for key in awaiting)
    # The tag of the chosen filter names the kind, and removing it gives the whole view again.
    html = cumbria.get("/", query_string={**query, "status": "action:in_progress"}).get_data(as_text=True)
    assert "Status: In progress (Actions)" in html
    # A plain status, as older addresses and the API have it, is of any kind.
    plain = rows_of(cumbria.get("/", query_string={**query, "status": "in_progress"}).get_data(as_text=True))
    assert plain == actions


def test_a_status_of_another_kind_than_the_item_chosen_is_an_error(cumbria):
    response = cumbria.get("/", query_string={"type": "recommendation", "status": "action:in_progress"})
    assert response.status_code == 400
    assert "Select a status of the item chosen, or all items" in response.get_data(as_text=True)
    response = cumbria.get("/", query_string={"status": "statutory_response:in_progress"})
    assert response.status_code == 400 and "Select a status from the list" in response.get_data(as_text=True)
