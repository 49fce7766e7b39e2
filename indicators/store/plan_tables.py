"""The plan's own tables (funding, grants, milestones, actions, comments) as versioned imports: a
file or an edit replaces its table, the old rows are kept in `plan_history_<table>` for undo."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from indicators.store.connection import reading, transaction
from indicators.store.ledger import ImportResult, current_user, import_result, next_import_id
from indicators.store.queries import read_table
from indicators.store.schema import ACTIONS, ADDED_COLUMNS, TABLE_COLUMNS, TABLE_KEYS


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Replace a plan table (funding, grants, …) with the rows of its file."""
    columns = TABLE_COLUMNS[table]
    missing = {c: d for c, d in ADDED_COLUMNS.get(table, {}).items() if c not in frame}
    frame = frame.assign(**missing)  # rows made before the column existed take its default
    con.execute(f"DELETE FROM {table}")
    con.register("rows_in", frame[columns])
    quoted = ", ".join(f'"{c}"' for c in columns)
    con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM rows_in")
    con.unregister("rows_in")

def import_table(db_path: Path | str, table: str, frame: pd.DataFrame, *, file_name: str,
                 sha256: str, user: str | None = None, dry_run: bool = False) -> ImportResult:
    """Replace a plan table (funding, grants, …) with a file's rows, recorded like an import.

    The rows it replaces are kept in `plan_history_<table>` under the import id, so `undo`
    puts them back exactly. With `dry_run`, nothing is written.
    """
    db_path = Path(db_path)
    if dry_run:
        return _counted(None, table_diff(table, _stored_table(db_path, table), frame), True)
    with transaction(db_path) as con:
        return record_table_import(con, table, frame, file_name=file_name, sha256=sha256,
                                   user=user)


def edit_table(db_path: Path | str, table: str, change: Callable[[pd.DataFrame], pd.DataFrame], *,
               file_name: str, user: str | None = None) -> ImportResult:
    """Change some rows of a plan table (add a comment, set an action to 40 %) in one write:
    read, `change`, replace, recorded like an import of the table, so `undo` puts it back.

    Reading inside the write keeps two planners' edits at once from losing one of them. A
    change that changes nothing is not recorded (import_id None).
    """
    with transaction(Path(db_path)) as con:
        before = read_table(con, table)
        frame = change(before)
        diff = table_diff(table, before, frame)
        if not diff["action"].isin(("added", "changed", "removed")).any():
            return _counted(None, diff, dry_run=False)
        digest = hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
        return record_table_import(con, table, frame, file_name=file_name, sha256=digest,
                                   user=user)


def record_table_import(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, *,
                        file_name: str, sha256: str, user: str | None = None) -> ImportResult:
    """The body of a plan-table import, inside an open write transaction."""
    diff = table_diff(table, read_table(con, table), frame)
    import_id = next_import_id(con)
    history = f"plan_history_{table}"
    columns = ", ".join(f'"{c}"' for c in TABLE_COLUMNS[table])
    con.execute(f"CREATE TABLE IF NOT EXISTS {history} AS "
                f"SELECT 0 AS import_id, {columns} FROM {table} LIMIT 0")
    _add_columns(con, history, table)
    con.execute(f"INSERT INTO {history} SELECT ?, {columns} FROM {table}", [import_id])
    replace_table(con, table, frame)
    counts = diff["action"].value_counts()
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, '', TRUE, ?, ?, ?, ?, NULL, NULL)",
        [import_id, datetime.now().replace(microsecond=0), user or current_user(), table,
         file_name, sha256] + [int(counts.get(a, 0)) for a in ACTIONS])
    return _counted(import_id, diff, dry_run=False)


def _add_columns(con: duckdb.DuckDBPyConnection, history: str, table: str) -> None:
    """Give a history table made before a column was added that column, with its default."""
    for column, default in ADDED_COLUMNS.get(table, {}).items():
        con.execute(f'ALTER TABLE {history} ADD COLUMN IF NOT EXISTS "{column}" VARCHAR '
                    f"DEFAULT '{default}'")


def _counted(import_id: int | None, diff: pd.DataFrame, dry_run: bool) -> ImportResult:
    """The result of a plan-table import from its full diff (small tables, compared in pandas)."""
    counts = {str(k): int(v) for k, v in diff["action"].value_counts().items()}
    return import_result(import_id, diff[diff["action"] != "unchanged"].reset_index(drop=True), counts,
                   dry_run)


def _stored_table(db_path: Path, table: str) -> pd.DataFrame:
    if not db_path.exists():
        return pd.DataFrame(columns=TABLE_COLUMNS[table])
    with reading(db_path) as con:
        return read_table(con, table)


def table_diff(table: str, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """One row per added, changed, unchanged or removed row (`key`, `action`).

    Keyed tables compare by key; grants have no key, so equal rows are unchanged and the rest
    are removed and added.
    """
    columns, key = TABLE_COLUMNS[table], TABLE_KEYS[table]
    before, after = _row_texts(old, columns), _row_texts(new, columns)
    rows: list[tuple[str, str]] = []
    if key:
        at = [columns.index(k) for k in key]
        old_by = {tuple(r[i] for i in at): r for r in before}
        new_by = {tuple(r[i] for i in at): r for r in after}
        for k, row in new_by.items():
            action = "added" if k not in old_by else (
                "unchanged" if old_by[k] == row else "changed")
            rows.append((" ".join(k), action))
        rows += [(" ".join(k), "removed") for k in old_by if k not in new_by]
    else:
        left = Counter(before)
        for row in after:
            if left[row] > 0:
                left[row] -= 1
                rows.append((" ".join(row[:4]), "unchanged"))
            else:
                rows.append((" ".join(row[:4]), "added"))
        rows += [(" ".join(r[:4]), "removed") for r, n in left.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["key", "action"])


def _row_texts(frame: pd.DataFrame, columns: list[str]) -> list[tuple[str, ...]]:
    if frame is None or not len(frame):
        return []
    cells = [[_cell_text(v) for v in frame[c]] for c in columns]
    return list(zip(*cells, strict=True))


def _cell_text(value: object) -> str:
    """A cell as comparable text: missing as '', 3.0 as 3, a date or timestamp as 2025-03-17."""
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, date):  # datetime and pd.Timestamp are dates too
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def restore_table(con: duckdb.DuckDBPyConnection, kind: str, import_id: int) -> dict[str, int]:
    """Undo a plan-table import: the table as the latest import of it still in force left it (or
    as built); the rows added, changed, unchanged and removed."""
    before = read_table(con, kind)
    latest = con.execute("SELECT max(id) FROM imports WHERE kind = ? AND undone_by IS NULL "
                         "AND id <> ?", [kind, import_id]).fetchall()[0][0]
    if latest is None or latest < import_id:  # else a later file still stands: nothing changes
        # Each import keeps the rows it replaced, so the first import after the latest one left
        # (or the first of all) kept that file's rows (or the table as built).
        kept = con.execute("SELECT min(id) FROM imports WHERE kind = ? AND id > ?",
                           [kind, latest or 0]).fetchall()[0][0]
        columns = ", ".join(f'"{c}"' for c in TABLE_COLUMNS[kind])
        _add_columns(con, f"plan_history_{kind}", kind)
        con.execute(f"DELETE FROM {kind}")
        con.execute(f"INSERT INTO {kind} ({columns}) SELECT {columns} FROM plan_history_{kind} "
                    "WHERE import_id = ?", [kept])
    return {str(k): int(v) for k, v in
            table_diff(kind, before, read_table(con, kind))["action"].value_counts().items()}
