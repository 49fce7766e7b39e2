"""Statistical periods: parse the forms planners write and give each its canonical text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import pandas as pd

Freq = Literal["A", "Q", "M", "SY", "MY"]

# Years outside this window are typing errors, not statistics (no series here starts before 1900).
MIN_YEAR = 1900
MAX_YEAR = 2999

# The period forms an indicator of each frequency (model.Indicator.frequency) takes. Each takes
# one form per placement on the yearly axis, so that no two stored periods of a series can land
# on the same year (progress.annual_points refuses a year with two values). "irregular" is for
# figures that come now and then: single years, or several years pooled (2021-2023, placed at
# 2023); a file may not give both a year and a pooled period ending in it (rules.py checks).
ACCEPTS: dict[str, tuple[Freq, ...]] = {
    "annual": ("A",),
    "quarterly": ("Q",),
    "monthly": ("M",),
    "school_year": ("SY",),
    "irregular": ("A", "MY"),
}
YEARLY: tuple[Freq, ...] = ("A", "SY", "MY")  # one value per year on the yearly axis

# All patterns are ASCII-only: text is NFKC-normalised first (full-width ２０２４ becomes 2024),
# and any other digit (Arabic-Indic ٢٠٢٤ …) is no period rather than another year.
_DASH = "[-\u2013\u2014]"  # Excel and Word turn "-" into en or em dashes
_ANNUAL = re.compile(r"(\d{4})", re.ASCII)
_QUARTER = re.compile(r"(\d{4})\s*-?\s*[KQ]([1-4])", re.ASCII)
_MONTH = re.compile(r"(\d{4})\s*(?:M\s*(\d{1,2})|-(\d{2}))", re.ASCII)
_SCHOOL_YEAR = re.compile(r"(\d{4})\s*/\s*(\d{2}|\d{4})", re.ASCII)
_MULTI_YEAR = re.compile(rf"(\d{{4}})\s*{_DASH}\s*(\d{{4}})", re.ASCII)


@dataclass(frozen=True)
class Period:
    """A period in canonical form; `year` is where it is placed on a yearly axis."""

    canonical: str
    year: int
    freq: Freq
    sub: int | None = None


def parse_period(text: object) -> Period | None:
    """The period written in `text`, or None when it is not one of the accepted forms."""
    period = parse_any_year(text)
    return period if period is not None and MIN_YEAR <= period.year <= MAX_YEAR else None


def parse_any_year(text: object) -> Period | None:
    """parse_period without the window of plausible years (to say why 1899 is refused)."""
    if text is None:
        return None
    raw = unicodedata.normalize("NFKC", str(text)).strip().upper()
    for parse in (_annual, _quarter, _month, _school_year, _multi_year):
        period = parse(raw)
        if period is not None:
            return period
    return None


def foreign_digits(text: str) -> bool:
    """True when `text` holds a digit that is not 0-9 even after NFKC normalisation."""
    return any(ch.isdigit() and not ch.isascii() for ch in unicodedata.normalize("NFKC", text))


def fits(period: Period, frequency: str) -> bool:
    """True when an indicator of `frequency` takes `period` (ACCEPTS)."""
    return period.freq in ACCEPTS.get(frequency, ())


def example(frequency: str, year: int) -> str:
    """A period of `frequency` placed at `year`, to show what to write (2012 -> 2011/12)."""
    first = ACCEPTS.get(frequency, ("A",))[0]
    return {"A": f"{year}", "Q": f"{year}K1", "M": f"{year}M01",
            "SY": f"{year - 1}/{year % 100:02d}", "MY": f"{year - 2}-{year}"}[first]


def placement(period: Period) -> str:
    """Where a period sits: its year for yearly forms (2023 and 2021-2023 share one), else itself."""
    return str(period.year) if period.freq in YEARLY else period.canonical


def _annual(raw: str) -> Period | None:
    m = _ANNUAL.fullmatch(raw)
    return Period(raw, int(raw), "A") if m else None


def _quarter(raw: str) -> Period | None:
    m = _QUARTER.fullmatch(raw)
    if not m:
        return None
    year, quarter = int(m[1]), int(m[2])
    return Period(f"{year}K{quarter}", year, "Q", quarter)


def _month(raw: str) -> Period | None:
    m = _MONTH.fullmatch(raw)
    if not m:
        return None
    year, month = int(m[1]), int(m[2] or m[3])
    if not 1 <= month <= 12:
        return None
    return Period(f"{year}M{month:02d}", year, "M", month)


def _school_year(raw: str) -> Period | None:
    m = _SCHOOL_YEAR.fullmatch(raw)
    if not m:
        return None
    start = int(m[1])
    end = int(m[2]) if len(m[2]) == 4 else (start // 100) * 100 + int(m[2])
    if len(m[2]) == 2 and end <= start:  # "1999/00" crosses a century
        end += 100
    if end != start + 1:
        return None
    return Period(f"{start}/{end % 100:02d}", end, "SY")


def _multi_year(raw: str) -> Period | None:
    m = _MULTI_YEAR.fullmatch(raw)
    if not m:
        return None
    start, end = int(m[1]), int(m[2])
    if end <= start:
        return None
    return Period(f"{start}-{end}", end, "MY")


def parse_periods(texts: pd.Series) -> pd.DataFrame:
    """Vectorised parse_period: columns period, year, freq, sub (all missing where invalid).

    Periods repeat heavily in observation files, so each distinct text is parsed once.
    """
    codes, uniques = pd.factorize(texts, use_na_sentinel=False)
    parsed = [parse_period(u) for u in uniques]
    table = pd.DataFrame(
        {
            "period": pd.array([p.canonical if p else None for p in parsed], dtype="str"),
            "year": pd.array([p.year if p else None for p in parsed], dtype="Int64"),
            "freq": pd.array([p.freq if p else None for p in parsed], dtype="str"),
            "sub": pd.array([p.sub if p else None for p in parsed], dtype="Int64"),
        }
    )
    out = table.take(codes)
    out.index = texts.index
    return out


def break_year(text: object) -> int | None:
    """The year from which values are comparable again after a break at period `text`.

    A sub-annual period counts from the first whole year on or after it (2022M01 -> 2022,
    2018M11 -> 2019, 2020K2 -> 2021); a year is itself, a multi-year period its first year
    (docs/progress-method.md, "Series breaks"). A school year is the year it is placed at on the
    yearly axis (its end year: 2018/19 -> 2019), so that the school year of the break is the
    first value after it. The method text this project started from counted it "by its start
    year (2018/19 -> 2018)", which assumes school years placed at their start; here they are
    placed at their end year (docs/data-formats.md), and 2018 would make 2017/18 the first
    "comparable" value. docs/progress-method.md records the deviation.
    None when `text` is not a period.
    """
    period = parse_period(text)
    if period is None:
        return None
    if period.freq in ("M", "Q"):
        return period.year if period.sub == 1 else period.year + 1
    if period.freq == "MY":
        return int(period.canonical.split("-")[0])
    return period.year
