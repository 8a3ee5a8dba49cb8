"""Each source's response clock at its edges: "beginning with" against "of", month ends, leap
years, extensions and judicial-review pauses (one ended, one still running). Every test names the
provision it checks."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.clocks import (
    ClockError,
    Extension,
    Pause,
    Source,
    coroner_clock,
    coroner_response_deadline,
    fire_action_plan_clock,
    hmicfrs_police_clock,
    iopc_clock,
    iopc_publication_deadline,
    iopc_response_deadline,
    response_clock,
)

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


# --- "beginning with the day" (s.55(5A), para 28B(2)) against "within 56 days of" (the coroner) ---


def test_s55_vawg_report_of_17_september_2021_is_due_11_november_2021():
    """Police Act 1996 s.55(5A): 56 days beginning with the day of publication."""
    assert hmicfrs_police_clock(date(2021, 9, 17)).due == date(2021, 11, 11)


def test_iopc_counts_the_day_the_recommendation_was_made_as_day_1():
    """Police Reform Act 2002 Sch 3 para 28B(2): 56 days beginning with the day it was made."""
    assert iopc_response_deadline(date(2023, 3, 1)) == date(2023, 4, 25)


def test_coroner_does_not_count_the_date_of_the_report():
    """The coroner's report: within 56 days of the date of this report."""
    assert coroner_response_deadline(date(2023, 3, 1)) == date(2023, 4, 26)


@given(DAYS)
def test_of_is_always_one_day_later_than_beginning_with(day):
    """The two counting rules differ by exactly the first day, whatever the date."""
    assert coroner_response_deadline(day) - iopc_response_deadline(day) == timedelta(days=1)
    assert iopc_response_deadline(day) == hmicfrs_police_clock(day).due


@given(DAYS)
def test_iopc_period_holds_56_days_with_the_first(day):
    """Para 28B(2): the period is 56 days and the day of the recommendation is one of them."""
    assert (iopc_response_deadline(day) - day).days + 1 == 56


def test_month_ends_and_leap_years():
    """Para 28B(2) and the coroner's 56 days of, across 29 February and a month's last day."""
    assert iopc_response_deadline(date(2024, 1, 31)) == date(2024, 3, 26)   # 2024 has 29 February
    assert iopc_response_deadline(date(2023, 1, 31)) == date(2023, 3, 27)
    assert coroner_response_deadline(date(2024, 1, 31)) == date(2024, 3, 27)
    assert coroner_response_deadline(date(2023, 12, 31)) == date(2024, 2, 25)
    assert coroner_response_deadline(date(2024, 1, 4)) == date(2024, 2, 29)


def test_iopc_publishes_within_21_days_beginning_with_receipt():
    """Para 28B(5): the Director General publishes within 21 days beginning with the day received."""
    assert iopc_publication_deadline(date(2023, 5, 1)) == date(2023, 5, 21)


# --- the coroner's printed date and the coroner's extension --------------------------------------


def test_coroner_printed_date_wins_and_a_difference_is_noted():
    """The report's "namely by" date binds; one that is not 56 days of the report's date is noted."""
    same = coroner_clock(date(2023, 3, 1), printed_due=date(2023, 4, 26))
    assert same.due == date(2023, 4, 26) and same.notes == ()
    printed = coroner_clock(date(2023, 3, 1), printed_due=date(2023, 4, 25))
    assert printed.due == printed.original_due == date(2023, 4, 25)
    assert "printed date" in printed.notes[0]


def test_coroner_extension_moves_the_date_and_keeps_the_original():
    """The coroner may extend the period: the new date is in force, the original kept."""
    clock = coroner_clock(date(2023, 3, 1), extensions=[Extension(date(2023, 5, 31), "HM Senior Coroner",
                                                                  applied_on=date(2023, 4, 20))])
    assert clock.original_due == date(2023, 4, 26)
    assert clock.due == date(2023, 5, 31) and clock.extended


def test_an_extension_must_end_later():
    """An extension extends: a date on or before the period's last day is refused."""
    with pytest.raises(ClockError):
        coroner_clock(date(2023, 3, 1), extensions=[Extension(date(2023, 4, 26), "HM Senior Coroner")])


# --- the IOPC's extensions (para 28B(3)) ---------------------------------------------------------


def test_iopc_extension_applied_for_in_time():
    """Para 28B(3): extended following an application received before the end of the period."""
    clock = iopc_clock(date(2023, 3, 1), [Extension(date(2023, 6, 30), "Director General", applied_on=date(2023, 4, 25))])
    assert clock.original_due == date(2023, 4, 25)
    assert clock.due == date(2023, 6, 30)


