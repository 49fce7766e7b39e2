"""Issue 14, import side: periods that fit their indicator, Unicode that is what it looks like,
numbers that are stored exactly or refused, and messages a planner can act on."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from indicators import fetch, importing
from indicators.ingest import ReadResult, read_observations
from indicators.ingest.tables import read_table_file
from indicators.model import PlanModel

TODAY = date(2026, 11, 26)
HEADER = "indicator_id,region_code,period,value\n"


def read(model: PlanModel, data: str | bytes, name: str = "data/x.csv") -> ReadResult:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return read_observations(raw, model, name=name, today=TODAY)


def errors(result: ReadResult) -> list[str]:
    assert not result.ok
    assert result.frame.empty
    return [str(e) for e in result.errors]


def with_frequency(model: PlanModel, indicator_id: str, frequency: str) -> PlanModel:
    """The model with one indicator's frequency changed (a model made in the test)."""
    data = model.model_dump()
    for indicator in data["indicators"]:
        if indicator["id"] == indicator_id:
            indicator["frequency"] = frequency
    return PlanModel.model_validate(data)


# --- Item 1: a period must match its indicator's frequency ------------------------------------

def test_a_year_for_a_school_year_indicator_is_refused_with_the_school_year_to_write(
        model: PlanModel) -> None:
    assert model.indicator("1D-04").frequency == "school_year"
    result = read(model, HEADER + "1D-04,32,2012,4.1\n")
    [message] = errors(result)
    assert message.startswith("data/x.csv:2:period: ")
    assert "«2012»" in message and "1D-04" in message and "2011/12" in message
    assert "2011/12" in result.errors[0].message("en")


def test_an_annual_period_in_a_monthly_indicator_is_refused(model: PlanModel) -> None:
    assert model.indicator("2B-04").frequency == "monthly"
    result = read(model, HEADER + "2B-04,32,2024M01,3.1\n2B-04,32,2024,3.0\n")
    [message] = errors(result)
    assert message.startswith("data/x.csv:3:period: ")
    assert "2024M01" in message


@pytest.mark.parametrize(("indicator", "period", "example"), [
    ("1D-01", "2024M01", "2024"),  # annual takes years only
    ("1D-01", "2011/12", "2012"),
    ("2B-06", "2024M03", "2024K1"),  # quarterly takes quarters only
    ("2B-06", "2024", "2024K1"),
    ("1D-04", "2011-2012", "2011/12"),  # what SSB writes for a school year, when it is not one
])
def test_each_frequency_takes_its_own_periods(model: PlanModel, indicator: str, period: str,
                                              example: str) -> None:
    [message] = errors(read(model, HEADER + f"{indicator},32,{period},1\n"))
    assert ":2:period: " in message and f"f.eks. {example}" in message


def test_irregular_takes_years_and_multi_year_periods_but_never_two_on_one_year(
        model: PlanModel) -> None:
    irregular = with_frequency(model, "1D-01", "irregular")
    ok = read(irregular, HEADER + "1D-01,32,2019,4\n1D-01,32,2021-2023,5\n")
    assert ok.ok, errors(ok)
    assert ok.frame["period"].tolist() == ["2019", "2021-2023"]
    [month] = errors(read(irregular, HEADER + "1D-01,32,2024M01,4\n"))
    assert ":2:period: " in month
    # 2021-2023 is placed at 2023: a value for 2023 as well would give that year two values.
    [twice] = errors(read(irregular, HEADER + "1D-01,32,2023,4\n1D-01,32,2021-2023,5\n"))
    assert ":3: " in twice and "linje 2" in twice


def test_full_width_digits_are_the_year_they_show(model: PlanModel) -> None:
    result = read(model, HEADER + "1D-01,３２,２０２４,４.１\n")
    assert result.ok, errors(result)
    assert result.frame[["region_code", "period", "year", "value"]].values.tolist() == [
        ["32", "2024", 2024, 4.1]]
    # …so the same year written both ways is one period given twice, not two years.
    [twice] = errors(read(model, HEADER + "1D-01,32,2024,4\n1D-01,32,２０２４,4\n"))
    assert ":3: " in twice and "linje 2" in twice


@pytest.mark.parametrize(("column", "row"), [
    ("period", "1D-01,32,٢٠٢٤,4"),  # Arabic-Indic digits: no NFKC form in 0-9
    ("value", "1D-01,32,2024,٤"),
])
def test_digits_that_are_not_0_to_9_are_refused_clearly(model: PlanModel, column: str,
                                                        row: str) -> None:
    [message] = errors(read(model, HEADER + row + "\n"))
    assert f":2:{column}: " in message and "0–9" in message


def test_the_app_upload_and_the_ssb_fetch_use_the_same_rule(model: PlanModel,
                                                            tmp_path: Path) -> None:
    pending = importing.check((HEADER + "1D-04,32,2012,4.1\n").encode(), "upload.csv", model,
                              tmp_path / "none.duckdb")
    assert pending.preview is None and not pending.read.ok
    assert "2011/12" in pending.read.errors[0].message()
    rows = pd.DataFrame({"indicator_id": ["2B-06"], "region_code": ["32"], "period": ["2024"],
                         "value": [5.0], "status": [None]})
    out = fetch.Fetched()
    fetch._check_table(model, "01223", [rows], [], ["2B-06"], out, "nb", TODAY)
    assert not out.tables
    assert "2024K1" in out.failed["2B-06"]


