"""Validation rules for observation files and the issues they report (file, line, column)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from indicators.i18n import t
from indicators.ingest.values import (
    ParsedValues,
    closest_ids,
    id_key,
    id_lookup,
    parse_values,
    unit_key,
)
from indicators.periods import parse_periods

if TYPE_CHECKING:
    from indicators.model import PlanModel

MAX_LISTED = 50  # the first errors are listed; the rest are only counted


@dataclass
class Issue:
    """One problem in a file; the text comes from the locale catalogue in the reader's language."""

    file: str
    line: int | str | None
    column: str | None
    key: str
    params: dict = field(default_factory=dict)
    severity: str = "error"  # "error" | "warning"

    def message(self, lang: str = "nb") -> str:
        """What is wrong and how to fix it."""
        return t(self.key, lang, **self.params)

    def location(self) -> str:
        """`file:line:column`, leaving out the parts that are not known."""
        parts = [self.file, "" if self.line is None else str(self.line), self.column or ""]
        return ":".join(p for p in parts if p)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message('nb')}"


class FileProblem(Exception):
    """A problem that stops reading the file at once (empty, binary, no header, …)."""

    def __init__(self, key: str, line: int | str | None = None, column: str | None = None,
                 **params: object) -> None:
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
            severity: str = "error", **params: object) -> None:
        """Record one issue."""
        issue = Issue(self.file, line, column, key, dict(params), severity)
        if severity == "error":
            self.total_errors += 1
            self.errors.append(issue)
        else:
            self.total_warnings += 1
            self.warnings.append(issue)

    def add_rows(self, mask: np.ndarray, lines: Sequence, column: str | None, key: str,
                 params: Callable[[int], dict], severity: str = "error") -> None:
        """One issue per True in `mask`; Issue objects are built only for the first ones."""
        rows = np.flatnonzero(mask)
        listed = rows[:MAX_LISTED]
        for i in listed:
            self.add(_native(lines[i]), column, key, severity, **params(int(i)))
        # Count the unlisted ones without building them (a bad column can have a million rows).
        if severity == "error":
            self.total_errors += len(rows) - len(listed)
        else:
            self.total_warnings += len(rows) - len(listed)

    def add_problem(self, problem: FileProblem) -> None:
        """Record a whole-file problem."""
        self.add(problem.line, problem.column, problem.key, **problem.params)

    def finish(self) -> None:
        """Order issues as they appear in the file and keep the first MAX_LISTED."""
        self.errors = sorted(self.errors, key=lambda i: _line_order(i.line))[:MAX_LISTED]
        self.warnings = sorted(self.warnings, key=lambda i: _line_order(i.line))[:MAX_LISTED]


def _native(value: object) -> int | str:
    """numpy scalars as plain Python values, so issues print and compare simply."""
    return value.item() if isinstance(value, np.generic) else value  # type: ignore[return-value]


# --- Rules on the columns of a file. Each works on whole columns and builds Issue objects only
# for failing rows, so a valid file of a million rows is checked in well under a second.


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


def per_unique(texts: pd.Series, fn: Callable[[str], object]) -> np.ndarray:
    """fn applied once per distinct text (ids, codes and units repeat on every row)."""
    codes, uniques = pd.factorize(texts, use_na_sentinel=False)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [fn(u) for u in uniques]
    return results[codes]


def number_text(x: float, lang: str = "nb") -> str:
    """A number as short text: 3 not 3.0, 12,5 in bokmål."""
    text = str(int(x)) if float(x).is_integer() else repr(float(x))
    return text.replace(".", ",") if lang == "nb" else text


def check_indicators(texts: pd.Series, fallback: str | None, ctx: Context) -> np.ndarray:
    """The model id of each row (None where unknown); errors for unknown or missing ids."""
    ids = ctx.model.indicator_ids()
    lookup = id_lookup(ids)
    empty = (texts == "").to_numpy()
    resolved = per_unique(texts, lambda x: lookup.get(id_key(x)) if x else fallback)
    column = ctx.column("indicator_id")
    ctx.issues.add_rows(empty & (resolved == None), ctx.lines, column,  # noqa: E711
                        "ingest.error.empty_cell", lambda i: {"name": column})
    unknown = ~empty & (resolved == None)  # noqa: E711
    ctx.issues.add_rows(unknown, ctx.lines, column, "ingest.error.unknown_indicator",
                        lambda i: _unknown_id(texts.iat[i], ids))
    return resolved


