"""Validation rules for observation files and the issues they report (file, line, column)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import DTypeLike

from indicators.i18n import t
from indicators.ingest.values import (
    ParsedValues,
    closest_ids,
    id_key,
    id_lookup,
    parse_values,
    unit_key,
)
from indicators.issues import Issue, Param, Params, Severity
from indicators.periods import (
    MAX_YEAR,
    MIN_YEAR,
    Period,
    example,
    fits,
    foreign_digits,
    parse_any_year,
    parse_period,
)

if TYPE_CHECKING:
    from indicators.model import PlanModel, Region

R = TypeVar("R")  # what a Coded column's check makes of one distinct text
MAX_LISTED = 50  # the first errors are listed; the rest are only counted


class FileProblem(Exception):
    """A problem that stops reading the file at once (empty, binary, no header, …)."""

    def __init__(self, key: str, line: int | str | None = None, column: str | None = None,
                 **params: Param) -> None:
        super().__init__(key)
        self.key, self.line, self.column, self.params = key, line, column, params


def _line_order(line: int | str | None) -> int:
    """Sort position of a line: CSV lines are ints, xlsx lines "Sheet!row"."""
    if line is None:
        return 0
    if isinstance(line, str):
        return int(line.rsplit("!", 1)[-1]) if line.rsplit("!", 1)[-1].isdigit() else 0
    return int(line)


@dataclass
class Collector:
    """Gathers issues of one file, keeping the first MAX_LISTED of each severity and a count."""

    file: str
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    total_errors: int = 0
    total_warnings: int = 0

    def add(self, line: int | str | None, column: str | None, key: str,
            severity: Severity = "error", **params: Param) -> None:
        """Record one issue."""
        self.record(Issue(self.file, line, column, key, dict(params), severity))

    def record(self, issue: Issue) -> None:
        """Record an issue made elsewhere."""
        if issue.severity == "error":
            self.total_errors += 1
            self.errors.append(issue)
        else:
            self.total_warnings += 1
            self.warnings.append(issue)

    def add_rows(self, mask: np.ndarray, lines: np.ndarray, column: str | None,
                 key: str | Callable[[int], str], params: Callable[[int], Params],
                 severity: Severity = "error") -> None:
        """One issue per True in `mask`; Issue objects are built only for the first ones."""
        rows = np.flatnonzero(mask)
        listed = rows[:MAX_LISTED]
        for i in listed:
            row_key = key if isinstance(key, str) else key(int(i))
            self.add(plain_line(lines[i]), column, row_key, severity, **params(int(i)))
        # Count the unlisted ones without building them (a bad column can have a million rows).
        if severity == "error":
            self.total_errors += len(rows) - len(listed)
        else:
            self.total_warnings += len(rows) - len(listed)

    def add_problem(self, problem: FileProblem) -> None:
        """Record a whole-file problem."""
        self.record(Issue(self.file, problem.line, problem.column, problem.key, dict(problem.params)))

    def finish(self) -> None:
        """Order issues as they appear in the file and keep the first MAX_LISTED."""
        self.errors = sorted(self.errors, key=lambda i: _line_order(i.line))[:MAX_LISTED]
        self.warnings = sorted(self.warnings, key=lambda i: _line_order(i.line))[:MAX_LISTED]


def plain_line(value: Any) -> int | str:  # Any: an element of a numpy array of lines
    """A file line (a numpy scalar) as a plain int or "Sheet!row", so issues print simply."""
    plain = value.item() if isinstance(value, np.generic) else value
    return plain if isinstance(plain, int | str) else str(plain)


def row_text(texts: pd.Series, row: int) -> str:
    """The text of one cell of a column of texts."""
    return str(texts.iat[row])


# --- Rules on the columns of a file. Ids, codes, periods and units repeat on every row, so each
# distinct text is checked once (Coded) and Issue objects are built only for failing rows; a
# valid file of a million rows is checked in about a second.


@dataclass
class Coded(Generic[R]):
    """A column as codes into its distinct texts, with a checked result per distinct text."""

    codes: np.ndarray  # int per row
    results: list[R | None]  # per distinct text; None where the text failed

    @classmethod
    def of(cls, texts: pd.Series, check: Callable[[str], R | None]) -> Coded[R]:
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        return cls(np.asarray(codes), [check(u) for u in uniques])

    def at(self, row: int) -> R | None:
        """The result of row `row`."""
        return self.results[int(self.codes[row])]

    def known(self, row: int) -> R:
        """The result of a row that passed its check; ValueError for one that failed."""
        result = self.at(row)
        if result is None:
            raise ValueError(f"row {row} failed its check")
        return result

    def per_row(self, fn: Callable[[R | None], object], dtype: DTypeLike = object) -> np.ndarray:
        """fn of each row's result, computed once per distinct text."""
        out = np.empty(len(self.results), dtype=object)
        out[:] = [fn(r) for r in self.results]  # (a list of tuples stays one object per text)
        per_row: np.ndarray = out.astype(dtype)[self.codes]
        return per_row

    def valid(self) -> np.ndarray:
        return self.per_row(lambda r: r is not None, bool)

    def key(self, fn: Callable[[R | None], str] = str) -> np.ndarray:
        """An int per row, equal for rows whose fn(result) are equal (e.g. 2024-01 and 2024M01);
        computed per distinct text, not per row."""
        keys, _ = pd.factorize(pd.Series([fn(r) for r in self.results], dtype=object))
        return np.asarray(keys)[self.codes] if len(self.results) else self.codes

    def strings(self, fn: Callable[[R | None], str] = str) -> pd.api.extensions.ExtensionArray:
        """A str array of fn(result) per row."""
        return pd.array([fn(r) for r in self.results], dtype="str").take(self.codes)


