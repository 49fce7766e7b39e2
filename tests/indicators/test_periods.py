"""The period parser: every accepted form gives its canonical text and placement year."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import periods
from indicators.periods import Period, parse_period, parse_periods


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", Period("2024", 2024, "A")),
        (" 2024 ", Period("2024", 2024, "A")),
        ("2024K1", Period("2024K1", 2024, "Q", 1)),
        ("2024k4", Period("2024K4", 2024, "Q", 4)),
        ("2024Q2", Period("2024K2", 2024, "Q", 2)),
        ("2024q3", Period("2024K3", 2024, "Q", 3)),
        ("2024M01", Period("2024M01", 2024, "M", 1)),
        ("2024m1", Period("2024M01", 2024, "M", 1)),
        ("2024M12", Period("2024M12", 2024, "M", 12)),
        ("2024-01", Period("2024M01", 2024, "M", 1)),
        ("2011-12", Period("2011M12", 2011, "M", 12)),
        ("2011/12", Period("2011/12", 2012, "SY")),
        ("2011/2012", Period("2011/12", 2012, "SY")),
        ("1999/00", Period("1999/00", 2000, "SY")),
        ("2021-2023", Period("2021-2023", 2023, "MY")),
        ("2021–2023", Period("2021-2023", 2023, "MY")),
        ("2011-2012", Period("2011-2012", 2012, "MY")),
    ],
)
def test_accepted_forms(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "24", "20245", "2024M13", "2024M00", "2024-13", "2024K5", "2024K0", "2011/13",
     "2012/11", "2023-2021", "2023-2023", "jan 2024", "2024.0", "12,5", None, "0999"],
)
def test_rejected_forms(text: str | None) -> None:
    assert parse_period(text) is None


def test_parse_periods_is_vectorised_and_keeps_the_index() -> None:
    texts = pd.Series(["2024-01", "2011/12", "x", "2024M01"], index=[10, 11, 12, 13], dtype=str)
    parsed = parse_periods(texts)
    assert list(parsed.index) == [10, 11, 12, 13]
    assert parsed["period"].isna().tolist() == [False, False, True, False]
    assert parsed["period"].dropna().tolist() == ["2024M01", "2011/12", "2024M01"]
    assert parsed["year"].tolist() == [2024, 2012, pd.NA, 2024]
    assert parsed["freq"].dropna().tolist() == ["M", "SY", "M"]
    assert parsed["sub"].tolist() == [1, pd.NA, pd.NA, 1]


def test_years_before_1900_are_typos_and_digits_are_ascii_after_nfkc() -> None:
    assert parse_period("1899") is None and parse_period("1900") == Period("1900", 1900, "A")
    assert parse_period("２０２４") == Period("2024", 2024, "A")  # full-width: the same year
    assert parse_period("２０２４Ｍ０１") == Period("2024M01", 2024, "M", 1)
    assert parse_period("٢٠٢٤") is None  # Arabic-Indic digits: no ASCII form, no period


@pytest.mark.parametrize(("frequency", "accepted", "refused", "example"), [
    ("annual", ["2024"], ["2024K1", "2024M01", "2023/24", "2022-2024"], "2024"),
    ("quarterly", ["2024K1"], ["2024", "2024M01"], "2024K1"),
    ("monthly", ["2024M01", "2024-01"], ["2024", "2024K1"], "2024M01"),
    ("school_year", ["2023/24"], ["2024", "2023-2024"], "2023/24"),
    ("irregular", ["2024", "2022-2024"], ["2024K1", "2024M01", "2023/24"], "2024"),
])
def test_each_frequency_accepts_one_form_per_place_on_the_yearly_axis(
        frequency: str, accepted: list[str], refused: list[str], example: str) -> None:
    assert all(periods.fits(parse_period(p), frequency) for p in accepted)
    assert not any(periods.fits(parse_period(p), frequency) for p in refused)
    assert periods.example(frequency, 2024) == example
