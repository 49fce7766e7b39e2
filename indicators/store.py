"""The DuckDB store: schema, connections, safe writes with history and undo; the only place with SQL."""

from __future__ import annotations

import errno
import fcntl
import getpass
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from indicators import files

DEFAULT_DB = Path("data/dashboard.duckdb")
LOCK_WAIT_SECONDS = 30.0
KEY = ["indicator_id", "region_code", "period", "series"]
OBS_VALUE_COLUMNS = ["year", "freq", "sub", "value", "status", "note", "source"]
OBS_COLUMNS = KEY[:3] + ["year", "freq", "sub", "value", "status", "series", "note", "source"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS observations (
    indicator_id VARCHAR NOT NULL, region_code VARCHAR NOT NULL, period VARCHAR NOT NULL,
    year INTEGER NOT NULL, freq VARCHAR NOT NULL, sub INTEGER,
    value DOUBLE, status VARCHAR, series VARCHAR NOT NULL DEFAULT '',
    note VARCHAR NOT NULL DEFAULT '', source VARCHAR NOT NULL DEFAULT '',
    import_id INTEGER NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY, imported_at TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    source VARCHAR NOT NULL DEFAULT '', replace BOOLEAN NOT NULL DEFAULT FALSE,
    added INTEGER NOT NULL, changed INTEGER NOT NULL, unchanged INTEGER NOT NULL,
    removed INTEGER NOT NULL, undo_of INTEGER, undone_by INTEGER
);
CREATE TABLE IF NOT EXISTS import_changes (
    import_id INTEGER NOT NULL, action VARCHAR NOT NULL,
    indicator_id VARCHAR NOT NULL, region_code VARCHAR NOT NULL, period VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    old_year INTEGER, old_freq VARCHAR, old_sub INTEGER, old_value DOUBLE, old_status VARCHAR,
    old_note VARCHAR, old_source VARCHAR, old_import_id INTEGER, old_updated_at TIMESTAMP,
    new_value DOUBLE, new_status VARCHAR
);
CREATE TABLE IF NOT EXISTS funding (
    year INTEGER NOT NULL, scheme_id VARCHAR NOT NULL, applications INTEGER,
    applied_nok_million DOUBLE, granted_nok_million DOUBLE, projects INTEGER,
    note VARCHAR, source VARCHAR, PRIMARY KEY (year, scheme_id)
);
CREATE TABLE IF NOT EXISTS grants (
    year INTEGER NOT NULL, scheme_id VARCHAR NOT NULL, recipient VARCHAR, project VARCHAR,
    municipality_code VARCHAR, focus_area_id VARCHAR, amount_nok_million DOUBLE,
    description VARCHAR, focus_area_basis VARCHAR DEFAULT 'assessed'
);
ALTER TABLE grants ADD COLUMN IF NOT EXISTS focus_area_basis VARCHAR DEFAULT 'assessed';
CREATE TABLE IF NOT EXISTS milestones (
    id VARCHAR PRIMARY KEY, start DATE NOT NULL, "end" DATE, kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL, owner VARCHAR, title_nb VARCHAR, title_en VARCHAR,
    description_nb VARCHAR, description_en VARCHAR
);
CREATE TABLE IF NOT EXISTS actions (
    id VARCHAR PRIMARY KEY, title_nb VARCHAR, title_en VARCHAR, start DATE, "end" DATE,
    owner VARCHAR, percent_complete DOUBLE, goal_id VARCHAR, note VARCHAR
);
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
"""


class StoreError(Exception):
    """A write that was refused (locked, or an undo that would lose later work)."""


class StorageError(StoreError):
    """The files under the database let us down: `kind` is one of STORAGE_KINDS.

    db_unreadable: the file is damaged, truncated, empty or not a DuckDB database;
    read_only: the folder or file may not be written; disk_full: no space left.
    indicators.health words it for the reader, the planner and the command line.
    """

    def __init__(self, kind: str, path: Path | str, detail: str = "") -> None:
        self.kind, self.path, self.detail = kind, str(path), detail
        super().__init__(f"{path}: {kind.replace('_', ' ')}" + (f" ({detail})" if detail else ""))


STORAGE_KINDS = ("db_unreadable", "read_only", "disk_full")
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EROFS, errno.EACCES, errno.EPERM}
# What DuckDB says (it raises its own exceptions, without errno) for each kind.
_DUCKDB_WORDS = {
    "disk_full": ("no space left", "disk quota", "out of disk"),
    "read_only": ("permission denied", "read-only file system", "operation not permitted"),
    "db_unreadable": ("not a valid duckdb database", "corrupt database", "could not read enough bytes",
                      "checksum", "unsupported version", "serialization error"),
}


def storage_kind(error: BaseException) -> str | None:
    """Which STORAGE_KINDS a low-level error is (None: not a storage problem, e.g. a bug)."""
    if isinstance(error, StorageError):
        return error.kind
    if isinstance(error, OSError):
        return ("disk_full" if error.errno in _FULL else
                "read_only" if error.errno in _DENIED else None)
    if isinstance(error, duckdb.Error):
        text = str(error).lower()
        return next((kind for kind, words in _DUCKDB_WORDS.items()
                     if any(w in text for w in words)), None)
    return None


@contextmanager
def storage_errors(path: Path | str) -> Iterator[None]:
    """Turn OS and DuckDB errors about the files into StorageError; anything else passes."""
    try:
        yield
    except StorageError:
        raise
    except (OSError, duckdb.Error) as error:
        kind = storage_kind(error)
        if kind is None:
            raise
        raise StorageError(kind, path, str(error).splitlines()[0][:200]) from error


REQUIRED_TABLES = ("observations", "imports", "import_changes", "meta")


def check(db_path: Path | str) -> None:
    """Raise StorageError('db_unreadable') unless the file is a whole, readable database of ours.

    Opens it read-only, looks for the tables and compares the file's size with the blocks the
    database says it has (a truncated copy still opens, and fails only later, on some query).
    """
    path = Path(db_path)
    con = connect(path, read_only=True)
    try:
        with storage_errors(path):
            names = {r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'db'").fetchall()}
            # Blocks in use must all be in the file (free blocks at its end may be cut off).
            size = con.execute("SELECT block_size, used_blocks FROM pragma_database_size() "
                               "WHERE database_name = 'db'").fetchall()
            for table in REQUIRED_TABLES:
                if table in names:
                    con.execute(f'SELECT count(*) FROM "{table}"').fetchall()
    finally:
        con.close()
    missing = [t for t in REQUIRED_TABLES if t not in names]
    if missing:
        raise StorageError("db_unreadable", path, "no table " + ", ".join(missing))
    if size and path.stat().st_size < size[0][0] * size[0][1]:
        raise StorageError("db_unreadable", path, "the file is shorter than its blocks")


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


def db_path_default() -> Path:
    """`$DASHBOARD_DB`, else data/dashboard.duckdb (data-formats.md)."""
    return Path(os.environ.get("DASHBOARD_DB") or DEFAULT_DB)


def connect(db_path: Path | str, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the database; viewers open it read-only so they can never change it."""
    if not read_only:
        with storage_errors(db_path):
            return duckdb.connect(str(db_path))
    if not Path(db_path).exists():
        raise FileNotFoundError(errno.ENOENT, "no database", str(db_path))
    # DuckDB shares one instance per path within a process: a plain read-only connect made after
    # an import swapped in a new file would still see the old one while any old connection lives.
    # A private in-memory database with the file attached always reads the current file; views
    # make its tables visible to cursors too (a cursor does not inherit USE).
    con = duckdb.connect(":memory:")
    try:
        with storage_errors(db_path):
            con.execute("ATTACH ? AS db (READ_ONLY)", [str(db_path)])
    except BaseException:
        con.close()
        raise
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'db'").fetchall()
    for (name,) in names:
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM db.main."{name}"')
    return con


def stamp(db_path: Path | str) -> tuple[int, int]:
    """Identity of the database file's current version: writes replace the file, so this changes."""
    st = os.stat(db_path)
    return (st.st_ino, st.st_mtime_ns)


# ---- writing: one writer at a time, all-or-nothing ------------------------------------------


@contextmanager
def writer_lock(db_path: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the lock file next to the database; a second writer waits up to `wait` seconds."""
    lock_path = Path(str(db_path) + ".lock")
    with storage_errors(db_path):
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "w")  # noqa: SIM115 - closed by the with below
    with handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{db_path}: another import is running; waited {wait:.0f} s. Try again shortly."
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def transaction(db_path: Path, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write on a copy (or, with `fresh`, a new empty file) and swap it in at the end.

    Readers keep the old file open and are never blocked; a crash or kill before the swap leaves
    the database exactly as it was, since the original is never written to.
    """
    db_path = Path(db_path)
    with writer_lock(db_path), storage_errors(db_path):
        _remove_stale_copies(db_path)
        mode = files.mode_for(db_path)  # the new file keeps the old one's permissions
        fd, tmp_name = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if db_path.exists() and not fresh:
                shutil.copyfile(db_path, tmp)
            else:
                tmp.unlink()
            con = connect(tmp, read_only=False)
            try:
                con.execute(SCHEMA)
                con.execute("BEGIN TRANSACTION")
                yield con
                con.execute("COMMIT")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            _test_pause_before_swap()
            os.chmod(tmp, mode)
            os.replace(tmp, db_path)
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)


PAUSE_ENV = "INDICATORS_TEST_PAUSE_BEFORE_SWAP"


def _test_pause_before_swap() -> None:
    """Test hook: with $INDICATORS_TEST_PAUSE_BEFORE_SWAP=seconds, wait with the finished copy
    unswapped and the lock held, so tests can kill a writer or start a second one right there."""
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        print(f"{PAUSE_ENV}: paused before swap", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def _remove_stale_copies(db_path: Path) -> None:
    """Delete copies left by a writer that was killed; safe because we hold the writer lock."""
    for stale in db_path.parent.glob(db_path.name + ".*.tmp*"):
        stale.unlink(missing_ok=True)


def _next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(id), 0) + 1 FROM imports").fetchall()[0][0]


def _stage_diff(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, replace: bool) -> None:
    """Compare incoming rows with what is stored, in temp table `diff`: one row per added,
    changed, unchanged and (with `replace`) removed observation, with the stored row's old
    values and the incoming row's new ones.

    The whole comparison stays inside DuckDB (one join), so a million-row file costs about what
    reading it does; only the rows that change come back to Python (`_diff_frame`).
    """
    con.register("incoming_frame", frame[OBS_COLUMNS])
    con.execute("CREATE OR REPLACE TEMP TABLE incoming AS SELECT * FROM incoming_frame")
    con.unregister("incoming_frame")
    old = ", ".join(f"o.{c} AS old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id", "updated_at"])
    new = ", ".join(f"i.{c} AS new_{c}" for c in OBS_VALUE_COLUMNS)
    sql = f"""
        CREATE OR REPLACE TEMP TABLE diff AS
        SELECT i.indicator_id, i.region_code, i.period, i.series,
               CASE WHEN o.indicator_id IS NULL THEN 'added'
                    WHEN o.value IS NOT DISTINCT FROM i.value
                         AND o.status IS NOT DISTINCT FROM i.status
                         AND o.note = i.note AND o.source = i.source THEN 'unchanged'
                    ELSE 'changed' END AS action, {old}, {new}
        FROM incoming i LEFT JOIN observations o USING (indicator_id, region_code, period, series)
        """
    if replace:
        nothing = ", ".join(f"NULL AS new_{c}" for c in OBS_VALUE_COLUMNS)
        sql += f"""
        UNION ALL BY NAME
        SELECT o.indicator_id, o.region_code, o.period, o.series, 'removed' AS action, {old},
               {nothing}
        FROM observations o ANTI JOIN incoming i USING (indicator_id, region_code, period, series)
        WHERE o.indicator_id IN (SELECT DISTINCT indicator_id FROM incoming)
        """
    con.execute(sql)


