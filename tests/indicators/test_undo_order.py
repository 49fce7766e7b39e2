"""Undo in any order: what is stored always equals replaying, in order, the imports not undone."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import store
from tests.conftest import obs_frame

Row = tuple[str, str, str, float | None, str]  # indicator, region, year, value, note


def _frame(rows: list[Row]) -> pd.DataFrame:
    frame = obs_frame([(i, r, y, int(y), "A", None, v, None if v is not None else "..")
                       for i, r, y, v, _ in rows])
    frame["note"] = [n for *_, n in rows]
    return frame


def _import(db: Path, rows: list[Row], replace: bool = False) -> int:
    result = store.import_observations(db, _frame(rows), file_name="f.csv", sha256="0" * 64,
                                       user="test", replace=replace)
    return int(result.import_id)


def _stored(db: Path | duckdb.DuckDBPyConnection, ids: dict[int, int] | None = None
            ) -> dict[tuple, tuple]:
    """Every stored row's figures and the import it came from (`ids` maps another database's
    import ids onto this one's)."""
    if isinstance(db, Path) and not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True) if isinstance(db, Path) else db
    try:
        frame = con.execute("SELECT indicator_id, region_code, period, series, value, status, "
                            "note, source, year, freq, import_id FROM observations").fetchall()
    finally:
        if isinstance(db, Path):
            con.close()
    return {row[:4]: (None if row[4] is None or math.isnan(row[4]) else row[4], *row[5:10],
                      (ids or {}).get(row[10], row[10])) for row in frame}


def _history(db: Path | duckdb.DuckDBPyConnection) -> dict[int, tuple]:
    """Per import: kind, undo_of, undone_by, added, changed, unchanged, removed."""
    con = store.connect(db) if isinstance(db, Path) else db
    try:
        return {int(r[0]): r[1:] for r in con.execute(
            "SELECT id, kind, undo_of, undone_by, added, changed, unchanged, removed "
            "FROM imports").fetchall()}
    finally:
        if isinstance(db, Path):
            con.close()


def _memory() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(store.SCHEMA)
    return con


def _replayed(files: list[tuple[int, list[Row], bool]]) -> dict[tuple, tuple]:
    """The imports, replayed in order into a new database; import ids given as the originals."""
    con = _memory()
    try:
        ids = {store.record_import(con, _frame(rows), file_name="f.csv", sha256="0" * 64,
                                   replace=replace).import_id: original
               for original, rows, replace in files}
        return _stored(con, ids)
    finally:
        con.close()


def test_force_undo_then_undo_of_the_later_import_keeps_b_undone(tmp_path: Path) -> None:
    # Issue 14.6: `undo B --force`, then `undo C`, brought B's value back.
    db = tmp_path / "d.duckdb"
    a = [("I1", "32", "2020", 1.0, "")]
    b = [("I1", "32", "2020", 2.0, "")]
    c = [("I1", "32", "2020", 3.0, "")]
    ids = [_import(db, a), _import(db, b), _import(db, c)]
    with pytest.raises(store.StoreError, match=str(ids[2])):
        store.undo(db, ids[1])
    store.undo(db, ids[1], force=True)
    assert _stored(db)[("I1", "32", "2020", "")][0] == 3.0  # C still stands
    store.undo(db, ids[2])
    assert _stored(db) == _replayed([(ids[0], a, False)])  # A alone: 1.0
    history = _history(db)
    assert history[ids[1]][2] is not None and history[ids[2]][2] is not None