def _unknown_id(text: str, ids: list[str]) -> dict:
    return {"id": text, "suggestions": ", ".join(closest_ids(text, ids))}


def check_regions(texts: pd.Series, ctx: Context) -> np.ndarray:
    """Region codes as the model spells them; errors for unknown and retired codes."""
    codes = per_unique(texts, _region_code)
    problems = per_unique(pd.Series(codes, dtype=str), lambda c: _region_problem(c, ctx))
    column = ctx.column("region_code")
    empty = (texts == "").to_numpy()
    ctx.issues.add_rows(empty, ctx.lines, column, "ingest.error.empty_cell",
                        lambda i: {"name": column})
    failing = ~empty & (problems != None)  # noqa: E711
    for i in np.flatnonzero(failing)[:MAX_LISTED]:
        key, params = problems[i]
        ctx.issues.add(_native(ctx.lines[i]), column, key, **params)
    ctx.issues.total_errors += max(0, int(failing.sum()) - MAX_LISTED)
    return codes


def _region_code(text: str) -> str:
    """SSB exports write "3201 Bærum"; the code is the leading number."""
    m = re.fullmatch(r"(\d{1,4})\s+\D.*", text)
    return m[1] if m else text


def _region_problem(code: str, ctx: Context) -> tuple[str, dict] | None:
    if not code:
        return None
    region = ctx.model.region(code)
    if region is None:
        padded = ctx.model.region("0" + code) if code.isdigit() else None
        if padded is not None:
            return "ingest.error.region_lost_zero", {
                "code": code, "padded": padded.code, "name": padded.name.get(ctx.lang)}
        return "ingest.error.unknown_region", {"code": code}
    if not (region.historical and region.successor):
        return None
    current = ctx.model.current_region(code)
    if current is None:
        return "ingest.error.unknown_region", {"code": code}
    key = "ingest.error.region_merged" if _merged(region, ctx) else "ingest.error.region_renumbered"
    return key, {"code": code, "name": region.name.get(ctx.lang), "new_code": current.code,
                 "new_name": current.name.get(ctx.lang)}


def _merged(region: object, ctx: Context) -> bool:
    """True when any step from `region` to today's code merged or split areas."""
    for _ in range(10):  # a successor chain is short; the bound guards against a cycle
        if region is None:
            return False
        if getattr(region, "change", None) in ("merged", "split"):
            return True
        successor = getattr(region, "successor", None)
        region = ctx.model.region(successor) if successor else None
    return False


def check_periods(texts: pd.Series, ctx: Context) -> pd.DataFrame:
    """Canonical period, year, freq and sub of each row; errors for bad and future periods."""
    parsed = parse_periods(texts)
    column = ctx.column("period")
    empty = (texts == "").to_numpy()
    bad = parsed["period"].isna().to_numpy() & ~empty
    ctx.issues.add_rows(empty, ctx.lines, column, "ingest.error.empty_cell",
                        lambda i: {"name": column})
    ctx.issues.add_rows(bad, ctx.lines, column, "ingest.error.bad_period",
                        lambda i: {"text": texts.iat[i]})
    max_year = ctx.today.year + 1
    future = (parsed["year"] > max_year).fillna(False).to_numpy(dtype=bool)
    ctx.issues.add_rows(future, ctx.lines, column, "ingest.error.future_period",
                        lambda i: {"period": parsed["period"].iat[i], "max_year": max_year})
    return parsed


def check_values(texts: pd.Series, ctx: Context) -> ParsedValues:
    """Numbers and SSB symbols; errors for text that is no number and for NaN/Infinity."""
    parsed = parse_values(texts)
    column = ctx.column("value")
    ctx.issues.add_rows(parsed.not_a_number, ctx.lines, column, "ingest.error.not_a_number",
                        lambda i: {"text": texts.iat[i]})
    ctx.issues.add_rows(parsed.not_finite, ctx.lines, column, "ingest.error.not_finite",
                        lambda i: {"text": texts.iat[i]})
    return parsed


