"""One import, undo and fetch workflow for the command line and the app alike.

Each change goes the same way whoever makes it: the store writes it all-or-nothing with its
history (so it can be undone), then the files under data/ are rewritten to match
(`writeback.target` decides where, one policy), so `build` and `sync` read back what the database
holds and a restart keeps both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators import config_edit, paths, store, writeback
from indicators import fetch as fetcher
from indicators.ingest.reader import ReadResult
from indicators.ingest.tables import TableResult
from indicators.model import PlanModel


@dataclass
class Done:
    """A finished import or undo, what it touched and the data files it rewrote."""

    import_id: int | None  # None for a dry run
    result: store.ImportResult | None  # None for an undo
    indicators: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    data_dir: Path | None = None


@dataclass(frozen=True)
class WriteBack:
    """Where changes are written back: `wanted` None follows writeback.target's default."""

    data_dir: Path | None = None
    wanted: bool | None = None


def import_read(db_path: Path, read: ReadResult | TableResult, model: PlanModel, *,
                user: str | None, replace: bool = False, kind: str = "file",
                dry_run: bool = False, back: WriteBack = WriteBack(),
                file_name: str | None = None) -> Done:
    """Import a checked observation or plan-table file, then write the touched files back.

    `file_name` is what the history calls it (default the file's name; an edit in the app
    names what it changed)."""
    name = file_name or Path(read.file).name
    if isinstance(read, TableResult):
        result = store.import_table(db_path, read.table, read.frame, file_name=name,
                                    sha256=read.sha256, user=user, dry_run=dry_run)
        ids, tables = [], [read.table]
    else:
        result = store.import_observations(db_path, read.frame, file_name=name,
                                           sha256=read.sha256, user=user, replace=replace,
                                           dry_run=dry_run, kind=kind)
        ids, tables = sorted(set(result.diff["indicator_id"])), []
    done = Done(result.import_id, result, ids, tables if result.changes else [])
    return done if dry_run else _written_back(db_path, model, done, back)


def edit_table(db_path: Path, model: PlanModel, table: str,
               change: Callable[[pd.DataFrame], pd.DataFrame], *, label: str, user: str | None,
               back: WriteBack = WriteBack()) -> Done:
    """Change rows of a plan table in one recorded write (in the history as `label`, undoable),
    then rewrite its file under data/. Nothing is written when nothing changes."""
    result = store.edit_table(db_path, table, change, file_name=label, user=user)
    done = Done(result.import_id, result, [], [table] if result.import_id is not None else [])
    return _written_back(db_path, model, done, back)


def undo(db_path: Path, model: PlanModel, import_id: int, *, user: str | None,
         force: bool = False, back: WriteBack = WriteBack(), config: Path | None = None) -> Done:
    """Undo one import (refused on later conflicts unless `force`) and rewrite its files.

    A change to the plan model file (`config`, default paths.config_file()) is put back byte
    for byte by config_edit.undo, never forced: it is refused if the file changed since."""
    if _kind(db_path, import_id) == store.CONFIG_KIND:
        path = Path(config) if config else paths.config_file()
        # The command line names its user as every import does: the login it runs under.
        undo_id = config_edit.undo(path, db_path, import_id, user=user or store.current_user())
        return Done(undo_id, None, files=[path])
    undo_id = store.undo(db_path, import_id, user=user, force=force)
    ids, tables = writeback.touched(db_path, import_id)
    return _written_back(db_path, model, Done(undo_id, None, ids, tables), back)


def fetch(db_path: Path, model: PlanModel, fetched: fetcher.Fetched, *, user: str | None,
          dry_run: bool = False, back: WriteBack = WriteBack()
          ) -> tuple[list[fetcher.Imported], Done]:
    """Import what a fetch got (one import per table, all or none), then rewrite the files."""
    imported = fetcher.apply(db_path, fetched, user=user, dry_run=dry_run)
    done = Done(None, None, fetcher.touched(imported))
    return imported, done if dry_run else _written_back(db_path, model, done, back)


def _kind(db_path: Path, import_id: int) -> str | None:
    con = store.connect(db_path)
    try:
        return store.import_kind(con, import_id)
    finally:
        con.close()


def _written_back(db_path: Path, model: PlanModel, done: Done, back: WriteBack) -> Done:
    folder = writeback.target(db_path, back.data_dir, back.wanted)
    done.data_dir = folder
    if folder is not None and (done.indicators or done.tables):
        done.files = writeback.write_back(db_path, folder, model, done.indicators, done.tables)
    return done
