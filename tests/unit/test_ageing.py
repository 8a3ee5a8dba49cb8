"""The ageing table's rules: whole calendar months, bands, owners."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.ageing import AGE_BANDS, NO_OWNER, age_band, ageing_table, whole_months


def test_whole_months_count_calendar_months():
    assert whole_months(date(2022, 3, 1), date(2022, 3, 31)) == 0
    assert whole_months(date(2022, 3, 1), date(2022, 4, 1)) == 1
    assert whole_months(date(2022, 1, 31), date(2022, 2, 28)) == 0
    assert whole_months(date(2021, 9, 17), date(2022, 4, 1)) == 6
    assert whole_months(date(2022, 4, 2), date(2022, 4, 1)) == 0  # not yet open: no negative age


def test_bands_start_at_6_12_and_24_months():
    as_of = date(2022, 4, 1)
    assert age_band(date(2021, 10, 2), as_of) == "under_6_months"
    assert age_band(date(2021, 10, 1), as_of) == "6_to_12_months"
    assert age_band(date(2021, 4, 1), as_of) == "1_to_2_years"
    assert age_band(date(2020, 4, 2), as_of) == "1_to_2_years"
    assert age_band(date(2020, 4, 1), as_of) == "2_years_or_more"


@given(st.dates(), st.dates())
def test_every_item_falls_in_exactly_one_band(opened, as_of):
    assert age_band(opened, as_of) in {key for key, _label, _fewest in AGE_BANDS}


def test_the_table_counts_by_owner_with_the_unnamed_last_and_a_total():
    as_of = date(2022, 4, 1)
    rows, totals = ageing_table([("ACC Smith", date(2021, 9, 17)), ("acc jones", date(2022, 3, 1)),
                                 (None, date(2019, 1, 1)), ("  ", date(2022, 1, 1)), ("ACC Smith", date(2019, 1, 1))],
                                as_of)
    assert [r.owner for r in rows] == ["acc jones", "ACC Smith", NO_OWNER]
    smith = rows[1]
    assert smith.counts["6_to_12_months"] == 1 and smith.counts["2_years_or_more"] == 1 and smith.total == 2
    assert rows[2].total == 2 and totals.total == 5 and totals.counts["2_years_or_more"] == 2
