"""Issue 15.3: the reader's shortcuts for big files (each distinct value checked once, one sort
key, blank lines looked for where a line starts with a space) give the messages of the long way."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.ingest import read_observations, rules
from indicators.model import PlanModel

TODAY = date(2026, 11, 26)
MONTHS = [f"{y}M{m:02d}" for y in range(2014, 2026) for m in range(1, 13)]


def _messages(result) -> list[tuple]:  # noqa: ANN001 — a ReadResult
    return [(i.line, i.column, i.message("nb")) for i in result.errors + result.warnings]


def test_a_repeated_bad_figure_is_reported_on_each_of_its_lines(model: PlanModel) -> None:
    # 400 rows, 3 distinct figures: the figures are parsed once each, the errors still per line.
    lines = ["indikator;region;periode;verdi"]
    lines += [f"2B-04;32;{MONTHS[i]};{('2,5', 'tre', '3,5')[i % 3]}" for i in range(140)]
    result = read_observations("\n".join(lines).encode(), model, name="f.csv", today=TODAY)
    bad = [i for i in result.errors if i.key == "ingest.error.not_a_number"]
    assert result.total_errors == 47
    assert [i.line for i in bad] == [3 + 3 * k for k in range(47)]  # rows 1, 4, 7 … of 140
    assert {i.params["text"] for i in bad} == {"tre"}


def test_lines_are_counted_right_in_a_file_of_indented_lines_with_blank_ones_between(
        model: PlanModel) -> None:
    # More than 10 000 lines start with a space (the reader then counts every byte instead).
    for rows in (50, 10_050):
        lines = ["indikator;region;periode;serie;verdi"]
        for i in range(rows):
            lines.append(f" 2B-04;32;{MONTHS[i % len(MONTHS)]};s{i // len(MONTHS)};2,5")
            if i % 1000 == 7:
                lines.append("   ")  # a line of spaces is no row
        lines.append(" 2B-04;32;2025M01;x;to")  # the last line: a figure in words
        result = read_observations("\n".join(lines).encode(), model, name="f.csv", today=TODAY)
        assert [(i.line, i.key) for i in result.errors] == [(len(lines),
                                                              "ingest.error.not_a_number")]


def test_duplicates_and_jumps_read_the_same_whichever_way_the_rows_are_sorted(
        model: PlanModel, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["indikator;region;periode;serie;verdi"]
    lines += [f"2B-04;{region};{month};{series};{value}"
              for series in ("", "a") for region in ("32", "3201")
              for month, value in zip(MONTHS[:6], ("2", "2,1", "5", "5", "1", "1,1"), strict=True)]
    jumps = "\n".join(lines).encode()
    twice = "\n".join([*lines, "2B-04;3201;2014M02;a;9"]).encode()
    quick = [read_observations(raw, model, name="f.csv", today=TODAY) for raw in (jumps, twice)]
    monkeypatch.setattr(rules, "combined_key", lambda _columns: None)  # as if too many to pack
    slow = [read_observations(raw, model, name="f.csv", today=TODAY) for raw in (jumps, twice)]
    assert quick[0].total_warnings == 8 and quick[1].errors[0].key == "ingest.error.duplicate_key"
    assert [_messages(r) for r in quick] == [_messages(r) for r in slow]
