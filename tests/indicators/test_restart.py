"""The README's promise, tested as written: `make run` after an import keeps the import, its
history and its undo; plan-table imports survive a rebuild; the files and the database agree."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from indicators import cli, store, writeback
from indicators.build import build, sync
from indicators.model import load_model
from tests.conftest import copy_repo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """config/, data/ and the Makefile, as a clone has them (no database yet)."""
    monkeypatch.delenv(writeback.DATA_ENV, raising=False)
    copy_repo(tmp_path)
    for name in ("Makefile", "requirements.txt"):
        shutil.copy2(ROOT / name, tmp_path / name)  # copy2: the venv stamp stays newer
    return tmp_path


def make_sync(repo: Path) -> subprocess.CompletedProcess:
    """What `make run` does before it starts the app, in the copy, with this checkout's venv."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the copy holds config/ and data/, not code
    return subprocess.run(["make", "-s", "-C", str(repo), "sync", f"VENV={ROOT / '.venv'}"],
                          capture_output=True, text=True, timeout=120, env=env)


def cli_main(repo: Path, *args: str) -> int:
    return cli.main([*args, "--db", str(repo / "data" / "dashboard.duckdb"),
                     "--config", str(repo / "config" / "goals.yaml")])


def history(repo: Path) -> list[tuple]:
    con = store.connect(repo / "data" / "dashboard.duckdb")
    try:
        frame = store.history(con)
    finally:
        con.close()
    return list(frame[["id", "kind", "undone_by"]].itertuples(index=False, name=None))


def stored(repo: Path, indicator: str, region: str, period: str) -> float:
    con = store.connect(repo / "data" / "dashboard.duckdb")
    try:
        frame = store.observations(con, indicator, [region])
    finally:
        con.close()
    return float(frame.loc[frame["period"] == period, "value"].iloc[0])


def last_row(repo: Path, indicator: str) -> dict[str, str]:
    """The last row of an indicator's data file (whatever the shipped data holds today)."""
    text = (repo / "data" / "observations" / f"{indicator}.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))[-1]


def changed_value_file(repo: Path, tmp_path: Path) -> tuple[Path, dict[str, str], float]:
    """A planner's file that changes the latest stored value of 2B-06 by one."""
    row = last_row(repo, "2B-06")
    new = float(row["value"]) + 1
    path = tmp_path / "rettelse.csv"
    path.write_text("indikator;region;periode;verdi\n"
                    f"2B-06;{row['region_code']};{row['period']};{new:.0f}\n", "utf-8")
    return path, row, new


def test_make_run_after_an_import_keeps_the_import_its_history_and_its_undo(
        repo: Path, tmp_path: Path) -> None:
    first = make_sync(repo)
    assert "Bygget" in first.stdout, first.stderr
    path, row, new = changed_value_file(repo, tmp_path)
    assert cli_main(repo, "import", str(path), "--user", "kari") == 0
    (import_id, kind, undone), *_ = history(repo)
    assert kind == "file" and pd.isna(undone)

    again = make_sync(repo)  # a restart: the written-back file is newer than the database
    assert again.returncode == 0, again.stderr
    assert "i takt" in again.stdout
    assert history(repo)[0][:2] == (import_id, "file") and pd.isna(history(repo)[0][2])
    assert stored(repo, "2B-06", row["region_code"], row["period"]) == new

    assert cli_main(repo, "undo", str(import_id)) == 0  # undo still works after the restart
    assert stored(repo, "2B-06", row["region_code"], row["period"]) == float(row["value"])
    make_sync(repo)
    ids = [h[0] for h in history(repo)]
    assert import_id in ids and history(repo)[0][1] == "undo"


def test_a_file_edited_by_hand_is_imported_on_start_and_can_be_undone(repo: Path) -> None:
    assert make_sync(repo).returncode == 0
    row = last_row(repo, "2B-06")
    path = repo / "data" / "observations" / "2B-06.csv"
    old_line = ",".join([row["indicator_id"], row["region_code"], row["period"], row["value"]])
    text = path.read_text("utf-8")
    assert old_line in text
    path.write_text(text.replace(old_line, old_line[: -len(row["value"])] + "1"), "utf-8")

    result = make_sync(repo)
    assert result.returncode == 0, result.stderr
    assert "2B-06.csv" in result.stdout and "undo" in result.stdout
    import_id, kind, _ = history(repo)[0]
    assert kind == "file" and stored(repo, "2B-06", row["region_code"], row["period"]) == 1
    assert cli_main(repo, "undo", str(import_id)) == 0
    assert stored(repo, "2B-06", row["region_code"], row["period"]) == float(row["value"])


def test_a_plan_table_import_is_written_back_so_a_rebuild_keeps_it(
        repo: Path, tmp_path: Path) -> None:
    assert make_sync(repo).returncode == 0
    funding = (repo / "data" / "funding.csv").read_text("utf-8")
    header, first, *rest = funding.splitlines()
    cells = next(csv.reader([first]))
    cells[2] = str(int(cells[2]) + 5)  # applications
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    upload = tmp_path / "funding.csv"
    upload.write_text("\n".join([header, out.getvalue().strip(), *rest]) + "\n", "utf-8")
    assert cli_main(repo, "import", str(upload)) == 0
    assert f"{cells[0]},{cells[1]},{cells[2]}," in (repo / "data" / "funding.csv").read_text()

    model = load_model(repo / "config" / "goals.yaml")
    rebuilt = tmp_path / "rebuilt.duckdb"
    assert build(model, repo / "data", rebuilt).ok
    con = store.connect(rebuilt)
    try:
        table = store.read_table(con, "funding")
    finally:
        con.close()
    assert int(cells[2]) in set(table["applications"])

    (import_id, kind, _), *_ = history(repo)
    assert kind == "funding"
    assert cli_main(repo, "undo", str(import_id)) == 0
    assert (repo / "data" / "funding.csv").read_text("utf-8") == funding  # byte for byte


def test_written_back_plan_tables_read_back_to_the_same_rows(repo: Path, tmp_path: Path) -> None:
    model = load_model(repo / "config" / "goals.yaml")
    db = repo / "data" / "dashboard.duckdb"
    assert build(model, repo / "data", db).ok
    out = tmp_path / "out"
    shutil.copytree(repo / "data", out)
    writeback.write_back(db, out, model, [], list(store.TABLE_COLUMNS))
    # the files written back are in step with the database they came from
    assert sync(model, out, db).action == "in_step"


def test_invalid_files_leave_the_database_as_it_was(repo: Path) -> None:
    assert make_sync(repo).returncode == 0
    db = repo / "data" / "dashboard.duckdb"
    before = db.read_bytes()
    (repo / "data" / "observations" / "2B-06.csv").write_text(
        "indicator_id,region_code,period,value\n2B-06,32,2024K2,mange\n", "utf-8")
    result = make_sync(repo)
    assert "2B-06.csv:2" in result.stderr and "ikke endret" in result.stderr
    assert db.read_bytes() == before


def test_an_unreadable_database_is_set_aside_and_rebuilt(repo: Path) -> None:
    db = repo / "data" / "dashboard.duckdb"
    db.write_bytes(b"not a database")
    result = make_sync(repo)
    assert result.returncode == 0, result.stderr
    aside = list(db.parent.glob("dashboard.duckdb.broken-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"not a database"
    assert aside[0].name in result.stderr
    store.check(db)
