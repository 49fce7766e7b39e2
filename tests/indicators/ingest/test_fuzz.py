"""Issue 14, "Done when": generated files, valid and broken, CSV and xlsx, through the reader
and the app's import check. Never a traceback; every refusal names its line (a problem of the
whole file has none to name); a refusal leaves the database byte for byte as it was; and after
every accepted file the progress of every indicator can still be assessed and shown.

Hypothesis runs derandomised, so CI sees the same 1 000+ files every time; set FUZZ_RANDOM=1 to
draw new ones (FUZZ_EXAMPLES=n for more).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import string
import time
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators import importing, store
from indicators.assessment import assess_all
from indicators.build import build
from indicators.i18n import catalogue, format_period, format_value
from indicators.ingest import read_observations
from indicators.model import PlanModel
from indicators.periods import MIN_YEAR, fits, parse_period

TODAY = date(2026, 11, 26)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))
IMPORT_EVERY = 25  # every n-th accepted file is really imported (the rest are merged in memory)
# Problems of the whole file: there is no line to name.
WHOLE_FILE = {"ingest.error.empty_file", "ingest.error.binary", "ingest.error.old_excel",
              "ingest.error.too_large", "ingest.error.too_many_rows",
              "ingest.error.xlsx_unpacked", "ingest.error.xlsx_packed", "ingest.error.xlsx_broken"}
FREQUENCIES = {"1D-01": "annual", "2B-06": "quarterly", "2B-04": "monthly",
               "1D-04": "school_year", "2A-03": "irregular"}


# --- The tiny model and its database ---------------------------------------------------------

def tiny_model(model: PlanModel) -> PlanModel:
    """Five indicators, one per frequency, in one goal; the real regions."""
    data = model.model_dump()
    indicators = [dict(i, frequency=FREQUENCIES[i["id"]]) for i in data["indicators"]
                  if i["id"] in FREQUENCIES]
    goal = dict(data["goals"][0], id="G", indicators=list(FREQUENCIES))
    data.update(indicators=indicators, goals=[goal], themes=[], focus_areas=[], schemes=[])
    return PlanModel.model_validate(data)


BASELINE = {
    "1D-01": [str(y) for y in range(2015, 2025)],
    "2B-06": [f"{y}K{q}" for y in (2023, 2024) for q in range(1, 5)],
    "2B-04": [f"{y}M{m:02d}" for y in (2024, 2025) for m in range(1, 13)],
    "1D-04": [f"{y}/{(y + 1) % 100:02d}" for y in range(2015, 2024)],
    "2A-03": ["2019", "2021-2023"],
}


@dataclass
class Site:
    model: PlanModel
    db: Path
    stored: pd.DataFrame | None = None  # what the database holds (read again after an import)

    def digest(self) -> str:
        return hashlib.sha256(self.db.read_bytes()).hexdigest()

    def observations(self) -> pd.DataFrame:
        if self.stored is None:
            con = store.connect(self.db)
            try:
                self.stored = store.all_observations(con)
            finally:
                con.close()
        return self.stored


@pytest.fixture(scope="module")
def site(model: PlanModel, tmp_path_factory: pytest.TempPathFactory) -> Site:
    tiny = tiny_model(model)
    data = tmp_path_factory.mktemp("fuzz") / "data"
    (data / "observations").mkdir(parents=True)
    for indicator, periods in BASELINE.items():
        rows = [f"{indicator},{region},{p},{2 + k % 7}.5"
                for region in ("32", "3201") for k, p in enumerate(periods)]
        (data / "observations" / f"{indicator}.csv").write_text(
            "indicator_id,region_code,period,value\n" + "\n".join(rows) + "\n", "utf-8")
    db = data / "fuzz.duckdb"
    report = build(tiny, data, db)
    assert report.ok, report.problems
    return Site(tiny, db)


# --- What planners write, and what goes wrong ------------------------------------------------

IDS = [*FREQUENCIES] * 4 + ["2b-04", "1D_01", "1D-1", "９Z", "", "1D-01 ", "１Ｄ-01"]
REGIONS = ["32", "32", "3201", "0", "03", "3203", "3201 Bærum", "", "3", "0219", "3024", "３２",
           "9999", "32.0"]
GOOD_PERIODS = {
    "1D-01": ["2018", "2023", "2025", "2027", "１９９９"],
    "2B-06": ["2025K1", "2024Q3", "2024 K2", "2024-K4"],
    "2B-04": ["2024M03", "2024-07", "2026M01", "2025m2", "2024M1"],
    "1D-04": ["2018/19", "2024/2025", "2011/12", "1999/00"],
    "2A-03": ["2020", "2017-2019", "2022–2024", "2024"],
}
BAD_PERIODS = ["", "1899", "0999", "2024M13", "2024K5", "2011/13", "2023-2021", "jan 2024",
               "٢٠٢٤", "２０２４", "2024.0", "20245", "2099", "2028M01", "12,5", "2024-2025"]
VALUES = ["4", "4,5", "12.5", "0", "-1", "100", "101", "1 234,5", "1\u00a0234", "1.234,5",
          "1,234.5", "..", ".", ":", "-", "", "NaN", "inf", "-∞", "1e-400", "1e-310", "0e-9",
          "1e308", "1e15", "9.9e14", "2,8 %", "2.8%", "12,5,1", "٤", "４,５", "\u22121", "abc",
          " 7 ", "1e6", "3.", ".5", "+2", "0x10", "1_000"]
UNITS = ["", "", "percent", "prosent", "%", "antall", "count", "mill. kr", "kg"]
NOTES = ["", "", "Ås kommune", 'sitat: "x"', "a;b,c", "linje1\nlinje2", "tab\there", "<b>x</b>",
         "😀", "\x00"]
HEADERS = {
    "indicator_id": ["indicator_id", "Indikator", "INDIKATOR_ID"],
    "region_code": ["region_code", "region", "Kommunenr", "geocode"],
    "period": ["period", "periode", "år", "a\u030ar", "aar", "Tid", "year"],
    "value": ["value", "verdi", "Verdi "],
    "unit": ["unit", "enhet"],
    "series": ["series", "serie"],
    "note": ["note", "merknad"],
}


CLEAN_IDS = {i: i for i in FREQUENCIES} | {"2b-04": "2B-04", "１Ｄ-01": "1D-01", "1d_01": "1D-01"}
CLEAN_REGIONS = {"32": "32", "３２": "32", "3201": "3201", "3201 Bærum": "3201", "0": "0",
                 "03": "03", "3203": "3203"}
CLEAN_VALUES = ["4", "4,5", "12.5", "0", "99", "..", ".", ":", "-", "", " 7 ", "1e1", "４,５",
                "0e-9", "3.", ".5", "+2", "1,5e1"]


def clean_period(frequency: str, n: int) -> tuple[str, tuple[int, int]]:
    """The n-th period of a frequency, in one of the forms planners write, and its place."""
    year = 1990 + n % 37
    if frequency == "quarterly":
        return f"{year}{'KQ'[n % 2]}{1 + n % 4}", (year, 1 + n % 4)
    if frequency == "monthly":
        return (f"{year}M{1 + n % 12:02d}" if n % 3 else f"{year}-{1 + n % 12:02d}",
                (year, 1 + n % 12))
    if frequency == "school_year":
        return f"{year - 1}/{year % 100:02d}", (year, 0)
    if frequency == "irregular" and n % 4 == 0:
        return f"{year - 2}–{year}", (year, 0)
    return f"{year}", (year, 0)


@st.composite
def rows(draw: st.DrawFn, clean: bool, has_series: bool) -> list[dict[str, str]]:
    """Rows of cells; `clean` ones hold only what the reader must accept, the rest anything."""
    out, seen = [], set()
    for _ in range(draw(st.integers(0 if not clean else 1, 8))):
        if clean:
            indicator = draw(st.sampled_from(sorted(CLEAN_IDS)))
            region = draw(st.sampled_from(sorted(CLEAN_REGIONS)))
            frequency = FREQUENCIES[CLEAN_IDS[indicator]]
            period, place = clean_period(frequency, draw(st.integers(0, 400)))
            series = draw(st.sampled_from(["", "k"])) if has_series else ""
            key = (CLEAN_IDS[indicator], CLEAN_REGIONS[region], place, series)
            if key in seen:
                continue
            seen.add(key)
            value = draw(st.sampled_from(CLEAN_VALUES))
            if CLEAN_IDS[indicator] in ("1D-01", "2B-04", "1D-04") and draw(st.booleans()):
                value = draw(st.sampled_from(["2,8 %", "2.8%", "100 %", "0,5\u00a0%"]))
            unit = draw(st.sampled_from(["", site_unit(CLEAN_IDS[indicator])]))
            note = draw(st.sampled_from(NOTES[:-1]))
        else:
            indicator = draw(st.sampled_from(IDS))
            good = GOOD_PERIODS.get(indicator.strip().upper(), GOOD_PERIODS["1D-01"])
            region = draw(st.sampled_from(REGIONS))
            period = draw(st.sampled_from(good * 3 + BAD_PERIODS[:4])
                          | st.sampled_from(BAD_PERIODS))
            value = draw(st.sampled_from(VALUES) | st.floats(allow_nan=True).map(repr)
                         | st.text(max_size=6))
            unit, series = draw(st.sampled_from(UNITS)), draw(st.sampled_from(["", "", "k"]))
            note = draw(st.sampled_from(NOTES) | st.text(max_size=8))
        out.append({"indicator_id": indicator, "region_code": region, "period": period,
                    "value": value, "unit": unit, "series": series, "note": note})
    return out


def site_unit(indicator: str) -> str:
    return {"1D-01": "prosent", "2B-04": "%", "1D-04": "percent", "2B-06": "antall",
            "2A-03": "mill. kr"}[indicator]


@dataclass
class Case:
    name: str
    raw: bytes
    kind: str
    clean: bool  # every cell is one the reader must accept


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], bool]:
    """A header and rows; clean (half of them) when every cell is one the reader must accept."""
    clean = draw(st.booleans())
    columns = ["indicator_id", "region_code", "period", "value"]
    columns += draw(st.lists(st.sampled_from(["unit", "series", "note"]), unique=True))
    if not clean and draw(st.integers(0, 9)) == 0:
        columns.remove(draw(st.sampled_from(columns)))  # a required column missing
    columns = draw(st.permutations(columns))
    header = [draw(st.sampled_from(HEADERS[c])) for c in columns]
    body = [[r[c] for c in columns] for r in draw(rows(clean, "series" in columns))]
    return header, body, clean


@st.composite
def csv_files(draw: st.DrawFn) -> Case:
    header, body, clean = draw(tables())
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    text = out.getvalue()
    ending = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    if ending == "mixed":
        text = "".join(line + draw(st.sampled_from(["\n", "\r\n", "\r"]))
                       for line in text.split("\n"))
    else:
        text = text.replace("\n", ending)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    if clean and encoding == "cp1252" and text.encode(encoding, errors="replace").decode(
            encoding) != text:
        encoding = "utf-8"  # what cp1252 cannot hold is not a clean file
    raw = text.encode(encoding, errors="replace")
    if not clean:
        raw = draw(mutations(raw))
    return Case(draw(st.sampled_from(["data/x.csv", "2B-04.csv", "upload.txt"])), raw, "csv",
                clean)


@st.composite
def mutations(draw: st.DrawFn, raw: bytes) -> bytes:
    """Sometimes break the bytes: cut them, splice in junk, or repeat a piece."""
    choice = draw(st.integers(0, 9))
    if choice == 0 and raw:
        return raw[: draw(st.integers(0, len(raw)))]
    if choice == 1:
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(max_size=12)) + raw[at:]
    if choice == 2:
        return draw(st.sampled_from([b"", b"\n\n", b"\xef\xbb\xbf", b"\x89PNG\r\n\x1a\n\x00",
                                     b"\xd0\xcf\x11\xe0" + bytes(40), b"PK\x03\x04 no zip",
                                     bytes(range(256))]))
    return raw


def workbook(header: list[str], body: list[list[str]], draw: st.DrawFn, clean: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = draw(st.sampled_from(["Data", "Ark 1", "Æøå"]))
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", h) for h in header])
    values = [h in HEADERS["value"] for h in header]
    for row in body:
        cells: list[object] = []
        for text, is_value in zip((ILLEGAL_CHARACTERS_RE.sub("", c) for c in row), values,
                                  strict=True):  # Excel cannot hold those characters
            form = draw(st.integers(0, 5 if not clean else 0) if is_value else st.just(5))
            number = re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text)
            cells.append(float(text) if form == 0 and number else
                         f"={text or 1}*1" if form == 1 and number else text)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return _without_clock(out.getvalue())


def _without_clock(raw: bytes) -> bytes:
    """The workbook with its save times fixed: openpyxl stamps the time into docProps/core.xml and
    every zip entry, so the same draw gave files of different lengths from one second to the next,
    and Hypothesis (which then draws mutations over those bytes) stopped as "flaky"."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, (2026, 1, 1, 0, 0, 0)), data,
                         zipfile.ZIP_DEFLATED)
    return out.getvalue()


