"""The DuckDB store: schema, connections, safe writes with history and undo; the only place with SQL."""

from __future__ import annotations

import errno
import fcntl
import getpass
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from indicators import files, paths
from indicators.i18n import t
from indicators.periods import YEARLY

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
    new_value DOUBLE, new_status VARCHAR,
    new_year INTEGER, new_freq VARCHAR, new_sub INTEGER, new_note VARCHAR, new_source VARCHAR
);
-- Undo replays the file rows kept here; databases from before they were kept get the columns.
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_year INTEGER;
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_freq VARCHAR;
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_sub INTEGER;
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_note VARCHAR;
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_source VARCHAR;
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
ALTER TABLE actions ADD COLUMN IF NOT EXISTS owner_email VARCHAR DEFAULT '';
CREATE TABLE IF NOT EXISTS comments (
    indicator_id VARCHAR NOT NULL, period VARCHAR NOT NULL, text VARCHAR NOT NULL,
    author VARCHAR NOT NULL, "at" DATE NOT NULL, PRIMARY KEY (indicator_id, period)
);
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
-- A change to the plan model file (kind "config"): its bytes before and after, for undo.
CREATE TABLE IF NOT EXISTS config_changes (
    import_id INTEGER PRIMARY KEY, file_name VARCHAR NOT NULL, old_bytes BLOB NOT NULL,
    new_bytes BLOB NOT NULL, summary VARCHAR NOT NULL DEFAULT ''
);
"""


class StoreError(Exception):
    """A write that was refused (locked, or an undo that would lose later work)."""


PERIOD_CLASH = "store.error.period_clash"  # locale key; its params are period_clash_params'


class PeriodClash(StoreError):
    """An import refused because a series would get two periods on one year (period_clashes):
    `clashes` has one row per file row, with its `line` in the file where known."""

    def __init__(self, file_name: str, clashes: pd.DataFrame) -> None:
        self.file_name, self.clashes = file_name, clashes
        first = clashes.iloc[0]
        place = ":".join(str(p) for p in (file_name, first.get("line")) if p is not None)
        super().__init__(f"{place}:period: {t(PERIOD_CLASH, 'nb', **period_clash_params(first))}")


def period_clash_params(clash: pd.Series) -> dict[str, str]:
    series = str(clash["series"] or "")
    return {"indicator": str(clash["indicator_id"]), "region": str(clash["region_code"]),
            "series": f", {series}" if series else "", "period": str(clash["period"]),
            "stored": str(clash["stored_period"])}


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
    # Per file row (`pos`) with a stored earlier period of its series: that period and value,
    # found in the same pass as the diff (for jump warnings); see previous_stored.
    previous: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def changes(self) -> int:
        """Rows added, changed or removed: nothing to write back when 0."""
        return self.added + self.changed + self.removed


def db_path_default() -> Path:
    """`$DASHBOARD_DB`, else data/dashboard.duckdb under the folder the command runs in."""
    return paths.database(Path("."))


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
    """Compare incoming rows with what is stored: the file's rows in temp table `incoming` (with
    their position `pos`), and in temp table `diff` one row per file row that meets a stored
    row (changed or unchanged) and, with `replace`, per stored row of the file's indicators that
    the file lacks (removed), with the stored row's old values and the incoming row's new ones.
    A file row that meets none is added; those are not copied again (a new file is all added).

    The whole comparison stays inside DuckDB (one join), so a million-row file costs about what
    reading it does; only the rows that change come back to Python (`_diff_frame`).
    """
    con.register("incoming_frame", frame[OBS_COLUMNS].assign(pos=np.arange(len(frame))))
    con.execute("CREATE OR REPLACE TEMP TABLE incoming AS SELECT * FROM incoming_frame")
    con.unregister("incoming_frame")
    old = ", ".join(f"o.{c} AS old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id", "updated_at"])
    new = ", ".join(f"i.{c} AS new_{c}" for c in OBS_VALUE_COLUMNS)
    sql = f"""
        CREATE OR REPLACE TEMP TABLE diff AS
        SELECT i.pos, i.indicator_id, i.region_code, i.period, i.series,
               CASE WHEN o.value IS NOT DISTINCT FROM i.value
                         AND o.status IS NOT DISTINCT FROM i.status
                         AND o.note = i.note AND o.source = i.source THEN 'unchanged'
                    ELSE 'changed' END AS action, {old}, {new}
        FROM incoming i JOIN observations o USING (indicator_id, region_code, period, series)
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


