"""One period per year and series across imports: 2021 from one file and 2019-2021 from another
would give the year two values (progress refuses such a series), so the second is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators import importing, store
from indicators.model import PlanModel
from tests.conftest import obs_frame, plant
from tests.indicators.ingest.test_reader_hardening import with_frequency


def _row(period: str, value: float, region: str = "32") -> tuple:
    year = int(period[-4:])
    return ("1D-01", region, period, year, "MY" if "-" in period else "A", None, value, None)


def _import(db: Path, rows: list[tuple], replace: bool = False) -> store.ImportResult:
    return store.import_observations(db, obs_frame(rows), file_name="f.csv", sha256="0" * 64,
                                     user="test", replace=replace)


def _periods(db: Path) -> list[tuple[str, str]]:
    con = store.connect(db)
    try:
        return con.execute("SELECT region_code, period FROM observations ORDER BY ALL").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("stored, incoming", [("2021", "2019-2021"), ("2019-2021", "2021"),
                                              ("2018-2021", "2019-2021")])
def test_a_second_period_on_a_stored_year_is_refused(tmp_path: Path, stored: str,
                                                     incoming: str) -> None:
    db = tmp_path / "d.duckdb"
    _import(db, [_row(stored, 4.0)])
    before = db.read_bytes()
    with pytest.raises(store.PeriodClash) as refused:
        _import(db, [_row("2020", 3.0), _row(incoming, 5.0)])
    message = str(refused.value)
    assert message.startswith("f.csv:3:period: ")  # the file's line 3 holds the clashing period
    assert incoming in message and f"skriv {stored} i stedet" in message
    assert db.read_bytes() == before  # nothing written


def test_replacing_or_another_region_is_no_clash(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    _import(db, [_row("2021", 4.0)])
    _import(db, [_row("2019-2021", 5.0, region="03")])  # another region: its own series
    _import(db, [_row("2019-2021", 5.0)], replace=True)  # 2021 goes, 2019-2021 comes
    assert _periods(db) == [("32", "2019-2021")]


def test_an_undo_that_would_give_a_year_two_periods_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    _import(db, [_row("2021", 4.0)])
    without = _import(db, [_row("2020", 3.0)], replace=True)  # removes 2021
    _import(db, [_row("2019-2021", 5.0)])  # fine now: nothing is stored for 2021
    before = db.read_bytes()
    # Undoing the replace would bring 2021 back next to 2019-2021.
    with pytest.raises(store.StoreError, match="2019-2021, 2021"):
        store.undo(db, without.import_id, force=True)
    assert db.read_bytes() == before


def test_the_upload_check_names_the_line_and_the_stored_period(model: PlanModel,
                                                               tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    _import(db, [_row("2023", 4.0)])
    irregular = with_frequency(model, "1D-01", "irregular")
    raw = b"indicator_id,region_code,period,value\n1D-01,32,2022,3\n1D-01,32,2021-2023,5\n"
    pending = importing.check(raw, "ny.csv", irregular, db, lang="en")
    assert pending.preview is None and not pending.read.ok
    [issue] = pending.read.errors
    assert (issue.line, issue.column) == (3, "period")
    assert "already stored for 1D-01, 32" in issue.message("en") and "2023" in issue.message("en")
    # Replacing the indicator's figures removes 2023, so the same file is fine then.
    assert importing.check(raw, "ny.csv", irregular, db, replace=True).read.ok


def test_a_year_stored_twice_before_does_not_block_other_undos(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    _import(db, [_row("2021", 4.0)])
    plant(db, obs_frame([_row("2019-2021", 5.0)]))  # a database from before the store refused it
    later = _import(db, [_row("2018", 3.0)])
    store.undo(db, later.import_id)  # brings back nothing on 2021
    assert _periods(db) == [("32", "2019-2021"), ("32", "2021")]
