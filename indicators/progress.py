"""Progress status of an indicator toward its goal (Statistics Canada / Eurostat SDG method)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

# Ordered best -> worst; `not_assessed` (context indicators, shown but not rated) comes last.
STATUSES: tuple[str, ...] = (
    "target_achieved",
    "on_track",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
    "not_assessed",
)
DIRECTIONS = {"increase": 1, "decrease": -1, "none": 0}

# Reason keys (why a progress value could not be computed).
REASONS: tuple[str, ...] = (
    "no_data",  # no value at all
    "no_base",  # no value in or after the base year
    "too_few_years",  # t_cur - t_base < 1
    "sign_change",  # base and current value have opposite signs
    "target_sign",  # base value and target have opposite signs
    "target_year",  # target year is not after the base year
    "context",  # direction "none": a context indicator, shown but not assessed
    "break",  # fewer than two years left after a break in the series
    # The stored series itself cannot be read as one value per year (SeriesError):
    "duplicate_year",  # a year given twice (e.g. as school year 2011/12 and as year 2012)
    "duplicate_period",  # a month or quarter given twice
    "unreadable",  # rows the method cannot use at all (an unknown frequency)
)

# Why a roll-up leaves a member out of its mean, in order of precedence (progress-method.md).
EXCLUSIONS: tuple[str, ...] = ("context", "no_data", "other_area", "stale")
# The county a roll-up speaks for; other areas (e.g. the pre-2020 county 02) are shown, not counted.
COUNTY = "32"
STALE_AFTER = 3  # years after which a latest figure is too old to count in a roll-up

METHOD1_THRESHOLDS = (0.015, 0.005, 0.0)
METHOD2_THRESHOLDS = (0.95, 0.6, 0.0)
LIMIT_EXPONENT = 4.44
ZERO_STANDIN = 0.001  # the method replaces a zero base or target by this to keep CAGR defined
ROLLUP_THRESHOLDS = ((2.5, "on_track"), (0.0, "moderate_progress"), (-2.5, "limited_progress"))
PROJECTION_POINTS = 8
# One-sided 0.90 quantiles of Student's t (two-sided 80 % interval) for df = n - 2, n = 3..8.
T90 = {1: 3.077684, 2: 1.885618, 3: 1.637744, 4: 1.533206, 5: 1.475884, 6: 1.439756}

Point = tuple[int, float | None]


@dataclass(frozen=True)
class Assessment:
    """An indicator's status and the numbers that made it."""

    status: str
    score: float | None = None
    progress_value: float | None = None
    base_year: int | None = None
    base_value: float | None = None
    current_year: int | None = None
    current_value: float | None = None
    reason: str | None = None
    method: int = 1
    cagr: float | None = None
    required_growth: float | None = None
    thresholds: tuple[float, float, float] = METHOD1_THRESHOLDS
    coefficient: float | None = None
    break_year: int | None = None  # the base moved past a break in the series to this year
    stale: bool = False  # the latest figure is older than the indicator's stale_after years
    problem_year: int | None = None  # the year a SeriesError is about (duplicate_year/_period)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Member:
    """One indicator of a roll-up: its assessment and the area its headline series covers."""

    id: str
    assessment: Assessment
    region_code: str = COUNTY