def _diff_frame(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, dict[str, int]]:
    """The staged diff's changes as a frame (unchanged rows only counted), and the counts."""
    counts = dict(con.execute("SELECT action, count(*) FROM diff GROUP BY action").fetchall())
    # Through Arrow: 5× faster than .df() for a million rows of text.
    frame = con.sql(
        """SELECT indicator_id, region_code, period, series, action, old_value, old_status,
                  new_value, new_status
           FROM diff WHERE action <> 'unchanged'"""
    ).to_arrow_table().to_pandas()
    return frame, counts


def _record_changes(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Keep the full old rows of everything this import touches, so undo restores them exactly."""
    old = ", ".join(f"old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id", "updated_at"])
    con.execute(
        f"""INSERT INTO import_changes
            SELECT ?, action, indicator_id, region_code, period, series, {old},
                   new_value, new_status
            FROM diff WHERE action <> 'unchanged'""",
        [import_id],
    )


def _apply(con: duckdb.DuckDBPyConnection, import_id: int, at: datetime, replaces: bool) -> None:
    """Write the staged diff; `replaces`: some stored rows change or go (else only inserts)."""
    if replaces:  # the join below would cost a pass over both tables even when nothing matches
        con.execute(
            """DELETE FROM observations o USING diff d WHERE d.action IN ('changed', 'removed')
               AND o.indicator_id = d.indicator_id AND o.region_code = d.region_code
               AND o.period = d.period AND o.series = d.series"""
        )
    new = ", ".join(f"new_{c}" for c in OBS_VALUE_COLUMNS)
    con.execute(
        f"""INSERT INTO observations (indicator_id, region_code, period, series,
                                      {', '.join(OBS_VALUE_COLUMNS)}, import_id, updated_at)
            SELECT indicator_id, region_code, period, series, {new}, ?, ?
            FROM diff WHERE action IN ('added', 'changed')""",
        [import_id, at],
    )


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """The reader's frame, in the types the table wants (missing text as '')."""
    out = frame[OBS_COLUMNS].copy()
    for column in ("series", "note", "source"):
        out[column] = out[column].fillna("").astype(str)
    out["status"] = out["status"].where(out["status"].notna(), None)
    out["sub"] = out["sub"].astype("Int64")
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out


def import_observations(
    db_path: Path | str, frame: pd.DataFrame, *, file_name: str, sha256: str,
    user: str | None = None, replace: bool = False, dry_run: bool = False,
    kind: str = "file", source: str = "",
) -> ImportResult:
    """Add and update observations in one transaction, recording what they overwrote.

    With `replace`, stored rows of the file's indicators that the file lacks are removed too.
    With `dry_run`, nothing is written and the diff is returned.
    """
    db_path = Path(db_path)
    if dry_run:
        return _dry_run(db_path, _normalise(frame), replace)
    with transaction(db_path) as con:
        return record_import(con, frame, file_name=file_name, sha256=sha256, user=user,
                             replace=replace, kind=kind, source=source)


def record_import(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *, file_name: str, sha256: str,
    user: str | None = None, replace: bool = False, kind: str = "file", source: str = "",
) -> ImportResult:
    """The body of an import, inside an open write transaction."""
    _stage_diff(con, _normalise(frame), replace)
    diff, counts = _diff_frame(con)
    import_id = _next_import_id(con)
    at = datetime.now().replace(microsecond=0)
    _record_changes(con, import_id)
    _apply(con, import_id, at, replaces=bool(counts.get("changed") or counts.get("removed")))
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        [import_id, at, user or current_user(), kind, file_name, sha256, source, replace,
         counts.get("added", 0), counts.get("changed", 0), counts.get("unchanged", 0),
         counts.get("removed", 0)],
    )
    return _result(import_id, diff, counts, dry_run=False)


