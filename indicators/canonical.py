"""The canonical observation CSV: the one format data/observations/ and `export-csv` share."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

HEADER = ["indicator_id", "region_code", "period", "value", "unit", "series", "note", "source"]


def number_text(value: float | None, status: str | None) -> str:
    """A value as written in the file: shortest exact text, `3` not `3.0`, a symbol if missing."""
    if status in ("..", ".", ":"):
        return status
    if status == "-":
        return "-"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ".."
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def to_csv(frame: pd.DataFrame, units: Mapping[str, str]) -> str:
    """Observations (store order) as canonical CSV text; `units` maps indicator id → unit."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    columns = ("indicator_id", "region_code", "period", "value", "status", "series", "note",
               "source")
    # tolist(): plain Python values (Any to the type checker: a column holds what the store gave)
    for ind, region, period, value, status, series, note, source in zip(
            *(frame[c].tolist() for c in columns), strict=True):
        status = None if missing(status) else status
        writer.writerow([ind, region, period, number_text(value, status), units.get(ind, ""),
                         series or "", note or "", source or ""])
    return out.getvalue()


def table_csv(frame: pd.DataFrame, columns: list[str]) -> str:
    """A plan table (funding, grants, milestones, actions) as the CSV its reader reads back to the
    same rows: whole numbers without `.0`, dates as ISO `2025-06-30`, missing cells empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in frame[columns].itertuples(index=False):
        writer.writerow([_cell_text(v) for v in row])
    return out.getvalue()


Cell = Any  # one DataFrame cell as pandas gives it: untyped (a str, a number, a date, NaN …)
Row = dict[str, Cell]  # one row of a frame, column by column


def records(frame: pd.DataFrame) -> list[Row]:
    """The rows of a frame as plain values, column by column."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def missing(value: object) -> bool:
    """None, NaN, NaT or pd.NA: a cell with nothing in it."""
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value))


def _cell_text(value: object) -> str:
    if missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