# --- Item 13: the smaller ones ----------------------------------------------------------------

def test_a_decomposed_aa_in_the_header_is_the_period_column(model: PlanModel) -> None:
    nfd = "a\u030ar"  # "år" as macOS writes it: a + combining ring
    result = read(model, f"indicator_id,region_code,{nfd},value\n1D-01,32,2024,4\n")
    assert result.ok, errors(result)
    grants = read_table_file("grants", f"{nfd},foo\n2024,x\n".encode(), model, name="grants.csv")
    assert ("year" not in [e.params.get("name") for e in grants.errors
                           if e.key == "tables.error.missing_column"])


def test_a_lone_cr_ends_a_line(model: PlanModel) -> None:
    data = HEADER.replace("\n", "\r\n") + "1D-01,32,2023,4\r1D-01,32,2024,5\r\n"
    result = read(model, data)
    assert result.ok, errors(result)
    assert result.frame["period"].tolist() == ["2023", "2024"]
    assert result.frame["line"].tolist() == [2, 3]


@pytest.mark.parametrize("text", ["1e-400", "-2,5e-330", "1e-310"])
def test_a_number_too_small_to_store_is_refused_not_made_zero(model: PlanModel,
                                                              text: str) -> None:
    [message] = errors(read(model, HEADER + f'1D-01,32,2024,"{text}"\n'))
    assert ":2:value: " in message and text in message


def test_zero_written_with_an_exponent_is_still_zero(model: PlanModel) -> None:
    result = read(model, HEADER + "1D-01,32,2024,0e-400\n")
    assert result.ok and result.frame["value"].tolist() == [0.0]


def test_year_1899_is_a_typo(model: PlanModel) -> None:
    [message] = errors(read(model, HEADER + "1D-01,32,1899,4\n"))
    assert ":2:period: " in message and "1899" in message and "1900" in message
    assert read(model, HEADER + "1D-01,32,1900,4\n").ok


def test_a_huge_number_is_refused_and_every_number_in_a_message_is_readable(
        model: PlanModel) -> None:
    # 1e308 is a slip of the exponent, and no page could show it (babel gives up on it).
    [message] = errors(read(model, HEADER + "2A-01,32,2023,1\n2A-01,32,2024,1e308\n"))
    assert ":3:value: " in message and "«1e308»" in message and "1 000 000 000 000 000" in message
    # A jump from almost nothing is a change of 10^302 %: said in a few characters, not 303.
    result = read(model, HEADER + "2A-01,32,2023,1e-300\n2A-01,32,2024,1\n")
    assert result.ok, errors(result)
    [warning] = [str(w) for w in result.warnings]
    assert ":3:value: " in warning and "1e-300" in warning and "1e+302" in warning
    assert not re.search(r"[0-9]{17}", warning), warning


@pytest.mark.parametrize("text", ["2,8 %", "2,8%", "2.8 %", "2,8\u00a0%"])
def test_a_percent_sign_is_accepted_for_a_percent_indicator(model: PlanModel, text: str) -> None:
    result = read(model, f"indicator_id;region_code;period;value\n1D-01;32;2024;{text}\n")
    assert result.ok, errors(result)
    assert result.frame["value"].tolist() == [2.8]


def test_a_percent_sign_is_refused_for_a_count(model: PlanModel) -> None:
    assert model.indicator("2A-01").unit == "count"
    [message] = errors(read(model, "indicator_id;region_code;period;value\n2A-01;32;2024;2,8 %\n"))
    assert ":2:value: " in message and "2,8 %" in message


def test_plan_tables_refuse_an_amount_too_small_to_store(model: PlanModel) -> None:
    scheme = model.schemes[0].id
    header = "year,scheme_id,applications,applied_nok_million,granted_nok_million,projects\n"
    result = read_table_file("funding", f"{header}2024,{scheme},4,2,1e-400,3\n".encode(), model,
                             name="funding.csv")
    assert not result.ok
    assert str(result.errors[0]).startswith("funding.csv:2:granted_nok_million: ")


# --- Found by the fuzz test -------------------------------------------------------------------

def test_a_stray_quote_in_a_utf16_header_is_no_traceback(model: PlanModel) -> None:
    # The shrunk case: UTF-16 with a BOM, a NUL and a quote that opens a field across lines.
    raw = '"region_code",\u0122\x00period","value"\n"32"\n'.encode("utf-16")
    [message] = errors(read(model, raw))
    assert "ikke tekst" in message


def test_a_quote_never_closed_is_reported_at_its_line_not_swallowing_the_rows(
        model: PlanModel) -> None:
    text = (HEADER.replace("value", "value,note") + "1D-01,32,2020,4,ok\n1D-01,32,2021,4,\"open\n"
            + "1D-01,32,2022,4,ok\n")
    [message] = errors(read(model, text))
    assert message.startswith("data/x.csv:3: ") and "anførselstegn" in message


def test_a_long_quoted_note_is_read(model: PlanModel) -> None:
    note = "x" * 200_000  # longer than csv's default field limit; the slow path reads it
    text = (HEADER.replace("value", "value,note") + f'1D-01,32,2020,4,"{note}"\n'
            + '1D-01,32,2021,4,"5"" skjerm"\n')
    result = read(model, text)
    assert result.ok, errors(result)
    assert result.frame["note"].str.len().tolist() == [200_000, 9]