DIFF_COLUMNS = [*KEY, "action", "old_value", "old_status", "new_value", "new_status"]


def _diff_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame
                ) -> tuple[pd.DataFrame, dict[str, int]]:
    """The staged diff's changes as a frame in file order, removed rows last (unchanged rows
    only counted), and the counts. The rows of `frame` (the incoming one) that met no stored
    row are the added ones: taken from the frame, not sent through DuckDB and back."""
    counts = dict(con.execute("SELECT action, count(*) FROM diff GROUP BY action").fetchall())
    met = con.execute("SELECT pos FROM diff WHERE pos IS NOT NULL").fetchnumpy()["pos"]
    added = np.ones(len(frame), dtype=bool)
    added[np.asarray(met, dtype=np.int64)] = False
    counts["added"] = int(added.sum())
    # Through Arrow: 5× faster than .df() for many rows of text.
    changes = con.sql(f"SELECT {', '.join(DIFF_COLUMNS)}, pos FROM diff "
                      "WHERE action <> 'unchanged' ORDER BY pos NULLS LAST"
                      ).to_arrow_table().to_pandas()
    if not counts["added"]:
        return changes[DIFF_COLUMNS], counts
    rows = frame.loc[added, [*KEY, "value", "status"]].rename(
        columns={"value": "new_value", "status": "new_status"})
    rows = rows.assign(action="added", old_value=np.nan,
                       old_status=pd.Series(index=rows.index, dtype="str"),  # as DuckDB gives
                       pos=np.flatnonzero(added))
    diff = rows[[*DIFF_COLUMNS, "pos"]].reset_index(drop=True)
    if len(changes):
        diff = pd.concat([diff, changes], ignore_index=True).sort_values(
            "pos", kind="stable", na_position="last", ignore_index=True)
    return diff[DIFF_COLUMNS], counts


# meta: the first import that kept every row of its file (older ones kept only the changes).
ROWS_KEPT_FROM = "undo:rows_kept_from"
CHANGE_COLUMNS = ["action", *KEY, *(f"old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id",
                                                           "updated_at"]),
                  *(f"new_{c}" for c in OBS_VALUE_COLUMNS)]


def _record_changes(con: duckdb.DuckDBPyConnection, import_id: int, where: str = "") -> None:
    """Keep the rows of the staged `diff` with the stored row each met: undo replays the imports
    still in force from these (`_restore`), so a row that a later file gave again (unchanged)
    stays when an earlier import of it is undone.

    An import's added rows are not kept here: each is stored under the import's id, and the old
    row of every later change keeps it (`_derived_rows`), so a new million-row file writes its
    rows once, not twice.
    """
    columns = ", ".join(CHANGE_COLUMNS)
    con.execute(f"INSERT INTO import_changes (import_id, {columns}) "
                f"SELECT ?, {columns} FROM diff {where}", [import_id])