def check_ranges(ids: np.ndarray, values: np.ndarray, texts: pd.Series, ctx: Context) -> None:
    """Errors for values outside each indicator's allowed range (percent 0–100, others ≥ 0)."""
    known = [i for i in pd.unique(ids) if i is not None]
    limits = {i: ctx.model.indicator(i).allowed_range() for i in known}
    by_row = pd.Series(ids, dtype=object)
    lo = by_row.map({i: r[0] for i, r in limits.items()}).to_numpy(dtype=float, na_value=np.nan)
    hi = by_row.map({i: r[1] for i, r in limits.items()}).to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        below, above = values < lo, values > hi
    column = ctx.column("value")

    def params(i: int, bound: str, limit: np.ndarray) -> dict:
        return {"value": texts.iat[i], bound: number_text(limit[i], ctx.lang),
                "indicator": ids[i], "unit": ctx.model.indicator(ids[i]).unit}

    ctx.issues.add_rows(below, ctx.lines, column, "ingest.error.below_min",
                        lambda i: params(i, "min", lo))
    ctx.issues.add_rows(above, ctx.lines, column, "ingest.error.above_max",
                        lambda i: params(i, "max", hi))


def check_units(texts: pd.Series, ids: np.ndarray, ctx: Context) -> None:
    """Errors where a unit is given and is not the indicator's unit in the model."""
    written = per_unique(texts, lambda u: unit_key(u) if u else "")
    known = [i for i in pd.unique(ids) if i is not None]
    expected = pd.Series(ids, dtype=object).map(
        {i: ctx.model.indicator(i).unit for i in known}).to_numpy(dtype=object)
    wrong = (written != "") & (written != expected) & (expected != None)  # noqa: E711
    column = ctx.column("unit")
    ctx.issues.add_rows(wrong, ctx.lines, column, "ingest.error.unit_mismatch",
                        lambda i: {"found": texts.iat[i], "expected": expected[i],
                                   "indicator": ids[i]})


def check_duplicates(keys: pd.DataFrame, valid: np.ndarray, ctx: Context) -> None:
    """Errors for a second row with the same indicator, region, period and series."""
    rows = keys[valid]
    if rows.empty:
        return
    group = rows.groupby(list(rows.columns), sort=False).ngroup().to_numpy()
    _, first = np.unique(group, return_index=True)
    positions = np.flatnonzero(valid)
    first_pos = positions[first[group]]
    duplicate = np.zeros(len(keys), dtype=bool)
    duplicate[positions] = first_pos != positions

    def params(i: int) -> dict:
        series = keys["series"].iat[i]
        return {"first_line": _native(ctx.lines[first_pos[np.searchsorted(positions, i)]]),
                "indicator": keys["indicator_id"].iat[i], "region": keys["region_code"].iat[i],
                "period": keys["period"].iat[i], "series": f", {series}" if series else ""}

    ctx.issues.add_rows(duplicate, ctx.lines, None, "ingest.error.duplicate_key", params)


JUMP = 0.5  # a change of more than 50 % from the previous period is worth a second look


def warn_jumps(frame: pd.DataFrame, ctx: Context) -> None:
    """Warnings for values that differ by more than 50 % from the previous period."""
    order = frame.sort_values(["indicator_id", "region_code", "series", "freq", "year", "sub"],
                              kind="stable")
    group = order.groupby(["indicator_id", "region_code", "series", "freq"], sort=False)
    previous = group["value"].shift(1).to_numpy(dtype=float)
    previous_period = group["period"].shift(1).to_numpy(dtype=object)
    value = order["value"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.abs(value - previous) / np.abs(previous)
    jump = (previous != 0) & (change > JUMP)
    lines = order["line"].to_numpy(dtype=object)
    ctx.issues.add_rows(jump, lines, ctx.column("value"), "ingest.warning.jump",
                        lambda i: {"value": number_text(value[i], ctx.lang),
                                   "previous": number_text(previous[i], ctx.lang),
                                   "previous_period": previous_period[i],
                                   "change": round(change[i] * 100)},
                        severity="warning")
