"""The CSV dialects that must load without preparation: each gives exact values."""

from __future__ import annotations

import hashlib
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from indicators.ingest import ReadResult, read_observations
from indicators.model import PlanModel

TODAY = date(2026, 11, 26)
ROOT = Path(__file__).resolve().parents[3]
NBSP, NNBSP = "\u00a0", "\u202f"


def read(model: PlanModel, data: bytes | str, name: str = "x.csv", **kwargs) -> ReadResult:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    result = read_observations(raw, model, name=name, today=TODAY, **kwargs)
    assert result.ok, [str(e) for e in result.errors]
    return result


def test_semicolon_decimal_comma_cp1252(model: PlanModel) -> None:
    text = "indicator_id;region_code;period;value;note\r\n2B-04;3218;2024M01;12,5;Ås ærlig øy\r\n"
    result = read(model, text.encode("cp1252"))
    row = result.frame.iloc[0]
    assert row["value"] == 12.5
    assert row["note"] == "Ås ærlig øy"
    assert row["region_code"] == "3218"
    assert result.dialect["encoding"] == "cp1252"
    assert result.dialect["delimiter"] == ";"


def test_utf8_with_bom(model: PlanModel) -> None:
    text = "\ufeffindicator_id,region_code,period,value,note\n1D-01,32,2024,3.1,Bærum\n"
    frame = read(model, text).frame
    assert frame["indicator_id"].tolist() == ["1D-01"]
    assert frame["value"].tolist() == [3.1]
    assert frame["note"].tolist() == ["Bærum"]


def test_tab_separated_utf16_with_bom(model: PlanModel) -> None:
    # Udir's statistikkbank exports are UTF-16 and tab-separated.
    text = "indicator_id\tregion_code\tperiod\tvalue\n1D-04\t02\t2011/12\t4,2\n"
    result = read(model, text.encode("utf-16"))
    assert result.frame["value"].tolist() == [4.2]
    assert result.frame["period"].tolist() == ["2011/12"]
    assert result.frame["year"].tolist() == [2012]
    assert result.dialect["delimiter"] == "\t"


def test_utf16_without_bom(model: PlanModel) -> None:
    text = "indicator_id;region_code;period;value\n1D-01;03;2024;2,5\n"
    frame = read(model, text.encode("utf-16-le")).frame
    assert frame["region_code"].tolist() == ["03"]
    assert frame["value"].tolist() == [2.5]


def test_crlf_and_lf_give_the_same_frame(model: PlanModel) -> None:
    lf = "indicator_id,region_code,period,value\n1D-01,32,2024,3\n1D-01,32,2025,3.2\n"
    crlf = lf.replace("\n", "\r\n")
    a, b = read(model, lf), read(model, crlf)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert b.dialect["line_end"] == "CRLF"
    assert b.frame["line"].tolist() == [2, 3]


def test_classic_mac_line_ends(model: PlanModel) -> None:
    frame = read(model, "indicator_id;region_code;period;value\r1D-01;32;2024;3\r").frame
    assert frame["value"].tolist() == [3.0]


def test_quoted_fields_and_a_note_over_two_lines(model: PlanModel) -> None:
    text = ('indicator_id,region_code,period,value,note\n'
            '1D-01,32,2024,"12,5","Kilde: NAV, helt ledige"\n'
            '1D-01,32,2025,"3,1","første linje\nandre linje"\n'
            '1D-01,32,2026,"3,3","sitat: ""x"""\n')
    frame = read(model, text).frame
    assert frame["value"].tolist() == [12.5, 3.1, 3.3]
    assert frame["note"].tolist() == ["Kilde: NAV, helt ledige", "første linje\nandre linje",
                                      'sitat: "x"']
    # The second record spans lines 3-4, so the third starts on line 5.
    assert frame["line"].tolist() == [2, 3, 5]


