"""The canonical observation CSV: the one format data/observations/ and `export-csv` share."""

from __future__ import annotations

import csv
import io
import math

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


def to_csv(frame: pd.DataFrame, units: dict[str, str]) -> str:
    """Observations (store order) as canonical CSV text; `units` maps indicator id → unit."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in frame.itertuples(index=False):
        status = None if pd.isna(row.status) else row.status
        writer.writerow([
            row.indicator_id, row.region_code, row.period, number_text(row.value, status),
            units.get(row.indicator_id, ""), row.series or "", row.note or "", row.source or "",
        ])
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


def _cell_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
