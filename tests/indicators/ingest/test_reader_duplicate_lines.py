"""Issue 15.3: a repeated row is reported on each repeat with the line it first appeared on,
whether the file's keys are few (looked up directly) or spread wide (hashed)."""

from __future__ import annotations

from datetime import date

from indicators.ingest import read_observations
from indicators.model import PlanModel

TODAY = date(2026, 11, 26)
MONTHS = [f"{y}M{m:02d}" for y in range(2014, 2026) for m in range(1, 13)]
CODES = ["32", "3201", "3203", "3205", "3207"]


def _duplicates(lines: list[str], model: PlanModel) -> list[tuple[int, int]]:
    """(line, first line) of every duplicate-row error the reader lists."""
    text = "\n".join(["indikator;region;periode;serie;verdi", *lines]).encode()
    result = read_observations(text, model, name="f.csv", today=TODAY)
    return [(int(i.line), int(i.params["first_line"])) for i in result.errors
            if i.key == "ingest.error.duplicate_key"]


def test_repeats_in_a_file_of_few_keys_name_their_first_line(model: PlanModel) -> None:
    rows = [f"2B-04;{c};{m};;2,5" for c in CODES for m in MONTHS[:100]]  # lines 2–501
    repeats = [rows[7], rows[300], rows[7]]  # lines 502–504
    assert _duplicates(rows + repeats, model) == [(502, 9), (503, 302), (504, 9)]


def test_repeats_in_a_file_of_widely_spread_keys_name_their_first_line(model: PlanModel) -> None:
    # Every row its own series and month: far more possible keys than rows.
    rows = [f"2B-04;{CODES[i % 5]};{MONTHS[i]};s{i};2,5" for i in range(120)]  # lines 2–121
    repeats = [rows[0], rows[119], rows[55]]  # lines 122–124
    assert _duplicates(rows + repeats, model) == [(122, 2), (123, 121), (124, 57)]