@pytest.mark.parametrize("space", [" ", NBSP, NNBSP])
def test_thousands_grouped_with_spaces(model: PlanModel, space: str) -> None:
    number = f"1{space}234{space}567,8"
    frame = read(model, f"indicator_id;region_code;period;value\n2A-01;32;2024;{number}\n").frame
    assert frame["value"].tolist() == [1234567.8]


def test_other_number_forms(model: PlanModel) -> None:
    text = ("indicator_id;region_code;period;value\n"
            "2A-01;32;2020;1.234,5\n"       # dots between thousands, decimal comma
            "2A-01;32;2021;\"1,234.5\"\n"   # English Excel
            "2A-01;32;2022;12.5\n"
            "2A-01;32;2023; 7 \n"
            "2B-02;32;2023;\u22123,5\n")   # Word's minus sign
    frame = read(model, text).frame
    assert frame["value"].tolist() == [1234.5, 1234.5, 12.5, 7.0, -3.5]


def test_ssb_symbols_keep_their_status(model: PlanModel) -> None:
    text = ("indicator_id;region_code;period;value\n"
            "2A-01;32;2020;..\n2A-01;32;2021;.\n2A-01;32;2022;:\n2A-01;32;2023;-\n"
            "2A-01;32;2024;\n2A-01;32;2025;12\n")
    frame = read(model, text).frame
    assert frame["status"].tolist() == ["..", ".", ":", "-", "..", None]
    values = frame["value"].tolist()
    assert all(math.isnan(v) for v in values[:3] + values[4:5])
    assert values[3] == 0.0  # nil is a real zero
    assert values[5] == 12.0


def test_every_period_form_gives_canonical_period_and_year(model: PlanModel) -> None:
    # Each indicator takes the periods of its frequency (annual, quarterly, monthly, school
    # year); multi-year periods belong to irregular indicators (test_reader_hardening.py).
    text = ("indicator_id;region_code;period;value\n"
            "1D-01;32;2024;1\n2B-06;32;2024K1;1\n2B-06;32;2024q2;1\n2B-04;32;2024M01;1\n"
            "2B-04;32;2024-02;1\n2B-04;32;2024m3;1\n1D-04;32;2011/12;1\n")
    frame = read(model, text).frame
    assert frame["period"].tolist() == ["2024", "2024K1", "2024K2", "2024M01", "2024M02",
                                        "2024M03", "2011/12"]
    assert frame["year"].tolist() == [2024, 2024, 2024, 2024, 2024, 2024, 2012]
    assert frame["freq"].tolist() == ["A", "Q", "Q", "M", "M", "M", "SY"]
    assert frame["sub"].tolist() == [pd.NA, 1, 2, 1, 2, 3, pd.NA]


def test_header_aliases_any_case_and_extra_columns_ignored(model: PlanModel) -> None:
    text = (" Indikator ;REGION; År ;region_name;Verdi;Enhet;Serie;Merknad;Kilde\n"
            "1D-01;03;2024;Oslo;3,5;prosent;kvinner;foreløpig;NAV\n")
    row = read(model, text).frame.iloc[0]
    assert (row["indicator_id"], row["region_code"], row["period"]) == ("1D-01", "03", "2024")
    assert (row["series"], row["note"], row["source"]) == ("kvinner", "foreløpig", "NAV")
    assert row["value"] == 3.5


def test_leading_zeros_survive(model: PlanModel) -> None:
    text = "indicator_id,region_code,period,value\n1D-01,0,2024,2\n1D-01,03,2024,3\n"
    assert read(model, text).frame["region_code"].tolist() == ["0", "03"]


def test_blank_and_empty_rows_are_skipped_and_lines_still_count(model: PlanModel) -> None:
    text = ("\nindicator_id;region_code;period;value\n\n1D-01;32;2024;1\n   \n;;;\n"
            "1D-01;32;2025;1,2\n")
    frame = read(model, text).frame
    assert frame["line"].tolist() == [4, 7]


