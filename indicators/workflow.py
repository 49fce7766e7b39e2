"""One import, undo and fetch workflow for the command line and the app alike.

Each change goes the same way whoever makes it: the store writes it all-or-nothing with its
history (so it can be undone), then the files under data/ are rewritten to match
(`writeback.target` decides where, one policy), so `build` and `sync` read back what the database
holds and a restart keeps both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from indicators import config_edit, paths, republish, store, writeback
from indicators import fetch as fetcher
from indicators.i18n import t
from indicators.ingest.reader import ReadResult
from indicators.ingest.tables import TableResult
from indicators.model import PlanModel
from indicators.store import plan_files

Step = Callable[[float, str], None]  # progress: fraction done, locale key of the step


@dataclass
class Done:
    """A finished import or undo, what it touched and the data files it rewrote."""

    import_id: int | None  # None for a dry run
    result: store.ImportResult | None  # None for an undo
    indicators: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    data_dir: Path | None = None
    published: Path | None = None  # the static bundle remade after it ($DASHBOARD_PUBLISH)
    publish_error: str | None = None  # why it could not be (the change itself is saved)
    republishing: Path | None = None  # the bundle being remade in the background (republish.py)


@dataclass(frozen=True)
class WriteBack:
    """Where changes are written back (`wanted` None follows writeback.target's default), and
    how the static bundle follows them: made from `config` (default paths.config_file()), in the
    background unless `wait_publish`."""

    data_dir: Path | None = None
    wanted: bool | None = None
    config: Path | None = None
    wait_publish: bool = False


def import_read(db_path: Path, read: ReadResult | TableResult, model: PlanModel, *,
                user: str | None, replace: bool = False, kind: str = "file",
                dry_run: bool = False, back: WriteBack = WriteBack(),
                file_name: str | None = None, step: Step | None = None) -> Done:
    """Import a checked observation or plan-table file, then write the touched files back.

    `file_name` is what the history calls it (default the file's name; an edit in the app
    names what it changed); `step` hears when the database is written and the files are next."""
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
    if dry_run:
        return done
    if step is not None:
        step(0.7, "update.step.files")
    return _written_back(db_path, model, done, back)


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
        return _republished(db_path, Done(undo_id, None, files=[path]), replace(back, config=path))
    made = plan_files.file_made_by(db_path, import_id)  # its file goes again if left empty
    undo_id = store.undo(db_path, import_id, user=user, force=force)
    ids, tables = writeback.touched(db_path, import_id)
    return _written_back(db_path, model, Done(undo_id, None, ids, tables), back,
                         unmade=[made] if made else [])


def fetch(db_path: Path, model: PlanModel, fetched: fetcher.Fetched, *, user: str | None,
          dry_run: bool = False, back: WriteBack = WriteBack()
          ) -> tuple[list[fetcher.Imported], Done]:
    """Import what a fetch got (one import per table, all or none), then rewrite the files."""
    imported = fetcher.apply(db_path, fetched, user=user, dry_run=dry_run)
    done = Done(None, None, fetcher.touched(imported))
    return imported, done if dry_run else _written_back(db_path, model, done, back)


def _kind(db_path: Path, import_id: int) -> str | None:
    with store.reading(db_path) as con:
        return store.import_kind(con, import_id)


def _written_back(db_path: Path, model: PlanModel, done: Done, back: WriteBack,
                  unmade: list[str] | None = None) -> Done:
    folder = writeback.target(db_path, back.data_dir, back.wanted)
    done.data_dir = folder
    if folder is not None and (done.indicators or done.tables):
        absent = [t for t in done.tables if not writeback.table_file(folder, t).exists()]
        done.files = writeback.write_back(db_path, folder, model, done.indicators, done.tables,
                                          unmade or [])
        if done.result is not None and done.import_id is not None:  # an import, not an undo
            for table in absent:
                if writeback.table_file(folder, table).exists():
                    plan_files.record_file_made(db_path, done.import_id, table)
    if done.import_id is not None or done.indicators or done.tables:
        _republished(db_path, done, back)
    return done


def _republished(db_path: Path, done: Done, back: WriteBack) -> Done:
    """Ask for the static bundle to be remade when `$DASHBOARD_PUBLISH` names one: in the
    background (the change returns at once; republish.py records the outcome), or here with
    `back.wait_publish`. A failure is kept on `done` to be reported, never raised: the change is
    saved whether or not the bundle follows it. The bundle is made from the plan model file as
    it is then, so it follows a change to the model itself too."""
    out = paths.publish_dir()
    if out is None:
        return done
    request = republish.Request(str(Path(db_path).resolve()),
                                str(Path(back.config or paths.config_file()).resolve()),
                                paths.publish_url())
    try:
        now = republish.ask(out, request, wait=back.wait_publish)
    except OSError as error:  # no room or no right to write beside the bundle: said, not raised
        done.publish_error = f"{type(error).__name__}: {error}"
        return done
    if not back.wait_publish:
        done.republishing = out
    elif now.error is not None:
        # "" when the publish that had the change died under another process: it never finished.
        done.publish_error = now.error or t("publish.status.died")
    else:
        done.published = Path(out).resolve()
    return done
