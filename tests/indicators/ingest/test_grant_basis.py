"""A grant's link to its focus area says whether the source states it or we assessed it, from the
file through the database and back to the file; files and databases made before that still load."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from indicators import funding as fund
from indicators import store
from indicators.build import build
from indicators.ingest.tables import read_grants

TODAY = date(2026, 11, 26)
OLD_HEADER = ("year,scheme_id,recipient,project,municipality_code,focus_area_id,"
              "amount_nok_million,description\n")
HEADER = OLD_HEADER.replace("\n", ",focus_area_basis\n")


def messages(result, lang: str = "nb", warnings: bool = False) -> list[str]:
    issues = result.warnings if warnings else result.errors
    return [f"{e.location()}: {e.message(lang)}" for e in issues]


def test_each_grant_says_whether_the_source_states_its_focus_area(model) -> None:
    raw = (HEADER
           + "2024,nui,A,,,vekstbedrifter,,,source\n"
           + "2024,nui,B,,,vekstbedrifter,,,assessed\n"
           + "2024,nui,C,,,vekstbedrifter,,,\n"  # empty: never claim a source we lack
           + "2024,nui,D,,,vekstbedrifter,,, Source \n"
           + "2024,nui,E,,,,,,\n").encode()
    result = read_grants(raw, model, name="grants.csv", today=TODAY)
    assert result.ok, messages(result)
    assert list(result.frame["focus_area_basis"]) == [
        "source", "assessed", "assessed", "source", "assessed"]
    assert not result.warnings


def test_a_bad_basis_is_refused_with_line_column_and_what_to_write(model) -> None:
    raw = (HEADER
           + "2024,nui,A,,,vekstbedrifter,,,source\n"
           + "2024,nui,B,,,vekstbedrifter,,,gjetting\n"
           + "2024,nui,C,,,,,,source\n").encode()
    result = read_grants(raw, model, name="grants.csv", today=TODAY)
    assert not result.ok and result.frame.empty
    text = messages(result)
    assert text[0].startswith("grants.csv:3:focus_area_basis: Ukjent grunnlag «gjetting»")
    assert "skriv source" in text[0] and "assessed" in text[0]
    assert text[1].startswith("grants.csv:4:focus_area_basis: Grunnlaget er source, men "
                              "satsingsområdet er tomt")
    english = messages(result, "en")
    assert english[0].startswith('grants.csv:3:focus_area_basis: Unknown basis "gjetting"')
    assert "write source" in english[0] and "write assessed" in english[0]


def test_the_column_may_have_a_norwegian_name_and_the_error_uses_it(model) -> None:
    raw = (OLD_HEADER.replace("\n", ",grunnlag\n") + "2024,nui,A,,,vekstbedrifter,,,kanskje\n"
           ).encode()
    result = read_grants(raw, model, name="tilskudd.csv", today=TODAY)
    assert messages(result)[0].startswith("tilskudd.csv:2:grunnlag: Ukjent grunnlag «kanskje»")


def test_an_older_file_without_the_column_loads_as_assessed_and_says_so(model) -> None:
    raw = (OLD_HEADER + "2024,nui,A,,,vekstbedrifter,,\n").encode()
    result = read_grants(raw, model, name="grants.csv", today=TODAY)
    assert result.ok
    assert list(result.frame["focus_area_basis"]) == ["assessed"]
    warning = messages(result, warnings=True)
    assert len(warning) == 1 and warning[0].startswith(
        "grants.csv:1: Kolonnen focus_area_basis mangler, så alle koblinger til satsingsområde "
        "regnes som vurdert av oss")


def test_the_basis_survives_build_store_and_the_csv_download(model, repo_copy: Path) -> None:
    grants = repo_copy / "data" / "grants.csv"
    grants.write_text(HEADER + "2024,nui,A,,,vekstbedrifter,,,source\n"
                      + "2024,fib,B,,3201,forskningsbasert-innovasjon,\"1,5\",x,assessed\n",
                      encoding="utf-8")
    db = repo_copy / "data" / "t.duckdb"
    assert build(model, repo_copy / "data", db).ok
    con = store.connect(db)
    try:
        stored = store.read_table(con, "grants")
    finally:
        con.close()
    assert dict(zip(stored["recipient"], stored["focus_area_basis"], strict=True)) == {
        "A": "source", "B": "assessed"}
    again = read_grants(fund.grants_csv(stored).encode(), model, name="grants.csv")
    assert again.ok and not again.warnings
    def by_recipient(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values("recipient").reset_index(drop=True)

    pd.testing.assert_frame_equal(by_recipient(again.frame),
                                  by_recipient(read_grants(grants, model).frame))


def test_a_database_built_before_the_column_reads_as_assessed_and_imports_into_it(
        model, repo_copy: Path) -> None:
    db = repo_copy / "data" / "t.duckdb"
    assert build(model, repo_copy / "data", db).ok
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE grants DROP COLUMN focus_area_basis")
    columns = ", ".join(c for c in store.TABLE_COLUMNS["grants"] if c != "focus_area_basis")
    con.execute(f"CREATE TABLE plan_history_grants AS SELECT 0 AS import_id, {columns} "
                "FROM grants LIMIT 0")
    con.close()
    old = store.connect(db)
    try:
        assert set(store.read_table(old, "grants")["focus_area_basis"]) == {"assessed"}
    finally:
        old.close()
    new = read_grants((HEADER + "2025,nui,Ny AS,,,vekstbedrifter,,,source\n").encode(), model)
    done = store.import_table(db, "grants", new.frame, file_name="grants.csv", sha256="x")
    con = store.connect(db)
    try:
        assert list(store.read_table(con, "grants")["focus_area_basis"]) == ["source"]
    finally:
        con.close()
    store.undo(db, done.import_id)
    con = store.connect(db)
    try:
        back = store.read_table(con, "grants")
    finally:
        con.close()
    shipped = read_grants(repo_copy / "data" / "grants.csv", model).frame
    assert len(back) == len(shipped) and set(back["focus_area_basis"]) == {"assessed"}
