"""All date, number and wording formats of pages and documents, registered as Jinja filters."""

from __future__ import annotations

from datetime import date, datetime

from .deadlines import DeadlineKind, days_until


def govuk_date(value: date | datetime | None) -> str:
    """17 September 2021 (the GOV.UK style: no leading zero, month in full)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def govuk_date_short(value: date | None) -> str:
    """17 Sep 2021, for tables."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def govuk_datetime(value: datetime | None) -> str:
    """17 September 2021 at 2:05pm (times are shown as stored: UTC)."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{govuk_date(value)} at {hour}:{value:%M}{'am' if value.hour < 12 else 'pm'}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 day', '3 days'."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def countdown(due: date | None, as_of: date | None = None) -> str:
    """'due in 12 days', 'due today', '3 days late' for a deadline seen from `as_of` (today by default)."""
    if due is None:
        return "no date set"
    days = days_until(due, as_of or date.today())
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 0:
        return f"due in {plural(days, 'day')}"
    return f"{plural(-days, 'day')} late"


def deadline_label(kind: DeadlineKind | str | None, value: date | None) -> str:
    """How a recommendation's deadline reads: a date, 'Immediate', 'Not readable: set a date', or 'None'."""
    kind = DeadlineKind(kind) if kind else DeadlineKind.NONE
    if kind is DeadlineKind.IMMEDIATE:
        return "Immediate"
    if kind is DeadlineKind.UNREADABLE and value is None:
        return "Not readable: set a date"
    if value is None:
        return "No deadline"
    return govuk_date(value)


def filesize(size: int | None) -> str:
    """'840 bytes', '12 KB', '1.4 MB'."""
    if size is None:
        return ""
    if size < 1024:
        return plural(size, "byte")
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def label(value) -> str:
    """The label of an enum member (a status, a kind, a role), or the value itself."""
    return getattr(value, "label", value if value is not None else "")


def paragraphs(text: str | None) -> list[str]:
    """Split typed text into its paragraphs (one per non-empty line), for documents and pages."""
    if not text:
        return []
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


FILTERS = {
    "paragraphs": paragraphs,
    "govuk_date": govuk_date,
    "govuk_date_short": govuk_date_short,
    "govuk_datetime": govuk_datetime,
    "plural": plural,
    "countdown": countdown,
    "deadline_label": deadline_label,
    "filesize": filesize,
    "label": label,
}


def register(app) -> None:
    """Register every formatter as a Jinja filter, in one loop."""
    for name, function in FILTERS.items():
        app.jinja_env.filters[name] = function
