"""How long open items have been open, in bands of whole calendar months, by owner: the ageing
table boards ask for ("closedown timelines for all open items")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

# (key, label, fewest whole months open); each band runs up to the next one's start.
AGE_BANDS = (
    ("under_6_months", "Under 6 months", 0),
    ("6_to_12_months", "6 to 12 months", 6),
    ("1_to_2_years", "1 to 2 years", 12),
    ("2_years_or_more", "2 years or more", 24),
)
NO_OWNER = "No lead officer named"


def whole_months(start: date, end: date) -> int:
    """Whole calendar months from one date to a later one (1 March to 31 March is 0; to 1 April, 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (end.day < start.day))


def age_band(opened_on: date, as_of: date) -> str:
    """The key of the band an item open since `opened_on` falls in on the as-of date."""
    months = whole_months(opened_on, as_of)
    return next(key for key, _label, fewest in reversed(AGE_BANDS) if months >= fewest)


@dataclass
class AgeingRow:
    """One owner's open items, counted per band."""

    owner: str
    counts: dict[str, int] = field(default_factory=lambda: {key: 0 for key, _label, _fewest in AGE_BANDS})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def ageing_table(items: Iterable[tuple[str | None, date]], as_of: date) -> tuple[list[AgeingRow], AgeingRow]:
    """Each owner's row (by name, those with no owner last) and the totals row, from (owner, opened
    on) pairs of the items open on the as-of date."""
    rows: dict[str, AgeingRow] = {}
    totals = AgeingRow("All owners")
    for owner, opened_on in items:
        name = (owner or "").strip() or NO_OWNER
        band = age_band(opened_on, as_of)
        rows.setdefault(name, AgeingRow(name)).counts[band] += 1
        totals.counts[band] += 1
    ordered = sorted(rows.values(), key=lambda row: (row.owner == NO_OWNER, row.owner.casefold()))
    return ordered, totals
