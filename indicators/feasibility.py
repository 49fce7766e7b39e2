"""Is a target within reach? The change per year it needs, against the changes the data has shown.

Before anyone adopts a target (config/goals.yaml, or the target editor), this says how fast the
indicator must move from its latest value to reach it, and how fast it has moved before: over
every 5-year window of every area the database holds (Akershus, Oslo, Norway, the municipalities,
the old county), never across a break in the series, always on yearly values (a monthly or
quarterly series as the mean of each complete year, as the status method does). The rule that
turns the comparison into realistisk / ambisiøst / urealistisk is `label` below, and the Metode
page states it (`rule_text`).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

import pandas as pd

from indicators import explain, progress
from indicators.i18n import format_value, t, t_n
from indicators.model import Indicator
from indicators.periods import ACCEPTS

WINDOW_YEARS = 5  # the span of each window of past change
MIN_WINDOWS = 5  # fewer windows than this: "for lite data"
LABELS = ("realistic", "ambitious", "unrealistic", "too_little_data")


@dataclass(frozen=True)
class Window:
    """One area's change over WINDOW_YEARS years, per year (points, or relative growth)."""

    region_code: str
    start: int
    end: int
    change: float


@dataclass(frozen=True)
class Feasibility:
    """What a target needs per year against what the data shows; `label` in LABELS, or None with
    `reason` when there is nothing to judge (no latest value, target year not after it, ...).

    `measure` is "points" for a percent (percentage points per year: a share moves the same in
    a small municipality as in Norway) and "growth" otherwise (relative change per year, since
    the areas differ in size). Changes are signed as the values move; `best` is the window that
    moved furthest the way the indicator wants.
    """

    measure: str
    target_value: float
    target_year: int
    from_year: int | None = None
    from_value: float | None = None
    required: float | None = None
    best: float | None = None
    median: float | None = None
    windows: int = 0
    areas: int = 0
    label: str | None = None
    reason: str | None = None

    @property
    def met(self) -> bool:
        """The latest value already reaches the target."""
        return self.reason == "met"


def measure_of(indicator: Indicator) -> str:
    return "points" if indicator.unit == "percent" else "growth"


def yearly_points(indicator: Indicator, rows: pd.DataFrame) -> list[tuple[int, float]]:
    """One area's headline series as one value per year, from the periods the indicator's
    frequency takes only (a stray yearly row beside monthly ones is not mixed in)."""
    kept = rows[rows["series"].fillna("") == ""] if "series" in rows else rows
    kept = kept[kept["freq"].isin(ACCEPTS.get(indicator.frequency, ()))]
    try:
        return progress.clean_points(progress.annual_points(kept))
    except progress.SeriesError:
        return []  # a year given twice: this area says nothing about past change


def change(measure: str, v0: float, v1: float, years: int) -> float | None:
    """The change per year from v0 to v1: points, or relative growth (None across zero)."""
    if measure == "points":
        return (v1 - v0) / years
    if v0 <= 0 or v1 <= 0:
        return None
    return progress.cagr(v1, v0, years, 0)


def windows(indicator: Indicator, frame: pd.DataFrame) -> list[Window]:
    """Every WINDOW_YEARS-year window with a value at both ends, in every area of `frame`, that
    no break of the series falls inside (a break year B with start < B <= end)."""
    measure, breaks = measure_of(indicator), indicator.break_years()
    found = []
    for region, rows in frame.groupby("region_code", sort=True):
        values = dict(yearly_points(indicator, rows))
        for start, v0 in values.items():
            end = start + WINDOW_YEARS
            if end not in values or any(start < b <= end for b in breaks):
                continue
            rate = change(measure, v0, values[end], WINDOW_YEARS)
            if rate is not None:
                found.append(Window(str(region), start, end, rate))
    return found


def latest_point(indicator: Indicator, frame: pd.DataFrame) -> tuple[int, float] | None:
    """The headline area's latest yearly value: where the target is reached from."""
    rows = frame[frame["region_code"] == indicator.headline_region]
    points = yearly_points(indicator, rows)
    return points[-1] if points else None


