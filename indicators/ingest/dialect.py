"""CSV dialects: encoding, delimiter, quoting and line ends, turned into a table of strings."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indicators.ingest.rules import Collector, FileProblem

DELIMITERS = (",", ";", "\t")
MAX_ROWS = 5_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_QUOTED = r'"[^"]*"'


@dataclass
class RawTable:
    """The header and the rows of a file, every cell as text, with each row's file line."""

    header: list[str]
    data: pd.DataFrame  # columns 0..len(header)-1, str
    lines: np.ndarray  # int for CSV, "Sheet!row" for xlsx
    dialect: dict[str, str] = field(default_factory=dict)


def decode(raw: bytes) -> tuple[str, str]:
    """The text of `raw` and the encoding it was read with; FileProblem when it is not text."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return _decode(raw[3:], "utf-8", 3), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(raw, "utf-16", 0), "utf-16"
    utf16 = _utf16_without_bom(raw)
    if utf16:
        return _decode(raw, utf16, 0), utf16
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem("ingest.error.old_excel")
    if b"\x00" in raw:
        raise FileProblem("ingest.error.binary")
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Norwegian Excel saves "CSV" as Windows-1252; five bytes are undefined there.
        text, encoding = _decode(raw, "cp1252", 0), "cp1252"
    if len(_CONTROL.findall(text[:65536])) > 8:
        raise FileProblem("ingest.error.binary")
    return text, encoding


def _decode(raw: bytes, encoding: str, offset: int) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start + offset].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex().upper()
        raise FileProblem("ingest.error.encoding", line=line, byte=f"0x{byte}",
                          position=exc.start + offset) from None


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 without a byte order mark shows as ASCII with every other byte zero."""
    head = raw[:400]
    if len(head) < 4 or len(head) % 2:
        return None
    if head[1::2].count(0) == len(head) // 2 and head[0::2].count(0) == 0:
        return "utf-16-le"
    if head[0::2].count(0) == len(head) // 2 and head[1::2].count(0) == 0:
        return "utf-16-be"
    return None


def detect_delimiter(header_line: str, sample: str) -> str:
    """`,` `;` or tab: csv.Sniffer's guess when the header agrees, else the header's commonest."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in counts and counts[sniffed] and counts[sniffed] == counts[best]:
        return sniffed
    return best if counts[best] else ","


def read_csv_table(raw: bytes, issues: Collector) -> RawTable | None:
    """The table in a CSV file, or None after recording structural errors (ragged rows)."""
    text, encoding = decode(raw)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FileProblem("ingest.error.empty_file")
    if text.count("\n") > MAX_ROWS + 1:
        raise FileProblem("ingest.error.too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", " "))
    lines = pd.Series(text.split("\n"), dtype=str).str.rstrip("\r")
    head, delimiter = _header_and_delimiter(lines)
    # pandas skips lines of only spaces; in a TSV file a tab is a separator, not a space.
    blank = (lines.str.strip(" \x0c" if delimiter == "\t" else " \t\x0c") == "").to_numpy()
    header = next(csv.reader([lines.iat[head]], delimiter=delimiter))
    dialect = {"encoding": encoding, "delimiter": delimiter,
               "line_end": "CRLF" if "\r\n" in text[:65536] else "LF"}
    table = _fast_table(text, lines, blank, head, header, delimiter, issues)
    if table is None and not issues.total_errors:
        table = _slow_table(text, head, header, delimiter, issues)
    if table is None:
        return None
    return RawTable(header, table[0], table[1], dialect)


def _header_and_delimiter(lines: pd.Series) -> tuple[int, str]:
    """Index of the header line and the delimiter; honours Excel's `sep=;` first line."""
    filled = np.flatnonzero((lines.str.strip() != "").to_numpy())
    head = int(filled[0])
    declared = re.fullmatch(r"sep=(.)", lines.iat[head].strip(" \"'"))
    if declared and declared[1] in DELIMITERS and len(filled) > 1:
        return int(filled[1]), declared[1]
    sample = "\n".join(lines.iloc[head : head + 50])
    return head, detect_delimiter(lines.iat[head], sample)


def _field_counts(lines: pd.Series, delimiter: str) -> pd.Series | None:
    """Fields per line; None when a quoted field spans lines (then csv.reader must count)."""
    if not lines.str.contains('"', regex=False).any():
        return lines.str.count(re.escape(delimiter)) + 1
    if (lines.str.count('"') % 2 == 1).any():
        return None
    unquoted = lines.str.replace(_QUOTED, "", regex=True)
    return unquoted.str.count(re.escape(delimiter)) + 1


def _fast_table(text: str, lines: pd.Series, blank: np.ndarray, head: int, header: list[str],
                delimiter: str, issues: Collector) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Vectorised read; None when the slow path is needed or ragged rows were recorded."""
    body = lines.iloc[head + 1 :]
    body_blank = blank[head + 1 :]
    counts = _field_counts(body, delimiter)
    if counts is None:
        return None
    numbers = np.arange(head + 2, len(lines) + 1)[~body_blank]
    counts = counts.to_numpy()[~body_blank]
    if _report_ragged(counts, numbers, len(header), issues):
        return None
    data = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, names=range(len(header)),
                       skiprows=head + 1, dtype=str, keep_default_na=False, na_filter=False,
                       skip_blank_lines=True, quotechar='"', engine="c", index_col=False)
    if len(data) != len(numbers):  # pandas skipped lines differently: let csv.reader decide
        return None
    return data, numbers


def _slow_table(text: str, head: int, header: list[str], delimiter: str,
                issues: Collector) -> tuple[pd.DataFrame, np.ndarray] | None:
    """csv.reader, record by record: for quoted fields that span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    numbers: list[int] = []
    previous_end = 0
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if start <= head + 1 or not any(cell.strip() for cell in record):
            continue
        rows.append(record)
        numbers.append(start)
    counts = np.array([len(r) for r in rows], dtype=int)
    if _report_ragged(counts, np.array(numbers), len(header), issues):
        return None
    return pd.DataFrame(rows, columns=range(len(header)), dtype=str), np.array(numbers)


def _report_ragged(counts: np.ndarray, numbers: np.ndarray, expected: int,
                   issues: Collector) -> bool:
    """Record rows whose field count differs from the header's; True when there were any."""
    bad = counts != expected
    issues.add_rows(bad, numbers, None, "ingest.error.ragged_row",
                    lambda i: {"found": int(counts[i]), "expected": expected})
    return bool(bad.any())
