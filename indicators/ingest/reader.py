"""Read one observation file (CSV in any common dialect, .xlsx, Open SDG) into the frame."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from indicators.ingest.dialect import RawTable, read_csv_table
from indicators.ingest.opensdg import is_open_sdg, map_open_sdg
from indicators.ingest.rules import (
    Collector,
    Context,
    FileProblem,
    Issue,
    check_duplicates,
    check_indicators,
    check_periods,
    check_ranges,
    check_regions,
    check_units,
    check_values,
    warn_jumps,
)
from indicators.ingest.values import (
    ALIASES,
    REQUIRED,
    canonical_column,
    closest_ids,
    id_from_file_name,
)
from indicators.ingest.xlsx import is_xlsx, read_xlsx_table

if TYPE_CHECKING:
    from indicators.model import PlanModel

MAX_BYTES = 50 * 1024 * 1024
FRAME_COLUMNS = ["indicator_id", "region_code", "period", "year", "freq", "sub", "value",
                 "status", "series", "note", "source", "line"]


@dataclass
class ReadResult:
    """What reading a file gave: the observations, or the errors that stopped it."""

    file: str
    frame: pd.DataFrame  # FRAME_COLUMNS; empty when there are errors
    errors: list[Issue]  # the first 50
    total_errors: int
    warnings: list[Issue]
    sha256: str  # of the raw bytes, for the import log
    total_warnings: int = 0
    dialect: dict[str, str] = field(default_factory=dict)  # encoding, delimiter, sheet, format

    @property
    def ok(self) -> bool:
        return self.total_errors == 0


def empty_frame() -> pd.DataFrame:
    """An observation frame without rows, with the contract's columns and types."""
    return pd.DataFrame({
        "indicator_id": pd.Series(dtype=str), "region_code": pd.Series(dtype=str),
        "period": pd.Series(dtype=str), "year": pd.Series(dtype="int64"),
        "freq": pd.Series(dtype=str), "sub": pd.Series(dtype="Int64"),
        "value": pd.Series(dtype=float), "status": pd.Series(dtype=object),
        "series": pd.Series(dtype=str), "note": pd.Series(dtype=str),
        "source": pd.Series(dtype=str), "line": pd.Series(dtype=object)})


def read_observations(source: Path | str | bytes, model: PlanModel, *, name: str | None = None,
                      indicator: str | None = None, lang: str = "nb",
                      today: date | None = None) -> ReadResult:
    """Read and validate one file; nothing in it is used unless it has no errors at all."""
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    file = name or ("<upload>" if isinstance(source, bytes) else str(source))
    issues = Collector(file)
    digest = hashlib.sha256(raw).hexdigest()
    frame, dialect = empty_frame(), {}
    try:
        table = _table(raw, file, issues)
        if table is not None:
            dialect = table.dialect
            ctx, columns, fallback = _prepare(table, file, model, indicator, issues, lang, today)
            frame = _validate(columns, fallback, ctx)
    except FileProblem as problem:
        issues.add_problem(problem)
    issues.finish()
    if issues.total_errors:
        frame = empty_frame()
    return ReadResult(file, frame, issues.errors, issues.total_errors, issues.warnings, digest,
                      issues.total_warnings, dialect)