@dataclass
class Context:
    """What every rule needs: the model, where to report, and each row's file line."""

    model: PlanModel
    issues: Collector
    lines: np.ndarray
    names: dict[str, str]  # canonical column → the header the file used for it
    today: date
    lang: str = "nb"

    def column(self, canonical: str) -> str | None:
        return self.names.get(canonical)

    def rows(self, mask: np.ndarray, canonical: str | None, key: str | Callable[[int], str],
             params: Callable[[int], Params], severity: Severity = "error") -> None:
        """Report each row in `mask` against the file's name for column `canonical`."""
        column = self.column(canonical) if canonical else None
        self.issues.add_rows(mask, self.lines, column, key, params, severity)

    def empty(self, texts: pd.Series, canonical: str) -> np.ndarray:
        """Report empty cells in a column that needs a value; the mask of them."""
        empty = (texts == "").to_numpy(dtype=bool)
        name = self.column(canonical)
        self.rows(empty, canonical, "ingest.error.empty_cell", lambda i: {"name": name})
        return empty


def number_text(x: float, lang: str = "nb") -> str:
    """A number as short text: 3 not 3.0, 12,5 in bokmål; 1e+20 rather than 21 digits."""
    x = float(x)
    if not np.isfinite(x):
        return "∞" if x > 0 else "−∞" if x < 0 else "NaN"
    if x != 0 and not 1e-6 <= abs(x) < 1e15:
        text = f"{x:.6g}"
    else:
        text = str(int(x)) if x.is_integer() else repr(x)
    return text.replace(".", ",") if lang == "nb" else text


def check_indicators(texts: pd.Series, fallback: str | None, ctx: Context) -> Coded[str]:
    """The model id of each row (None where unknown); errors for unknown or missing ids."""
    ids = ctx.model.indicator_ids()
    lookup = id_lookup(ids)
    coded = Coded.of(texts, lambda x: lookup.get(id_key(x)) if x else fallback)
    unknown = ~coded.valid()
    if fallback is None:
        unknown &= ~ctx.empty(texts, "indicator_id")
    ctx.rows(unknown, "indicator_id", "ingest.error.unknown_indicator",
             lambda i: {"id": row_text(texts, i), "suggestions": ", ".join(closest_ids(row_text(texts, i),
                                                                                 ids))})
    return coded


def check_regions(texts: pd.Series, ctx: Context) -> Coded[str]:
    """Region codes as the model spells them; errors for unknown and retired codes."""
    checked: Coded[RegionCheck] = Coded.of(texts, lambda text: _region_check(text, ctx))
    empty = ctx.empty(texts, "region_code")
    failing = ~empty & checked.per_row(lambda r: isinstance(r, tuple), bool)
    ctx.rows(failing, "region_code", lambda i: _refusal(checked.at(i))[0],
             lambda i: _refusal(checked.at(i))[1])
    return Coded(checked.codes, [r if isinstance(r, str) else None for r in checked.results])


