"""Files and database stay in step: imports and undos rewrite data/observations/<id>.csv."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicators import cli, importing, writeback
from indicators.build import build
from indicators.model import PlanModel, load_model

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def repo(built_fixture_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The test data set: 2B-04 ends in January 2026 (Akershus 2.6); PLANNER brings February.
    monkeypatch.delenv(writeback.DATA_ENV, raising=False)
    return built_fixture_repo


def main(repo: Path, *args: str, db: Path | None = None) -> int:
    return cli.main([*args, "--db", str(db or repo / "data" / "dashboard.duckdb"),
                     "--config", str(repo / "config" / "goals.yaml")])


def observations(repo: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((repo / "data" / "observations").iterdir())}


def export(repo: Path, db: Path, capsys: pytest.CaptureFixture) -> str:
    capsys.readouterr()
    assert main(repo, "export-csv", db=db) == 0
    return capsys.readouterr().out


def new_file(tmp_path: Path, text: str, name: str = "ny.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))
    return path


PLANNER = "indikator;region;år;verdi;merknad\n2B-04;32;2026M02;2,4;Ås\n2B-04;32;2026M01;2,7;\n"


def test_data_dir_is_the_databases_folder_when_it_holds_observations(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert writeback.data_dir_for(repo / "data" / "dashboard.duckdb") == (repo / "data").resolve()
    assert writeback.data_dir_for(tmp_path / "elsewhere.duckdb") is None
    monkeypatch.setenv(writeback.DATA_ENV, str(repo / "data"))
    assert writeback.data_dir_for(tmp_path / "elsewhere.duckdb") == repo / "data"


def test_write_back_of_unchanged_data_touches_no_file(repo: Path, model: PlanModel) -> None:
    before = observations(repo)
    written = writeback.write_back(repo / "data" / "dashboard.duckdb", repo / "data", model,
                                   model.indicator_ids())
    assert written == []  # the shipped files are already canonical
    assert observations(repo) == before


def test_cli_import_writes_the_file_and_a_fresh_build_gives_the_same_database(
        repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    before = observations(repo)
    assert main(repo, "import", str(new_file(tmp_path, PLANNER))) == 0
    assert "Skrev" in capsys.readouterr().out
    after = observations(repo)
    assert [n for n in after if after[n] != before[n]] == ["2B-04.csv"]
    text = after["2B-04.csv"].decode("utf-8")
    assert "2B-04,32,2026M01,2.7,percent,,," in text
    assert "2B-04,32,2026M02,2.4,percent,,Ås,\n" in text
    rebuilt = tmp_path / "rebuilt.duckdb"
    assert build(load_model(repo / "config" / "goals.yaml"), repo / "data", rebuilt).ok
    db = repo / "data" / "dashboard.duckdb"
    assert export(repo, rebuilt, capsys) == export(repo, db, capsys)


def test_cli_undo_restores_the_file_byte_for_byte(repo: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    before = observations(repo)
    capsys.readouterr()
    assert main(repo, "import", str(new_file(tmp_path, PLANNER))) == 0
    import_id = capsys.readouterr().out.split("import ")[1].split()[0]
    assert main(repo, "undo", import_id) == 0
    assert observations(repo) == before


def test_a_new_indicator_gets_a_file_and_loses_it_on_undo(repo: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    assert not (repo / "data" / "observations" / "2A-01.csv").exists()
    capsys.readouterr()
    assert main(repo, "import", str(new_file(tmp_path, "region;år;verdi\n32;2024;1200\n",
                                             "2A-01.csv"))) == 0
    import_id = capsys.readouterr().out.split("import ")[1].split()[0]
    assert (repo / "data" / "observations" / "2A-01.csv").read_text("utf-8") == (
        "indicator_id,region_code,period,value,unit,series,note,source\n"
        "2A-01,32,2024,1200,count,,,\n")
    assert main(repo, "undo", import_id) == 0
    assert not (repo / "data" / "observations" / "2A-01.csv").exists()


def test_no_write_back_flag_and_a_database_outside_the_data_folder(
        repo: Path, tmp_path: Path) -> None:
    before = observations(repo)
    assert main(repo, "import", str(new_file(tmp_path, PLANNER)), "--no-write-back") == 0
    assert observations(repo) == before
    elsewhere = tmp_path / "other" / "x.duckdb"
    elsewhere.parent.mkdir()
    shutil.copyfile(repo / "data" / "dashboard.duckdb", elsewhere)
    later = PLANNER.replace("2,4", "2,3")
    assert main(repo, "import", str(new_file(tmp_path, later)), db=elsewhere) == 0
    assert observations(repo) == before  # default: only when the database lives in data/
    forced = PLANNER.replace("2,4", "2,2")
    assert main(repo, "import", str(new_file(tmp_path, forced)), "--write-back",
                db=elsewhere) == 0
    assert b"2B-04,32,2026M02,2.2," in observations(repo)["2B-04.csv"]


def test_app_commit_and_undo_keep_the_files_in_step(repo: Path, model: PlanModel) -> None:
    db = repo / "data" / "dashboard.duckdb"
    before = observations(repo)
    pending = importing.check(PLANNER.encode("cp1252"), "nav.csv", model, db)
    assert pending.read.ok and (pending.preview.added, pending.preview.changed) == (1, 1)
    done = importing.commit(pending, db, model, "kari@example.no")
    assert done.indicators == ["2B-04"] and [p.name for p in done.files] == ["2B-04.csv"]
    assert b"2B-04,32,2026M02,2.4,percent,,\xc3\x85s," in observations(repo)["2B-04.csv"]
    importing.undo(db, model, done.import_id, "kari@example.no")
    assert observations(repo) == before
