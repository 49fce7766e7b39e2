"""The command line, run as a planner would: through `python -m indicators` in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indicators", *args, "--db", str(repo / "data" / "t.duckdb"),
         "--config", str(repo / "config" / "goals.yaml")],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=120)


@pytest.fixture
def built(repo_copy: Path) -> Path:
    result = run(repo_copy, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return repo_copy


def test_validate_is_clean_on_the_shipped_files(repo_copy: Path) -> None:
    result = run(repo_copy, "validate")
    assert result.returncode == 0, result.stdout
    assert "gyldig" in result.stdout


def test_build_holds_the_nav_series_for_akershus(built: Path) -> None:
    out = run(built, "export-csv", "--indicator", "2B-04").stdout.splitlines()
    akershus = [line for line in out if line.startswith("2B-04,32,")]
    assert akershus[0].startswith("2B-04,32,2011M01,")
    assert len(akershus) == 181  # monthly 2011-01 … 2026-01


def test_build_is_idempotent(built: Path) -> None:
    first = run(built, "export-csv").stdout
    assert run(built, "build").returncode == 0
    assert run(built, "export-csv").stdout == first


def test_export_csv_round_trips_through_import(built: Path, tmp_path: Path) -> None:
    exported = run(built, "export-csv", "--indicator", "1D-04").stdout
    path = tmp_path / "1D-04.csv"
    path.write_text(exported, encoding="utf-8")
    result = run(built, "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "0 nye, 0 endret, 28 uendret" in result.stdout


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


def test_import_history_and_undo(built: Path, tmp_path: Path) -> None:
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
    import csv
    import json

    result = run(built, "progress", "--json")
    assert result.returncode == 0, result.stderr
    records = {r["indicator_id"]: r for r in json.loads(result.stdout) if "indicator_id" in r}
    # 1D-04 (dropout, lower is better, proposed target 2 % by 2030), headline region 02:
    # worked by hand from data/observations/1D-04.csv with progress-method.md, method 2.
    text = (built / "data" / "observations" / "1D-04.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    old_county = {int(r["period"][:4]) + 1: float(r["value"]) for r in rows if r["region_code"] == "02"}
    base_year, current_year = min(old_county), max(old_county)
    y0, y1 = old_county[base_year], old_county[current_year]
    required = (2.0 / y0) ** (1 / (2030 - base_year)) - 1
    pv = -1 * ((y1 / y0) ** (1 / (current_year - base_year)) - 1) / abs(required)
    expected_status = ("on_track" if pv >= 0.95 else "moderate_progress" if pv >= 0.6
                       else "limited_progress" if pv >= 0 else "deterioration")
    r = records["1D-04"]
    assert (r["base_year"], r["current_year"]) == (base_year, current_year)
    assert r["progress_value"] == pytest.approx(pv)
    assert r["status"] == expected_status
    assert r["score"] == pytest.approx(max(4.1667 * pv - 2.5, -5) if pv < 0.6
                                       else min(7.1429 * pv - 4.2857, 5))
    assert records["2A-01"]["status"] == "not_available"  # no data yet
    goals = {r["id"]: r for r in json.loads(result.stdout) if r.get("level") == "goal"}
    assert set(goals) == {"1D", "2A", "2B"}
