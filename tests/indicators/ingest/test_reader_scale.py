"""Large files: a million valid rows read in seconds; bad rows are counted, not all listed."""

from __future__ import annotations

import time
from datetime import date

from indicators.ingest import read_observations
from indicators.model import PlanModel

TODAY = date(2026, 11, 26)
MUNICIPALITIES = [f"32{n:02d}" for n in (1, 3, 5, 7, 9, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30,
                                         32, 34, 36, 38, 40, 42)]


def big_csv(rows: int, value: str = "{n},5") -> bytes:
    """`rows` distinct monthly observations of 2B-05 across regions and series."""
    lines = ["indicator_id;region_code;period;value;unit;series;note;source"]
    months = [f"{y}M{m:02d}" for y in range(1980, 2026) for m in range(1, 13)]
    n = 0
    for series in range(rows // (len(months) * len(MUNICIPALITIES)) + 1):
        for region in MUNICIPALITIES:
            for month in months:
                lines.append(f"2B-05;{region};{month};{value.format(n=1000 + n % 7)};antall;"
                             f"s{series};;NAV")
                n += 1
                if n == rows:
                    return ("\n".join(lines) + "\n").encode()
    raise AssertionError("unreachable")


def test_a_million_valid_rows_in_seconds(model: PlanModel) -> None:
    raw = big_csv(1_000_000)
    start = time.perf_counter()
    result = read_observations(raw, model, name="big.csv", today=TODAY)
    elapsed = time.perf_counter() - start
    assert result.ok
    assert len(result.frame) == 1_000_000
    assert result.frame["value"].iloc[0] == 1000.5
    assert elapsed < 15, f"{elapsed:.1f} s"  # about 3 s here; generous for busy machines


def test_every_row_bad_is_counted_not_listed(model: PlanModel) -> None:
    raw = big_csv(300_000, value="x{n}")
    start = time.perf_counter()
    result = read_observations(raw, model, name="bad.csv", today=TODAY)
    assert time.perf_counter() - start < 15
    assert result.total_errors == 300_000
    assert len(result.errors) == 50
    assert result.errors[0].line == 2
