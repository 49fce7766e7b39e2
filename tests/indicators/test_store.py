"""The store: imports add and update, record what they overwrote, and undo restores exactly."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from indicators import store
from tests.conftest import obs_frame


def _values(db: Path) -> dict[tuple[str, str, str], float | None]:
    con = store.connect(db)
    try:
        frame = store.all_observations(con)
    finally:
        con.close()
    return {(r.indicator_id, r.region_code, r.period):
            (None if math.isnan(r.value) else r.value) for r in frame.itertuples()}


def _import(db: Path, rows: list[tuple], **kw: object) -> store.ImportResult:
    return store.import_observations(db, obs_frame(rows), file_name="x.csv", sha256="0" * 64,
                                     user="test", **kw)


def test_import_adds_updates_and_counts(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    first = _import(db, [("2B-04", "32", "2024M01", 2024, "M", 1, 2.6, None),
                         ("2B-04", "32", "2024M02", 2024, "M", 2, 2.5, None)])
    assert (first.added, first.changed, first.unchanged) == (2, 0, 0)
    second = _import(db, [("2B-04", "32", "2024M02", 2024, "M", 2, 2.4, None),
                          ("2B-04", "32", "2024M03", 2024, "M", 3, None, "..")])
    assert (second.added, second.changed, second.unchanged) == (1, 1, 0)
    values = _values(db)
    assert values[("2B-04", "32", "2024M01")] == 2.6  # rows absent from the file are kept
    assert values[("2B-04", "32", "2024M02")] == 2.4
    assert values[("2B-04", "32", "2024M03")] is None  # missing stays missing, never 0


def test_each_observation_is_stored_once_however_often_it_is_imported(tmp_path: Path) -> None:
    # The table has no primary key (it made million-row imports 3× slower): the diff keeps it unique.
    db = tmp_path / "d.duckdb"
    for value in (2.6, 2.7, 2.7, 2.8):
        _import(db, [("2B-04", "32", "2024M01", 2024, "M", 1, value, None)])
    last = _import(db, [("2B-04", "32", "2024M01", 2024, "M", 1, 2.9, None)], replace=True)
    store.undo(db, last.import_id, user="test")
    con = store.connect(db)
    try:
        rows = store.all_observations(con)
    finally:
        con.close()
    assert len(rows) == 1 and rows.iloc[0]["value"] == 2.8


def test_a_reading_connection_is_closed_when_its_block_ends_even_by_an_error(tmp_path: Path
                                                                              ) -> None:
    # An open connection keeps the file it opened: a reader must not hold an old version.
    db = tmp_path / "d.duckdb"
    _import(db, [("2B-04", "32", "2024M01", 2024, "M", 1, 2.6, None)])
    with store.reading(db) as con:
        assert store.all_observations(con)["value"].tolist() == [2.6]
    with pytest.raises(duckdb.ConnectionException):
        con.execute("SELECT 1")
    with pytest.raises(RuntimeError), store.reading(db) as failed:
        raise RuntimeError("a bug while reading")
    with pytest.raises(duckdb.ConnectionException):
        failed.execute("SELECT 1")


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    _import(db, [("2B-04", "32", "2024M01", 2024, "M", 1, 2.6, None)])
    result = _import(db, [("2B-04", "32", "2024M01", 2024, "M", 1, 3.0, None)], dry_run=True)
    assert result.changed == 1 and result.import_id is None
    assert result.diff.iloc[0]["old_value"] == 2.6 and result.diff.iloc[0]["new_value"] == 3.0
    assert _values(db)[("2B-04", "32", "2024M01")] == 2.6


def test_replace_removes_rows_missing_from_the_file(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    _import(db, [("2B-04", "32", "2024M01", 2024, "M", 1, 2.6, None),
                 ("2B-04", "32", "2024M02", 2024, "M", 2, 2.5, None),
                 ("2B-05", "32", "2024M01", 2024, "M", 1, 9000, None)])
    result = _import(db, [("2B-04", "32", "2024M02", 2024, "M", 2, 2.5, None)], replace=True)
    assert result.removed == 1
    assert set(_values(db)) == {("2B-04", "32", "2024M02"), ("2B-05", "32", "2024M01")}


def test_undo_restores_exactly_and_refuses_when_later_work_depends(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    _import(db, [("2B-04", "32", "2024M01", 2024, "M", 1, 2.6, None)])
    before = _values(db)
    second = _import(db, [("2B-04", "32", "2024M01", 2024, "M", 1, 2.9, None),
                          ("2B-04", "32", "2024M02", 2024, "M", 2, 2.5, None)])
    third = _import(db, [("2B-04", "32", "2024M02", 2024, "M", 2, 2.1, None)])
    with pytest.raises(store.StoreError, match=str(third.import_id)):
        store.undo(db, second.import_id)
    store.undo(db, third.import_id)
    store.undo(db, second.import_id)
    assert _values(db) == before
    con = store.connect(db)
    history = store.history(con)
    con.close()
    assert history.iloc[0]["kind"] == "undo" and history.iloc[0]["undo_of"] == second.import_id


def test_second_writer_waits_then_fails_clearly(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    with store.writer_lock(db), pytest.raises(store.StoreError) as refused, \
            store.writer_lock(db, wait=0.3):
        pass
    # Said in the reader's language (it was English for everyone), after the file it is about.
    assert refused.value.text("nb") == f"{db}: En annen import pågår; ventet 0 s. Prøv igjen om litt."
    assert refused.value.text("en").endswith("another import is running; waited 0 s. Try again shortly.")