def edit_sheet(raw: bytes, edit) -> bytes:  # noqa: ANN001 — a str -> str function
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w",
                                                                  zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, data)
    return out.getvalue()


@st.composite
def xlsx_files(draw: st.DrawFn) -> Case:
    header, body, clean = draw(tables())
    raw = workbook(header, body, draw, clean)
    trick = draw(st.integers(0, 7))
    if clean and trick not in (0, 2):
        trick = 7  # a clean workbook may have a wrong <dimension> or a stray cell, nothing worse
    if trick == 0:  # a stale or huge <dimension>
        ref = draw(st.sampled_from(["A1:A1", "A1:D2", "A1:XFD1048576"]))
        raw = edit_sheet(raw, lambda x: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', x))
    elif trick == 1:  # broken XML inside a good zip
        raw = edit_sheet(raw, lambda x: x.replace("</sheetData>", "", 1))
    elif trick == 2:  # a cell far away
        raw = edit_sheet(raw, lambda x: x.replace(
            "</sheetData>", '<row r="900"><c r="XFD900" t="inlineStr"><is><t>x</t></is></c></row>'
                            "</sheetData>", 1))
    elif trick == 3:
        raw = draw(mutations(raw))
    return Case(draw(st.sampled_from(["data/x.xlsx", "2B-04.xlsx", "renamed.csv"])), raw, "xlsx",
                clean)


# --- The checks ------------------------------------------------------------------------------

def check_refusal(case: Case, result, site: Site, before: str, stats: Counter) -> None:  # noqa: ANN001
    assert result.frame.empty
    assert result.total_errors >= len(result.errors) > 0
    for issue in result.errors:
        assert issue.line is not None or issue.key in WHOLE_FILE, (str(issue), case)
        for lang in ("nb", "en"):
            template = catalogue()[issue.key][lang]
            wanted = {name for _, name, _, _ in string.Formatter().parse(template) if name}
            assert wanted <= set(issue.params), (issue.key, issue.params)
            assert " — " in issue.message(lang)  # what is wrong — how to fix it
        assert str(issue).startswith(case.name)
    stats["refused"] += 1
    stats[f"refused {result.errors[0].key}"] += 1
    assert site.digest() == before, case


def check_accepted(case: Case, result, site: Site, stats: Counter) -> None:  # noqa: ANN001
    frame = result.frame
    stats["accepted"] += 1
    stats["accepted rows"] += len(frame)
    for row in frame.itertuples(index=False):
        indicator = site.model.indicator(row.indicator_id)
        assert MIN_YEAR <= row.year <= date.today().year + 1
        period = parse_period(row.period)
        assert period is not None and period.canonical == row.period
        assert fits(period, indicator.frequency), row
        assert pd.isna(row.value) or abs(row.value) <= 1e15
        assert pd.isna(row.value) or row.value == 0 or abs(row.value) > 1e-300
        format_value(row.value, indicator.unit, "nb")
        format_value(row.value, indicator.unit, "en")
        format_period(row.period, "nb")
    for issue in result.warnings:
        assert len(issue.message("nb")) < 400
    key = ["indicator_id", "region_code", "period", "series"]
    if stats["accepted"] % IMPORT_EVERY == 0 and len(frame):
        # The app's whole path: check (with its dry run and stored jumps), then import.
        pending = importing.check(case.raw, case.name, site.model, site.db)
        if not pending.read.ok:  # only the store's own refusal may stop a file the reader took:
            # a year beside a stored pooled period of the same year (or the reverse)
            assert {i.key for i in pending.read.errors} == {store.PERIOD_CLASH}
            stats["refused by the store"] += 1
            return
        assert pending.preview is not None
        store.import_observations(site.db, pending.read.frame, file_name=case.name,
                                  sha256=result.sha256, user="fuzz")
        stats["imported"] += 1
        site.stored = None
        stored = site.observations()
    else:  # what the import would store, without the cost of a database write
        stored = pd.concat([site.observations(), frame[[*store.OBS_COLUMNS]]], ignore_index=True)
        stored = stored.drop_duplicates(key, keep="last")
    merged = {i: g for i, g in stored.groupby("indicator_id")}
    assessments = assess_all(site.model, merged, as_of=TODAY)
    assert set(assessments) == set(FREQUENCIES)


def test_generated_files_never_crash_and_never_write_on_refusal(site: Site) -> None:
    stats: Counter = Counter()
    start = time.monotonic()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              derandomize=not os.environ.get("FUZZ_RANDOM"),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(case=st.one_of(csv_files(), csv_files(), xlsx_files()))
    def one(case: Case) -> None:
        stats["files"] += 1
        stats[case.kind] += 1
        result = read_observations(case.raw, site.model, name=case.name)  # what every path reads
        assert result.ok or not case.clean, ([str(e) for e in result.errors], case)
        stats["clean"] += case.clean
        if result.ok:
            check_accepted(case, result, site, stats)
        else:
            before = site.digest()
            pending = importing.check(case.raw, case.name, site.model, site.db)  # the app's path
            assert pending.preview is None and not pending.read.ok
            check_refusal(case, pending.read, site, before, stats)

    one()
    seconds = time.monotonic() - start
    print(f"\nfuzz: {stats['files']} files ({stats['csv']} CSV, {stats['xlsx']} xlsx) in "
          f"{seconds:.1f} s; {stats['accepted']} accepted ({stats['accepted rows']} rows, "
          f"{stats['imported']} imported), {stats['refused']} refused")
    for key, count in sorted(stats.items()):
        if key.startswith("refused "):
            print(f"  {count:5d} {key}")
    assert stats["files"] >= EXAMPLES
    assert stats["xlsx"] >= EXAMPLES // 5 and stats["csv"] >= EXAMPLES // 2
    assert stats["accepted"] >= EXAMPLES // 10 and stats["refused"] >= EXAMPLES // 10
    assert stats["imported"] >= 2
