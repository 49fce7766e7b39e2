"""Undo of any import, whatever it changed: observations, a plan table or the plan model file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from indicators.store.connection import transaction
from indicators.store.errors import StoreError
from indicators.store.ledger import current_user, next_import_id
from indicators.store.observation_undo import later_conflicts, restore_observations
from indicators.store.plan_tables import restore_table
from indicators.store.schema import ACTIONS, CONFIG_KIND, TABLE_COLUMNS


def undo(db_path: Path | str, import_id: int, *, user: str | None = None,
         force: bool = False) -> int:
    """Undo one import; returns the id of the undo record, which counts what the undo changed.

    Afterwards the database holds what replaying, in order, the imports still in force gives,
    whatever the order of the undos. Refuses when a later import changed the same rows (those
    rows then keep the later import's values, not the ones from before this import), unless
    `force`; and, always, when the result would give one series two periods on one year.
    """
    with transaction(Path(db_path)) as con:
        return record_undo(con, import_id, user=user, force=force)


def record_undo(con: duckdb.DuckDBPyConnection, import_id: int, *, user: str | None = None,
                force: bool = False) -> int:
    """The body of an undo, inside an open write transaction."""
    rows = con.execute("SELECT kind, undone_by FROM imports WHERE id = ?", [import_id]).fetchall()
    row = rows[0] if rows else None
    if row is None:
        raise StoreError.of("store.error.no_such_import", id=import_id)
    if row[0] == "undo":
        raise StoreError.of("store.error.undo_of_undo", id=import_id)
    if row[1] is not None:
        raise StoreError.of("store.error.already_undone", id=import_id, undo_id=row[1])
    conflicts = import_conflicts(con, import_id, row[0])
    if conflicts and not force:
        later = ", ".join(str(c) for c in conflicts)
        raise StoreError.of("store.error.undo_conflict", id=import_id, later=later)
    undo_id = next_import_id(con)
    counts = restore_import(con, import_id, row[0], undo_id)
    con.execute(
        "INSERT INTO imports SELECT ?, ?, ?, 'undo', file_name, sha256, source, FALSE, "
        "?, ?, ?, ?, ?, NULL FROM imports WHERE id = ?",
        [undo_id, datetime.now().replace(microsecond=0), user or current_user(),
         *(int(counts.get(a, 0)) for a in ACTIONS), import_id, import_id],
    )
    con.execute("UPDATE imports SET undone_by = ? WHERE id = ?", [undo_id, import_id])
    return undo_id


def import_conflicts(con: duckdb.DuckDBPyConnection, import_id: int, kind: str) -> list[int]:
    """Later imports, not undone, that an undo of this one would overwrite."""
    if kind not in TABLE_COLUMNS and kind != CONFIG_KIND:
        return later_conflicts(con, import_id)
    rows = con.execute("SELECT id FROM imports WHERE kind = ? AND id > ? AND undone_by IS NULL "
                       "ORDER BY id", [kind, import_id]).fetchall()
    return [r[0] for r in rows]


def restore_import(con: duckdb.DuckDBPyConnection, import_id: int, kind: str,
                   undo_id: int) -> dict[str, int]:
    """Undo an import's rows (observations, or a plan table) as replaying the imports still in
    force gives them; the rows added, changed, unchanged and removed."""
    if kind == CONFIG_KIND:  # config_edit.undo puts the file back, in this same transaction
        return {"changed": 1}
    if kind not in TABLE_COLUMNS:
        return restore_observations(con, import_id, undo_id)
    return restore_table(con, kind, import_id)
