"""Never down (issue 14, items 1 and 2): a stored row, a damaged database, a broken config, a
read-only folder or a full disk gives one sentence and the way out, never a traceback."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pandas as pd
import pytest

from indicators import importing, progress, store, writeback
from indicators.assessment import assess_all, assess_indicator
from indicators.health import database_problem
from indicators.i18n import t
from tests.conftest import BuiltRepos, CliResult, obs_frame, plant, run_cli

ROOT = Path(__file__).resolve().parents[2]


def stored_row(indicator_id: str, region: str, period: str, year: int, freq: str,
               value: float, sub: int | None = None) -> pd.DataFrame:
    """One observation as the store takes it, written past the reader's rules on purpose."""
    return pd.DataFrame([{"indicator_id": indicator_id, "region_code": region, "period": period,
                          "year": year, "freq": freq, "sub": sub, "value": value, "status": None,
                          "series": "", "note": "", "source": "", "line": 2}])


def cli(db: Path, *args: str, config: Path | None = None) -> CliResult:
    return run_cli(*args, "--db", str(db), "--config", str(config or ROOT / "config" / "goals.yaml"))


@pytest.fixture(scope="module")
def built(built_repos: BuiltRepos) -> Path:
    """A database built from the shipped files (each test copies it before changing it)."""
    return built_repos.template(ROOT / "data") / "data" / "dashboard.duckdb"


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    path = tmp_path / "dashboard.duckdb"
    path.write_bytes(built.read_bytes())
    return path


# ---- item 1: a stored duplicate year ----------------------------------------------------------


@pytest.mark.parametrize(("period", "year", "freq"), [
    ("2012", 2012, "A"),  # a calendar year inside a school-year indicator: 2011/12 is 2012 too
    ("２０１２", 2012, "A"),  # full-width digits stored as a second 2012
])
def test_a_year_stored_twice_is_not_available_with_its_reason(model, period, year, freq) -> None:
    indicator = model.indicator("1D-04")  # school years, headline region 02, a target
    frame = obs_frame([("1D-04", "02", "2011/12", 2012, "SY", None, 4.2, None),
                       ("1D-04", "02", "2016/17", 2017, "SY", None, 3.5, None),
                       ("1D-04", "02", period, year, freq, None, 4.1, None)])
    a = assess_indicator(indicator, frame)
    assert (a.status, a.reason, a.problem_year) == ("not_available", "duplicate_year", 2012)
    assert "duplicate_year" in progress.REASONS
    assert t(f"reason.{a.reason}", "nb") and t(f"reason.{a.reason}", "en")


def test_a_month_stored_twice_is_not_available_and_the_others_are_assessed(model) -> None:
    rows = [("2B-04", "32", f"2024M{m:02d}", 2024, "M", m, 2.0, None) for m in range(1, 13)]
    rows.append(("2B-04", "32", "2024-01", 2024, "M", 1, 2.5, None))  # January again
    assessed = assess_all(model, {"2B-04": obs_frame(rows)})
    assert assessed["2B-04"].reason == "duplicate_period"
    assert assessed["2B-04"].status == "not_available"
    assert assessed["1D-01"].reason == "no_data"  # the rest is assessed as usual


def test_a_context_indicator_stored_twice_stays_context(model) -> None:
    context = next(i for i in model.indicators if i.direction == "none")
    region = context.headline_region
    frame = obs_frame([(context.id, region, "2020", 2020, "A", None, 1.0, None),
                       (context.id, region, "２０２０", 2020, "A", None, 2.0, None)])
    a = assess_indicator(context, frame)
    assert (a.status, a.reason) == ("not_assessed", "duplicate_year")


def test_progress_reports_a_stored_duplicate_year_without_a_traceback(db: Path) -> None:
    plant(db, stored_row("1D-04", "02", "2012", 2012, "A", 4.1))  # the store refuses it now
    result = cli(db, "progress")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "1D-04" in result.stderr and "to ganger" in result.stderr and "--replace" in result.stderr
    as_json = cli(db, "progress", "--json")
    record = next(r for r in json.loads(as_json.stdout)
                  if r.get("indicator_id") == "1D-04")
    assert (record["status"], record["reason"], record["problem_year"]) == (
        "not_available", "duplicate_year", 2012)


