"""Excel workbooks and Open SDG indicator files."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook

from indicators.ingest import read_observations
from indicators.model import PlanModel

TODAY = date(2026, 11, 26)


def xlsx_bytes(rows: list[list[object]], title: str = "Data") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.create_sheet("Other").append(["ignored"])  # only the first sheet is read
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_first_sheet_with_numbers_text_and_dates(model: PlanModel) -> None:
    raw = xlsx_bytes([
        ["Indikator", "Region", "Periode", "Verdi", "Merknad"],
        ["1D-01", "03", 2024, 3.5, "Ås"],
        [None, None, None, None, None],  # an empty row keeps its number
        ["2B-04", 32, datetime(2024, 1, 1), 2, None],  # Excel made "2024-01" a date
        ["2B-06", "32", "2024K2", "12,5", ""],
    ])
    result = read_observations(raw, model, name="upload.xlsx", today=TODAY)
    assert result.ok, [str(e) for e in result.errors]
    frame = result.frame
    assert frame["region_code"].tolist() == ["03", "32", "32"]
    assert frame["period"].tolist() == ["2024", "2024M01", "2024K2"]
    assert frame["value"].tolist() == [3.5, 2.0, 12.5]
    assert frame["note"].tolist() == ["Ås", "", ""]
    assert frame["line"].tolist() == ["Data!2", "Data!4", "Data!5"]
    assert result.dialect["sheet"] == "Data"


def test_xlsx_errors_name_sheet_and_row(model: PlanModel) -> None:
    raw = xlsx_bytes([["indicator_id", "region_code", "period", "value"],
                      ["1D-01", "32", 2024, 3], ["1D-01", "32", 2025, "12,5,1"]], title="Ark1")
    result = read_observations(raw, model, name="data/x.xlsx", today=TODAY)
    assert not result.ok
    assert str(result.errors[0]).startswith('data/x.xlsx:Ark1!3:value: «12,5,1» er ikke et tall')


def test_xlsx_renamed_to_csv_is_still_read(model: PlanModel) -> None:
    raw = xlsx_bytes([["indicator_id", "region_code", "period", "value"], ["1D-01", "32", 2024, 3]])
    result = read_observations(raw, model, name="oops.csv", today=TODAY)
    assert result.ok
    assert result.frame["value"].tolist() == [3.0]


def test_xlsx_indicator_from_file_name(model: PlanModel) -> None:
    raw = xlsx_bytes([["region_code", "period", "value"], ["32", "2024M01", 19000]])
    result = read_observations(raw, model, name="2B-05.xlsx", today=TODAY)
    assert result.frame["indicator_id"].tolist() == ["2B-05"]


def test_open_sdg_with_disaggregations_and_geocode(model: PlanModel) -> None:
    text = ("Year,Kjønn,Alder,GeoCode,Units,Series,Value\n"
            "2024,,,,Prosent,SL_TLF_NEET,9.9\n"
            "2024,Kvinner,15-29,,Prosent,SL_TLF_NEET,9.1\n"
            "2024,Menn,,03,Prosent,SL_TLF_NEET,10.2\n"
            "2024,,,3201,Prosent,SL_TLF_NEET,7.5\n")
    result = read_observations(text.encode(), model, name="indicator_1D-02.csv", today=TODAY)
    assert result.ok, [str(e) for e in result.errors]
    frame = result.frame
    assert frame["indicator_id"].unique().tolist() == ["1D-02"]
    assert frame["region_code"].tolist() == ["32", "32", "03", "3201"]
    assert frame["series"].tolist() == ["", "Kjønn=Kvinner; Alder=15-29", "Kjønn=Menn", ""]
    assert frame["value"].tolist() == [9.9, 9.1, 10.2, 7.5]
    assert result.dialect["format"] == "open_sdg"


def test_open_sdg_without_geocode_is_the_county(model: PlanModel) -> None:
    text = "Year,Units,Value\n2023,antall,100\n2024,antall,120\n"
    result = read_observations(text.encode(), model, name="upload.csv", indicator="2A-01",
                               today=TODAY)
    assert result.ok, [str(e) for e in result.errors]
    assert result.frame["region_code"].tolist() == ["32", "32"]
    assert result.frame["period"].tolist() == ["2023", "2024"]


def test_open_sdg_id_from_underscored_file_name(model: PlanModel) -> None:
    text = "Year,GeoCode,Value\n2024,,3.1\n"
    result = read_observations(text.encode(), model, name="indicator_1d_01.csv", today=TODAY)
    assert result.frame["indicator_id"].tolist() == ["1D-01"]
    assert result.frame["region_code"].tolist() == ["32"]


def test_open_sdg_unit_is_checked(model: PlanModel) -> None:
    text = "Year,Units,Value\n2024,mill. kr,3.1\n"
    result = read_observations(text.encode(), model, name="indicator_1D-01.csv", today=TODAY)
    assert [e.key for e in result.errors] == ["ingest.error.unit_mismatch"]
    assert result.errors[0].column == "Units"