def _apply(con: duckdb.DuckDBPyConnection, import_id: int, at: datetime,
           counts: dict[str, int]) -> None:
    """Write the staged diff: the file's rows, but for the unchanged ones (they keep the stored
    row and the import it came from), in place of the stored rows they change or remove."""
    if counts.get("changed") or counts.get("removed"):  # else the join costs a pass for nothing
        con.execute(
            """DELETE FROM observations o USING diff d WHERE d.action IN ('changed', 'removed')
               AND o.indicator_id = d.indicator_id AND o.region_code = d.region_code
               AND o.period = d.period AND o.series = d.series"""
        )
    unchanged = ("ANTI JOIN (SELECT pos FROM diff WHERE action = 'unchanged') USING (pos)"
                 if counts.get("unchanged") else "")
    columns = f"indicator_id, region_code, period, series, {', '.join(OBS_VALUE_COLUMNS)}"
    con.execute(
        f"""INSERT INTO observations ({columns}, import_id, updated_at)
            SELECT {columns}, ?, ? FROM incoming {unchanged}""",
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
    clashes = period_clashes(con, frame, replace)
    if len(clashes):
        raise PeriodClash(file_name, clashes)
    incoming = _normalise(frame)
    _stage_diff(con, incoming, replace)
    diff, counts = _diff_frame(con, incoming)
    previous = _previous(con, "incoming")
    import_id = _next_import_id(con)
    at = datetime.now().replace(microsecond=0)
    _record_changes(con, import_id)
    con.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", [ROWS_KEPT_FROM, str(import_id)])
    _apply(con, import_id, at, counts)
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        [import_id, at, user or current_user(), kind, file_name, sha256, source, replace,
         counts.get("added", 0), counts.get("changed", 0), counts.get("unchanged", 0),
         counts.get("removed", 0)],
    )
    return _result(import_id, diff, counts, dry_run=False, previous=previous)


def period_clashes(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame,
                   replace: bool) -> pd.DataFrame:
    """Rows of an incoming frame that would give a series a second period on one year: 2019-2021
    in the file where another import stored 2021 (the reader refuses both in one file). One row
    per file row: its position `pos` and `line`, the key, its `period` and the `stored_period`.

    `replace` removes the stored rows of the file's indicators that the file lacks, and a
    stored period the file holds too is the same row, so a replacing file never clashes.
    """
    columns = ["pos", "line", *KEY, "stored_period"]
    if replace or not frame["freq"].isin(YEARLY).any():  # months and quarters are their own key
        return pd.DataFrame(columns=columns)
    keys = frame[["indicator_id", "region_code", "period", "series", "year", "freq"]].copy()
    keys["series"] = keys["series"].fillna("").astype(str)
    keys["pos"] = range(len(keys))
    con.register("incoming_years", keys)
    yearly = ", ".join(f"'{f}'" for f in YEARLY)
    found = con.execute(
        f"""SELECT i.pos, i.indicator_id, i.region_code, i.period, i.series,
                   o.period AS stored_period
            FROM incoming_years i JOIN observations o
              ON o.indicator_id = i.indicator_id AND o.region_code = i.region_code
             AND o.series = i.series AND o.year = i.year AND o.period <> i.period
            WHERE i.freq IN ({yearly}) AND o.freq IN ({yearly})
            ORDER BY i.pos, o.period"""
    ).df()
    con.unregister("incoming_years")
    lines = frame["line"].tolist() if "line" in frame else [None] * len(frame)
    found["line"] = [lines[p] for p in found["pos"]]
    return found[columns]


def _dry_run(db_path: Path, frame: pd.DataFrame, replace: bool) -> ImportResult:
    if db_path.exists():
        con = connect(db_path, read_only=True)
    else:
        con = duckdb.connect(":memory:")
        con.execute(SCHEMA)
    try:
        _stage_diff(con, frame, replace)
        diff, counts = _diff_frame(con, frame)
        previous = _previous(con, "incoming")
    finally:
        con.close()
    return _result(None, diff, counts, dry_run=True, previous=previous)


def _result(import_id: int | None, diff: pd.DataFrame, counts: dict[str, int],
            dry_run: bool, previous: pd.DataFrame | None = None) -> ImportResult:
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


# ---- undo -----------------------------------------------------------------------------------


