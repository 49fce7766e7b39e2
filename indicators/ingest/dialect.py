"""CSV dialects: encoding, delimiter, quoting and line ends, turned into a table of strings."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from indicators.ingest.rules import Collector, FileProblem

DELIMITERS = (",", ";", "\t")
MAX_ROWS = 5_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LONE_CR = re.compile(r"\r(?!\n)")
# csv refuses fields over 128 KiB by default; a long note in a file under the 50 MB limit is
# still text to read (raising the process-wide limit only ever lets more through).
csv.field_size_limit(max(csv.field_size_limit(), 64 * 2**20))
_NEWLINE, _QUOTE = ord("\n"), ord('"')
_SPACE_BYTES = (ord(" "), ord("\r"), ord("\f"), _NEWLINE)
_FEW = 10_000  # records looked at one by one before a whole-buffer pass is cheaper


@dataclass
class RawTable:
    """The header and the rows of a file, every cell as text, with each row's file line."""

    header: list[str]
    data: pd.DataFrame  # columns 0..len(header)-1, str
    lines: np.ndarray  # int for CSV, "Sheet!row" for xlsx
    dialect: dict[str, str] = field(default_factory=dict)


# --- Encoding ---------------------------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, str]:
    """The text of `raw` and the encoding it was read with; FileProblem when it is not text."""
    text, encoding = _text(raw)
    # NUL never occurs in text, whatever the encoding (a UTF-16 file can hold one, too).
    if "\x00" in text or len(_CONTROL.findall(text[:65536])) > 8:
        raise FileProblem("ingest.error.binary")
    return text, encoding


def _text(raw: bytes) -> tuple[str, str]:
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
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Norwegian Excel saves "CSV" as Windows-1252; five bytes are undefined there.
        return _decode(raw, "cp1252", 0), "cp1252"


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


# --- Records: where each CSV record starts, found with numpy over the bytes --------------------


@dataclass
class Records:
    """Byte spans of the CSV records (a quoted field may hold a line break) and their lines."""

    buffer: np.ndarray  # uint8 view of the UTF-8 text
    inside: np.ndarray | None  # True inside a quoted field (None: the file has no quotes)
    starts: np.ndarray
    lines: np.ndarray  # physical line where each record starts, 1-based
    _blank: dict[bool, np.ndarray] = field(default_factory=dict)

    @property
    def quoted_newlines(self) -> bool:
        return self.inside is not None and bool((self.inside & (self.buffer == _NEWLINE)).any())

    def text(self, i: int) -> str:
        stop = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.buffer)
        return self.buffer[self.starts[i] : stop].tobytes().decode("utf-8").rstrip("\r\n")

    def count(self, mask: np.ndarray) -> np.ndarray:
        """How many True in `mask` fall in each record."""
        # From where the Trues are: np.add.reduceat widened the whole buffer to int64 first
        # (8 bytes a byte, about 0.5 s of page faults for a 28 MB file).
        at = np.flatnonzero(mask)
        counts: np.ndarray = np.diff(np.searchsorted(at, self.starts), append=len(at))
        return counts

    def blank(self, delimiter: str) -> np.ndarray:
        """Records of nothing but spaces (in a TSV file a tab is a separator, not a space)."""
        tab_is_space = delimiter != "\t"
        if tab_is_space not in self._blank:
            spaces = list(_SPACE_BYTES) + ([ord("\t")] if tab_is_space else [])
            # Only a record that starts with a space can be blank: look closer at those alone
            # (counting every byte of a big file costs more than reading it).
            maybe = np.flatnonzero(np.isin(self.buffer[self.starts], spaces))
            if len(maybe) > _FEW:  # e.g. every line indented: count every byte after all
                self._blank[tab_is_space] = self.count(~np.isin(self.buffer, spaces)) == 0
                return self._blank[tab_is_space]
            blank = np.zeros(len(self.starts), dtype=bool)
            stops = np.append(self.starts[1:], len(self.buffer))[maybe]
            spans = [self.buffer[a:b] for a, b in zip(self.starts[maybe], stops, strict=True)]
            blank[maybe] = [bool(np.isin(s, spaces).all()) for s in spans]
            self._blank[tab_is_space] = blank
        return self._blank[tab_is_space]

    def fields(self, delimiter: str) -> np.ndarray:
        """Fields in each record: delimiters outside quotes, plus one."""
        mask = self.buffer == ord(delimiter)
        if self.inside is not None:
            mask &= ~self.inside
        return self.count(mask) + 1


