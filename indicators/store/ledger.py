"""The imports table, the ledger every write adds a line to: the next id, who wrote, what an
import did (ImportResult), and notes kept per import in meta."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from indicators.store.schema import PUBLISHED_KEY


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    import_id: int | None
    added: int
    changed: int
    unchanged: int
    removed: int
    diff: pd.DataFrame = field(repr=False)  # one row per added/changed/removed observation
    dry_run: bool = False
    # Per file row (`pos`) with a stored earlier period of its series: that period and value,
    # found in the same pass as the diff (for jump warnings); see previous_stored.
    previous: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def changes(self) -> int:
        """Rows added, changed or removed: nothing to write back when 0."""
        return self.added + self.changed + self.removed


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the next write (import, undo, edit) records itself under."""
    return int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM imports").fetchall()[0][0])


def import_result(import_id: int | None, diff: pd.DataFrame, counts: dict[str, int],
                  dry_run: bool, previous: pd.DataFrame | None = None) -> ImportResult:
    """An ImportResult from the counts per action."""
    return ImportResult(
        import_id=import_id, added=counts.get("added", 0), changed=counts.get("changed", 0),
        unchanged=counts.get("unchanged", 0), removed=counts.get("removed", 0),
        diff=diff, dry_run=dry_run, previous=previous,
    )


def current_user() -> str:
    """Who is writing, for the import record when no planner name is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "ukjent"


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def record_published(con: duckdb.DuckDBPyConnection, import_id: int, published: str) -> None:
    """Note when the source published the figures of an import (SSB's `updated`, ISO 8601).

    Kept per import, so a figure's date follows the import that brought it, through undo too.
    """
    set_meta(con, f"{PUBLISHED_KEY}{import_id}", published)
