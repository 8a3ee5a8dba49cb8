"""Small rules of the oversight area, without a database: reminder stages and as-of dates."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.formatting import read_date
from tracker.services.reminders import stage

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


@given(dates, st.integers(min_value=-400, max_value=400))
def test_a_reminder_stage_follows_the_days_left(today, days):
    due = today + timedelta(days=days)
    expected = "overdue" if days < 0 else "due_1" if days <= 1 else "due_7" if days <= 7 else "due_30" if days <= 30 else None
    assert stage(due, today) == expected


@given(dates)
def test_stages_only_move_forward_as_days_pass(due):
    order = [None, "due_30", "due_7", "due_1", "overdue"]
    seen = [order.index(stage(due, due - timedelta(days=d))) for d in range(40, -3, -1)]
    assert seen == sorted(seen)


@given(dates)
def test_as_of_dates_read_iso_and_day_month_year(day):
    assert read_date(day.isoformat()) == day
    assert read_date(f"{day.day}/{day.month}/{day.year}") == day


def test_as_of_dates_refuse_what_is_not_a_real_date():
    for text in ("2022-02-30", "1 April", "banana", "31/31/2022", "2022-4", ""):
        assert read_date(text) is None


def test_the_publication_date_is_checked_only_when_a_report_came_out_after_the_as_of_date():
    from tracker.services.overdue import publication_check_needed

    assert publication_check_needed(date(2022, 6, 1), date(2022, 4, 1))
    assert not publication_check_needed(date(2022, 4, 1), date(2022, 4, 1))  # published that day: it exists
    assert not publication_check_needed(date(2021, 9, 17), date(2022, 4, 1))
    assert not publication_check_needed(None, date(2022, 4, 1))  # no inspection at all