RegionCheck = str | tuple[str, dict[str, Param]] | None  # a code, or why not (key, params)


def _refusal(result: RegionCheck) -> tuple[str, dict[str, Param]]:
    """Why a region text was refused (only asked of the failing rows)."""
    return result if isinstance(result, tuple) else ("ingest.error.unknown_region", {})


def _region_check(text: str, ctx: Context) -> RegionCheck:
    """The model's code for `text`, or (message key, params) saying why it is not accepted."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)  # full-width ３２ is 32
    m = re.fullmatch(r"([0-9]{1,4})\s+\D.*", text)  # SSB exports write "3201 Bærum"
    code = m[1] if m else text
    region = ctx.model.region(code)
    if region is None:
        padded = ctx.model.region("0" + code) if code.isdigit() else None
        if padded is not None:
            return "ingest.error.region_lost_zero", {
                "code": code, "padded": padded.code, "name": padded.name.get(ctx.lang)}
        return "ingest.error.unknown_region", {"code": code}
    if not (region.historical and region.successor):
        return code
    current = ctx.model.current_region(code)
    if current is None:
        return "ingest.error.unknown_region", {"code": code}
    key = "ingest.error.region_merged" if _merged(region, ctx) else "ingest.error.region_renumbered"
    return key, {"code": code, "name": region.name.get(ctx.lang), "new_code": current.code,
                 "new_name": current.name.get(ctx.lang)}


def _merged(region: Region | None, ctx: Context) -> bool:
    """True when any step from `region` to today's code merged or split areas."""
    for _ in range(10):  # a successor chain is short; the bound guards against a cycle
        if region is None:
            return False
        if region.change in ("merged", "split"):
            return True
        region = ctx.model.region(region.successor) if region.successor else None
    return False


def check_periods(texts: pd.Series, ctx: Context) -> Coded[Period]:
    """The Period of each row (None where invalid); errors for bad, early and future periods."""
    coded = Coded.of(texts, parse_period)
    bad = ~coded.valid() & ~ctx.empty(texts, "period")
    ctx.rows(bad, "period", lambda i: _bad_period_key(row_text(texts, i)),
             lambda i: {"text": row_text(texts, i), "min_year": MIN_YEAR})
    max_year = ctx.today.year + 1
    future = coded.per_row(lambda p: p is not None and p.year > max_year, bool)
    ctx.rows(future, "period", "ingest.error.future_period",
             lambda i: {"period": coded.results[coded.codes[i]].canonical, "max_year": max_year})
    return coded


def _bad_period_key(text: str) -> str:
    """Why `text` is no period: digits other than 0-9, a year before 1900 or after 2999, or else."""
    if foreign_digits(text):
        return "ingest.error.period_digits"
    unbounded = parse_any_year(text)
    if unbounded is not None and unbounded.year < MIN_YEAR:
        return "ingest.error.early_period"
    if unbounded is not None and unbounded.year > MAX_YEAR:
        return "ingest.error.late_period"
    return "ingest.error.bad_period"