def _dry_run(db_path: Path, frame: pd.DataFrame, replace: bool) -> ImportResult:
    if db_path.exists():
        con = connect(db_path, read_only=True)
    else:
        con = duckdb.connect(":memory:")
        con.execute(SCHEMA)
    try:
        _stage_diff(con, frame, replace)
        diff, counts = _diff_frame(con)
    finally:
        con.close()
    return _result(None, diff, counts, dry_run=True)


def _result(import_id: int | None, diff: pd.DataFrame, counts: dict[str, int],
            dry_run: bool) -> ImportResult:
    return ImportResult(
        import_id=import_id, added=counts.get("added", 0), changed=counts.get("changed", 0),
        unchanged=counts.get("unchanged", 0), removed=counts.get("removed", 0),
        diff=diff, dry_run=dry_run,
    )


def current_user() -> str:
    """Who is writing, for the import record when no planner name is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "ukjent"


# ---- undo -----------------------------------------------------------------------------------


def later_conflicts(con: duckdb.DuckDBPyConnection, import_id: int) -> list[int]:
    """Later imports, not undone, that touched any row this import touched."""
    rows = con.execute(
        """
        SELECT DISTINCT later.import_id FROM import_changes later
        JOIN import_changes mine USING (indicator_id, region_code, period, series)
        JOIN imports li ON li.id = later.import_id
        WHERE mine.import_id = ? AND later.import_id > ? AND li.undone_by IS NULL
          AND li.kind <> 'undo'
        ORDER BY 1
        """,
        [import_id, import_id],
    ).fetchall()
    return [r[0] for r in rows]


def undo(db_path: Path | str, import_id: int, *, user: str | None = None,
         force: bool = False) -> int:
    """Revert one import exactly; returns the id of the undo record.

    Refuses when a later import touched the same rows (undoing would also wipe that work),
    unless `force`.
    """
    db_path = Path(db_path)
    with transaction(db_path) as con:
        rows = con.execute("SELECT kind, undone_by FROM imports WHERE id = ?", [import_id]).fetchall()
        row = rows[0] if rows else None
        if row is None:
            raise StoreError(f"Import {import_id} finnes ikke.")
        if row[0] == "undo":
            raise StoreError(f"Import {import_id} er selv en angring og kan ikke angres.")
        if row[1] is not None:
            raise StoreError(f"Import {import_id} er allerede angret (av {row[1]}).")
        conflicts = import_conflicts(con, import_id, row[0])
        if conflicts and not force:
            later = ", ".join(str(c) for c in conflicts)
            raise StoreError(
                f"Import {import_id} kan ikke angres: senere import {later} endret de samme "
                f"radene. Angre {later} først, eller bruk --force."
            )
        restore_import(con, import_id, row[0])
        undo_id = _next_import_id(con)
        # The undo mirrors the import: what it added goes, what it removed comes back, what it
        # changed changes back (the same for observations and the plan tables).
        con.execute(
            "INSERT INTO imports SELECT ?, ?, ?, 'undo', file_name, sha256, source, FALSE, "
            "removed, changed, 0, added, ?, NULL FROM imports WHERE id = ?",
            [undo_id, datetime.now().replace(microsecond=0), user or current_user(),
             import_id, import_id],
        )
        con.execute("UPDATE imports SET undone_by = ? WHERE id = ?", [undo_id, import_id])
    return undo_id


def _restore(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    con.execute(
        """DELETE FROM observations o USING import_changes c WHERE c.import_id = ?
           AND o.indicator_id = c.indicator_id AND o.region_code = c.region_code
           AND o.period = c.period AND o.series = c.series""",
        [import_id],
    )
    con.execute(
        """INSERT INTO observations
           SELECT indicator_id, region_code, period, old_year, old_freq, old_sub, old_value,
                  old_status, series, old_note, old_source, old_import_id, old_updated_at
           FROM import_changes WHERE import_id = ? AND action <> 'added'""",
        [import_id],
    )


# ---- the plan's own tables: funding, grants, milestones, actions ----------------------------

TABLE_COLUMNS = {
    "funding": ["year", "scheme_id", "applications", "applied_nok_million",
                "granted_nok_million", "projects", "note", "source"],
    "grants": ["year", "scheme_id", "recipient", "project", "municipality_code",
               "focus_area_id", "amount_nok_million", "description", "focus_area_basis"],
    "milestones": ["id", "start", "end", "kind", "status", "owner", "title_nb", "title_en",
                   "description_nb", "description_en"],
    "actions": ["id", "title_nb", "title_en", "start", "end", "owner", "percent_complete",
                "goal_id", "note"],
}


# Columns added after databases were built: an older file reads with the default until rebuilt.
ADDED_COLUMNS = {"grants": {"focus_area_basis": "assessed"}}


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


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


PUBLISHED_KEY = "published:"  # + import id: when the source published what that import brought


def record_published(con: duckdb.DuckDBPyConnection, import_id: int, published: str) -> None:
    """Note when the source published the figures of an import (SSB's `updated`, ISO 8601).

    Kept per import, so a figure's date follows the import that brought it, through undo too.
    """
    set_meta(con, f"{PUBLISHED_KEY}{import_id}", published)


# ---- reading ---------------------------------------------------------------------------------


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """All rows of a plan table (they are small: tens to a few thousand rows)."""
    present = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    added = ADDED_COLUMNS.get(table, {})
    columns = ", ".join(f'"{c}"' if c in present or c not in added else f"'{added[c]}' AS \"{c}\""
                        for c in TABLE_COLUMNS[table])
    return con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").df()


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def observations(con: duckdb.DuckDBPyConnection, indicator_id: str,
                 regions: Sequence[str] | None = None, series: str | None = "") -> pd.DataFrame:
    """One indicator's observations, optionally for some regions and one series, in time order."""
    sql = (f"SELECT {', '.join(OBS_COLUMNS)}, import_id, updated_at FROM observations "
           "WHERE indicator_id = ?")
    params: list[object] = [indicator_id]
    if regions is not None:
        sql += " AND list_contains(?, region_code)"
        params.append(list(regions))
    if series is not None:
        sql += " AND series = ?"
        params.append(series)
    return con.execute(sql + " ORDER BY region_code, series, year, sub NULLS FIRST", params).df()


def latest(con: duckdb.DuckDBPyConnection,
           pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """The latest value of each (indicator, region)'s headline series, and the one it is compared
    with: a month or quarter's same month or quarter a year earlier (so a season is not read as
    a change), a year's (or school year's) previous one."""
    pairs = pd.DataFrame(list(pairs), columns=["indicator_id", "region_code"])
    con.register("wanted", pairs)
    frame = con.execute(
        """
        WITH ranked AS (
            SELECT o.indicator_id, o.region_code, o.period, o.year, o.sub, o.value, o.status,
                   o.note, o.source, o.updated_at, o.import_id,
                   row_number() OVER (PARTITION BY o.indicator_id
                                      ORDER BY o.year DESC, o.sub DESC NULLS LAST) AS rn
            FROM observations o JOIN wanted w USING (indicator_id, region_code)
            WHERE o.series = '' AND o.value IS NOT NULL
        )
        SELECT cur.indicator_id, cur.region_code, cur.period, cur.value, cur.note, cur.source,
               prev.period AS previous_period, prev.value AS previous_value,
               (SELECT max(x.updated_at) FROM observations x JOIN imports i ON i.id = x.import_id
                WHERE x.indicator_id = cur.indicator_id AND i.kind <> 'build') AS imported_at,
               -- The latest figure's own import: what kind it was, and when its source published it.
               (SELECT i.kind FROM imports i WHERE i.id = cur.import_id) AS import_kind,
               (SELECT m.value FROM meta m
                WHERE m.key = ? || CAST(cur.import_id AS VARCHAR)) AS published
        FROM ranked cur LEFT JOIN ranked prev
             ON prev.indicator_id = cur.indicator_id
            AND CASE WHEN cur.sub IS NULL THEN prev.rn = 2
                     ELSE prev.year = cur.year - 1 AND prev.sub = cur.sub END
        WHERE cur.rn = 1
        """, [PUBLISHED_KEY]
    ).df()
    con.unregister("wanted")
    return frame


def coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per indicator: how many rows and regions, the first and last period, the last update."""
    return con.execute(
        """
        SELECT indicator_id, count(*) AS rows, count(DISTINCT region_code) AS regions,
               string_agg(DISTINCT region_code, ',' ORDER BY region_code) AS region_codes,
               arg_min(period, year * 100 + coalesce(sub, 0)) AS first_period,
               arg_max(period, year * 100 + coalesce(sub, 0)) AS last_period,
               max(updated_at) AS updated_at
        FROM observations GROUP BY indicator_id ORDER BY indicator_id
        """
    ).df()


def history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """Imports, newest first."""
    return con.execute(
        """SELECT id, imported_at, user_name, kind, file_name, sha256, source, replace, added, changed,
                  unchanged, removed, undo_of, undone_by
           FROM imports ORDER BY id DESC LIMIT ?""",
        [limit],
    ).df()


def all_observations(con: duckdb.DuckDBPyConnection, indicator_id: str | None = None
                     ) -> pd.DataFrame:
    """Every stored observation (or one indicator's) in the canonical order, for export."""
    sql = f"SELECT {', '.join(OBS_COLUMNS)} FROM observations"
    params: list[object] = []
    if indicator_id:
        sql += " WHERE indicator_id = ?"
        params.append(indicator_id)
    order = " ORDER BY indicator_id, region_code, series, year, sub NULLS FIRST, period"
    return con.execute(sql + order, params).df()


def headline_observations(con: duckdb.DuckDBPyConnection,
                          pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """The headline series (no sub-series) of each (indicator, region) pair, in time order."""
    wanted = pd.DataFrame(list(pairs), columns=["indicator_id", "region_code"])
    con.register("wanted_pairs", wanted)
    frame = con.execute(
        f"""SELECT {', '.join('o.' + c for c in OBS_COLUMNS)}
            FROM observations o JOIN wanted_pairs w USING (indicator_id, region_code)
            WHERE o.series = '' ORDER BY o.indicator_id, o.year, o.sub NULLS FIRST"""
    ).df()
    con.unregister("wanted_pairs")
    return frame


def touched_indicators(con: duckdb.DuckDBPyConnection, import_id: int) -> list[str]:
    """The indicators whose rows an import added, changed or removed (what its undo changes)."""
    rows = con.execute(
        "SELECT DISTINCT indicator_id FROM import_changes WHERE import_id = ? ORDER BY 1",
        [import_id]).fetchall()
    return [r[0] for r in rows]


# ---- the plan tables as versioned imports: a file replaces its table, the old rows are kept ----

TABLE_KEYS = {"funding": ["year", "scheme_id"], "grants": [], "milestones": ["id"], "actions": ["id"]}


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
        diff = table_diff(table, read_table(con, table), frame)
        import_id = _next_import_id(con)
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
             file_name, sha256] + [int(counts.get(a, 0)) for a in
                                   ("added", "changed", "unchanged", "removed")])
    return _counted(import_id, diff, dry_run=False)


def _add_columns(con: duckdb.DuckDBPyConnection, history: str, table: str) -> None:
    """Give a history table made before a column was added that column, with its default."""
    for column, default in ADDED_COLUMNS.get(table, {}).items():
        con.execute(f'ALTER TABLE {history} ADD COLUMN IF NOT EXISTS "{column}" VARCHAR '
                    f"DEFAULT '{default}'")


def _counted(import_id: int | None, diff: pd.DataFrame, dry_run: bool) -> ImportResult:
    """The result of a plan-table import from its full diff (small tables, compared in pandas)."""
    counts = {str(k): int(v) for k, v in diff["action"].value_counts().items()}
    return _result(import_id, diff[diff["action"] != "unchanged"].reset_index(drop=True), counts,
                   dry_run)


def _stored_table(db_path: Path, table: str) -> pd.DataFrame:
    if not db_path.exists():
        return pd.DataFrame(columns=TABLE_COLUMNS[table])
    con = connect(db_path, read_only=True)
    try:
        return read_table(con, table)
    finally:
        con.close()


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
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, date):  # datetime and pd.Timestamp are dates too
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def import_conflicts(con: duckdb.DuckDBPyConnection, import_id: int, kind: str) -> list[int]:
    """Later imports, not undone, that an undo of this one would overwrite."""
    if kind not in TABLE_COLUMNS:
        return later_conflicts(con, import_id)
    rows = con.execute("SELECT id FROM imports WHERE kind = ? AND id > ? AND undone_by IS NULL "
                       "ORDER BY id", [kind, import_id]).fetchall()
    return [r[0] for r in rows]


def restore_import(con: duckdb.DuckDBPyConnection, import_id: int, kind: str) -> None:
    """Put back what an import overwrote: observation rows, or a plan table's previous rows."""
    if kind not in TABLE_COLUMNS:
        _restore(con, import_id)
        return
    columns = ", ".join(f'"{c}"' for c in TABLE_COLUMNS[kind])
    _add_columns(con, f"plan_history_{kind}", kind)
    con.execute(f"DELETE FROM {kind}")
    con.execute(f"INSERT INTO {kind} ({columns}) SELECT {columns} FROM plan_history_{kind} "
                "WHERE import_id = ?", [import_id])


def previous_stored(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """For each row of an incoming frame (by position `pos`), the stored value of the latest
    earlier period of the same indicator, region, series and frequency (for jump warnings)."""
    keys = frame[["indicator_id", "region_code", "series", "freq", "year", "sub"]].copy()
    keys["series"] = keys["series"].fillna("").astype(str)
    keys["pos"] = range(len(keys))
    con.register("incoming_prev", keys)
    found = con.execute(
        """
        SELECT i.pos, o.period AS prev_period, o.value AS prev_value, o.t AS prev_t
        FROM (SELECT *, year * 100 + coalesce(sub, 0) AS t FROM incoming_prev) i
        ASOF JOIN (SELECT *, year * 100 + coalesce(sub, 0) AS t FROM observations
                   WHERE value IS NOT NULL) o
          ON i.indicator_id = o.indicator_id AND i.region_code = o.region_code
         AND i.series = o.series AND i.freq = o.freq AND i.t > o.t
        ORDER BY i.pos
        """
    ).df()
    con.unregister("incoming_prev")
    return found