def _derived_rows(imports: str, keys: str | None = None) -> str:
    """SQL of the rows imports added without a record of them in import_changes
    (`_record_changes`), with the figures they gave (new_*), as action 'added'.

    A stored row carries the id of the import whose figures it holds, and the record of every
    later change or removal keeps that id with the row it replaced (old_*): so an import added
    each row found under its id in either place, unless it kept a record of that row itself.
    `imports`: a condition on the import id ("= $id"); `keys`: a table to limit the rows to.
    """
    semi = f"SEMI JOIN {keys} USING (indicator_id, region_code, period, series)" if keys else ""
    stored = ", ".join(f"{c} AS new_{c}" for c in OBS_VALUE_COLUMNS)
    kept = ", ".join(f"old_{c} AS new_{c}" for c in OBS_VALUE_COLUMNS)
    on = " AND ".join(f"k.{c} = d.{c}" for c in ["import_id", *KEY])
    return f"""(
        SELECT DISTINCT ON (d.import_id, d.indicator_id, d.region_code, d.period, d.series)
               d.*, 'added' AS action
        FROM (SELECT import_id, {', '.join(KEY)}, {stored} FROM observations {semi}
              WHERE import_id {imports}
              UNION ALL
              SELECT old_import_id AS import_id, {', '.join(KEY)}, {kept} FROM import_changes {semi}
              WHERE old_import_id {imports} AND old_freq IS NOT NULL) d
        ANTI JOIN import_changes k ON {on})"""


# SQL: (import_id, indicator_id) for every row an import's file gave or removed, whether it kept
# a record of the row or added it (stored under its id, or kept as the old row of a change).
GAVE_INDICATORS = """(SELECT import_id, indicator_id FROM import_changes
    UNION ALL SELECT import_id, indicator_id FROM observations
    UNION ALL SELECT old_import_id, indicator_id FROM import_changes)"""


def later_conflicts(con: duckdb.DuckDBPyConnection, import_id: int) -> list[int]:
    """Later imports, not undone, that changed a row this import changed (a file that gave a
    row again unchanged changed nothing)."""
    key = ", ".join(KEY)
    rows = con.execute(
        f"""
        WITH mine AS (
            SELECT {key} FROM import_changes WHERE import_id = $id AND action <> 'unchanged'
            UNION ALL SELECT {key} FROM {_derived_rows("= $id")}),
        later AS (  -- (later imports are most often the smaller side of the join)
            SELECT import_id, {key} FROM import_changes
            WHERE import_id > $id AND action <> 'unchanged'
            UNION ALL SELECT import_id, {key} FROM {_derived_rows("> $id")})
        SELECT DISTINCT later.import_id FROM later JOIN mine USING ({key})
        JOIN imports li ON li.id = later.import_id
        WHERE li.undone_by IS NULL AND li.kind <> 'undo'
        ORDER BY 1
        """,
        {"id": import_id},
    ).fetchall()
    return [r[0] for r in rows]


ACTIONS = ("added", "changed", "unchanged", "removed")


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
    undo_id = _next_import_id(con)
    counts = restore_import(con, import_id, row[0], undo_id)
    con.execute(
        "INSERT INTO imports SELECT ?, ?, ?, 'undo', file_name, sha256, source, FALSE, "
        "?, ?, ?, ?, ?, NULL FROM imports WHERE id = ?",
        [undo_id, datetime.now().replace(microsecond=0), user or current_user(),
         *(int(counts.get(a, 0)) for a in ACTIONS), import_id, import_id],
    )
    con.execute("UPDATE imports SET undone_by = ? WHERE id = ?", [undo_id, import_id])
    return undo_id