def _table(raw: bytes, file: str, issues: Collector) -> RawTable | None:
    """The file's rows as text, whatever its format."""
    if len(raw) > MAX_BYTES:
        raise FileProblem("ingest.error.too_large", size_mb=round(len(raw) / 2**20),
                          limit_mb=MAX_BYTES // 2**20)
    if not raw.strip():
        raise FileProblem("ingest.error.empty_file")
    table = read_xlsx_table(raw) if is_xlsx(raw, file) else read_csv_table(raw, issues)
    if table is None:
        return None
    filled = (table.data != "").any(axis=1).to_numpy() if len(table.header) else np.array([])
    table.data = table.data[filled].reset_index(drop=True)
    table.lines = table.lines[filled]
    return table


def _prepare(table: RawTable, file: str, model: PlanModel, indicator: str | None,
             issues: Collector, lang: str, today: date | None,
             ) -> tuple[Context, dict[str, pd.Series], str | None]:
    """Map the header to the standard columns and work out where the indicator id comes from."""
    if is_open_sdg(table.header, file):
        columns, names = map_open_sdg(table.header, table.data)
        table.dialect["format"] = "open_sdg"
    else:
        columns, names = _map_header(table.header, table.data)
        table.dialect["format"] = "long"
    fallback = _fallback_id(file, model, indicator, "indicator_id" in columns)
    _require(columns, fallback is not None)
    if table.data.empty:
        raise FileProblem("ingest.error.no_rows", line=1)
    ctx = Context(model, issues, table.lines, names, today or date.today(), lang)
    return ctx, columns, fallback


def _map_header(header: list[str], data: pd.DataFrame) -> tuple[dict[str, pd.Series],
                                                                  dict[str, str]]:
    """Standard columns by header name (aliases, any case); other columns are ignored."""
    columns: dict[str, pd.Series] = {}
    names: dict[str, str] = {}
    for pos, name in enumerate(header):
        canonical = canonical_column(name)
        if canonical is None:
            continue
        if canonical in names:
            raise FileProblem("ingest.error.duplicate_column", line=1, column=name.strip(),
                              first=names[canonical], second=name.strip(), meaning=canonical)
        columns[canonical], names[canonical] = data[pos].str.strip(), name.strip()
    if not columns:
        first = ", ".join(h.strip() for h in header[:4] if h.strip())
        raise FileProblem("ingest.error.no_header", line=1, first=first)
    return columns, names


def _fallback_id(file: str, model: PlanModel, indicator: str | None,
                 has_column: bool) -> str | None:
    """The id for rows without one: --indicator, else the file name."""
    ids = model.indicator_ids()
    if indicator:
        found = id_from_file_name(indicator, ids)
        if found is None:
            raise FileProblem("ingest.error.unknown_indicator", id=indicator,
                              suggestions=", ".join(closest_ids(indicator, ids)))
        return found
    return id_from_file_name(file, ids)


def _require(columns: dict[str, pd.Series], has_fallback_id: bool) -> None:
    """FileProblem for the first required column that is missing."""
    for canonical in REQUIRED:
        if canonical in columns:
            continue
        accepted = ", ".join(ALIASES[canonical])
        if canonical == "indicator_id":
            if not has_fallback_id:
                raise FileProblem("ingest.error.missing_indicator", line=1, accepted=accepted)
            continue
        raise FileProblem("ingest.error.missing_column", line=1, name=canonical,
                          accepted=accepted)


def _validate(columns: dict[str, pd.Series], fallback: str | None, ctx: Context) -> pd.DataFrame:
    """Run every rule; the observation frame (only meaningful when no error was recorded)."""
    n = len(ctx.lines)
    blank = pd.Series("", index=range(n), dtype=str)
    texts = {c: columns[c].reset_index(drop=True) if c in columns else blank
             for c in ("indicator_id", "region_code", "period", "value", "unit", "series",
                       "note", "source")}
    ids = check_indicators(texts["indicator_id"], fallback, ctx)
    regions = check_regions(texts["region_code"], ctx)
    periods = check_periods(texts["period"], ctx)
    values = check_values(texts["value"], ctx)
    check_ranges(ids, values.value, texts["value"], ctx)
    check_units(texts["unit"], ids, ctx)
    keys = pd.DataFrame({"indicator_id": ids, "region_code": regions,
                         "period": periods["period"].to_numpy(), "series": texts["series"]})
    valid = (ids != None) & periods["period"].notna().to_numpy()  # noqa: E711
    check_duplicates(keys, valid, ctx)
    if ctx.issues.total_errors:
        return empty_frame()
    frame = _frame(keys, periods, values, texts, ctx.lines)
    warn_jumps(frame, ctx)
    return frame


def _frame(keys: pd.DataFrame, periods: pd.DataFrame, values, texts: dict[str, pd.Series],
           lines: np.ndarray) -> pd.DataFrame:
    """The observation frame of the contract, in file order."""
    line = lines.astype(int) if lines.dtype != object else lines
    return pd.DataFrame({
        "indicator_id": keys["indicator_id"].astype(str),
        "region_code": keys["region_code"].astype(str),
        "period": keys["period"].astype(str),
        "year": periods["year"].to_numpy(dtype="int64"),
        "freq": periods["freq"].to_numpy(dtype=object).astype(str),
        "sub": pd.array(periods["sub"].to_numpy(), dtype="Int64"),
        "value": values.value,
        "status": values.status,
        "series": texts["series"].to_numpy(),
        "note": texts["note"].to_numpy(),
        "source": texts["source"].to_numpy(),
        "line": line,
    })
