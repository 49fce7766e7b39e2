"""Observations as an Excel workbook for reading, with formula-like text made harmless."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.canonical import HEADER, number_text

# Text starting with these is run as a formula by Excel, LibreOffice and Google Sheets
# ("CSV/formula injection"); a leading apostrophe makes it plain text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WIDTHS = {"indicator_id": 12, "region_code": 12, "period": 10, "value": 12, "unit": 12,
          "series": 16, "note": 40, "source": 30}


def neutralise(text: str) -> str:
    """`'=1+1` for `=1+1`: shown as typed, never evaluated."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _value_cell(value: float, status: str | None) -> float | int | str:
    """A number as a number; a missing value as its SSB symbol (our own text, never a formula)."""
    text = number_text(value, status)
    if text in ("..", ".", ":", "-"):
        return text
    number = float(value)
    return int(number) if number.is_integer() else number


def to_xlsx(frame: pd.DataFrame, units: dict[str, str], sheet: str = "data",
            about: tuple[str, list[tuple[str, str]]] | None = None) -> bytes:
    """The rows of `frame` (store order) with the canonical columns, as .xlsx bytes.

    `about` (sheet name, rows of field and text) adds a second sheet saying what the figures
    are: source, Tall for, publisert, hentet (views.dates_rows). Imports read the first only.
    """
    book = Workbook()
    ws = book.worksheets[0]  # a new workbook has one sheet
    ws.title = sheet[:31]
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    columns = ("indicator_id", "region_code", "period", "value", "status", "series", "note",
               "source")
    # tolist(): plain Python values (Any to the type checker: a column holds what the store gave)
    for ind, region, period, value, status, series, note, source in zip(
            *(frame[c].tolist() for c in columns), strict=True):
        status = None if pd.isna(status) else status
        texts = [ind, region, period]
        rest = [units.get(ind, ""), series or "", note or "", source or ""]
        ws.append([*(neutralise(str(t)) for t in texts), _value_cell(value, status),
                   *(neutralise(str(t)) for t in rest)])
    ws.freeze_panes = "A2"
    for letter, name in zip("ABCDEFGH", HEADER, strict=True):
        ws.column_dimensions[letter].width = WIDTHS[name]
    if about is not None:
        _about_sheet(book, *about)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _about_sheet(book: Workbook, title: str, rows: list[tuple[str, str]]) -> None:
    ws = book.create_sheet(title[:31])
    for field, text in rows:
        ws.append([neutralise(field), neutralise(text)])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 28, 60