def check_frequency(ids: Coded[str], periods: Coded[Period], texts: pd.Series, ctx: Context) -> np.ndarray:
    """Errors for periods of another frequency than the indicator's (a year in a school-year
    indicator, a year in a monthly one …); the mask of those rows."""
    frequency = [ctx.model.known_indicator(i).frequency if i else None for i in ids.results]
    # Check each distinct (indicator, period) pair once.
    width = len(periods.results) + 1
    inverse, pairs = pd.factorize(ids.codes * width + periods.codes)  # (hashing, no sort)
    wrong_pair = np.array([_wrong_frequency(periods.results[p % width], frequency[p // width])
                           for p in pairs], dtype=bool)
    wrong = wrong_pair[inverse] if len(pairs) else np.zeros(len(texts), dtype=bool)

    def params(i: int) -> Params:
        period, indicator = periods.known(i), ids.known(i)
        freq = ctx.model.known_indicator(indicator).frequency
        return {"text": row_text(texts, i), "indicator": indicator,
                "found": t(f"ingest.period_kind.{period.freq}", ctx.lang),
                "expected": t(f"ingest.frequency_kind.{freq}", ctx.lang),
                "example": example(freq, period.year)}

    ctx.rows(wrong, "period", "ingest.error.period_frequency", params)
    return wrong


def _wrong_frequency(period: Period | None, frequency: str | None) -> bool:
    return period is not None and frequency is not None and not fits(period, frequency)


MAX_MAGNITUDE = 1e15  # no figure in the plan comes near; larger is a typo in the exponent


def check_values(texts: pd.Series, ctx: Context, ids: Coded[str] | None = None) -> ParsedValues:
    """Numbers and SSB symbols; errors for text that is no number, NaN/Infinity, digits other
    than 0-9, and numbers too large or too close to zero to be stored as written.

    A trailing % sign (how Excel writes a percent cell to CSV: `2,8 %`) is accepted for the
    rows of percent indicators, and only there.
    """
    numbers = texts
    if ids is not None:
        percent = ids.per_row(lambda i: i is not None and ctx.model.known_indicator(i).unit ==
                              "percent", bool)
        signed = percent & texts.str.contains("%", regex=False).to_numpy(dtype=bool)
        if signed.any():  # the regex runs in Python per cell: only on cells with a % sign
            signed[signed] = texts[signed].str.contains(r"[0-9]\s*%\s*$",
                                                        regex=True).to_numpy(dtype=bool)
        if signed.any():
            stripped = texts.str.replace(r"\s*%\s*$", "", regex=True)
            numbers = texts.where(~signed, stripped)
    parsed = parse_values(numbers)
    ctx.rows(parsed.foreign_digits, "value", "ingest.error.value_digits",
             lambda i: {"text": row_text(texts, i)})
    ctx.rows(parsed.not_a_number & ~parsed.foreign_digits, "value", "ingest.error.not_a_number",
             lambda i: {"text": row_text(texts, i)})
    ctx.rows(parsed.not_finite, "value", "ingest.error.not_finite",
             lambda i: {"text": row_text(texts, i)})
    ctx.rows(parsed.underflow, "value", "ingest.error.too_small_value",
             lambda i: {"text": row_text(texts, i)})
    with np.errstate(invalid="ignore"):
        huge = np.abs(parsed.value) > MAX_MAGNITUDE
    ctx.rows(huge, "value", "ingest.error.too_large_value",
             lambda i: {"text": row_text(texts, i), "limit": f"{MAX_MAGNITUDE:,.0f}".replace(",", " ")})
    return parsed


def check_ranges(ids: Coded[str], values: np.ndarray, texts: pd.Series, ctx: Context) -> None:
    """Errors for values outside each indicator's allowed range (percent 0–100, others ≥ 0)."""
    def bound(side: int) -> np.ndarray:
        def one(i: str | None) -> float:
            limit = ctx.model.known_indicator(i).allowed_range()[side] if i else None
            return np.nan if limit is None else limit
        return ids.per_row(one, float)

    lo, hi = bound(0), bound(1)
    with np.errstate(invalid="ignore"):
        below, above = values < lo, values > hi

    def params(i: int, name: str, limit: np.ndarray) -> Params:
        indicator = ids.known(i)
        return {"value": row_text(texts, i), name: number_text(limit[i], ctx.lang),
                "indicator": indicator, "unit": ctx.model.known_indicator(indicator).unit}

    ctx.rows(below, "value", "ingest.error.below_min", lambda i: params(i, "min", lo))
    ctx.rows(above, "value", "ingest.error.above_max", lambda i: params(i, "max", hi))


def check_units(texts: pd.Series, ids: Coded[str], ctx: Context) -> None:
    """Errors where a unit is given and is not the indicator's unit in the model."""
    units = Coded.of(texts, lambda u: (unit_key(u) or "?") if u else "")
    expected = [ctx.model.known_indicator(i).unit if i else "" for i in ids.results]
    # Check each distinct (indicator, unit) pair once.
    first, pairs = pd.factorize(ids.codes * (len(units.results) + 1) + units.codes)
    bad_pair = np.array([_unit_wrong(units.results[p % (len(units.results) + 1)],
                                     expected[p // (len(units.results) + 1)]) for p in pairs],
                        dtype=bool)
    wrong = bad_pair[first] if len(pairs) else np.zeros(len(texts), dtype=bool)
    ctx.rows(wrong, "unit", "ingest.error.unit_mismatch",
             lambda i: {"found": row_text(texts, i), "expected": expected[ids.codes[i]],
                        "indicator": ids.results[ids.codes[i]]})


def _unit_wrong(written: str, expected: str) -> bool:
    return bool(written) and bool(expected) and written != expected


def check_duplicates(keys: pd.DataFrame, valid: np.ndarray, describe: Callable[[int], Params],
                     ctx: Context) -> None:
    """Errors for a second row with the same indicator, region, period and series."""
    positions = np.flatnonzero(valid)
    if not len(positions):
        return
    columns = [keys[c].to_numpy()[valid] for c in keys.columns]
    group = combined_key(columns)
    if group is None:  # too many distinct values to pack into one int64
        group = keys[valid].groupby(list(keys.columns), sort=False).ngroup().to_numpy()
    first_row = _first_rows(group, positions)
    duplicate = np.zeros(len(keys), dtype=bool)
    duplicate[positions] = first_row != positions
    first_of = np.full(len(keys), -1)
    first_of[positions] = first_row
    ctx.rows(duplicate, None, "ingest.error.duplicate_key",
             lambda i: {"first_line": plain_line(ctx.lines[first_of[i]]), **describe(i)})


def _first_rows(group: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """For each row, the position of the first row of its group (`group`: ints, one per row)."""
    if len(group) and group.min() >= 0 and group.max() < 4 * len(group) + 1024:
        # Few enough keys to address directly: a scatter of minima, no hashing (4× cheaper
        # than factorize for a million rows).
        first = np.full(int(group.max()) + 1, len(positions))
        np.minimum.at(first, group, np.arange(len(group)))
        found: np.ndarray = positions[first[group]]
        return found
    codes = pd.factorize(group)[0]  # numbered in order of first appearance
    starts = np.flatnonzero(codes > np.maximum.accumulate(np.concatenate([[-1], codes[:-1]])))
    return positions[starts[codes]]


def combined_key(columns: Sequence[np.ndarray]) -> np.ndarray | None:
    """One int64 per row that sorts as the integer columns do, first column first (so equal
    exactly where every column is equal); None when their ranges do not fit in one int64.
    One argsort of it is much cheaper than np.lexsort or a groupby over the columns."""
    key = np.zeros(len(columns[0]) if len(columns) else 0, dtype=np.int64)
    if not len(key):
        return key
    width = 1
    for column in columns:
        low, high = int(column.min()), int(column.max())
        width *= high - low + 1
        if width >= 2**62:
            return None
        key = key * (high - low + 1) + (column.astype(np.int64) - low)
    return key


JUMP = 0.5  # a change of more than 50 % from the previous period is worth a second look


def warn_jumps(frame: pd.DataFrame, keys: list[np.ndarray], ctx: Context) -> None:
    """Warnings for values that differ by more than 50 % from the previous period.

    `keys` are int arrays (indicator, region, series, frequency) that together name a series.
    """
    year, sub = frame["year"].to_numpy(), frame["sub"].fillna(0).to_numpy(dtype=int)
    series = combined_key(keys)
    timed = None if series is None else combined_key([series, year, sub])
    if series is None or timed is None:  # too many distinct values to pack into one int64
        order = np.lexsort([sub, year, *reversed(keys)])
        same = np.ones(len(order), dtype=bool)
        for k in keys:
            same &= np.concatenate([[False], k[order][1:] == k[order][:-1]])
    else:
        order = np.argsort(timed, kind="stable")
        same = np.concatenate([[False], series[order][1:] == series[order][:-1]])
    value = frame["value"].to_numpy(dtype=float)[order]
    previous = np.where(same, np.concatenate([[np.nan], value[:-1]]), np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        change = np.abs(value - previous) / np.abs(previous)
    jump = (previous != 0) & (change > JUMP)
    lines = ctx.lines[order]
    periods = frame["period"]
    ctx.issues.add_rows(jump, lines, ctx.column("value"), "ingest.warning.jump",
                        lambda i: {"value": number_text(value[i], ctx.lang),
                                   "previous": number_text(previous[i], ctx.lang),
                                   "previous_period": row_text(periods, order[i - 1]),
                                   "change": change_text(change[i], ctx.lang)},
                        severity="warning")


def change_text(change: float, lang: str = "nb") -> str:
    """A relative change as a whole percentage: 150, or 1e+12 for a change of that size."""
    percent = float(change) * 100
    return str(round(percent)) if percent < 1e9 else number_text(percent, lang)
