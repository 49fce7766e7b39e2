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
    Coded,
    Collector,
    Context,
    FileProblem,
    check_duplicates,
    check_frequency,
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
    ParsedValues,
    canonical_column,
    closest_ids,
    id_from_file_name,
)
from indicators.ingest.xlsx import is_xlsx, read_xlsx_table
from indicators.issues import Issue, Params
from indicators.periods import Period, placement

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
    global _EMPTY
    if _EMPTY is None:  # built once: a refused file asks for one several times
        _EMPTY = _empty_frame()
    return _EMPTY.copy()


_EMPTY: pd.DataFrame | None = None


def _empty_frame() -> pd.DataFrame:
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
    file = name or ("<upload>" if isinstance(source, bytes) else str(source))
    issues = Collector(file)
    frame, dialect, digest = empty_frame(), {}, ""
    try:
        raw = source_bytes(source)
        digest = hashlib.sha256(raw).hexdigest()
        table = raw_table(raw, file, issues)
        if table is not None:
            dialect = table.dialect
            prepared = _prepare(table, file, model, indicator, issues, lang, today)
            if prepared is not None:
                frame = _validate(*prepared)
    except FileProblem as problem:
        issues.add_problem(problem)
    issues.finish()
    if issues.total_errors:
        frame = empty_frame()
    return ReadResult(file, frame, issues.errors, issues.total_errors, issues.warnings, digest,
                      issues.total_warnings, dialect)


def source_bytes(source: Path | str | bytes) -> bytes:
    """A file's bytes; a file over the size limit is refused from its size, never read."""
    if isinstance(source, bytes):
        return source
    path = Path(source)
    _check_size(path.stat().st_size)
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)  # bounded even when the file grows while it is read


