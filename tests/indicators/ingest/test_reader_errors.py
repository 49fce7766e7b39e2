"""Every kind of bad file is rejected with the line, the column and a message that helps."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.ingest import ReadResult, dialect, read_observations, reader
from indicators.ingest.rules import Issue
from indicators.model import PlanModel

TODAY = date(2026, 11, 26)
HEADER = "indicator_id;region_code;period;value\n"


def rejected(model: PlanModel, data: bytes | str, name: str = "data/x.csv",
             **kwargs) -> ReadResult:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    result = read_observations(raw, model, name=name, today=TODAY, **kwargs)
    assert not result.ok
    assert result.frame.empty
    assert result.total_errors >= len(result.errors) > 0
    return result


def only(result: ReadResult) -> Issue:
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return result.errors[0]


# --- Whole-file problems ----------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"   \n\r\n", "\ufeff".encode()])
def test_empty_file(model: PlanModel, data: bytes) -> None:
    issue = only(rejected(model, data))
    assert issue.key == "ingest.error.empty_file"
    assert "Filen er tom" in issue.message()


def test_header_without_rows(model: PlanModel) -> None:
    issue = only(rejected(model, HEADER))
    assert issue.key == "ingest.error.no_rows"
    assert issue.line == 1


def test_no_header(model: PlanModel) -> None:
    issue = only(rejected(model, "1D-01;32;2024;12,5\n1D-01;32;2025;13\n"))
    assert (issue.key, issue.line) == ("ingest.error.no_header", 1)
    assert "1D-01, 32, 2024, 12,5" in issue.message()
    assert "overskriftslinje" in issue.message()


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    bytes(range(256)) * 4,
    b"PK\x03\x04 not really a workbook",
])
def test_binary_file(model: PlanModel, data: bytes) -> None:
    issue = only(rejected(model, data))
    assert issue.key == "ingest.error.binary"
    assert "ikke tekst" in issue.message()
    assert "not text" in issue.message("en")


def test_old_excel_format(model: PlanModel) -> None:
    issue = only(rejected(model, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100))
    assert issue.key == "ingest.error.old_excel"
    assert ".xlsx" in issue.message()


def test_unreadable_encoding(model: PlanModel) -> None:
    # 0x81 is undefined in Windows-1252 and not UTF-8 either.
    issue = only(rejected(model, HEADER.encode() + b"1D-01;32;2024;1\n1D-01;32;2025;\x81\n"))
    assert (issue.key, issue.line) == ("ingest.error.encoding", 3)
    assert "0x81" in issue.message()
    assert "UTF-8" in issue.message()


def test_file_too_large(model: PlanModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_BYTES", 2 * 2**20)
    issue = only(rejected(model, HEADER + "1D-01;32;2024;1\n" * 200_000))
    assert issue.key == "ingest.error.too_large"
    assert "del den i flere filer" in issue.message()
    assert "split it" in issue.message("en")


def test_too_many_rows(model: PlanModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialect, "MAX_ROWS", 3)
    rows = "".join(f"1D-01;32;{y};1\n" for y in range(2020, 2025))
    issue = only(rejected(model, HEADER + rows))
    assert issue.key == "ingest.error.too_many_rows"
    assert "mer enn 3 rader" in issue.message()


# --- Columns and rows -------------------------------------------------------------------------

def test_missing_required_column_lists_accepted_names(model: PlanModel) -> None:
    issue = only(rejected(model, "indicator_id;region_code;period\n1D-01;32;2024\n"))
    assert (issue.key, issue.line) == ("ingest.error.missing_column", 1)
    assert "value, verdi" in issue.message()


def test_missing_indicator_without_file_name_or_argument(model: PlanModel) -> None:
    issue = only(rejected(model, "region_code;period;value\n32;2024;1\n", name="upload.csv"))
    assert issue.key == "ingest.error.missing_indicator"
    assert "--indicator" in issue.message()
    assert "indikator_id" in issue.message()


def test_two_columns_with_the_same_meaning(model: PlanModel) -> None:
    text = "indicator_id;region;kommunenr;period;value\n1D-01;32;32;2024;1\n"
    issue = only(rejected(model, text))
    assert (issue.key, issue.line, issue.column) == ("ingest.error.duplicate_column", 1,
                                                     "kommunenr")
    assert "region_code" in issue.message()


def test_ragged_rows(model: PlanModel) -> None:
    text = HEADER + "1D-01;32;2024;1\n1D-01;32;2025;1;x\n1D-01;32;2026\n"
    result = rejected(model, text)
    assert [(e.key, e.line) for e in result.errors] == [("ingest.error.ragged_row", 3),
                                                        ("ingest.error.ragged_row", 4)]
    assert "5 felt" in result.errors[0].message()
    assert "4" in result.errors[0].message()


def test_decimal_comma_in_a_comma_separated_file_is_ragged(model: PlanModel) -> None:
    text = "indicator_id,region_code,period,value\n1D-01,32,2024,12,5\n"
    issue = only(rejected(model, text))
    assert (issue.key, issue.line) == ("ingest.error.ragged_row", 2)
    assert "anførselstegn" in issue.message()


def test_ragged_row_after_a_note_over_two_lines(model: PlanModel) -> None:
    text = ('indicator_id,region_code,period,value,note\n'
            '1D-01,32,2024,1,"to\nlinjer"\n'
            '1D-01,32,2025,1\n')
    issue = only(rejected(model, text))
    assert (issue.key, issue.line) == ("ingest.error.ragged_row", 4)


# --- Cell values ------------------------------------------------------------------------------

def test_unknown_indicator_suggests_the_closest(model: PlanModel) -> None:
    issue = only(rejected(model, HEADER + "2B-4;32;2024;1\n"))
    assert (issue.key, issue.line, issue.column) == ("ingest.error.unknown_indicator", 2,
                                                     "indicator_id")
    assert issue.message().split("nærmeste er ")[1].startswith("2B-04")


def test_unknown_indicator_argument(model: PlanModel) -> None:
    issue = only(rejected(model, "region;år;verdi\n32;2024;1\n", indicator="9Z-99"))
    assert issue.key == "ingest.error.unknown_indicator"
    assert "9Z-99" in issue.message()


def test_empty_required_cell(model: PlanModel) -> None:
    issue = only(rejected(model, HEADER + "1D-01;;2024;1\n"))
    assert (issue.key, issue.line, issue.column) == ("ingest.error.empty_cell", 2, "region_code")


def test_unknown_region(model: PlanModel) -> None:
    issue = only(rejected(model, HEADER + "1D-01;32;2024;1\n1D-01;9999;2024;1\n"))
    assert (issue.key, issue.line, issue.column) == ("ingest.error.unknown_region", 3,
                                                     "region_code")
    assert '«9999»' in issue.message()


def test_region_that_lost_its_leading_zero(model: PlanModel) -> None:
    issue = only(rejected(model, HEADER + "1D-01;3;2024;1\n"))
    assert issue.key == "ingest.error.region_lost_zero"
    assert "03 Oslo" in issue.message()
    assert "Excel" in issue.message()


@pytest.mark.parametrize("old", ["0219", "3024"])
def test_renumbered_region_names_its_2024_code(model: PlanModel, old: str) -> None:
    issue = only(rejected(model, HEADER + f"1D-01;{old};2019;1\n"))
    assert issue.key == "ingest.error.region_renumbered"
    assert "3201 Bærum" in issue.message()
    assert "manuelt" not in issue.message()


def test_merged_region_must_be_handled_manually(model: PlanModel) -> None:
    issue = only(rejected(model, HEADER + "1D-01;0220;2019;1\n"))
    assert issue.key == "ingest.error.region_merged"
    assert "3203 Asker" in issue.message()
    assert "manuelt" in issue.message()
    assert "manually" in issue.message("en")


@pytest.mark.parametrize("period", ["2024M13", "24", "jan 2024", "2011/13"])
def test_bad_period(model: PlanModel, period: str) -> None:
    issue = only(rejected(model, HEADER + f"1D-01;32;{period};1\n"))
    assert (issue.key, issue.line, issue.column) == ("ingest.error.bad_period", 2, "period")
    assert f'«{period}»' in issue.message()
    assert "2024K1" in issue.message()


def test_period_later_than_next_year(model: PlanModel) -> None:
    issue = only(rejected(model, HEADER + "2B-04;32;2027M12;1\n2B-04;32;2028M01;1\n"))
    assert (issue.key, issue.line) == ("ingest.error.future_period", 3)
    assert "2028M01" in issue.message()
    assert "2027" in issue.message()


def test_value_not_a_number_message_as_documented(model: PlanModel) -> None:
    rows = "".join(f"1D-01;32;{year};1\n" for year in range(2010, 2022))
    issue = only(rejected(model, HEADER + rows + "1D-01;32;2025;12,5,1\n"))
    assert (issue.line, issue.column) == (14, "value")
    assert str(issue).startswith(
        'data/x.csv:14:value: «12,5,1» er ikke et tall — bruk ett desimalkomma, f.eks. 12,5')
    assert issue.message("en").startswith(
        '"12,5,1" is not a number — use one decimal comma, e.g. 12,5')


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-inf", "1e400"])
def test_nan_and_infinity(model: PlanModel, text: str) -> None:
    issue = only(rejected(model, HEADER + f"2A-01;32;2024;{text}\n"))
    assert (issue.key, issue.column) == ("ingest.error.not_finite", "value")


@pytest.mark.parametrize(("row", "key", "bound"), [
    ("1D-01;32;2024;120", "ingest.error.above_max", "100"),
    ("1D-01;32;2024;-0,5", "ingest.error.below_min", "0"),
    ("2A-01;32;2024;-5", "ingest.error.below_min", "0"),
    ("2B-02;32;2024;-101", "ingest.error.below_min", "-100"),
])
def test_value_out_of_range(model: PlanModel, row: str, key: str, bound: str) -> None:
    issue = only(rejected(model, HEADER + row + "\n"))
    assert (issue.key, issue.line, issue.column) == (key, 2, "value")
    assert f"verdi {bound} for" in issue.message()


@pytest.mark.parametrize("unit", ["antall", "kr", "promille"])
def test_unit_mismatch(model: PlanModel, unit: str) -> None:
    issue = only(rejected(model, "indicator_id;region_code;period;value;enhet\n"
                                 f"1D-01;32;2024;3;{unit}\n"))
    assert (issue.key, issue.line, issue.column) == ("ingest.error.unit_mismatch", 2, "enhet")
    assert f'«{unit}»' in issue.message()
    assert "percent" in issue.message()


def test_duplicate_key_names_both_lines(model: PlanModel) -> None:
    text = HEADER + "2B-04;32;2024M01;1\n2B-04;03;2024M01;1\n2B-04;32;2024-01;1,1\n"
    issue = only(rejected(model, text))
    assert (issue.key, issue.line) == ("ingest.error.duplicate_key", 4)
    assert "linje 2" in issue.message()
    assert "2B-04, 32, 2024M01" in issue.message()


def test_same_key_in_another_series_is_no_duplicate(model: PlanModel) -> None:
    text = ("indicator_id;region_code;period;value;series\n"
            "1D-01;32;2024;1;\n1D-01;32;2024;1;kvinner\n")
    assert read_observations(text.encode(), model, name="x.csv", today=TODAY).ok


# --- Reporting --------------------------------------------------------------------------------

def test_at_most_fifty_errors_listed_and_all_counted(model: PlanModel) -> None:
    rows = "".join(f"1D-01;32;{1900 + i};x\n" for i in range(120))
    result = rejected(model, HEADER + rows + "1D-01;99;2024;1\n")
    assert len(result.errors) == 50
    assert result.total_errors == 121
    assert [e.line for e in result.errors] == list(range(2, 52))  # in file order


def test_errors_are_sorted_by_line_across_rules(model: PlanModel) -> None:
    text = HEADER + "1D-01;32;2024;x\n1D-01;99;2024;1\n1D-01;32;20x;1\n"
    assert [e.line for e in rejected(model, text).errors] == [2, 3, 4]


def test_issue_string_leaves_out_unknown_parts(model: PlanModel) -> None:
    issue = only(rejected(model, b""))
    assert str(issue).startswith("data/x.csv: Filen er tom")


def test_english_messages_differ_from_bokmal(model: PlanModel) -> None:
    text = (HEADER + "2B-4;32;2024;1\n1D-01;9999;2024;1\n1D-01;0219;2024;1\n1D-01;0220;2024;1\n"
            "1D-01;32;2024M13;1\n1D-01;32;2030;1\n1D-01;32;2020;12,5,1\n1D-01;32;2021;NaN\n"
            "1D-01;32;2022;101\n1D-01;32;2023;-1\n1D-01;32;2019;1\n1D-01;32;2019;1\n"
            "1D-01;3;2019;1\n1D-01;;2019;1\n")
    result = rejected(model, text)
    assert len({e.key for e in result.errors}) == 13
    for issue in result.errors:
        assert issue.message("en") != issue.message("nb"), issue.key
        assert issue.message() == issue.message("nb")


def test_jump_of_more_than_half_is_a_warning_only(model: PlanModel) -> None:
    text = HEADER + "2A-01;32;2022;100\n2A-01;32;2023;140\n2A-01;32;2024;250\n2A-01;03;2024;1\n"
    result = read_observations(text.encode(), model, name="x.csv", today=TODAY)
    assert result.ok
    assert len(result.frame) == 4
    assert [(w.key, w.line, w.severity) for w in result.warnings] == [
        ("ingest.warning.jump", 4, "warning")]
    assert "2023" in result.warnings[0].message()
    assert "79 %" in result.warnings[0].message()


def test_all_missing_columns_are_reported_at_once(model: PlanModel) -> None:
    result = rejected(model, "region;something\n32;1\n", name="upload.csv")
    assert [e.key for e in result.errors] == ["ingest.error.missing_indicator",
                                              "ingest.error.missing_column",
                                              "ingest.error.missing_column"]
    assert "periode" in result.errors[1].message()
    assert "verdi" in result.errors[2].message()


def test_unknown_names_in_the_first_line_are_missing_columns(model: PlanModel) -> None:
    result = rejected(model, "Kommune;Tid;Antall\nBærum;2024;3\n", name="2A-01.csv")
    assert [e.key for e in result.errors] == ["ingest.error.missing_column"] * 2
    assert "region_code" in result.errors[0].message()
