"""Formats of dates, countdowns and sizes as pages and documents show them."""

from datetime import date, datetime

import pytest

from tracker.domain.deadlines import DeadlineKind
from tracker.domain.formatting import (
    countdown,
    deadline_label,
    filesize,
    govuk_date,
    govuk_date_short,
    govuk_datetime,
    paragraphs,
    plural,
)
from tracker.domain.statuses import TrackingStatus

AS_OF = date(2021, 10, 30)


def test_dates_in_govuk_style():
    assert govuk_date(date(2021, 9, 7)) == "7 September 2021"
    assert govuk_date(date(2021, 9, 7), "cy") == "7 Medi 2021"
    assert [govuk_date(date(2022, month, 1), "cy").split()[1] for month in (1, 6, 7, 12)] == [
        "Ionawr", "Mehefin", "Gorffennaf", "Rhagfyr"]
    assert govuk_date_short(date(2021, 9, 7)) == "7 Sep 2021"
    assert govuk_datetime(datetime(2021, 9, 7, 14, 5)) == "7 September 2021 at 2:05pm"
    assert govuk_datetime(datetime(2021, 9, 7, 0, 30)) == "7 September 2021 at 12:30am"
    assert govuk_date(None) == ""


@pytest.mark.parametrize(
    "due, text",
    [
        (date(2021, 11, 11), "due in 12 days"),
        (date(2021, 10, 31), "due tomorrow"),
        (date(2021, 10, 30), "due today"),
        (date(2021, 10, 29), "1 day late"),
        (date(2021, 10, 27), "3 days late"),
        (None, "no date set"),
    ],
)
def test_countdown(due, text):
    assert countdown(due, AS_OF) == text


def test_deadline_labels():
    assert deadline_label(DeadlineKind.IMMEDIATE, date(2021, 9, 17)) == "Immediate"
    assert deadline_label(DeadlineKind.DATE, date(2022, 3, 31)) == "31 March 2022"
    assert deadline_label(DeadlineKind.UNREADABLE, None) == "Not readable: set a date"
    assert deadline_label("none", None) == "No deadline"


def test_sizes_and_plurals():
    assert filesize(840) == "840 bytes"
    assert filesize(1) == "1 byte"
    assert filesize(12 * 1024) == "12 KB"
    assert filesize(int(1.4 * 1024 * 1024)) == "1.4 MB"
    assert plural(1, "item") == "1 item" and plural(2, "item") == "2 items"


def test_labels_of_statuses():
    assert TrackingStatus.NO_FURTHER_ACTION.label == "No further action needed"
    assert ("complete", "Complete") in TrackingStatus.choices()


def test_paragraphs_are_written_without_control_characters():
    """Text stored before the forms took control characters out (or by an import) reaches the published
    HTML, PDF and Word copies through this filter: a vertical tab is not allowed in them."""
    assert paragraphs("First\x0b line\r\n\x1f\r\nSecond\x00 line\n") == ["First line", "Second line"]
    assert paragraphs("\x0c") == []
