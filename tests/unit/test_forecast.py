"""The forecast's words and the percentage complete."""

from tracker.domain.deadlines import Rag
from tracker.domain.forecast import forecast_label, percent_complete


def test_a_forecast_reads_as_boards_say_it():
    assert forecast_label(Rag.GREEN) == "On track" and forecast_label("amber") == "At risk"
    assert forecast_label(Rag.RED) == "Off track" and forecast_label(None) == ""


def test_percent_complete_counts_actions_done_and_leaves_out_cancelled_ones():
    assert percent_complete([True, False, False]) == 33
    assert percent_complete([True, True, None]) == 100
    assert percent_complete([None]) is None and percent_complete([]) is None
    assert percent_complete([False, False]) == 0