def scan_records(data: bytes) -> Records:
    """Split UTF-8 bytes into CSV records without a Python loop."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    newline = buffer == _NEWLINE
    quote = buffer == _QUOTE
    inside = np.bitwise_xor.accumulate(quote.view(np.uint8)).view(bool) if quote.any() else None
    breaks = newline if inside is None else newline & ~inside
    starts = np.concatenate([[0], np.flatnonzero(breaks) + 1])
    starts = starts[starts < len(buffer)]
    records = Records(buffer, inside, starts, np.arange(1, len(starts) + 1))
    if records.quoted_newlines:
        per_record = records.count(newline)
        records.lines = 1 + np.concatenate([[0], np.cumsum(per_record)[:-1]])
    return records


# --- Delimiter and table ----------------------------------------------------------------------


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
    """The table in a CSV file, or None after recording ragged rows."""
    text, data, encoding = _utf8(raw)
    records = scan_records(data)
    if len(records.starts) > MAX_ROWS + 1:
        raise FileProblem("ingest.error.too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", " "))
    head, delimiter = _header_and_delimiter(records)
    header = _header_cells(records.text(head), delimiter, int(records.lines[head]))
    if records.inside is not None and bool(records.inside[-1]):  # an odd number of quotes
        _refuse_unclosed_quote(text, delimiter)
    dialect = {"encoding": encoding, "delimiter": delimiter,
               "line_end": "CRLF" if "\r\n" in text[:65536] else "LF"}
    body = (np.arange(len(records.starts)) > head) & ~records.blank(delimiter)
    fields = records.fields(delimiter)[body]
    # A quote inside a field (5" skjerm) fools the fast count; csv.reader then has the last word.
    if records.inside is None or bool((fields == len(header)).all()):
        if _report_ragged(fields, records.lines[body], len(header), issues):
            return None
        frame = _arrow_table(data, records, head, len(header), delimiter)
        if frame is not None and len(frame) == int(body.sum()):
            return RawTable(header, frame, records.lines[body], dialect)
    return _slow_table(text, records.lines[head], header, delimiter, dialect, issues)


def _header_cells(text: str, delimiter: str, line: int) -> list[str]:
    """The header's cells; a quote that is never closed is reported, not raised."""
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        raise FileProblem("ingest.error.bad_quotes", line=line) from None


def _refuse_unclosed_quote(text: str, delimiter: str) -> None:
    """Refuse a quoted field that is never closed: it would swallow every row after it.

    An odd number of quotes is often harmless (skjerm 5" stor), so csv itself decides: its last
    record is read again strictly, and only running out of data inside the quotes is refused.
    """
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines), delimiter=delimiter)
    start = end = 0
    for _record in reader:
        start, end = end + 1, reader.line_num
    try:
        for _record in csv.reader(iter(lines[start - 1:]), delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise FileProblem("ingest.error.bad_quotes", line=start) from None


def _utf8(raw: bytes) -> tuple[str, bytes, str]:
    """The file as text and as UTF-8 bytes (what the fast reader needs), and its encoding."""
    text, encoding = decode(raw)
    text = text.removeprefix("\ufeff")
    # A CR without LF ends a line too: classic Mac files, and files pasted together from both.
    lone_cr = _LONE_CR.search(text) is not None
    if lone_cr:
        text = _LONE_CR.sub("\n", text.replace("\r\n", "\n"))
    if not text.strip():
        raise FileProblem("ingest.error.empty_file")
    return text, raw if encoding == "utf-8" and not lone_cr else text.encode("utf-8"), encoding


def _header_and_delimiter(records: Records) -> tuple[int, str]:
    """Index of the header record and the delimiter; honours Excel's `sep=;` first line."""
    filled = np.flatnonzero(~records.blank(","))
    head = int(filled[0])
    declared = re.fullmatch(r"sep=(.)", records.text(head).strip(" \"'"))
    if declared and declared[1] in DELIMITERS and len(filled) > 1:
        return int(filled[1]), declared[1]
    sample = "\n".join(records.text(i) for i in filled[:50])
    return head, detect_delimiter(records.text(head), sample)


def _arrow_table(data: bytes, records: Records, head: int, width: int,
                 delimiter: str) -> pd.DataFrame | None:
    """The rows after the header, every cell as text, read by pyarrow (fast, multithreaded)."""
    if head + 1 >= len(records.starts):
        return pd.DataFrame({i: pd.Series(dtype=str) for i in range(width)})
    names = [str(i) for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(int(records.starts[head + 1]))),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=records.quoted_newlines,
                ignore_empty_lines=True, invalid_row_handler=lambda _row: "skip"),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    frame: pd.DataFrame = table.to_pandas()  # (pyarrow has no type hints)
    frame.columns = pd.RangeIndex(width)
    return frame


def _slow_table(text: str, header_line: int, header: list[str], delimiter: str,
                dialect: dict[str, str], issues: Collector) -> RawTable | None:
    """csv.reader, record by record, for files pyarrow reads differently (odd quoting)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    numbers: list[int] = []
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if start <= header_line or not any(cell.strip() for cell in record):
                continue
            rows.append(record)
            numbers.append(start)
    except csv.Error:  # e.g. a quote never closed makes a field longer than csv allows
        raise FileProblem("ingest.error.bad_quotes", line=previous_end + 1) from None
    counts = np.array([len(r) for r in rows], dtype=int)
    if _report_ragged(counts, np.array(numbers), len(header), issues):
        return None
    frame = pd.DataFrame(rows, columns=range(len(header)), dtype=str)
    return RawTable(header, frame, np.array(numbers, dtype=int), dialect)


def _report_ragged(counts: np.ndarray, numbers: np.ndarray, expected: int,
                   issues: Collector) -> bool:
    """Record rows whose field count differs from the header's; True when there were any."""
    bad = counts != expected
    issues.add_rows(bad, numbers, None, "ingest.error.ragged_row",
                    lambda i: {"found": int(counts[i]), "expected": expected})
    return bool(bad.any())
