"""make bench's growth table: each figure at each size, its ratio to the 1x figure, and the goal's verdict."""

from bench.growth import GOAL, growth_table

FIGURES = {
    1: {"dashboard": {"median_ms": 10.0, "computed_cpu_ms": 5.0}, "api": {"median_ms": 4.0}},
    3: {"dashboard": {"median_ms": 14.0, "computed_cpu_ms": 6.0}, "api": {"median_ms": 5.0}},
    10: {"dashboard": {"median_ms": 16.0, "computed_cpu_ms": 8.0}, "api": {"median_ms": 8.0}},
}


def row(lines: list[str], name: str) -> list[str]:
    """The cells of a measurement's line."""
    return next(line for line in lines if line.startswith(name)).split()


def test_each_figure_with_its_ratios_and_the_verdict_at_10x():
    lines = growth_table(FIGURES)
    assert f"goal: 10x/1x <= {GOAL}" in lines[0]
    assert row(lines, "dashboard") == ["dashboard", "10.0", "14.0", "16.0", "1.40", "1.60", "NO"]
    assert row(lines, "api") == ["api", "4.0", "5.0", "8.0", "1.25", "2.00", "NO"]
    assert row(growth_table({1: FIGURES[1], 10: {"api": {"median_ms": 6.0}}}), "api")[-1] == "yes"


def test_cpu_table_lists_only_what_has_the_figure():
    lines = growth_table(FIGURES, "computed_cpu_ms")
    assert row(lines, "dashboard") == ["dashboard", "5.0", "6.0", "8.0", "1.20", "1.60", "NO"]
    assert not any(line.startswith("api") for line in lines)


def test_no_verdict_without_10x_and_a_missing_figure_is_a_dash():
    lines = growth_table({1: FIGURES[1], 3: {"dashboard": FIGURES[3]["dashboard"]}})
    assert "goal (needs 10x)" in lines[0]
    assert row(lines, "api") == ["api", "4.0", "-", "-"]
