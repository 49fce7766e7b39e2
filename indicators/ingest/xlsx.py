"""Excel workbooks (.xlsx): the first sheet as a table of strings, lines named "Sheet!row".

A workbook is a zip of XML parts, and neither the zip nor the XML can be trusted: the sizes are
checked before anything is unpacked, every row is read whatever the sheet's <dimension> claims,
the cells and the time are bounded, and a formula Excel never computed is refused by name.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from indicators.ingest import dialect
from indicators.ingest.dialect import RawTable
from indicators.ingest.rules import MAX_LISTED, Collector, FileProblem

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

ZIP_MAGIC = b"PK\x03\x04"
MAX_UNPACKED = 256 * 2**20  # what all parts may unpack to; a real sheet of a million rows fits
MAX_RATIO = 100  # XML of figures packs 5–20 times; a large part packed tighter is a zip bomb
RATIO_FROM = 8 * 2**20  # … checked for parts larger than this (small parts pack as they like)
MAX_CELLS = 10_000_000  # cells in the rows read, counted to the last filled cell of each row
MAX_SECONDS = 60.0  # reading a sheet longer than this is refused (CSV reads far faster)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a <f> element, with or without a prefix
_CHUNK = 1 << 20


def is_xlsx(raw: bytes, name: str) -> bool:
    """An .xlsx by name, or a zip archive renamed to .csv."""
    return name.lower().endswith((".xlsx", ".xlsm")) or raw.startswith(ZIP_MAGIC)


def read_xlsx_table(raw: bytes, issues: Collector | None = None) -> RawTable | None:
    """Header and rows of the first sheet; empty rows are skipped but keep their numbers.

    None after recording formula cells without a stored result (their values are unknown).
    """
    check_archive(raw)
    deadline = time.monotonic() + MAX_SECONDS
    issues = issues if issues is not None else Collector("")
    books = []
    try:
        book = _open(raw, data_only=True)
        books.append(book)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # read every row that holds data, not the <dimension> claimed
        formulas = None
        if _has_formulas(raw, sheet):
            # Only the formula text tells a formula without a result from an empty cell.
            books.append(_open(raw, data_only=False))
            other = books[-1].worksheets[0]
            other.reset_dimensions()
            formulas = other.iter_rows(values_only=True)
        read = _Rows(sheet.title, deadline)
        # Cells, not bare values: a cell formatted as percent holds 0.028 and shows "2,8 %".
        header = read.run(sheet.iter_rows(), formulas)
    except FileProblem:
        raise
    except Exception:  # openpyxl raises a zoo of exception types on a broken workbook
        raise FileProblem("ingest.error.xlsx_broken", line=None) from None
    finally:
        for opened in books:
            opened.close()
    if read.uncomputed_total:
        _report_uncomputed(read, issues)
        return None
    data = pd.DataFrame(read.rows, columns=range(len(header)), dtype=str)
    return RawTable(header, data, np.array(read.lines, dtype=object),
                    {"encoding": "xlsx", "sheet": sheet.title})


def check_archive(raw: bytes) -> None:
    """Refuse a workbook that would unpack to too much, before a byte of it is unpacked.

    The sizes come from the zip's directory; zipfile never unpacks a part beyond the size it
    declares (it fails the part instead), so a lying directory cannot get past this either.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileProblem("ingest.error.binary") from None
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED:
        raise FileProblem("ingest.error.xlsx_unpacked", size_mb=_mb(total),
                          limit_mb=_mb(MAX_UNPACKED))
    for part in parts:
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise FileProblem("ingest.error.xlsx_packed", part=part.filename,
                              size_mb=_mb(part.file_size),
                              ratio=_grouped(part.file_size // max(part.compress_size, 1)))


def _mb(size: int) -> str:
    return _grouped(round(size / 2**20))


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _open(raw: bytes, data_only: bool) -> Workbook:
    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileProblem("ingest.error.binary") from None


def _has_formulas(raw: bytes, sheet: object) -> bool:
    """True when the sheet's XML holds a <f> element (scanned in chunks, never all at once)."""
    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return True  # cannot tell: read the formulas too
    tail = b""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive, archive.open(path) as part:
        while chunk := part.read(_CHUNK):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


@dataclass
class _Rows:
    """The rows of one sheet as text, within the bounds on cells and time."""

    title: str
    deadline: float
    header: list[str] | None = None
    header_row: int = 0
    rows: list[list[str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    uncomputed: list[tuple[int, int]] = field(default_factory=list)  # (row, column), the first
    uncomputed_total: int = 0
    cells: int = 0

    def run(self, cells: Iterator[tuple[Any, ...]],
            formulas: Iterator[tuple[Any, ...]] | None) -> list[str]:
        """Read every row (openpyxl's cells, and the formulas' values: Any, as openpyxl gives
        them); the header."""
        for number, cell_row in enumerate(cells, start=1):
            row = tuple(getattr(c, "value", None) for c in cell_row)
            shown = next(formulas, ()) if formulas is not None else ()
            self._bound(number, len(row))
            width = len(row) if self.header is None else len(self.header)
            if shown:
                self._formulas(number, row[:width], shown[:width])
            texts = [_shown_text(c) for c in cell_row[:width]]
            if not any(t.strip() for t in texts):
                continue
            if self.header is None:
                self.header, self.header_row = _trim_right(texts), number
                continue
            if len(self.rows) >= dialect.MAX_ROWS:
                raise FileProblem("ingest.error.too_many_rows", line=f"{self.title}!{number}",
                                  limit=_grouped(dialect.MAX_ROWS))
            # Cells right of the header have no column to belong to; Excel rows cannot be ragged.
            self.rows.append(texts + [""] * (width - len(texts)))
            self.lines.append(f"{self.title}!{number}")
        if self.header is None:
            raise FileProblem("ingest.error.empty_file")
        return self.header

    def _formulas(self, number: int, values: tuple[Any, ...], shown: tuple[Any, ...]) -> None:
        """Note the cells that hold a formula (shown) but no stored result (values)."""
        for j, (value, formula) in enumerate(zip(values, shown, strict=False)):
            if value is None and formula is not None:
                self.uncomputed_total += 1
                if len(self.uncomputed) < MAX_LISTED:
                    self.uncomputed.append((number, j + 1))

    def _bound(self, number: int, width: int) -> None:
        self.cells += width
        if self.cells > MAX_CELLS:
            raise FileProblem("ingest.error.xlsx_too_many_cells", line=f"{self.title}!{number}",
                              limit=_grouped(MAX_CELLS))
        if time.monotonic() > self.deadline:
            raise FileProblem("ingest.error.xlsx_too_slow", line=f"{self.title}!{number}",
                              seconds=_grouped(round(MAX_SECONDS)))


def _report_uncomputed(read: _Rows, issues: Collector) -> None:
    """One error per formula cell without a stored result, naming the cell (Data!D5)."""
    header = read.header or []
    for row, col in read.uncomputed:
        name = header[col - 1].strip() if col <= len(header) and row > read.header_row else None
        issues.add(f"{read.title}!{row}", name or None, "ingest.error.formula_without_value",
                   cell=f"{read.title}!{get_column_letter(col)}{row}")
    issues.total_errors += read.uncomputed_total - len(read.uncomputed)


def _trim_right(texts: list[str]) -> list[str]:
    while texts and not texts[-1].strip():
        texts = texts[:-1]
    return texts


def _shown_text(cell: object) -> str:
    """A cell's text; a number formatted as percent as Excel shows it ("2.8 %" for 0.028), so
    that a percent indicator gets 2,8 and any other indicator refuses the cell, as for a CSV."""
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool) \
            and "%" in str(getattr(cell, "number_format", "") or ""):
        shown = (Decimal(repr(value)) * 100).normalize()
        return f"{shown:f} %"
    return cell_text(value)


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
    if isinstance(value, clock):
        return value.isoformat()
    return str(value)


def _date_text(value: date) -> str:
    """Excel turns "2024-01" typed in a cell into 1 Jan 2024; give the month back."""
    if value.day == 1 and (not isinstance(value, datetime) or value.time() == clock()):
        return f"{value.year}-{value.month:02d}"
    return value.isoformat()[:10]