def _restore(con: duckdb.DuckDBPyConnection, import_id: int, undo_id: int) -> dict[str, int]:
    """Set every row the undo of `import_id` can change to what replaying the imports still in
    force gives; keep what that changed under `undo_id` and count it.

    Putting back the rows the import overwrote is not enough: a later import may have changed
    them since (force), or an earlier one may have been undone since.
    """
    _complete_old_records(con)
    con.execute("CREATE OR REPLACE TEMP TABLE live AS SELECT id, replace FROM imports "
                "WHERE kind <> 'undo' AND undone_by IS NULL AND id <> ?", [import_id])
    _stage_affected(con, import_id)
    _stage_replay(con)
    con.execute("CREATE OR REPLACE TEMP TABLE before AS SELECT o.* FROM observations o "
                "SEMI JOIN affected a USING (indicator_id, region_code, period, series)")
    con.execute("""DELETE FROM observations o USING affected a
                   WHERE o.indicator_id = a.indicator_id AND o.region_code = a.region_code
                     AND o.period = a.period AND o.series = a.series""")
    columns = ", ".join([*OBS_COLUMNS, "import_id", "updated_at"])
    con.execute(f"INSERT INTO observations ({columns}) SELECT {columns} FROM replayed")
    _refuse_year_clashes(con, import_id)
    _stage_undo_diff(con)
    # A row the undo left as it was but now under another import's id is kept too: the import
    # it was stored under must still be found to have given it (`_derived_rows`).
    _record_changes(con, undo_id, "WHERE action <> 'unchanged' "
                                  "OR old_import_id IS DISTINCT FROM new_import_id")
    return dict(con.execute("SELECT action, count(*) FROM diff GROUP BY action").fetchall())


def _stage_affected(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """The rows an undo can change, in temp table `affected`: the rows the import's file gave or
    removed and, when it replaced its indicators, every row of those (an import since undone
    may have brought back a row that this one would remove)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE affected AS
        WITH mine AS (SELECT indicator_id, region_code, period, series FROM import_changes
                      WHERE import_id = $id
                      UNION ALL
                      SELECT indicator_id, region_code, period, series
                      FROM {_derived_rows("= $id")}),
        scope AS (SELECT DISTINCT indicator_id FROM mine
                  WHERE (SELECT replace FROM imports WHERE id = $id))
        SELECT indicator_id, region_code, period, series FROM mine
        UNION
        SELECT c.indicator_id, c.region_code, c.period, c.series
        FROM import_changes c JOIN live l ON l.id = c.import_id SEMI JOIN scope USING (indicator_id)
        UNION  -- rows live imports added that are stored no more
        SELECT c.indicator_id, c.region_code, c.period, c.series
        FROM import_changes c JOIN live l ON l.id = c.old_import_id
        SEMI JOIN scope USING (indicator_id)
        UNION
        SELECT indicator_id, region_code, period, series FROM observations
        SEMI JOIN scope USING (indicator_id)
        """,
        {"id": import_id},
    )