# ---- item 2: damaged database, broken config, read-only folder, full disk ----------------------


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "empty":
        path.write_bytes(b"")
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif how == "garbage":
        path.write_bytes(b"not a database " * 1000)
    else:  # flipped bytes in the middle of the file
        mangled = bytearray(data)
        for i in range(8192, len(mangled), 1009):
            mangled[i] ^= 0xFF
        path.write_bytes(bytes(mangled))


@pytest.mark.parametrize("how", ["empty", "truncated", "garbage", "corrupted"])
@pytest.mark.parametrize("command", ["progress", "history", "export-csv"])
def test_a_damaged_database_gives_one_sentence_and_the_way_out(db: Path, how: str,
                                                                command: str) -> None:
    damage(db, how)
    result = cli(db, command)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "make build" in lines[0], result.stderr
    assert database_problem(db).kind == "db_unreadable"


def test_an_import_into_a_damaged_database_says_so(db: Path, tmp_path: Path) -> None:
    damage(db, "truncated")
    upload = tmp_path / "2B-04.csv"
    upload.write_text("indicator_id,region_code,period,value\n2B-04,32,2026M03,2.5\n", "utf-8")
    result = cli(db, "import", str(upload), "--no-write-back")
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert "make build" in result.stderr


def test_a_broken_config_gives_its_line_and_no_traceback(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "regions.yaml").write_bytes((ROOT / "config" / "regions.yaml").read_bytes())
    (config / "goals.yaml").write_text("goals: [\n  - id: 1D\n", "utf-8")
    result = cli(db, "progress", config=config / "goals.yaml")
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "goals.yaml:2" in result.stdout


@pytest.mark.parametrize(("code", "kind", "words"), [
    (errno.ENOSPC, "disk_full", "Disken er full"),
    (errno.EROFS, "read_only", "skrivebeskyttet"),
    (errno.EACCES, "read_only", "skrivebeskyttet"),
])
def test_a_full_disk_or_read_only_folder_refuses_the_import_and_keeps_the_database(
        db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, code: int,
        kind: str, words: str, tmp_path: Path) -> None:
    from indicators import cli as command_line

    before = db.read_bytes()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, "simulated")

    monkeypatch.setattr(store.connection.tempfile, "mkstemp", refuse)
    frame = stored_row("2B-04", "32", "2026M03", 2026, "M", 2.5, sub=3)
    with pytest.raises(store.StorageError) as caught:
        store.import_observations(db, frame, file_name="x.csv", sha256="x")
    assert caught.value.kind == kind
    upload = tmp_path / "2B-04.csv"
    upload.write_text("indicator_id,region_code,period,value\n2B-04,32,2026M03,2.5\n", "utf-8")
    rc = command_line.main(["import", str(upload), "--db", str(db), "--no-write-back"])
    err = capsys.readouterr().err
    assert rc == 1 and words in err and "Traceback" not in err
    assert db.read_bytes() == before  # nothing half-written


def test_a_full_disk_while_writing_back_is_a_storage_error(db: Path, tmp_path: Path, model,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "observations").mkdir()

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writeback.tempfile, "mkstemp", full)
    with pytest.raises(store.StorageError) as caught:
        writeback.write_back(db, tmp_path, model, ["2B-04"])
    assert caught.value.kind == "disk_full"


def test_the_app_import_workflow_refuses_on_a_read_only_folder(db: Path, model,
                                                                monkeypatch) -> None:
    raw = b"indicator_id,region_code,period,value\n2B-04,32,2026M03,2.5\n"
    pending = importing.check(raw, "2B-04.csv", model, db)
    before = db.read_bytes()

    def denied(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(store.connection.tempfile, "mkstemp", denied)
    with pytest.raises(store.StorageError) as caught:
        importing.commit(pending, db, model, "kari")
    assert caught.value.kind == "read_only"
    assert db.read_bytes() == before
