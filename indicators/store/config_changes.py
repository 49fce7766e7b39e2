"""Changes to the plan model file (config/goals.yaml), made by indicators.config_edit: recorded
as an import of kind `config` with the file's bytes before and after, so undo puts them back."""

from __future__ import annotations

import hashlib
from datetime import datetime

import duckdb

from indicators.store.ledger import next_import_id
from indicators.store.schema import CONFIG_KIND


def record_config_change(con: duckdb.DuckDBPyConnection, file_name: str, old: bytes, new: bytes,
                         *, user: str, summary: str) -> int:
    """Record an edit of the plan model file (its bytes before and after), inside an open write
    transaction; returns its import id. The history shows `file: summary`."""
    import_id = next_import_id(con)
    con.execute("INSERT INTO config_changes VALUES (?, ?, ?, ?, ?)",
                [import_id, file_name, old, new, summary])
    label = f"{file_name}: {summary}" if summary else file_name
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, '', FALSE, 0, 1, 0, 0, NULL, NULL)",
        [import_id, datetime.now().replace(microsecond=0), user, CONFIG_KIND, label,
         hashlib.sha256(new).hexdigest()])
    return import_id


def config_change(con: duckdb.DuckDBPyConnection, import_id: int
                  ) -> tuple[str, bytes, bytes] | None:
    """The file name and the bytes before and after a config change; None if it is not one."""
    if not con.execute("SELECT 1 FROM information_schema.tables "
                       "WHERE table_name = 'config_changes'").fetchall():
        return None  # a database from before config changes were kept
    rows = con.execute("SELECT file_name, old_bytes, new_bytes FROM config_changes "
                       "WHERE import_id = ?", [import_id]).fetchall()
    return (rows[0][0], bytes(rows[0][1]), bytes(rows[0][2])) if rows else None