def assess_target(indicator: Indicator, frame: pd.DataFrame, value: float | None = None,
                  year: int | None = None) -> Feasibility | None:
    """How feasible a target is: the indicator's own target, or `value` by `year` (a proposal
    being edited). `frame` holds the indicator's observations for every area (store.observations
    with no regions). None when there is no target to judge."""
    target = indicator.target
    value = value if value is not None else (target.value if target else None)
    year = year if year is not None else (target.year if target else None)
    if value is None or year is None:
        return None
    base = Feasibility(measure_of(indicator), float(value), int(year))
    d = progress.DIRECTIONS.get(indicator.direction, 0)
    latest = latest_point(indicator, frame)
    if d == 0:
        return _with(base, reason="context")
    if latest is None:
        return _with(base, reason="no_latest")
    from_year, from_value = latest
    base = _with(base, from_year=from_year, from_value=from_value)
    if year <= from_year:
        return _with(base, reason="year_passed")
    required = change(base.measure, from_value, float(value), year - from_year)
    if required is None:
        return _with(base, reason="sign")
    found = windows(indicator, frame)
    changes = [w.change for w in found]
    return label(_with(base, required=required, windows=len(found),
                       areas=len({w.region_code for w in found}),
                       best=max(changes, key=lambda c: d * c) if changes else None,
                       median=statistics.median(changes) if changes else None), d)


def label(f: Feasibility, d: int) -> Feasibility:
    """The rule (stated on the Metode page): the target already met → realistisk; fewer than
    MIN_WINDOWS windows → for lite data; the required change per year, in the wanted direction,
    no more than the median window's → realistisk; no more than the best window's → ambisiøst;
    beyond the best → urealistisk."""
    if f.required is None:  # no target to rate
        return f
    need = d * f.required
    if need <= 0:
        return _with(f, label="realistic", reason="met")
    if f.windows < MIN_WINDOWS or f.median is None or f.best is None:
        return _with(f, label="too_little_data")
    if need <= d * f.median:
        return _with(f, label="realistic")
    return _with(f, label="ambitious" if need <= d * f.best else "unrealistic")


_with = replace  # a Feasibility with some fields changed


# ---- words ---------------------------------------------------------------------------------------

def rate_text(f: Feasibility, indicator: Indicator, x: float | None, lang: str) -> str:
    """A change per year as the status sentence words it: `+0,75 prosentpoeng per år` for a
    percent, `+1,20 % per år` otherwise."""
    if f.measure == "points":
        return explain.format_per_year(x, indicator.unit, lang)
    return explain.format_growth(x, lang, signed=True)


def label_text(f: Feasibility, lang: str) -> str:
    """`Realistisk`, `Ambisiøst`, `Urealistisk`, `For lite data` ('' when not judged)."""
    return t(f"feasibility.label.{f.label}", lang) if f.label else ""


def text(f: Feasibility, indicator: Indicator, lang: str) -> str:
    """The judgement in plain words with the numbers behind it (plain text, no markdown)."""
    if f.reason in ("context", "no_latest"):
        return t(f"feasibility.reason.{f.reason}", lang)
    unit = indicator.unit
    values = {"from_year": explain.year_text(indicator, f.from_year),
              "from_value": format_value(f.from_value, unit, lang, word=indicator.word(lang)),
              "year": explain.year_text(indicator, f.target_year),
              "target": format_value(f.target_value, unit, lang, word=indicator.word(lang))}
    if indicator.frequency in explain.SUB_ANNUAL:
        values["from_value"] = t("feasibility.annual_mean", lang, value=values["from_value"])
    if f.reason in ("year_passed", "sign", "met"):
        return t(f"feasibility.reason.{f.reason}", lang, **values)
    parts = [t("feasibility.required", lang, rate=rate_text(f, indicator, f.required, lang),
               **values)]
    if f.windows:
        parts.append(t("feasibility.shown", lang, median=rate_text(f, indicator, f.median, lang),
                       best=rate_text(f, indicator, f.best, lang),
                       windows=t_n("feasibility.windows", f.windows, lang, years=WINDOW_YEARS),
                       areas=t_n("feasibility.areas", f.areas, lang)))
    if f.label == "too_little_data":
        parts.append(t("feasibility.too_few", lang, min=MIN_WINDOWS, years=WINDOW_YEARS))
    return " ".join(parts)


def rule_text(lang: str) -> str:
    """The rule as the Metode page states it (markdown from the catalogue, numbers filled in)."""
    return t("feasibility.method.body", lang, years=WINDOW_YEARS, min=MIN_WINDOWS)