def _stage_replay(con: duckdb.DuckDBPyConnection) -> None:
    """Each affected row as replaying the `live` imports in order leaves it, in temp table
    `replayed` (a row that replay leaves out is not there).

    An import acts on a row when its file gave it (sets it; a figure equal to the stored one
    keeps the stored row and the import it came from, as an import does) or when it replaced
    its indicators and the file lacked the row (removes it). The last such act decides.
    """
    kept_from = con.execute("SELECT value FROM meta WHERE key = ?", [ROWS_KEPT_FROM]).fetchall()
    since = int(kept_from[0][0]) if kept_from else _next_import_id(con)
    new = ", ".join(f"c.new_{c}" for c in OBS_VALUE_COLUMNS)
    same = " AND ".join(f"new_{c} IS NOT DISTINCT FROM lag(new_{c}) OVER w"
                        for c in ("value", "status", "note", "source"))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE replayed AS
        WITH given AS (
            SELECT c.import_id, c.indicator_id, c.region_code, c.period, c.series,
                   c.action <> 'removed' AS sets, {new}
            FROM import_changes c JOIN live l ON l.id = c.import_id
            JOIN affected a ON a.indicator_id = c.indicator_id AND a.region_code = c.region_code
                           AND a.period = c.period AND a.series = c.series
            -- a row kept before file rows were kept, whose figures were lost, says nothing
            WHERE c.action = 'removed' OR c.new_freq IS NOT NULL
            UNION ALL BY NAME
            SELECT d.import_id, d.indicator_id, d.region_code, d.period, d.series, TRUE AS sets,
                   {", ".join(f"d.new_{c}" for c in OBS_VALUE_COLUMNS)}
            FROM {_derived_rows("IN (SELECT id FROM live)", "affected")} d
        ),
        replacing AS (  -- (an older import's lacking a row may only mean it was unchanged)
            SELECT DISTINCT c.import_id, c.indicator_id
            FROM {GAVE_INDICATORS} c JOIN live l ON l.id = c.import_id
            WHERE l.replace AND c.import_id >= $since
        ),
        acts AS (
            SELECT * FROM given
            UNION ALL BY NAME
            SELECT r.import_id, a.indicator_id, a.region_code, a.period, a.series, FALSE AS sets
            FROM replacing r JOIN affected a USING (indicator_id)
            WHERE NOT EXISTS (SELECT 1 FROM import_changes c
                              WHERE c.import_id = r.import_id AND c.indicator_id = a.indicator_id
                                AND c.region_code = a.region_code AND c.period = a.period
                                AND c.series = a.series)
              AND NOT EXISTS (SELECT 1 FROM given g
                              WHERE g.import_id = r.import_id AND g.indicator_id = a.indicator_id
                                AND g.region_code = a.region_code AND g.period = a.period
                                AND g.series = a.series)
        ),
        marked AS (
            SELECT *, coalesce(sets AND lag(sets) OVER w AND {same}, FALSE) AS repeats
            FROM acts
            WINDOW w AS (PARTITION BY indicator_id, region_code, period, series ORDER BY import_id)
        ),
        runs AS (
            SELECT *, max(import_id) FILTER (WHERE NOT repeats) OVER k AS run_start,
                   arg_max(sets, import_id) OVER k AS kept
            FROM marked WINDOW k AS (PARTITION BY indicator_id, region_code, period, series)
        )
        SELECT r.indicator_id, r.region_code, r.period, r.series,
               {", ".join(f"r.new_{c} AS {c}" for c in OBS_VALUE_COLUMNS)},
               r.import_id, i.imported_at AS updated_at
        FROM runs r JOIN imports i ON i.id = r.import_id
        WHERE r.kept AND r.import_id = r.run_start
        """,
        {"since": since},
    )


def _stage_undo_diff(con: duckdb.DuckDBPyConnection) -> None:
    """What the undo changed (`before` against `replayed`), as temp table `diff` like an import's."""
    key = ", ".join(f"coalesce(b.{c}, r.{c}) AS {c}" for c in KEY)
    on = " AND ".join(f"b.{c} = r.{c}" for c in KEY)
    old = ", ".join(f"b.{c} AS old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id", "updated_at"])
    new = ", ".join(f"r.{c} AS new_{c}" for c in OBS_VALUE_COLUMNS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE diff AS
        SELECT {key},
               CASE WHEN b.indicator_id IS NULL THEN 'added'
                    WHEN r.indicator_id IS NULL THEN 'removed'
                    WHEN b.value IS NOT DISTINCT FROM r.value
                         AND b.status IS NOT DISTINCT FROM r.status
                         AND b.note = r.note AND b.source = r.source THEN 'unchanged'
                    ELSE 'changed' END AS action, {old}, {new}, r.import_id AS new_import_id
        FROM before b FULL JOIN replayed r ON {on}
        """
    )


def _complete_old_records(con: duckdb.DuckDBPyConnection) -> None:
    """Give records made before the file rows were kept the rows their import set: as a later
    record's old row, or as stored. (Rows such a file gave unchanged were not kept at all, so
    an undo replays those imports as if the file had lacked them.)"""
    if not con.execute("SELECT 1 FROM import_changes WHERE new_freq IS NULL "
                       "AND action IN ('added', 'changed') LIMIT 1").fetchall():
        return  # every record keeps its row (the usual case): skip the search below
    old = [f"old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id"]]
    con.execute(
        f"""
        UPDATE import_changes c
        SET new_year = s.year, new_freq = s.freq, new_sub = s.sub, new_note = s.note,
            new_source = s.source
        FROM (SELECT DISTINCT ON (import_id, indicator_id, region_code, period, series) *
              FROM (SELECT indicator_id, region_code, period, series,
                           {", ".join(f"{o} AS {o[4:]}" for o in old)}
                    FROM import_changes WHERE old_import_id IS NOT NULL AND old_freq IS NOT NULL
                    UNION ALL BY NAME
                    SELECT * FROM observations)) s
        WHERE c.new_freq IS NULL AND c.action IN ('added', 'changed')
          AND s.import_id = c.import_id AND s.indicator_id = c.indicator_id
          AND s.region_code = c.region_code AND s.period = c.period AND s.series = c.series
        """
    )


def _refuse_year_clashes(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Refuse an undo that brings back a row on a year its series holds under another period
    (2021 from one import, 2019-2021 from another): the pages could not tell the year's value.
    Only a row the undo brings back can make such a pair (`replayed` against `before`)."""
    yearly = ", ".join(f"'{f}'" for f in YEARLY)
    clashes = con.execute(
        f"""WITH back AS (SELECT * FROM replayed ANTI JOIN before
                          USING (indicator_id, region_code, period, series))
            SELECT o.indicator_id, o.region_code, o.series, o.year,
                   string_agg(DISTINCT o.period, ', ' ORDER BY o.period)
            FROM observations o JOIN back n
              ON o.indicator_id = n.indicator_id AND o.region_code = n.region_code
             AND o.series = n.series AND o.year = n.year
            WHERE o.freq IN ({yearly}) AND n.freq IN ({yearly})
            GROUP BY ALL HAVING count(DISTINCT o.period) > 1 ORDER BY ALL LIMIT 1"""
    ).fetchall()
    if clashes:
        indicator, region, series, year, periods = clashes[0]
        raise StoreError(t("store.error.undo_year_clash", "nb", id=import_id, indicator=indicator,
                           region=region, series=f", {series}" if series else "", year=year,
                           periods=periods))


