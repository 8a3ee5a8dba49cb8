"""The as-of date reads what people type: the form pages print, slashes, dots, dashes and ISO."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.formatting import govuk_date, govuk_date_short, read_date
from tracker.domain.register import read_status, status_groups

APRIL_FOOLS = date(2022, 4, 1)


@pytest.mark.parametrize("text", [
    "1 April 2022", "01 April 2022", "1 april 2022", "  1   April   2022 ", "1st April 2022", "1 Apr 2022",
    "1 Apr. 2022", "Friday 1 April 2022", "Fri, 1 April 2022", "1 April, 2022",
    "1/4/2022", "01/04/2022", "1.4.2022", "1-4-2022", "1 / 4 / 2022", "2022-04-01", "2022-4-1",
])
def test_the_first_of_april_as_people_type_it(text):
    assert read_date(text) == APRIL_FOOLS


@pytest.mark.parametrize("text", [
    "", None, "banana", "1 April", "April 2022", "31 February 2022", "2022-02-30", "31/31/2022", "1/4/22",
    "2022-4", "1 Aprilx 2022", "32 March 2022", "0/4/2022", "1 April 22", "1 April 2022 12:00", "2022-04-01T00:00",
    "١/٤/٢٠٢٢", "1\x00 April 2022",
])
def test_what_is_no_date_or_no_real_date_is_none(text):
    assert read_date(text) is None


def test_september_has_its_british_abbreviation():
    assert read_date("17 Sept 2021") == read_date("17 Sep 2021") == read_date("17 September 2021") == date(2021, 9, 17)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_every_date_the_pages_print_reads_back(day):
    assert read_date(govuk_date(day)) == day
    assert read_date(govuk_date_short(day)) == day
    assert read_date(day.isoformat()) == day
    assert read_date(f"{day.day}/{day.month}/{day.year}") == day


@given(st.text(max_size=40))
def test_no_text_makes_it_raise(text):
    result = read_date(text)
    assert result is None or isinstance(result, date)


def test_status_groups_name_their_kind_and_plain_statuses_still_read():
    groups = dict(status_groups())
    assert list(groups) == ["Recommendations", "Actions", "Statutory responses"]
    assert ("action:complete", "Complete") in groups["Actions"]
    assert ("recommendation:complete", "Complete") in groups["Recommendations"]
    assert read_status("action:complete") == ("action", "complete")
    assert read_status("complete") == (None, "complete")
    assert read_status("statutory_response:in_progress") is None  # not a response's status
    assert read_status("action:") is None and read_status("nope") is None and read_status(":complete") == (None, "complete")
