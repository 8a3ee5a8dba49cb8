"""What several commands' options share."""

from __future__ import annotations

from datetime import date

import click


def parse_date(ctx, param, value: str | None) -> date | None:
    """Click callback: read an ISO date (YYYY-MM-DD)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None
