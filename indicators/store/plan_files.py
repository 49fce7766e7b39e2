"""Plan-table files under data/ that an import made from nothing (a data folder without, say,
comments.csv): noted in meta, so undoing that import removes the file again instead of leaving
a header-only file that was never there. Noted only when a file is made, so it costs one write
per table in a folder's life, not one per import."""

from __future__ import annotations

from pathlib import Path

from indicators.store.connection import reading, transaction
from indicators.store.ledger import set_meta

MADE_KEY = "plan_file_made:"  # + the import id; the value is the table


def record_file_made(db_path: Path | str, import_id: int, table: str) -> None:
    """Note that import `import_id` wrote `table`'s file where there was none."""
    with transaction(Path(db_path)) as con:
        set_meta(con, f"{MADE_KEY}{import_id}", table)


def file_made_by(db_path: Path | str, import_id: int) -> str | None:
    """The table whose file import `import_id` made from nothing, or None."""
    with reading(db_path) as con:
        row = con.execute("SELECT value FROM meta WHERE key = ?",
                          [f"{MADE_KEY}{import_id}"]).fetchone()
    return row[0] if row else None
