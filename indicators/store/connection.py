"""The database file: opening it (read-only for viewers), checking it, its version stamp, and
writing it all-or-nothing on a copy swapped in under the one writer's lock."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from indicators import files, paths
from indicators.store.errors import StorageError, StoreError, storage_errors
from indicators.store.schema import REQUIRED_TABLES, SCHEMA

LOCK_WAIT_SECONDS = 30.0


def check(db_path: Path | str) -> None:
    """Raise StorageError('db_unreadable') unless the file is a whole, readable database of ours.

    Opens it read-only, looks for the tables and compares the file's size with the blocks the
    database says it has (a truncated copy still opens, and fails only later, on some query).
    """
    path = Path(db_path)
    with reading(path) as con, storage_errors(path):
        names = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'db'").fetchall()}
        # Blocks in use must all be in the file (free blocks at its end may be cut off).
        size = con.execute("SELECT block_size, used_blocks FROM pragma_database_size() "
                           "WHERE database_name = 'db'").fetchall()
        for table in REQUIRED_TABLES:
            if table in names:
                con.execute(f'SELECT count(*) FROM "{table}"').fetchall()
    missing = [t for t in REQUIRED_TABLES if t not in names]
    if missing:
        raise StorageError("db_unreadable", path, "no table " + ", ".join(missing))
    if size and path.stat().st_size < size[0][0] * size[0][1]:
        raise StorageError("db_unreadable", path, "the file is shorter than its blocks")


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


@contextmanager
def reading(db_path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection (`connect`) for the block, closed however the block ends."""
    con = connect(db_path, read_only=True)
    try:
        yield con
    finally:
        con.close()


def stamp(db_path: Path | str) -> tuple[int, int]:
    """Identity of the database file's current version: writes replace the file, so this changes."""
    st = os.stat(db_path)
    return (st.st_ino, st.st_mtime_ns)


# ---- writing: one writer at a time, all-or-nothing ------------------------------------------


@contextmanager
def writer_lock(db_path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the lock file next to the database; a second writer waits up to `wait` seconds
    (None: LOCK_WAIT_SECONDS, read at the call so a test can shorten it)."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
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
                    raise StoreError.of("store.error.locked", file=str(db_path),
                                        wait=f"{wait:.0f}") from None
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