# ---- the plan's own tables: funding, grants, milestones, actions ----------------------------

TABLE_COLUMNS = {
    "funding": ["year", "scheme_id", "applications", "applied_nok_million",
                "granted_nok_million", "projects", "note", "source"],
    "grants": ["year", "scheme_id", "recipient", "project", "municipality_code",
               "focus_area_id", "amount_nok_million", "description", "focus_area_basis"],
    "milestones": ["id", "start", "end", "kind", "status", "owner", "title_nb", "title_en",
                   "description_nb", "description_en"],
    "actions": ["id", "title_nb", "title_en", "start", "end", "owner", "percent_complete",
                "goal_id", "note", "owner_email"],
    "comments": ["indicator_id", "period", "text", "author", "at"],
}


# Columns added after databases were built: an older file reads with the default until rebuilt.
ADDED_COLUMNS = {"grants": {"focus_area_basis": "assessed"}, "actions": {"owner_email": ""}}


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


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when the database has `table` (one built before the table existed has not)."""
    return bool(con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = ?",
                            [table]).fetchall())


def comments(con: duckdb.DuckDBPyConnection, indicator_id: str | None = None) -> pd.DataFrame:
    """Planners' comments (every indicator's, or one's), newest period first; none in a
    database built before comments existed."""
    if not has_table(con, "comments"):
        return pd.DataFrame(columns=TABLE_COLUMNS["comments"])
    columns = ", ".join(f'"{c}"' for c in TABLE_COLUMNS["comments"])
    sql = f"SELECT {columns} FROM comments"
    params: list[object] = []
    if indicator_id is not None:
        sql += " WHERE indicator_id = ?"
        params.append(indicator_id)
    return con.execute(sql + " ORDER BY indicator_id, period DESC", params).df()


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


def source_refreshes(con: duckdb.DuckDBPyConnection, kind: str = "ssb") -> pd.DataFrame:
    """Per indicator, the latest import of `kind` still in force that brought its rows (changed
    or not): when, which file and source, and when the source published them (None if unknown)."""
    return con.execute(
        f"""SELECT c.indicator_id, i.id AS import_id, i.imported_at, i.file_name, i.source,
                  m.value AS published
           FROM imports i
           JOIN (SELECT DISTINCT import_id, indicator_id FROM {GAVE_INDICATORS}) c
             ON c.import_id = i.id
           LEFT JOIN meta m ON m.key = ? || CAST(i.id AS VARCHAR)
           WHERE i.kind = ? AND i.undone_by IS NULL
           QUALIFY row_number() OVER (PARTITION BY c.indicator_id ORDER BY i.id DESC) = 1
           ORDER BY c.indicator_id""",
        [PUBLISHED_KEY, kind],
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
    """The indicators of the rows an import's file gave or removed (what its undo can change)."""
    rows = con.execute(
        f"SELECT DISTINCT indicator_id FROM {GAVE_INDICATORS} WHERE import_id = ? ORDER BY 1",
        [import_id]).fetchall()
    return [r[0] for r in rows]


