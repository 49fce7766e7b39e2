"""The command line, run as a planner would: `python -m indicators`, in-process (run_cli)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliResult, run_cli


def run(repo: Path, *args: str) -> CliResult:
    return run_cli(*args, "--db", str(repo / "data" / "dashboard.duckdb"),
                   "--config", str(repo / "config" / "goals.yaml"))


@pytest.fixture
def built(built_repo: Path) -> Path:
    return built_repo


def test_validate_is_clean_on_the_shipped_files(repo_copy: Path) -> None:
    result = run(repo_copy, "validate")
    assert result.returncode == 0, result.stdout
    assert "gyldig" in result.stdout


def test_build_holds_the_nav_series_for_akershus(built: Path) -> None:
    out = run(built, "export-csv", "--indicator", "2B-04").stdout.splitlines()
    akershus = [line for line in out if line.startswith("2B-04,32,")]
    # Every Akershus row of the file, in time order (whatever month the file has reached).
    in_file = [line for line in (built / "data" / "observations" / "2B-04.csv").read_text(
        "utf-8").splitlines() if line.startswith("2B-04,32,")]
    assert akershus[0].startswith("2B-04,32,2011M01,")
    assert akershus == sorted(in_file)


def test_build_is_idempotent(built: Path) -> None:
    first = run(built, "export-csv").stdout
    result = run(built, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert run(built, "export-csv").stdout == first


def test_export_csv_round_trips_through_import(built: Path, tmp_path: Path) -> None:
    exported = run(built, "export-csv", "--indicator", "1D-04").stdout
    path = tmp_path / "1D-04.csv"
    path.write_text(exported, encoding="utf-8")
    result = run(built, "import", str(path))
    assert result.returncode == 0, result.stderr
    rows = len(exported.splitlines()) - 1  # the header
    assert f"0 nye, 0 endret, {rows} uendret" in result.stdout


def test_bad_file_is_refused_with_line_and_column_and_nothing_written(built: Path,
                                                                     tmp_path: Path) -> None:
    before = run(built, "export-csv").stdout
    bad = tmp_path / "feil.csv"
    bad.write_text("indikator;region;år;verdi\n2B-04;32;2026M02;2,4\n2B-04;32;2026M03;12,5,1\n",
                   encoding="cp1252")
    result = run(built, "import", str(bad))
    assert result.returncode == 1
    assert "feil.csv:3:verdi" in result.stdout and "12,5,1" in result.stdout
    assert run(built, "export-csv").stdout == before


def test_import_history_and_undo(built_fixture_repo: Path, tmp_path: Path) -> None:
    # The test data set: 2B-04 ends in January 2026, so February is a new row.
    built = built_fixture_repo
    before = run(built, "export-csv").stdout
    new = tmp_path / "nav.csv"
    new.write_text("indikator;region;år;verdi;merknad\n2B-04;32;2026M02;2,4;Ås\n",
                   encoding="cp1252")
    result = run(built, "import", str(new), "--user", "planlegger")
    assert result.returncode == 0 and "1 nye" in result.stdout
    history = run(built, "history").stdout
    assert "planlegger" in history and "nav.csv" in history
    import_id = history.splitlines()[1].split()[0]
    assert run(built, "undo", import_id).returncode == 0
    assert run(built, "export-csv").stdout == before


def test_usage_errors_exit_2(built: Path) -> None:
    assert run(built, "import", "finnes-ikke.csv").returncode == 2
    assert run(built, "nosuchcommand").returncode == 2


def test_progress_json_agrees_with_the_method_on_shipped_data(built: Path) -> None:
    import json

    from indicators.model import load_model

    result = run(built, "progress", "--json", "--as-of", "2026-12-02")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    records = {r["indicator_id"]: r for r in out if "indicator_id" in r}
    model = load_model(built / "config" / "goals.yaml")
    for indicator in model.indicators:
        r = records[indicator.id]
        # A break between the first year and the latest one moves the base past it.
        if r["break_year"] is not None:
            assert r["break_year"] in indicator.break_years()
            assert r["base_year"] is None or r["base_year"] >= r["break_year"]
        if r["current_year"] is not None:
            assert r["stale"] == (2026 - r["current_year"] > indicator.stale_after_years)
    # NAV changed the labour-force denominator in 2022M01: 2B-04 is compared from 2022 on.
    assert records["2B-04"]["break_year"] == 2022
    groups = [r for r in out if r.get("level")]
    assert {g["id"] for g in groups if g["level"] == "goal"} == {"1D", "2A", "2B"}
    for g in groups:
        for member in g["counted"]:
            r = records[member]
            assert r["score"] is not None and not r["stale"] and r["region_code"] == "32"
            assert model.indicator(member).direction != "none"
        for member, reason in g["excluded"].items():
            assert reason in ("context", "no_data", "other_area", "stale")
            assert member not in g["counted"]
        assert (g["status"] == "not_available") == (not g["counted"])


def test_progress_table_shows_only_what_each_roll_up_counts(built: Path) -> None:
    """The table says "Foreløpig" where the JSON says provisional, what each roll-up rests on
    ("bygger på N av M"), and names every member it leaves out."""
    import json

    as_of = ("--as-of", "2026-12-02")
    groups = [r for r in json.loads(run(built, "progress", "--json", *as_of).stdout)
              if r.get("level")]
    lines = run(built, "progress", *as_of).stdout.splitlines()
    for g in groups:
        at = next(i for i, line in enumerate(lines) if line.split()[:2] == [g["level"], g["id"]])
        row = lines[at]
        assert ("Foreløpig: " in row) is g["provisional"]
        if g["counted"]:
            assert f" bygger på {len(g['counted'])} av " in row
            assert all(member in row for member in g["counted"])
        if g["excluded"]:
            left_out = lines[at + 1]
            assert left_out.strip().startswith("Ikke regnet med i statusen:")
            assert all(member in left_out for member in g["excluded"])
    assert "indikator(er)" not in "\n".join(lines)
