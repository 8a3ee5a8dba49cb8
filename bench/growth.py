"""`make bench`'s growth: the dashboard, the inspection page and the data API's overdue view measured
on the national data set and on multiples of it (generate-demo --scale national*3), and the growth of
each figure beside the 1× one. The goal: a page at 10× the data costs at most 1.5× what it costs at 1×.

Each scale is a data set of its own, built once and kept in instance/bench/ by name (SQLite only: a
PostgreSQL database named by TRACKER_DATABASE_URL holds one data set). The benchmarks of each scale run
in a pytest process of their own (bench/test_bench.py), so figures of one run are compared.

The figures are printed beside the goal: the median of each page at each size, its ratio to the 1x
figure, and whether the ratio at 10x is at most 1.5; then the computed dashboard's CPU time likewise.

Environment: BENCH_SCALE (the 1× set, national), BENCH_GROWTH (the multipliers, "1 3 10"),
BENCH_SKIP_10X=1 (leave out the multipliers of 10 and more: building 10× takes a while),
BENCH_TIMER (e.g. time.process_time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import dataset

SELECTED = "test_dashboard or test_inspection_page or test_api_overdue"
GOAL = 1.5  # at 10× the data, at most this many times the 1× figure


def multipliers() -> list[int]:
    """The multipliers to measure, from BENCH_GROWTH, less those of 10 and more under BENCH_SKIP_10X."""
    chosen = [int(m) for m in os.environ.get("BENCH_GROWTH", "1 3 10").split()]
    if os.environ.get("BENCH_SKIP_10X"):
        chosen = [m for m in chosen if m < 10]
    if not chosen or min(chosen) < 1:
        raise SystemExit("BENCH_GROWTH: whole numbers of 1 or more, e.g. '1 3 10'")
    return sorted(set(chosen))


def measure(scale: str, summary: Path) -> dict[str, dict]:
    """Run the selected benchmarks on one scale's data set; return their figures by name."""
    env = dict(os.environ, BENCH_SCALE=scale, BENCH_SUMMARY=str(summary))
    command = [sys.executable, "-m", "pytest", "bench/test_bench.py", "-q", "-p", "no:cacheprovider",
               "-k", SELECTED, "--benchmark-columns=min,median,max,rounds", "--benchmark-sort=name"]
    if timer := os.environ.get("BENCH_TIMER"):
        command.append(f"--benchmark-timer={timer}")
    print(f"=== {scale} ===", flush=True)
    subprocess.run(command, env=env, cwd=dataset.ROOT, check=True)
    return json.loads(summary.read_text())["figures"]


def growth_table(figures: dict[int, dict[str, dict]], field: str = "median_ms") -> list[str]:
    """The lines of the table: each measurement's figure (`field`) at each multiplier, its ratio to the
    first, and whether the ratio at the largest multiplier of 10 or more meets the goal."""
    scales = sorted(figures)
    first = scales[0]
    judged = max(scales) if max(scales) >= 10 else None  # the goal speaks of 10x: no verdict without it
    names = sorted({name for by_name in figures.values() for name, entry in by_name.items() if field in entry})
    head = f"{'measurement':36}" + "".join(f"{f'{m}x ms':>10}" for m in scales)
    head += "".join(f"{f'{m}x/{first}x':>9}" for m in scales[1:])
    head += f"  {f'goal: {judged}x/{first}x <= {GOAL}' if judged else 'goal (needs 10x)'}"
    lines = [head]
    for name in names:
        values = {m: figures[m].get(name, {}).get(field) for m in scales}
        line = f"{name:36}" + "".join(f"{'-' if values[m] is None else values[m]:>10}" for m in scales)
        for m in scales[1:]:
            line += f"{_ratio(values[m], values[first]):>9}"
        if judged:
            ratio = _ratio(values[judged], values[first])
            line += f"  {'-' if ratio == '-' else 'yes' if float(ratio) <= GOAL else 'NO'}"
        lines.append(line)
    return lines


def _ratio(value, base) -> str:
    """value / base to two places, or '-' when either is missing."""
    return "-" if value is None or not base else f"{value / base:.2f}"


def main() -> int:
    """Measure every multiplier, print the growth, write the figures to bench/results/."""
    if os.environ.get("TRACKER_DATABASE_URL"):
        print("Growth with the data: skipped, it builds one SQLite data set per scale (TRACKER_DATABASE_URL is set)")
        return 0
    base = os.environ.get("BENCH_SCALE", "national")
    figures: dict[int, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for m in multipliers():
            scale = base if m == 1 else f"{base}*{m}"
            figures[m] = measure(scale, Path(folder) / f"{m}.json")
    print()
    print(f"Growth with the data ({base} = 1x; goal: at 10x, at most {GOAL}x the 1x figure; "
          f"load average now {os.getloadavg()[0]:.1f} on this machine, which wall-clock figures follow):")
    for line in growth_table(figures):
        print(line)
    print()
    print("The computed dashboard's CPU time (after a write to the force) in the benchmark process "
          "(time.process_time, the median of 10; steadier than wall-clock on a shared machine):")
    for line in growth_table(figures, "computed_cpu_ms"):
        print(line)
    dataset.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = dataset.RESULTS_DIR / f"growth-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"base": base, "figures": {str(m): f for m, f in figures.items()}}, indent=2))
    print(f"Figures written to {out.relative_to(dataset.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