def test_excel_sep_line(model: PlanModel) -> None:
    frame = read(model, "sep=;\nindicator_id;region_code;period;value\n1D-01;32;2024;1,5\n").frame
    assert frame["value"].tolist() == [1.5]
    assert frame["line"].tolist() == [3]


@pytest.mark.parametrize("name", ["1D-01.csv", "1d-01.csv", "indicator_1D-01.csv",
                                  "indicator_1d_01.csv", "INDICATOR_1D.01.CSV"])
def test_indicator_from_file_name(model: PlanModel, name: str) -> None:
    text = "region_code;period;value\n32;2024;2,5\n"
    assert read(model, text, name=name).frame["indicator_id"].tolist() == ["1D-01"]


def test_indicator_from_argument_and_lenient_ids_in_the_column(model: PlanModel) -> None:
    frame = read(model, "region;år;verdi\n32;2024;2\n", indicator="1d_01").frame
    assert frame["indicator_id"].tolist() == ["1D-01"]
    frame = read(model, "indikator;region;år;verdi\n1d.01;32;2024;2\n").frame
    assert frame["indicator_id"].tolist() == ["1D-01"]


def test_path_source(model: PlanModel, tmp_path: Path) -> None:
    path = tmp_path / "2B-05.csv"
    path.write_bytes(b"region_code,period,value\n32,2024M01,19000\n")
    result = read_observations(path, model, today=TODAY)
    assert result.ok
    assert result.file == str(path)
    assert result.frame["indicator_id"].tolist() == ["2B-05"]


@pytest.mark.parametrize(("indicator", "unit"), [
    ("1D-01", "percent"), ("1D-01", "Prosent"), ("1D-01", "%"),
    ("1D-01", "prosent av arbeidsstyrken"), ("2A-01", "personer"), ("2A-01", "antall"),
    ("2A-05", "mill. kr"), ("2B-03", "1 000 personer"), ("2B-01", "1000 kr"),
])
def test_unit_aliases(model: PlanModel, indicator: str, unit: str) -> None:
    read(model, f"indicator_id;region_code;period;value;unit\n{indicator};32;2024;5;{unit}\n")


def test_region_written_with_its_name(model: PlanModel) -> None:
    frame = read(model, "indicator_id;region;period;value\n1D-01;3201 Bærum;2024;2\n").frame
    assert frame["region_code"].tolist() == ["3201"]


def test_frame_follows_the_contract(model: PlanModel) -> None:
    data = b"indicator_id,region_code,period,value,series\n2B-06,32,2024K2,3,kvinner\n"
    result = read(model, data)
    assert list(result.frame.columns) == [
        "indicator_id", "region_code", "period", "year", "freq", "sub", "value", "status",
        "series", "note", "source", "line"]
    row = result.frame.iloc[0]
    assert (row["year"], row["sub"], row["series"], row["note"], row["line"]) == (
        2024, 2, "kvinner", "", 2)
    assert result.frame["year"].dtype == "int64"
    assert str(result.frame["sub"].dtype) == "Int64"
    assert result.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("path", sorted((ROOT / "data" / "observations").glob("*.csv")),
                         ids=lambda p: p.name)
def test_shipped_observation_files_read_without_errors(model: PlanModel, path: Path) -> None:
    result = read_observations(path, model, today=TODAY)
    assert result.ok, [str(e) for e in result.errors]
    assert len(result.frame) > 0


def test_a_quote_inside_a_field_is_just_a_character(model: PlanModel) -> None:
    text = ("indicator_id;region_code;period;value;note\n"
            '1D-01;32;2024;1;skjerm 5" stor\n'
            "1D-01;32;2025;2;vanlig\n"
            '1D-01;32;2026;3;"sitert; med semikolon"\n')
    frame = read(model, text).frame
    assert frame["note"].tolist() == ['skjerm 5" stor', "vanlig", "sitert; med semikolon"]
    assert frame["line"].tolist() == [2, 3, 4]
