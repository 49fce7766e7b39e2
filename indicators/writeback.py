"""Keep the files under data/ in step with the database after an import or an undo.

The files are what a planner keeps and what `build` reads; the database is derived from them.
So every change made through the app or the command line is written back: an indicator's rows to
data/observations/<id>.csv, a plan table to data/<table>.csv.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from indicators import canonical, files, paths, store
from indicators.ingest.tables import SPECS
from indicators.model import PlanModel

DATA_ENV = paths.DATA_ENV


def target(db_path: Path | str, data_dir: Path | str | None = None,
           wanted: bool | None = None) -> Path | None:
    """The one write-back policy: the data folder a database's changes go to, or None.

    `wanted` False: never. `wanted` True: always, to `data_dir` (else `$DASHBOARD_DATA`, else the
    database's folder). Unset: to `$DASHBOARD_DATA` when set; else to the database's own folder
    when that is the data folder (`data_dir`, or any folder holding observations/), so a copy of
    the database elsewhere never rewrites the planners' files.
    """
    if wanted is False:
        return None
    here = Path(db_path).resolve().parent
    if wanted:
        return Path(data_dir) if data_dir else Path(os.environ.get(DATA_ENV) or here)
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    if data_dir is not None:
        return Path(data_dir) if Path(data_dir).resolve() == here else None
    return here if (here / "observations").is_dir() else None


def data_dir_for(db_path: Path | str) -> Path | None:
    """The data folder the app writes back to (the policy above with nothing given)."""
    return target(db_path)


def observation_file(data_dir: Path, indicator_id: str) -> Path:
    return data_dir / "observations" / f"{indicator_id}.csv"


def table_file(data_dir: Path, table: str) -> Path:
    return data_dir / f"{table}.csv"


def write_back(db_path: Path | str, data_dir: Path, model: PlanModel,
               indicator_ids: Iterable[str], tables: Iterable[str] = (),
               unmade: Iterable[str] = ()) -> list[Path]:
    """Write each indicator's stored observations, and each plan table, to its canonical file;
    returns the files that changed.

    Holds the writer lock while reading, so the files show the database as of the last write
    even when two imports finish at once. An indicator left without rows loses its file (an
    empty file would not build); so does a table in `unmade` left without rows (its file was
    made by the import now undone), while any other empty table keeps its header line.
    """
    unmade = set(unmade)
    units = {i.id: i.unit for i in model.indicators}
    changed: list[Path] = []
    with store.writer_lock(Path(db_path)), store.reading(db_path) as con:
        for indicator_id in sorted(set(indicator_ids)):
            frame = store.all_observations(con, indicator_id)
            text = canonical.to_csv(frame, units) if len(frame) else None
            if _replace_file(observation_file(data_dir, indicator_id), text):
                changed.append(observation_file(data_dir, indicator_id))
        for table in sorted(set(tables)):
            columns = store.TABLE_COLUMNS[table]
            rows = store.read_table(con, table)
            text = None if table in unmade and rows.empty else in_file_order(
                canonical.table_csv(rows, columns), table_file(data_dir, table),
                list(SPECS[table].key))
            if _replace_file(table_file(data_dir, table), text):
                changed.append(table_file(data_dir, table))
    return changed


def in_file_order(text: str, path: Path, key: list[str]) -> str:
    """A table's CSV `text` with its rows in the order the file at `path` has them: a row stays
    where the planner put it (found by the columns that name it), new rows go at the end. The
    store keeps no order, and a file re-sorted on every change would show in `git diff` as a
    change of every line."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            old = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return text
    if not old or any(k not in old[0] for k in key):
        return text
    where: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(old):
        where.setdefault(tuple(row[k] or "" for k in key), i)
    header, *rows = list(csv.reader(io.StringIO(text)))
    at = [header.index(k) for k in key]
    rows.sort(key=lambda r: where.get(tuple(r[i] for i in at), len(old)))  # stable: new rows last
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


def _replace_file(path: Path, text: str | None) -> bool:
    """Put `text` in `path` atomically (None: remove it); False when nothing had to change."""
    data = None if text is None else text.encode("utf-8")
    current = path.read_bytes() if path.exists() else None
    if current == data:
        return False
    if data is None:
        with store.storage_errors(path):
            path.unlink()
        return True
    with store.storage_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = files.mode_for(path)  # a planner's 0644 file stays 0644, not mkstemp's 0600
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), mode)
                handle.write(data)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    return True


def touched(db_path: Path | str, import_id: int) -> tuple[list[str], list[str]]:
    """The indicators and the plan table an import touched: what to write back after importing
    or undoing it."""
    with store.reading(db_path) as con:
        kind = store.import_kind(con, import_id)
        if kind in store.TABLE_COLUMNS:
            return [], [kind]
        return store.touched_indicators(con, import_id), []
