"""The plan files (funding, grants, milestones, actions): read as planners write them, refused clearly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from indicators.ingest.tables import read_actions, read_funding, read_grants, read_milestones
from tests.conftest import FIXTURE_DATA, CliResult, run_cli

TODAY = date(2026, 11, 26)
GRANTS_HEADER = ("year,scheme_id,recipient,project,municipality_code,focus_area_id,"
                 "amount_nok_million,description\n")


def messages(result, lang: str = "nb") -> list[str]:
    return [f"{e.location()}: {e.message(lang)}" for e in result.errors]


def test_the_fixture_plan_files_read_clean(model) -> None:
    """The invented plan files (tests/fixtures/README.md) as the reader gives them; the shipped
    files are checked without pinned figures in tests/indicators/test_shipped_data.py."""
    funding = read_funding(FIXTURE_DATA / "funding.csv", model)
    grants = read_grants(FIXTURE_DATA / "grants.csv", model)
    milestones = read_milestones(FIXTURE_DATA / "milestones.csv", model)
    actions = read_actions(FIXTURE_DATA / "actions.csv", model)
    assert all(r.ok and not r.warnings for r in (funding, grants, milestones, actions))
    # 2024: 6 + 1,5 + 5; 2023: 3 (its amount applied for is empty: unknown, not 0).
    assert funding.frame["granted_nok_million"].sum() == pytest.approx(15.5)
    assert funding.frame["applied_nok_million"].isna().sum() == 1
    assert len(grants.frame) == 6
    # Three grants give no amount: unknown stays unknown, never 0.
    assert grants.frame["amount_nok_million"].isna().sum() == 3
    assert not (grants.frame["amount_nok_million"] == 0).any()
    by_id = milestones.frame.set_index("id")
    assert by_id.loc["frist-innspill", "start"] == date(2024, 10, 31)
    assert pd.isna(by_id.loc["midtveismote", "end"])  # an empty end: a one-day item
    assert list(actions.frame["percent_complete"]) == [100, 60, 0]


def test_a_bad_grants_file_gets_line_and_column_errors_like_an_observation_file(model) -> None:
    bad = (GRANTS_HEADER
           + "2024,nui,Firma A,,3201,vekstbedrifter,\"1,5\",ok\n"
           + "2024,nuii,Firma B,,,vekstbedrifer,-2,\n"
           + "2031,fib,Firma C,,,,abc,\n"
           + "2024,nui,Firma A,,,,,\n"
           + "2024,fib,,,,,,\n"
           + "2024,fib,Firma D,,0219,,,\n").encode()
    result = read_grants(bad, model, name="grants.csv", today=TODAY)
    assert not result.ok and result.frame.empty
    text = messages(result)
    assert text[0] == ('grants.csv:3:scheme_id: Ukjent tilskuddsordning «nuii» — bruk en id '
                       'fra config/goals.yaml: fib, forregion, nui.')
    assert any(m.startswith('grants.csv:3:focus_area_id: Ukjent satsingsområde «vekstbedrifer»')
               and "vekstbedrifter" in m for m in text)
    assert 'grants.csv:3:amount_nok_million: «-2» er negativt' in " ".join(text)
    assert any(m.startswith("grants.csv:4:year: Året 2031 er utenfor 2000–2027") for m in text)
    assert 'grants.csv:4:amount_nok_million: «abc» er ikke et tall' in " ".join(text)
    assert any(m.startswith("grants.csv:5:project: Samme år, ordning, mottaker og prosjekt står "
                            "også på linje 2") for m in text)
    assert any(m.startswith("grants.csv:6:recipient: Både mottaker og prosjekt er tomme")
               for m in text)
    assert any(m.startswith('grants.csv:7:municipality_code: Ukjent kommunenummer «0219» (nå 3201 '
                            'Bærum)') for m in text)
    english = messages(result, "en")
    assert english[0] == ('grants.csv:3:scheme_id: Unknown grant scheme "nuii" — use an id from '
                          'config/goals.yaml: fib, forregion, nui.')


def test_grants_load_from_norwegian_excel_with_norwegian_headers(model) -> None:
    raw = ("år;ordning;mottaker;prosjekt;kommunenummer;satsingsområde;beløp;beskrivelse\r\n"
           "2024;nui;Bærekraft Ås AS;;3218 Ås;landbruk-biookonomi;1 234,5;Økologisk mat\r\n"
           "2024;fib;Remadrass AS;;3236;forskningsbasert-innovasjon;;\r\n").encode("cp1252")
    result = read_grants(raw, model, name="tilskudd.csv", today=TODAY)
    assert result.ok, messages(result)
    rows = result.frame
    assert rows.loc[0, "recipient"] == "Bærekraft Ås AS"
    assert rows.loc[0, "municipality_code"] == "3218"
    assert rows.loc[0, "amount_nok_million"] == pytest.approx(1234.5)
    assert pd.isna(rows.loc[1, "amount_nok_million"])


def test_a_missing_column_names_the_accepted_headers(model) -> None:
    raw = b"year,scheme_id,recipient,project\n2024,nui,A,B\n"
    result = read_grants(raw, model, name="grants.csv")
    assert messages(result) == [
        "grants.csv:1: Kolonnen focus_area_id mangler — legg den til i overskriftslinjen med ett "
        "av disse navnene: focus_area_id, satsingsområde, satsingsomrade, focus_area.",
        "grants.csv:1: Kolonnen amount_nok_million mangler — legg den til i overskriftslinjen med "
        "ett av disse navnene: amount_nok_million, beløp, belop, beløp_mill_kr, amount, innvilget."]


def test_a_focus_area_outside_its_scheme_warns_but_loads(model) -> None:
    raw = (GRANTS_HEADER.replace("\n", ",focus_area_basis\n") + "2024,fib,A,,,reiseliv,,,assessed\n"
           ).encode()
    result = read_grants(raw, model, name="grants.csv", today=TODAY)
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        "grants.csv:2:focus_area_id: Satsingsområdet reiseliv er ikke knyttet til ordningen fib "
        "i config/goals.yaml — sjekk satsingsområdet, eller legg koblingen til i modellen."]


def test_only_the_first_50_errors_are_listed_and_all_counted(model) -> None:
    raw = (GRANTS_HEADER + "".join(f"2024,nope,R{i},,,,,\n" for i in range(120))).encode()
    result = read_grants(raw, model, name="grants.csv", today=TODAY)
    assert result.total_errors == 120 and len(result.errors) == 50


def test_funding_rules(model) -> None:
    raw = (b"year,scheme_id,applications,applied_nok_million,granted_nok_million,projects,note,"
           b"source\n"
           b"2024,fib,46,31,12,15,,\n"
           b"2024,fib,4.5,1,2,x,,\n"
           b"2024,nui,,,,,,\n")
    result = read_funding(raw, model, name="funding.csv", today=TODAY)
    text = messages(result)
    assert "funding.csv:3:scheme_id: Samme år og ordning står også på linje 2 — slett eller rett " \
           "én av linjene." in text
    assert 'funding.csv:3:applications: «4.5» er ikke et helt tall — et antall skrives uten ' \
           'desimaler.' in text
    assert any(m.startswith('funding.csv:3:projects: «x» er ikke et tall') for m in text)
    assert [str(w) for w in result.warnings] == [
        "funding.csv:3:granted_nok_million: Innvilget (2) er mer enn søkt (1) — sjekk tallene."]
    # An empty row of figures is allowed: those totals are unknown, not 0.
    good = read_funding(b"year,scheme_id,applications,applied_nok_million,granted_nok_million,"
                        b"projects\n2024,nui,,,,\n", model, name="funding.csv", today=TODAY)
    assert good.ok and good.frame["granted_nok_million"].isna().all()


def test_milestone_and_action_rules(model) -> None:
    milestones = ("id,start,end,kind,status,owner,title_nb\n"
                  "a,2025-03-17,2025-03-01,deadline,done,,Frist\n"
                  "b,17.03.2025,,party,late,,Fest\n"
                  "a,2025-13-01,,meeting,planned,,Møte\n").encode()
    result = read_milestones(milestones, model, name="milestones.csv")
    text = messages(result)
    assert "milestones.csv:2:end: Sluttdatoen 2025-03-01 er før startdatoen 2025-03-17 — bytt dem " \
           "eller rett én av dem." in text
    assert any(m.startswith('milestones.csv:3:kind: Ukjent type «party»') for m in text)
    assert any(m.startswith('milestones.csv:3:status: Ukjent status «late»') for m in text)
    assert any(m.startswith('milestones.csv:4:start: «2025-13-01» er ikke en dato') for m in text)
    assert any(m.startswith("milestones.csv:4:id: Samme id står også på linje 2") for m in text)
    actions = (b"id,title_nb,start,end,owner,percent_complete,goal_id\n"
               b"t1,Tiltak,2026-01-01,2027-01-01,AFK,150,2A\n"
               b"t2,Tiltak,2026-01-01,2025-01-01,AFK,40 %,9Z\n"
               b"t3,Tiltak,2026-01-01,2026-12-31,AFK,40,\n")
    result = read_actions(actions, model, name="actions.csv")
    text = messages(result)
    assert any(m.startswith('actions.csv:2:percent_complete: «150» er ikke en prosent mellom 0 og '
                            '100') for m in text)
    assert any(m.startswith("actions.csv:3:end: Sluttdatoen 2025-01-01 er før startdatoen")
               for m in text)
    assert any(m.startswith('actions.csv:3:goal_id: Ukjent delmål «9Z»') for m in text)
    assert result.total_errors == 3  # "40 %" is a fine way to write 40


# ---- the CLI round trip: refuse a bad file, import a good one, see it in history, undo it ----


def run(repo: Path, *args: str) -> CliResult:
    return run_cli(*args, "--db", str(repo / "data" / "dashboard.duckdb"),
                   "--config", str(repo / "config" / "goals.yaml"))


def stored_grants(repo: Path) -> pd.DataFrame:
    con = duckdb.connect(str(repo / "data" / "dashboard.duckdb"), read_only=True)
    try:
        return con.execute("SELECT * FROM grants ORDER BY ALL").df()
    finally:
        con.close()


def test_grants_import_is_refused_whole_then_recorded_and_undone(built_repo: Path,
                                                                 tmp_path: Path) -> None:
    repo = built_repo
    shipped = stored_grants(repo)
    bad = tmp_path / "grants.csv"
    bad.write_text(GRANTS_HEADER + "2024,nui,Ny AS,,,vekstbedrifter,-1,\n", encoding="utf-8")
    refused = run(repo, "import", str(bad))
    assert refused.returncode == 1
    assert f'{bad}:2:amount_nok_million: «-1» er negativt' in refused.stdout
    pd.testing.assert_frame_equal(stored_grants(repo), shipped)

    good = tmp_path / "tilskudd-2025.csv"
    good.write_text(GRANTS_HEADER + "2025,nui,Ny AS,,3201,vekstbedrifter,\"2,5\",Nytt\n",
                    encoding="utf-8")
    done = run(repo, "import", str(good), "--table", "grants", "--user", "kari")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"1 nye, 0 endret, 0 uendret, {len(shipped)} fjernet" in done.stdout
    assert list(stored_grants(repo)["recipient"]) == ["Ny AS"]
    history = run(repo, "history").stdout.splitlines()
    newest = history[1].split()
    assert newest[3:6] == ["kari", "grants", "tilskudd-2025.csv"]
    assert run(repo, "undo", newest[0]).returncode == 0
    pd.testing.assert_frame_equal(stored_grants(repo), shipped)
    # The history says what the undo did: the removed grants back, the new one gone.
    con = duckdb.connect(str(repo / "data" / "dashboard.duckdb"), read_only=True)
    try:
        undo_row = con.execute("SELECT kind, added, changed, unchanged, removed FROM imports "
                               "ORDER BY id DESC LIMIT 1").fetchall()[0]
    finally:
        con.close()
    assert undo_row == ("undo", len(shipped), 0, 0, 1)


def test_undo_of_a_table_import_waits_for_a_later_one(built_repo: Path, tmp_path: Path) -> None:
    repo = built_repo
    shipped = stored_grants(repo)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(GRANTS_HEADER + "2025,nui,A,,,,,\n", encoding="utf-8")
    second.write_text(GRANTS_HEADER + "2025,nui,B,,,,,\n", encoding="utf-8")
    run(repo, "import", str(first), "--table", "grants")
    run(repo, "import", str(second), "--table", "grants")
    ids = [line.split()[0] for line in run(repo, "history").stdout.splitlines()[1:3]]
    refused = run(repo, "undo", ids[1])
    assert refused.returncode == 1 and ids[0] in refused.stderr
    assert run(repo, "undo", ids[0]).returncode == 0
    assert run(repo, "undo", ids[1]).returncode == 0
    pd.testing.assert_frame_equal(stored_grants(repo), shipped)  # back to the shipped list
