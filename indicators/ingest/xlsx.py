"""Excel workbooks (.xlsx): the first sheet as a table of strings, lines named "Sheet!row"."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from indicators.ingest import dialect
from indicators.ingest.dialect import RawTable
from indicators.ingest.rules import FileProblem

ZIP_MAGIC = b"PK\x03\x04"


def is_xlsx(raw: bytes, name: str) -> bool:
    """An .xlsx by name, or a zip archive renamed to .csv."""
    return name.lower().endswith((".xlsx", ".xlsm")) or raw.startswith(ZIP_MAGIC)


def read_xlsx_table(raw: bytes) -> RawTable:
    """Header and rows of the first sheet; empty rows are skipped but keep their numbers."""
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileProblem("ingest.error.binary") from None
    try:
        sheet = book.worksheets[0]
        header, rows, lines = _rows(sheet.iter_rows(values_only=True), sheet.title)
    finally:
        book.close()
    data = pd.DataFrame(rows, columns=range(len(header)), dtype=str)
    return RawTable(header, data, np.array(lines, dtype=object),
                    {"encoding": "xlsx", "sheet": sheet.title})


def _rows(cells, title: str) -> tuple[list[str], list[list[str]], list[str]]:
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[str] = []
    for number, row in enumerate(cells, start=1):
        texts = [cell_text(c) for c in row]
        if not any(t.strip() for t in texts):
            continue
        if header is None:
            header = _trim_right(texts)
            continue
        if len(rows) >= dialect.MAX_ROWS:
            raise FileProblem("ingest.error.too_many_rows",
                              limit=f"{dialect.MAX_ROWS:,}".replace(",", " "))
        # Cells right of the header have no column to belong to; Excel rows cannot be ragged.
        texts = (texts + [""] * len(header))[: len(header)]
        rows.append(texts)
        lines.append(f"{title}!{number}")
    if header is None:
        raise FileProblem("ingest.error.empty_file")
    return header, rows, lines


def _trim_right(texts: list[str]) -> list[str]:
    while texts and not texts[-1].strip():
        texts = texts[:-1]
    return texts


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold (whole numbers without ".0")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return _date_text(value)
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def _date_text(value: date) -> str:
    """Excel turns "2024-01" typed in a cell into 1 Jan 2024; give the month back."""
    if value.day == 1 and (not isinstance(value, datetime) or value.time() == time()):
        return f"{value.year}-{value.month:02d}"
    return value.isoformat()[:10]