def test_undo_keeps_a_row_a_later_import_gave_again(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    a = [("I1", "32", "2020", 1.0, ""), ("I1", "32", "2021", 5.0, "")]
    b = [("I1", "32", "2020", 1.0, "")]  # the same figure again: B says 2020 is 1.0 too
    first, second = _import(db, a), _import(db, b)
    undo_id = store.undo(db, first)
    assert _stored(db) == _replayed([(second, b, False)])
    # The undo's record says what it did: 2021 went, 2020 stayed.
    assert _history(db)[undo_id][3:] == (0, 0, 1, 1)


def test_undo_of_a_replace_between_two_keeps_the_later_replace(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    a = [("I1", "32", "2020", 1.0, ""), ("I1", "32", "2021", 2.0, "")]
    r = [("I1", "32", "2020", 1.0, "")]  # removes 2021
    c = [("I1", "32", "2020", 3.0, "")]  # replaces too, without 2021: it would remove it
    ids = [_import(db, a), _import(db, r, replace=True), _import(db, c, replace=True)]
    store.undo(db, ids[1], force=True)
    assert _stored(db) == _replayed([(ids[0], a, False), (ids[2], c, True)])
    store.undo(db, ids[2])
    assert _stored(db) == _replayed([(ids[0], a, False)])


def test_undo_gives_back_a_row_a_later_undone_replace_had_removed(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    a = [("I1", "32", "2020", 1.0, ""), ("I1", "32", "2021", 2.0, "")]
    r = [("I1", "32", "2020", 1.0, "")]
    c = [("I1", "32", "2021", 4.0, "")]
    ids = [_import(db, a), _import(db, r, replace=True), _import(db, c)]
    store.undo(db, ids[1], force=True)
    assert _stored(db) == _replayed([(ids[0], a, False), (ids[2], c, False)])
    store.undo(db, ids[0], force=True)
    assert _stored(db) == _replayed([(ids[2], c, False)])


def test_an_undo_in_a_database_from_before_file_rows_were_kept(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    a = [("I1", "32", "2020", 1.0, ""), ("I1", "32", "2021", 5.0, "a")]
    r = [("I1", "32", "2020", 1.0, ""), ("I1", "32", "2021", 6.0, "")]  # 2020 unchanged
    b = [("I1", "32", "2020", 2.0, "b")]
    ids = [_import(db, a), _import(db, r, replace=True), _import(db, b)]
    con = duckdb.connect(str(db))  # as the previous version left it: changes only, no notes
    con.execute("DELETE FROM import_changes WHERE action = 'unchanged'")
    con.execute("DELETE FROM meta WHERE key LIKE 'undo:%'")
    for column in ("new_year", "new_freq", "new_sub", "new_note", "new_source"):
        con.execute(f"ALTER TABLE import_changes DROP COLUMN {column}")
    con.close()
    store.undo(db, ids[2])  # 2020 back to 1.0: the replace gave it, unchanged, and kept it
    assert _stored(db) == _replayed([(ids[0], a, False), (ids[1], r, True)])
    # (Undoing the first import now would lose 2020: that the replace gave it unchanged was
    # not kept then. Imports made since keep every row of their file.)


# ---- any sequence ------------------------------------------------------------------------------

KEYS = [("I1", "32", "2020"), ("I1", "32", "2021"), ("I1", "03", "2020"), ("I2", "32", "2020")]
row_strategy = st.tuples(st.sampled_from(KEYS), st.sampled_from([1.0, 2.0, None]),
                         st.sampled_from(["", "n"]))
file_strategy = st.lists(row_strategy, min_size=1, max_size=4, unique_by=lambda r: r[0])
step_strategy = st.one_of(
    st.tuples(st.just("import"), file_strategy, st.booleans()),
    st.tuples(st.just("undo"), st.integers(0, 7), st.just(False)),
)


def _undo(con: duckdb.DuckDBPyConnection, import_id: int, force: bool = False) -> int:
    """store.undo's body in one transaction, on an in-memory database (hundreds of sequences
    through files would take minutes; test_undo_* above go through the files)."""
    con.execute("BEGIN TRANSACTION")
    try:
        undo_id = store.record_undo(con, import_id, user="test", force=force)
    except store.StoreError:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return undo_id


def _changes(before: dict, after: dict) -> tuple[int, int, int]:
    """Rows added, changed (figure, status, note or source) and removed from `before` to `after`."""
    changed = sum(before[k][:4] != after[k][:4] for k in before.keys() & after.keys())
    return len(after.keys() - before.keys()), changed, len(before.keys() - after.keys())


def _record(con: duckdb.DuckDBPyConnection, rows: list[Row], replace: bool) -> int:
    return int(store.record_import(con, _frame(rows), file_name="f.csv", sha256="0" * 64,
                                   user="test", replace=replace).import_id)


@settings(max_examples=60, deadline=None)
@given(first=file_strategy, steps=st.lists(step_strategy, min_size=1, max_size=7))
def test_any_order_of_imports_and_undos_equals_a_replay(first: list, steps: list) -> None:
    con, replay = _memory(), _memory()  # the database, and the imports in force replayed
    imported: list[tuple[int, list[Row], bool]] = []
    ids: dict[int, int] = {}  # replay's import id -> the database's
    undone: set[int] = set()
    for kind, what, replace in [("import", first, False), *steps]:
        if kind == "import":
            rows = [(*key, value, note) for key, value, note in what]
            imported.append((_record(con, rows, replace), rows, replace))
            ids[_record(replay, rows, replace)] = imported[-1][0]
        else:
            target = imported[what % len(imported)][0]
            if target in undone:
                continue
            before = _stored(con)
            try:
                undo_id = _undo(con, target)
            except store.StoreError:
                assert _stored(con) == before  # a refusal changes nothing
                undo_id = _undo(con, target, force=True)
            undone.add(target)
            row = _history(con)[undo_id]  # the history says what the undo did
            assert (row[3], row[4], row[6]) == _changes(before, _stored(con))
            replay = _memory()
            ids = {_record(replay, rows, replace): i for i, rows, replace in imported
                   if i not in undone}
        assert _stored(con) == _stored(replay, ids)
    history = _history(con)
    assert {i for i, row in history.items() if row[2] is not None} == undone


# ---- plan tables: a file replaces its table ----------------------------------------------------


def _milestones(titles: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"m{i}" for i in range(len(titles))],
                         "start": [pd.Timestamp("2025-01-01")] * len(titles), "end": None,
                         "kind": "milestone", "status": "planned", "owner": None,
                         "title_nb": titles, "title_en": titles, "description_nb": None,
                         "description_en": None})


def _titles(db: Path | duckdb.DuckDBPyConnection) -> list[str]:
    con = store.connect(db) if isinstance(db, Path) else db
    try:
        return list(store.read_table(con, "milestones")["title_nb"])
    finally:
        if isinstance(db, Path):
            con.close()


def _import_table(db: Path, titles: list[str]) -> int:
    return int(store.import_table(db, "milestones", _milestones(titles), file_name="m.csv",
                                  sha256="0" * 64, user="test").import_id)


def test_force_undo_of_a_table_import_keeps_the_later_file(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    ids = [_import_table(db, ["A"]), _import_table(db, ["B"]), _import_table(db, ["C"])]
    store.undo(db, ids[1], force=True)
    assert _titles(db) == ["C"]  # replaying A and C leaves C's file
    store.undo(db, ids[2])
    assert _titles(db) == ["A"]


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(st.one_of(st.tuples(st.just("import"), st.sampled_from("ABCD")),
                                st.tuples(st.just("undo"), st.integers(0, 5))),
                      min_size=1, max_size=7))
def test_any_order_of_table_imports_and_undos_equals_a_replay(steps: list) -> None:
    con = _memory()
    store.replace_table(con, "milestones", _milestones(["built"]))  # as `build` leaves it
    imported: list[tuple[int, str]] = []
    undone: set[int] = set()
    for kind, what in [("import", "A"), *steps]:
        if kind == "import":
            result = store.record_table_import(con, "milestones", _milestones([what, what + "2"]),
                                               file_name="m.csv", sha256="0" * 64)
            imported.append((int(result.import_id), what))
        else:
            target = imported[what % len(imported)][0]
            if target in undone:
                continue
            _undo(con, target, force=True)
            undone.add(target)
        remaining = [title for i, title in imported if i not in undone]
        assert _titles(con) == ([remaining[-1], remaining[-1] + "2"] if remaining else ["built"])