@dataclass(frozen=True)
class Rollup:
    """Status of a group of indicators (a delmål, theme or focus area).

    `counted` are the ids in the mean; `excluded` maps every other member to its one reason
    (EXCLUSIONS). A roll-up resting on fewer than 2 counted members, or on fewer than half of
    its assessed members, is `provisional`: shown as "Foreløpig".
    """

    status: str
    score: float | None
    counts: dict[str, int] = field(default_factory=dict)
    counted: tuple[str, ...] = ()
    excluded: dict[str, str] = field(default_factory=dict)
    provisional: bool = False

    @property
    def n_counted(self) -> int:
        return len(self.counted)

    @property
    def n_assessed(self) -> int:
        """Members that are not context: the M in "bygger på N av M indikatorer"."""
        return len(self.counted) + sum(r != "context" for r in self.excluded.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Projection:
    """OLS trend line with an 80 % prediction band ("if the trend continues")."""

    years: tuple[int, ...]
    values: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    slope: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SeriesError(ValueError):
    """Stored rows that cannot be read as one value per year; `reason` is a key in REASONS."""

    def __init__(self, reason: str, message: str, year: int | None = None) -> None:
        super().__init__(message)
        self.reason, self.year = reason, year


def cagr(v1: float, v0: float, t1: int, t0: int) -> float:
    """Compound annual growth rate from (t0, v0) to (t1, v1)."""
    return float((v1 / v0) ** (1 / (t1 - t0)) - 1)


def clean_points(points: Iterable[Point]) -> list[tuple[int, float]]:
    """Drop missing values and sort by year; a year given twice is an error."""
    out: dict[int, float] = {}
    for year, value in points:
        if value is None or pd.isna(value):
            continue
        year = int(year)
        if year in out:
            raise SeriesError("duplicate_year", f"year {year} has more than one value", year)
        out[year] = float(value)
    return sorted(out.items())


def assess(
    points: Iterable[Point],
    direction: str,
    base_year: int | None = None,
    target: float | None = None,
    target_year: int | None = None,
    limit: float | None = None,
    breaks: Iterable[int] = (),
    as_of: date | None = None,
    stale_after: int = STALE_AFTER,
) -> Assessment:
    """Rate progress per progress-method.md, including its rules for breaks and staleness.

    `breaks` are break years B (values of B and later cannot be compared with earlier ones);
    `as_of` is "today" for the staleness rule (None: today's date).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {sorted(DIRECTIONS)}, not {direction!r}")
    if target is not None and target_year is None:
        raise ValueError("a target needs a target_year")
    method = 2 if target is not None else 1
    start = Assessment(
        status="not_available",
        method=method,
        thresholds=METHOD2_THRESHOLDS if method == 2 else METHOD1_THRESHOLDS,
    )
    series = clean_points(points)
    if not series:
        reason = "context" if direction == "none" else "no_data"
        return replace(start, status=_unrated(direction), reason=reason)
    today = as_of or date.today()
    start = replace(start, current_year=series[-1][0], current_value=series[-1][1],
                    stale=today.year - series[-1][0] > stale_after)
    if direction == "none":
        return replace(start, status="not_assessed", reason="context")
    result = _rate(start, series, DIRECTIONS[direction], base_year, target, target_year, limit,
                   tuple(breaks))
    if target is not None and _achieved(series[-1][1], target, DIRECTIONS[direction]):
        # A met target wins whatever else holds, even without a computable progress value.
        return replace(result, status="target_achieved", score=5.0, reason=None)
    return result


def _unrated(direction: str) -> str:
    return "not_assessed" if direction == "none" else "not_available"


def _achieved(current: float, target: float, d: int) -> bool:
    # Compared with the target as written (not its 0.001 stand-in): 0 meets a target of 0.
    return current >= target if d == 1 else current <= target


def _base_point(series: list[tuple[int, float]], base_year: int | None) -> tuple[int, float] | None:
    """The base year's point, else the first later point with a value."""
    first = series[0][0] if base_year is None else base_year
    return next(((t, v) for t, v in series if t >= first), None)


def _rate(
    start: Assessment,
    series: list[tuple[int, float]],
    d: int,
    base_year: int | None,
    target: float | None,
    target_year: int | None,
    limit: float | None,
    breaks: tuple[int, ...],
) -> Assessment:
    base = _base_point(series, base_year)
    if base is None:
        return replace(start, reason="no_base")
    t_cur, y_cur = series[-1]
    moved = break_after(base[0], t_cur, breaks)
    if moved is not None:
        # Values before the break measure something else: compare only what came after it.
        base = _base_point(series, moved) or base  # t_cur >= moved: a point is always found
    t_base, y_base = base
    a = replace(start, base_year=t_base, base_value=y_base, break_year=moved)
    if t_cur - t_base < 1:
        return replace(a, reason="break" if moved is not None else "too_few_years")
    yb = y_base or ZERO_STANDIN
    if yb * y_cur < 0:
        return replace(a, reason="sign_change")
    growth = cagr(y_cur, yb, t_cur, t_base)
    a = replace(a, cagr=growth)
    sign = -1 if yb < 0 else 1
    if target is None or target_year is None:  # assess() refuses a target without a year
        return _method1(a, sign * d * growth, _coefficient(yb, limit))
    return _method2(a, sign * d * growth, (t_base, yb), target, target_year)


def break_after(t_base: int, t_cur: int, breaks: Iterable[int]) -> int | None:
    """The latest break year B with t_base < B <= t_cur, or None."""
    return max((int(b) for b in breaks if t_base < int(b) <= t_cur), default=None)


def _coefficient(y_base: float, limit: float | None) -> float:
    """Threshold coefficient C: near a natural bound, less growth is needed to be on track."""
    if limit is None:
        return 1.0
    b, lim = abs(y_base), abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return float(1 - (b / lim) ** LIMIT_EXPONENT)
    return float(1 - ((2 * lim - b) / lim) ** LIMIT_EXPONENT)


def _method1(a: Assessment, pv: float, c: float) -> Assessment:
    high, med, low = (x * c for x in METHOD1_THRESHOLDS)
    thresholds = (high, med, low)
    if pv < low:
        score = max(125 * pv - 2.5, -5.0)
    elif c == 0:
        score = 5.0
    elif pv >= high:
        score = min(500 * pv / c - 5, 5.0)
    elif pv >= med:
        score = 250 * pv / c - 1.25
    else:
        score = 500 * pv / c - 2.5
    return replace(
        a,
        status=_status(pv, thresholds),
        score=score,
        progress_value=pv,
        thresholds=thresholds,
        coefficient=c,
    )


def _method2(
    a: Assessment, signed_growth: float, base: tuple[int, float], target: float, target_year: int
) -> Assessment:
    tv = target or ZERO_STANDIN
    base_year, yb = base
    if target_year <= base_year:
        return replace(a, reason="target_year")
    if tv * yb < 0:
        return replace(a, reason="target_sign")
    req = cagr(tv, yb, target_year, base_year)
    a = replace(a, required_growth=req)
    if req == 0:
        # Target equals the base value and is not met: any non-improvement is a failure.
        return replace(a, status="deterioration", score=-5.0)
    pv = signed_growth / abs(req)
    score = min(7.1429 * pv - 4.2857, 5.0) if pv >= 0.6 else max(4.1667 * pv - 2.5, -5.0)
    return replace(a, status=_status(pv, METHOD2_THRESHOLDS), score=score, progress_value=pv)


def _status(pv: float, thresholds: tuple[float, float, float]) -> str:
    high, med, low = thresholds
    if pv >= high:
        return "on_track"
    if pv >= med:
        return "moderate_progress"
    if pv >= low:
        return "limited_progress"
    return "deterioration"


# --- observation frame -> yearly points -------------------------------------------------------

ANNUAL_FREQS = {"A", "SY", "MY", "annual", "school_year", "irregular"}
PERIODS_PER_YEAR = {"Q": 4, "M": 12, "quarterly": 4, "monthly": 12}


def annual_points(frame: pd.DataFrame) -> list[Point]:
    """One value per year for ONE series; sub-annual data as the mean of complete years."""
    annual: dict[int, float | None] = {}
    means: dict[int, float] = {}
    for key, rows in frame.groupby("freq", sort=False):
        freq = str(key)
        if freq in ANNUAL_FREQS:
            _add_annual(annual, rows)
        elif freq in PERIODS_PER_YEAR:
            means.update(_complete_year_means(rows, PERIODS_PER_YEAR[freq]))
        else:
            raise SeriesError("unreadable", f"unknown frequency {freq!r}")
    # A year given as a whole is preferred over a mean of its months or quarters.
    return sorted({**means, **annual}.items())


def _add_annual(out: dict[int, float | None], rows: pd.DataFrame) -> None:
    for year, value in zip(rows["year"], rows["value"], strict=True):
        year = int(year)
        if year in out:
            raise SeriesError("duplicate_year", f"year {year} has more than one value", year)
        out[year] = None if pd.isna(value) else float(value)


def _complete_year_means(rows: pd.DataFrame, per_year: int) -> dict[int, float]:
    twice = rows.duplicated(["year", "sub"])
    if twice.any():
        year = int(rows.loc[twice, "year"].iloc[0])
        raise SeriesError("duplicate_period", f"a month or quarter of {year} has more than one value",
                          year)
    valued = rows[rows["value"].notna()]
    out: dict[int, float] = {}
    for _, group in valued.groupby("year"):
        subs = set(int(s) for s in group["sub"])
        if subs == set(range(1, per_year + 1)):
            out[int(group["year"].iloc[0])] = float(group["value"].mean())
    return out


# --- roll-up ----------------------------------------------------------------------------------

def exclusion(member: Member) -> str | None:
    """Why a member may not count in a roll-up's mean (first reason in EXCLUSIONS), or None."""
    a = member.assessment
    if a.status == "not_assessed" or a.reason == "context":
        return "context"
    if a.score is None:
        return "no_data"
    if member.region_code != COUNTY:
        return "other_area"
    if a.stale:
        return "stale"
    return None


def rollup(members: Iterable[Member | Assessment]) -> Rollup:
    """Mean score and status of the members that may be counted (progress-method.md).

    A bare Assessment is taken as a member for the county with no id of its own.
    """
    counts = dict.fromkeys(STATUSES, 0)
    counted: list[Member] = []
    excluded: dict[str, str] = {}
    for i, m in enumerate(members):
        member = m if isinstance(m, Member) else Member(f"#{i + 1}", m)
        counts[member.assessment.status] += 1
        reason = exclusion(member)
        if reason is None:
            counted.append(member)
        else:
            excluded[member.id] = reason
    ids = tuple(m.id for m in counted)
    if not counted:
        return Rollup("not_available", None, counts, ids, excluded, False)
    scored = [m.assessment for m in counted]
    # exclusion() counts only members with a score
    mean = sum(a.score for a in scored if a.score is not None) / len(scored)
    n_assessed = len(counted) + sum(r != "context" for r in excluded.values())
    provisional = len(counted) < 2 or len(counted) < n_assessed / 2
    return Rollup(_rollup_status(scored, mean), mean, counts, ids, excluded, provisional)


def _rollup_status(scored: list[Assessment], mean: float) -> str:
    if all(a.status == "target_achieved" for a in scored):
        return "target_achieved"
    return next((s for limit, s in ROLLUP_THRESHOLDS if mean >= limit), "deterioration")


# --- chart helpers ----------------------------------------------------------------------------

def required_path(
    base_year: int, base_value: float, target: float, target_year: int
) -> list[tuple[int, float]]:
    """Yearly points from base to target at constant growth; [] when no such path exists."""
    if target_year <= base_year:
        return []
    v0, v1 = base_value or ZERO_STANDIN, target or ZERO_STANDIN
    if v0 * v1 < 0:
        return []
    n = target_year - base_year
    path = [(base_year + k, v0 * (v1 / v0) ** (k / n)) for k in range(n + 1)]
    # The ends are the values as written, not the 0.001 stand-in for a zero.
    path[0], path[-1] = (base_year, float(base_value)), (target_year, float(target))
    return path


def projection(points: Iterable[Point], to_year: int, since: int | None = None
               ) -> Projection | None:
    """OLS line through the last up-to-8 yearly points, from the first fitted year to to_year.

    `since` (a break year) leaves out the points before it: a trend is not fitted across a break.
    """
    series = [(t, v) for t, v in clean_points(points) if since is None or t >= since]
    series = series[-PROJECTION_POINTS:]
    n = len(series)
    if n < 3:
        return None
    x = np.array([t for t, _ in series], dtype=float)
    y = np.array([v for _, v in series], dtype=float)
    xbar = x.mean()
    sxx = float(((x - xbar) ** 2).sum())
    slope = float(((x - xbar) * (y - y.mean())).sum() / sxx)
    fitted_at = y.mean() + slope * (x - xbar)
    s = math.sqrt(float(((y - fitted_at) ** 2).sum()) / (n - 2))
    years = np.arange(series[0][0], max(to_year, series[-1][0]) + 1)
    values = y.mean() + slope * (years - xbar)
    half = T90[n - 2] * s * np.sqrt(1 + 1 / n + (years - xbar) ** 2 / sxx)
    return Projection(
        years=tuple(int(t) for t in years),
        values=tuple(float(v) for v in values),
        lower=tuple(float(v) for v in values - half),
        upper=tuple(float(v) for v in values + half),
        slope=slope,
        n=n,
    )
