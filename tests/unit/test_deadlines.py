"""The deadline engine: every row of DESIGN.md's deadline table, the variants reports use, month
ends, leap years, bad input, overdue and RAG."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.deadlines import (
    DeadlineKind,
    DueState,
    Rag,
    days_overdue,
    days_until,
    due_state,
    find_deadline_phrase,
    parse_deadline,
    rag_rating,
    statutory_response_deadline,
)

PUBLISHED = date(2021, 9, 17)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


# --- the statutory response deadline -------------------------------------------------------


def test_statutory_deadline_of_the_vawg_report_is_11_november_2021():
    assert statutory_response_deadline(date(2021, 9, 17)) == date(2021, 11, 11)


def test_statutory_deadline_crosses_a_year_end():
    assert statutory_response_deadline(date(2021, 12, 1)) == date(2022, 1, 25)


def test_statutory_deadline_counts_29_february_in_a_leap_year():
    assert statutory_response_deadline(date(2024, 1, 15)) == date(2024, 3, 10)
    assert statutory_response_deadline(date(2023, 1, 15)) == date(2023, 3, 11)


@given(st.dates(min_value=date(1997, 1, 1), max_value=date(2100, 12, 31)))
def test_statutory_deadline_is_the_56th_day_counting_publication_as_day_1(published):
    deadline = statutory_response_deadline(published)
    days_in_period = [published + timedelta(days=n) for n in range((deadline - published).days + 1)]
    assert len(days_in_period) == 56
    assert days_in_period[0] == published and days_in_period[-1] == deadline


# --- deadlines written in recommendations: DESIGN.md's table ---------------------------------


def test_by_month_year_is_the_last_day_of_that_month():
    assert parse_deadline("By March 2022").date == date(2022, 3, 31)


def test_by_the_end_of_a_year_is_31_december():
    assert parse_deadline("By the end of 2022").date == date(2022, 12, 31)


def test_by_a_full_date_is_that_day():
    assert parse_deadline("by 31 December 2022").date == date(2022, 12, 31)


def test_within_six_months_counts_from_publication():
    deadline = parse_deadline("within six months", PUBLISHED)
    assert deadline.kind is DeadlineKind.DATE
    assert deadline.date == date(2022, 3, 17)


def test_immediately_is_due_from_publication():
    deadline = parse_deadline("immediately", PUBLISHED)
    assert deadline.kind is DeadlineKind.IMMEDIATE
    assert deadline.date == PUBLISHED


def test_what_cannot_be_read_is_flagged_not_guessed():
    deadline = parse_deadline("in due course", PUBLISHED)
    assert deadline.kind is DeadlineKind.UNREADABLE
    assert deadline.date is None
    assert deadline.needs_a_person
    assert deadline.reason


def test_nothing_written_is_no_deadline():
    assert parse_deadline(None).kind is DeadlineKind.NONE
    assert parse_deadline("   ").kind is DeadlineKind.NONE


# --- variants real reports use -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("By March 2022", date(2022, 3, 31)),
        ("by march 2022", date(2022, 3, 31)),
        ("BY MARCH 2022", date(2022, 3, 31)),
        ("By March 2022,", date(2022, 3, 31)),
        ("By Mar 2022", date(2022, 3, 31)),
        ("By Sept 2022", date(2022, 9, 30)),
        ("By the end of March 2022", date(2022, 3, 31)),
        ("by end of March 2022", date(2022, 3, 31)),
        ("Before the end of March 2022", date(2022, 3, 31)),
        ("no later than 30 June 2023", date(2023, 6, 30)),
        ("Not later than 30 June 2023", date(2023, 6, 30)),
        ("on or before 1 April 2023", date(2023, 4, 1)),
        ("by 31st December 2022", date(2022, 12, 31)),
        ("by the 1st of October 2022", date(2022, 10, 1)),
        ("by December 31, 2022", date(2022, 12, 31)),
        ("by 31/12/2022", date(2022, 12, 31)),
        ("by 31.12.2022", date(2022, 12, 31)),
        ("by 2022-12-31", date(2022, 12, 31)),
        ("By the end of the year 2023", None),  # "the year 2023" is not a shape we read: flagged
        ("by the end of 2022", date(2022, 12, 31)),
        ("By end 2022", None),
        ("by the end of the 2022/23 financial year", date(2023, 3, 31)),
        ("by the end of financial year 2022/23", date(2023, 3, 31)),
        ("By 2022/23", date(2023, 3, 31)),
        ("by the end of 2022-2023", date(2023, 3, 31)),
        ("within 6 months", date(2022, 3, 17)),
        ("within three months of publication", date(2021, 12, 17)),
        ("Within 12 weeks of the publication of this report", date(2021, 12, 10)),
        ("within one year", date(2022, 9, 17)),
        ("within 28 days", date(2021, 10, 15)),
        ("with immediate effect", PUBLISHED),
        ("Immediately.", PUBLISHED),
    ],
)
def test_variants(text, expected):
    deadline = parse_deadline(text, PUBLISHED)
    assert deadline.date == expected
    if expected is None:
        assert deadline.kind is DeadlineKind.UNREADABLE


@pytest.mark.parametrize(
    "text",
    [
        "by spring 2023",
        "by Q2 2023",
        "by the first half of 2023",
        "by 2023",  # a bare year: its start or its end?
        "before 31 March 2023",  # the day before, or that day?
        "by 31 February 2022",
        "by 29 February 2023",
        "by 32 March 2022",
        "by the end of 2022/24",
        "within a reasonable time",
        "within six months",  # but no publication date is known
        "soon",
        "by Marchember 2022",
        "\x00\x01binary",
    ],
)
def test_unreadable_or_impossible_deadlines_are_flagged(text):
    deadline = parse_deadline(text)  # no publication date
    assert deadline.kind is DeadlineKind.UNREADABLE
    assert deadline.date is None
    assert deadline.text == text.strip()


# --- month ends and leap years ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("By February 2024", date(2024, 2, 29)),
        ("By February 2023", date(2023, 2, 28)),
        ("By February 2000", date(2000, 2, 29)),
        ("By February 2100", date(2100, 2, 28)),
        ("By April 2022", date(2022, 4, 30)),
        ("By 29 February 2024", date(2024, 2, 29)),
    ],
)
def test_month_ends_and_leap_years(text, expected):
    assert parse_deadline(text).date == expected


def test_six_months_from_31_august_ends_on_the_last_day_of_february():
    assert parse_deadline("within six months", date(2023, 8, 31)).date == date(2024, 2, 29)


@given(st.integers(min_value=1990, max_value=2099), st.integers(min_value=1, max_value=12))
def test_by_month_year_is_always_the_last_day_of_that_month(year, month):
    parsed = parse_deadline(f"By {MONTHS[month - 1]} {year}").date
    assert (parsed.year, parsed.month) == (year, month)
    assert (parsed + timedelta(days=1)).day == 1


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_any_written_full_date_reads_back_as_itself(day):
    assert parse_deadline(f"by {day.day} {MONTHS[day.month - 1]} {day.year}").date == day
    assert parse_deadline(f"by {day:%d/%m/%Y}").date == day


@given(st.text(max_size=60))
def test_any_text_gives_a_kind_and_never_raises(text):
    deadline = parse_deadline(text, PUBLISHED)
    assert deadline.kind in DeadlineKind
    assert (deadline.date is None) == (deadline.kind in (DeadlineKind.UNREADABLE, DeadlineKind.NONE))


# --- finding the phrase in a recommendation's sentence ----------------------------------------


@pytest.mark.parametrize(
    "sentence, phrase",
    [
        ("By March 2022, all Police Forces should ensure information ...", "By March 2022"),
        ("All Chief Constables should immediately review and ensure ...", "immediately"),
        ("Chief constables should, by 31 December 2022, publish a plan.", "by 31 December 2022"),
        ("Within six months of publication, forces should review ...", "Within six months of publication"),
        ("The Home Office should by the end of 2023 consult on ...", "by the end of 2023"),
        ("Forces should review by spring 2023 how they ...", "by spring 2023"),
        ("Structures and funding should be put in place ...", None),
        ("Forces should be supported by the College of Policing.", None),
        ("", None),
    ],
)
def test_find_deadline_phrase(sentence, phrase):
    assert find_deadline_phrase(sentence) == phrase


def test_the_first_deadline_in_a_sentence_is_the_one_found():
    assert find_deadline_phrase("By March 2022 forces should, and by June 2022 they must") == "By March 2022"


# --- overdue, due soon, RAG ---------------------------------------------------------------------


def test_due_the_day_before_the_as_of_date_is_overdue():
    assert due_state(date(2022, 3, 31), None, date(2022, 4, 1)) is DueState.OVERDUE


def test_due_on_the_as_of_date_is_not_yet_overdue():
    assert due_state(date(2022, 3, 31), None, date(2022, 3, 31)) is DueState.DUE_SOON


def test_due_within_30_days_is_due_soon_and_31_days_is_not():
    as_of = date(2022, 3, 1)
    assert due_state(as_of + timedelta(days=30), None, as_of) is DueState.DUE_SOON
    assert due_state(as_of + timedelta(days=31), None, as_of) is DueState.NOT_DUE


def test_closed_on_or_before_the_as_of_date_is_closed():
    assert due_state(date(2022, 3, 31), date(2022, 4, 1), date(2022, 4, 1)) is DueState.CLOSED


def test_closed_after_the_as_of_date_was_still_overdue_then():
    assert due_state(date(2022, 3, 31), date(2022, 5, 1), date(2022, 4, 15)) is DueState.OVERDUE


def test_no_date_is_its_own_state():
    assert due_state(None, None, date(2022, 4, 1)) is DueState.NO_DATE


def test_days_overdue_and_until():
    assert days_overdue(date(2022, 3, 31), date(2022, 4, 1)) == 1
    assert days_overdue(date(2022, 3, 31), date(2022, 3, 1)) == 0
    assert days_until(date(2022, 3, 31), date(2022, 3, 19)) == 12
    assert days_until(date(2022, 3, 31), date(2022, 4, 3)) == -3


@pytest.mark.parametrize(
    "state, rag",
    [
        (DueState.OVERDUE, Rag.RED),
        (DueState.DUE_SOON, Rag.AMBER),
        (DueState.NO_DATE, Rag.AMBER),
        (DueState.NOT_DUE, Rag.GREEN),
        (DueState.CLOSED, Rag.GREEN),
    ],
)
def test_rag_rule(state, rag):
    assert rag_rating(state) is rag


@given(st.dates(), st.dates(), st.one_of(st.none(), st.dates()))
def test_overdue_exactly_when_open_and_due_before_the_as_of_date(due, as_of, closed_on):
    state = due_state(due, closed_on, as_of)
    is_open = closed_on is None or closed_on > as_of
    assert (state is DueState.OVERDUE) == (is_open and due < as_of)
