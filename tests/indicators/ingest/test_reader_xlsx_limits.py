"""Issue 14, items 3–5: every row of a workbook is read, a workbook cannot make the reader hang
or eat the memory, and a formula without a stored result is named and refused."""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import Workbook

from indicators.ingest import ReadResult, read_observations, xlsx
from indicators.model import PlanModel

TODAY = date(2026, 11, 26)
SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["indicator_id", "region_code", "period", "value"]
ROWS = [HEADER, ["1D-01", "32", 2020, 4.0], ["1D-01", "32", 2021, 4.5],
        ["1D-01", "32", 2022, 5.0], ["1D-01", "32", 2023, 5.5]]


def workbook(rows: list[list[object]], title: str = "Data") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def edit_zip(raw: bytes, member: str, edit: Callable[[str], str],
             compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with one part's XML changed, as a broken or hostile tool would write it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, data)
    return out.getvalue()


def dimension(ref: str) -> Callable[[str], str]:
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)


def read(raw: bytes, model: PlanModel) -> ReadResult:
    return read_observations(raw, model, name="data/x.xlsx", today=TODAY)


def messages(result: ReadResult) -> list[str]:
    assert not result.ok and result.frame.empty
    return [str(e) for e in result.errors]


# --- Item 3: a stale <dimension> ---------------------------------------------------------------

def test_rows_beyond_a_stale_dimension_are_read(model: PlanModel) -> None:
    raw = edit_zip(workbook(ROWS), SHEET, dimension("A1:D2"))
    assert '<dimension ref="A1:D2"/>' in zipfile.ZipFile(io.BytesIO(raw)).read(SHEET).decode()
    result = read(raw, model)
    assert result.ok, messages(result)
    assert result.frame["period"].tolist() == ["2020", "2021", "2022", "2023"]
    assert result.frame["line"].tolist() == ["Data!2", "Data!3", "Data!4", "Data!5"]


# --- Item 4: bounds on size, cells and time ----------------------------------------------------

def test_a_dimension_of_the_whole_sheet_does_not_hang(model: PlanModel) -> None:
    raw = edit_zip(workbook(ROWS), SHEET, dimension("A1:XFD1048576"))
    assert len(raw) < 10_000
    start = time.monotonic()
    result = read(raw, model)
    assert time.monotonic() - start < 5
    assert result.ok, messages(result)
    assert len(result.frame) == 4


def test_a_cell_far_to_the_right_and_far_down_does_not_hang(model: PlanModel) -> None:
    book = Workbook()
    sheet = book.active
    for row in ROWS:
        sheet.append(row)
    sheet["XFD3"] = "x"
    sheet["A1048576"] = " "
    out = io.BytesIO()
    book.save(out)
    start = time.monotonic()
    result = read(out.getvalue(), model)
    assert time.monotonic() - start < 10
    assert result.ok, messages(result)
    assert len(result.frame) == 4


def declared_size(raw: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size in the central directory set to `size`."""
    data = bytearray(raw)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len].decode() == member:
            struct.pack_into("<I", data, pos + 24, size)
        pos = data.find(b"PK\x01\x02", pos + 46)
    return bytes(data)


def test_a_workbook_declaring_a_gigabyte_is_refused_at_once(model: PlanModel) -> None:
    raw = declared_size(workbook(ROWS), SHEET, 2**30)
    start = time.monotonic()
    [message] = messages(read(raw, model))
    assert time.monotonic() - start < 2
    assert message.startswith("data/x.xlsx:") and "1 024 MB" in message and "CSV" in message


def test_a_zip_bomb_is_refused_quickly(model: PlanModel) -> None:
    # 40 MB of spaces inside the sheet's XML packs to about 40 kB: a ratio no workbook has.
    padding = " " * (40 * 2**20)
    raw = edit_zip(workbook(ROWS), SHEET, lambda xml: xml.replace("<sheetData>",
                                                                  f"<sheetData>{padding}", 1))
    assert len(raw) < 200_000
    start = time.monotonic()
    [message] = messages(read(raw, model))
    assert time.monotonic() - start < 2
    assert "sheet1.xml" in message and "CSV" in message


def test_too_many_cells_are_refused_with_the_limit(model: PlanModel,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_CELLS", 12)
    [message] = messages(read(workbook(ROWS), model))
    assert "12" in message and "CSV" in message


def test_reading_too_long_is_refused(model: PlanModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_SECONDS", 0.0)
    [message] = messages(read(workbook(ROWS), model))
    assert "CSV" in message


# --- Item 5: formulas without a stored result --------------------------------------------------

def test_formulas_without_a_stored_result_are_named_and_refused(model: PlanModel) -> None:
    rows = [*ROWS[:3], ["1D-01", "32", 2022, "=D2+D3"], ["1D-01", "32", 2023, "=D4*2"]]
    raw = workbook(rows)  # openpyxl, like many tools, stores formulas without their results
    result = read(raw, model)
    found = messages(result)
    assert len(found) == 2
    assert found[0].startswith("data/x.xlsx:Data!4:value: ") and "Data!D4" in found[0]
    assert found[1].startswith("data/x.xlsx:Data!5:value: ") and "Data!D5" in found[1]
    assert "Excel" in found[0] and "lim inn verdier" in found[0]
    assert "paste" in result.errors[0].message("en").lower()


def test_a_formula_with_its_stored_result_is_read(model: PlanModel) -> None:
    raw = workbook([*ROWS[:3], ["1D-01", "32", 2022, "=D2+D3"]])
    raw = edit_zip(raw, SHEET, lambda xml: xml.replace("<f>D2+D3</f>", "<f>D2+D3</f><v>8.5</v>"))
    result = read(raw, model)
    assert result.ok, messages(result)
    assert result.frame["value"].tolist() == [4.0, 4.5, 8.5]


def percent_workbook(indicator: str, period: str, value: float) -> bytes:
    """A workbook whose value cell is formatted as percent, as Excel users format shares."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(HEADER)
    sheet.append([indicator, "32", period, value])
    sheet["D2"].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_percent_formatted_cell_is_read_as_the_percent_it_shows(model: PlanModel) -> None:
    # The cell holds 0.028 and shows "2,8 %": the planner means 2,8 %, never 0,028 %.
    percent = next(i for i in model.indicators if i.unit == "percent")
    period = "2025M01" if percent.frequency == "monthly" else "2025"
    result = read(percent_workbook(percent.id, period, 0.028), model)
    assert result.ok, [e.message() for e in result.errors]
    assert result.frame["value"].tolist() == [2.8]


def test_a_percent_formatted_cell_is_refused_for_an_indicator_that_is_not_a_percent(
        model: PlanModel) -> None:
    count = next(i for i in model.indicators if i.unit == "count" and i.frequency == "annual")
    result = read(percent_workbook(count.id, "2025", 0.5), model)
    assert not result.ok
    assert result.errors[0].line == "Data!2" and result.errors[0].column == "value"