def import_kind(con: duckdb.DuckDBPyConnection, import_id: int) -> str | None:
    """What an import was: app, file, build, ssb, undo, or the plan table it replaced."""
    rows = con.execute("SELECT kind FROM imports WHERE id = ?", [import_id]).fetchall()
    return rows[0][0] if rows else None


# ---- the plan tables as versioned imports: a file replaces its table, the old rows are kept ----

TABLE_KEYS = {"funding": ["year", "scheme_id"], "grants": [], "milestones": ["id"], "actions": ["id"],
              "comments": ["indicator_id", "period"]}


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
        return _restore(con, import_id, undo_id)
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


def previous_stored(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """For each row of an incoming frame (by position `pos`), the stored value of the latest
    earlier period of the same indicator, region, series and frequency (for jump warnings)."""
    keys = frame[["indicator_id", "region_code", "series", "freq", "year", "sub"]].copy()
    keys["series"] = keys["series"].fillna("").astype(str)
    keys["pos"] = range(len(keys))
    con.register("incoming_prev", keys)
    found = _previous(con, "incoming_prev")
    con.unregister("incoming_prev")
    return found


def _previous(con: duckdb.DuckDBPyConnection, incoming: str) -> pd.DataFrame:
    """previous_stored of the rows in table `incoming` (with their position `pos`)."""
    series = "indicator_id, region_code, series, freq"
    return con.execute(
        f"""
        SELECT i.pos, o.period AS prev_period, o.value AS prev_value, o.t AS prev_t
        -- only the file's rows of a stored series: a new file's million rows skip the sort
        FROM (SELECT *, year * 100 + coalesce(sub, 0) AS t FROM {incoming}
              SEMI JOIN (SELECT DISTINCT {series} FROM observations) USING ({series})) i
        ASOF JOIN (SELECT *, year * 100 + coalesce(sub, 0) AS t FROM observations
                   WHERE value IS NOT NULL) o
          ON i.indicator_id = o.indicator_id AND i.region_code = o.region_code
         AND i.series = o.series AND i.freq = o.freq AND i.t > o.t
        ORDER BY i.pos
        """
    ).df()


# ---- changes to the plan model file (config/goals.yaml), made by indicators.config_edit --------

CONFIG_KIND = "config"


def record_config_change(con: duckdb.DuckDBPyConnection, file_name: str, old: bytes, new: bytes,
                         *, user: str, summary: str) -> int:
    """Record an edit of the plan model file (its bytes before and after), inside an open write
    transaction; returns its import id. The history shows `file: summary`."""
    import_id = _next_import_id(con)
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
