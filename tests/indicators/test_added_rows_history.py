"""Issue 15.3: an import's new rows are written once (no second copy in the undo history), and
undo still gives exactly what replaying the imports still in force gives."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from indicators import store
from tests.conftest import obs_frame


def _import(db: Path, rows: list[tuple[str, str, float]], replace: bool = False) -> int:
    """Rows of (region, year, value) of indicator I1."""
    frame = obs_frame([("I1", region, year, int(year), "A", None, value, None)
                       for region, year, value in rows])
    return int(store.import_observations(db, frame, file_name="f.csv", sha256="0" * 64,
                                         user="test", replace=replace).import_id)


def _stored(db: Path) -> dict[tuple[str, str], tuple[float, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT region_code, period, value, import_id FROM observations "
                           "WHERE indicator_id = 'I1'").fetchall()
    finally:
        con.close()
    return {(r, p): (v, i) for r, p, v, i in rows}


def _history_rows(db: Path, import_id: int) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM import_changes WHERE import_id = ?",
                           [import_id]).fetchall()[0][0]
    finally:
        con.close()


def test_a_new_file_is_stored_once_and_its_undo_removes_it(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    rows = [(region, str(year), float(year - 2000)) for region in ("32", "03")
            for year in range(2001, 2021)]
    first = _import(db, rows)
    assert _history_rows(db, first) == 0  # 40 rows added: nothing kept twice
    second = _import(db, [("32", "2020", 99.0), ("32", "2021", 1.0)])
    assert _history_rows(db, second) == 1  # the changed row keeps the row it replaced
    store.undo(db, first, force=True)
    # Replaying the second file alone: its two rows, one of them new in it.
    assert _stored(db) == {("32", "2020"): (99.0, second), ("32", "2021"): (1.0, second)}
    store.undo(db, second)
    assert _stored(db) == {}


def test_undo_keeps_the_row_of_a_later_import_that_an_undo_had_put_back_under_an_earlier_one(
        tmp_path: Path) -> None:
    # A adds 2020 = 1; R replaces without it (removes it); C adds it again, the same 1. Undoing
    # R puts 2020 back under A's id (A gave it first); undoing A then must keep C's 2020.
    db = tmp_path / "d.duckdb"
    a = _import(db, [("32", "2020", 1.0), ("32", "2021", 5.0)])
    _ = _import(db, [("32", "2021", 5.0)], replace=True)
    c = _import(db, [("32", "2020", 1.0)])
    with pytest.raises(store.StoreError):
        store.undo(db, a + 1)  # C gave again a row R removed: undoing R needs --force
    store.undo(db, a + 1, force=True)
    assert _stored(db) == {("32", "2020"): (1.0, a), ("32", "2021"): (5.0, a)}
    store.undo(db, a, force=True)
    assert _stored(db) == {("32", "2020"): (1.0, c)}


def test_undo_of_a_later_change_puts_back_the_added_row_and_its_own_undo_removes_it(
        tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    a = _import(db, [("32", "2020", 1.0)])
    b = _import(db, [("32", "2020", 2.0)])
    con = store.connect(db)
    try:
        assert store.later_conflicts(con, a) == [b]
    finally:
        con.close()
    store.undo(db, b)
    assert _stored(db) == {("32", "2020"): (1.0, a)}
    store.undo(db, a)
    assert _stored(db) == {}