def test_iopc_extension_applied_for_after_the_period_is_refused():
    """Para 28B(3): an application received after the last day cannot be granted."""
    with pytest.raises(ClockError) as refused:
        iopc_clock(date(2023, 3, 1), [Extension(date(2023, 6, 30), "Director General", applied_on=date(2023, 4, 26))])
    assert refused.value.field == "applied_on"


def test_iopc_second_extension_must_be_applied_for_within_the_extended_period():
    """Para 28B(3): the extended period is the period a further application must fall within."""
    first = Extension(date(2023, 5, 31), "Director General", applied_on=date(2023, 4, 20))
    second = Extension(date(2023, 6, 30), "Director General", applied_on=date(2023, 5, 31))
    assert iopc_clock(date(2023, 3, 1), [second, first]).due == date(2023, 6, 30)
    late = Extension(date(2023, 7, 31), "Director General", applied_on=date(2023, 6, 1))
    with pytest.raises(ClockError):
        iopc_clock(date(2023, 3, 1), [first, late])


def test_iopc_extension_without_an_application_date_is_refused():
    """Para 28B(3) turns on when the application was received: it must be recorded."""
    with pytest.raises(ClockError):
        iopc_clock(date(2023, 3, 1), [Extension(date(2023, 6, 30), "Director General")])


# --- the IOPC's judicial-review pause (para 28B(4)) ----------------------------------------------


def test_iopc_pause_adds_every_day_the_proceedings_were_in_progress():
    """Para 28B(4): extended by however many days the proceedings are in progress (first and last counted)."""
    clock = iopc_clock(date(2023, 3, 1), pauses=[Pause(date(2023, 4, 1), date(2023, 4, 10))])
    assert clock.original_due == date(2023, 4, 25)
    assert clock.due == date(2023, 5, 5)


def test_iopc_pause_on_the_last_day_counts_and_one_after_it_is_refused():
    """Para 28B(4): only proceedings started during the period extend it."""
    assert iopc_clock(date(2023, 3, 1), pauses=[Pause(date(2023, 4, 25), date(2023, 4, 25))]).due == date(2023, 4, 26)
    with pytest.raises(ClockError):
        iopc_clock(date(2023, 3, 1), pauses=[Pause(date(2023, 4, 26), date(2023, 5, 1))])


def test_iopc_pause_still_running_gives_no_date_and_is_flagged():
    """Para 28B(4): while proceedings are in progress the period's end is not yet known."""
    clock = iopc_clock(date(2023, 3, 1), pauses=[Pause(date(2023, 4, 1))])
    assert clock.paused and clock.due is None
    assert clock.original_due == date(2023, 4, 25)
    assert "no date yet" in clock.notes[0]


def test_iopc_pause_within_an_extended_period_and_after_it():
    """Para 28B(4): "the period allowed by sub-paragraph (2) or (3)": an extension's period counts."""
    extension = Extension(date(2023, 5, 31), "Director General", applied_on=date(2023, 4, 1))
    clock = iopc_clock(date(2023, 3, 1), [extension], [Pause(date(2023, 5, 20), date(2023, 5, 29))])
    assert clock.due == date(2023, 6, 10)


def test_iopc_pause_ending_before_it_started_is_refused():
    """A pause's end cannot come before its start."""
    with pytest.raises(ClockError):
        iopc_clock(date(2023, 3, 1), pauses=[Pause(date(2023, 4, 10), date(2023, 4, 1))])


# --- fire, other, and the dispatcher --------------------------------------------------------------


def test_fire_action_plan_has_no_fixed_date_unless_one_is_set():
    """Fire and Rescue National Framework 2018, chapter 7: no number of days is set."""
    clock = fire_action_plan_clock(date(2023, 1, 12))
    assert clock.due is None and clock.original_due is None
    assert fire_action_plan_clock(date(2023, 1, 12), target=date(2023, 3, 31)).due == date(2023, 3, 31)


def test_response_clock_dispatches_by_source():
    """One entry point for the register: each source's own rule."""
    assert response_clock("hmicfrs", date(2021, 9, 17)).due == date(2021, 11, 11)
    assert response_clock(Source.IOPC, date(2023, 3, 1)).due == date(2023, 4, 25)
    assert response_clock("coroner", date(2023, 3, 1)).due == date(2023, 4, 26)
    assert response_clock("hmicfrs_fire", date(2023, 3, 1)).due is None
    assert response_clock("other", date(2023, 3, 1), target=date(2023, 9, 1)).due == date(2023, 9, 1)


def test_s55_has_no_extension_and_only_the_iopc_clock_pauses():
    """s.55 provides no extension; only para 28B(4) pauses a clock for judicial review."""
    with pytest.raises(ClockError):
        response_clock("hmicfrs", date(2021, 9, 17), extensions=[Extension(date(2022, 1, 1), "HMICFRS")])
    with pytest.raises(ClockError):
        response_clock("coroner", date(2023, 3, 1), pauses=[Pause(date(2023, 3, 5))])