def _check_size(size: int) -> None:
    if size > MAX_BYTES:  # rounded up: 50 MB and one byte is "51 MB", not "50 MB, more than 50"
        raise FileProblem("ingest.error.too_large", size_mb=-(-size // 2**20),
                          limit_mb=MAX_BYTES // 2**20)


def raw_table(raw: bytes, file: str, issues: Collector) -> RawTable | None:
    """The file's non-empty rows as text, whatever its format (CSV dialect or xlsx)."""
    _check_size(len(raw))
    if not raw or raw.isspace():  # as `not raw.strip()`, without copying a big file
        raise FileProblem("ingest.error.empty_file")
    table = read_xlsx_table(raw, issues) if is_xlsx(raw, file) else read_csv_table(raw, issues)
    if table is None:
        return None
    filled = (table.data != "").any(axis=1).to_numpy()
    table.data = table.data[filled].reset_index(drop=True)
    table.lines = table.lines[filled]
    return table


def _prepare(table: RawTable, file: str, model: PlanModel, indicator: str | None,
             issues: Collector, lang: str, today: date | None,
             ) -> tuple[dict[str, pd.Series], str | None, Context] | None:
    """Map the header to the standard columns and work out where the indicator id comes from.

    None when required columns are missing (each is reported).
    """
    if is_open_sdg(table.header, file):
        columns, names = map_open_sdg(table.header, table.data)
        table.dialect["format"] = "open_sdg"
    else:
        columns, names = _map_header(table.header, table.data)
        table.dialect["format"] = "long"
    fallback = _fallback_id(file, model, indicator)
    if not _require(columns, fallback is not None, issues):
        return None
    if table.data.empty:
        raise FileProblem("ingest.error.no_rows", line=1)
    return columns, fallback, Context(model, issues, table.lines, names,
                                      today or date.today(), lang)


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
    cells = [h.strip() for h in header if h.strip()]
    # A first line of figures is data, not names; a line of unknown names gets "missing column".
    if not columns and sum(any(ch.isdigit() for ch in c) for c in cells) * 2 >= len(cells):
        raise FileProblem("ingest.error.no_header", line=1, first=", ".join(cells[:4]))
    return columns, names


def _fallback_id(file: str, model: PlanModel, indicator: str | None) -> str | None:
    """The id for rows without one: --indicator, else the file name."""
    ids = model.indicator_ids()
    if indicator:
        found = id_from_file_name(indicator, ids)
        if found is None:
            raise FileProblem("ingest.error.unknown_indicator", id=indicator,
                              suggestions=", ".join(closest_ids(indicator, ids)))
        return found
    return id_from_file_name(file, ids)


def _require(columns: dict[str, pd.Series], has_fallback_id: bool, issues: Collector) -> bool:
    """Report every missing required column, with the names accepted for it; True if none."""
    missing = [c for c in REQUIRED if c not in columns]
    if "indicator_id" in missing and has_fallback_id:
        missing.remove("indicator_id")
    for canonical in missing:
        accepted = ", ".join(ALIASES[canonical])
        if canonical == "indicator_id":
            issues.add(1, None, "ingest.error.missing_indicator", accepted=accepted)
        else:
            issues.add(1, None, "ingest.error.missing_column", name=canonical, accepted=accepted)
    return not missing


def _validate(columns: dict[str, pd.Series], fallback: str | None, ctx: Context) -> pd.DataFrame:
    """Run every rule; the observation frame (only meaningful when no error was recorded)."""
    blank = pd.Series("", index=range(len(ctx.lines)), dtype=str)
    texts = {c: columns[c].reset_index(drop=True) if c in columns else blank
             for c in ("indicator_id", "region_code", "period", "value", "unit", "series",
                       "note", "source")}
    ids = check_indicators(texts["indicator_id"], fallback, ctx)
    regions = check_regions(texts["region_code"], ctx)
    periods = check_periods(texts["period"], ctx)
    wrong_frequency = check_frequency(ids, periods, texts["period"], ctx)
    values = check_values(texts["value"], ctx, ids)
    check_ranges(ids, values.value, texts["value"], ctx)
    check_units(texts["unit"], ids, ctx)
    series = np.asarray(pd.factorize(texts["series"])[0])
    # Two rows on the same place of the yearly axis are one period given twice (2023 and
    # 2021-2023 of an irregular indicator; 2024 and ２０２４ normalise to one text anyway).
    keys = pd.DataFrame({"indicator_id": ids.key(), "region_code": regions.key(),
                         "period": periods.key(lambda p: "" if p is None else placement(p)),
                         "series": series})
    valid = ids.valid() & regions.valid() & periods.valid() & ~wrong_frequency

    def describe(i: int) -> Params:
        name = str(texts["series"].iat[i])
        return {"indicator": ids.known(i), "region": regions.known(i),
                "period": periods.known(i).canonical, "series": f", {name}" if name else ""}

    check_duplicates(keys, valid, describe, ctx)
    if ctx.issues.total_errors:
        return empty_frame()
    frame = _frame(ids, regions, periods, values, texts, ctx.lines)
    freq = periods.per_row(lambda p: FREQS.index(p.freq) if p else -1, int)
    warn_jumps(frame, [keys["indicator_id"].to_numpy(), keys["region_code"].to_numpy(), series,
                       freq], ctx)
    return frame


FREQS = ("A", "Q", "M", "SY", "MY")


def _frame(ids: Coded[str], regions: Coded[str], periods: Coded[Period], values: ParsedValues,
           texts: dict[str, pd.Series], lines: np.ndarray) -> pd.DataFrame:
    """The observation frame of the contract, in file order."""
    # Called only when every row passed its checks: no period is None here.
    sub = periods.per_row(lambda p: -1 if p is None or p.sub is None else p.sub, int)
    return pd.DataFrame({
        "indicator_id": ids.strings(),
        "region_code": regions.strings(),
        "period": periods.strings(lambda p: p.canonical if p else ""),
        "year": periods.per_row(lambda p: p.year if p else 0, np.int64),
        "freq": periods.strings(lambda p: p.freq if p else ""),
        "sub": pd.arrays.IntegerArray(np.maximum(sub, 0).astype(np.int64), sub < 0),
        "value": values.value,
        "status": pd.Series(values.status, dtype=object),
        "series": texts["series"].array,
        "note": texts["note"].array,
        "source": texts["source"].array,
        "line": lines.astype(int) if lines.dtype != object else lines,
    })
