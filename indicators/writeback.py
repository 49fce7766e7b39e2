"""Keep data/observations/<id>.csv in step with the database after an import or an undo."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from indicators import canonical, files, store
from indicators.model import PlanModel

DATA_ENV = "DASHBOARD_DATA"


def data_dir_for(db_path: Path | str) -> Path | None:
    """The data folder whose files a database mirrors: `$DASHBOARD_DATA`, else the database's own
    folder when it holds observations/ (the default data/dashboard.duckdb); None otherwise."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    folder = Path(db_path).resolve().parent
    return folder if (folder / "observations").is_dir() else None


def observation_file(data_dir: Path, indicator_id: str) -> Path:
    return data_dir / "observations" / f"{indicator_id}.csv"


def write_back(db_path: Path | str, data_dir: Path, model: PlanModel,
               indicator_ids: Iterable[str]) -> list[Path]:
    """Write each indicator's stored observations to its canonical file; the files changed.

    Holds the writer lock while reading, so the files show the database as of the last write
    even when two imports finish at once. An indicator left without rows loses its file (an
    empty file would not build).
    """
    units = {i.id: i.unit for i in model.indicators}
    changed: list[Path] = []
    with store.writer_lock(Path(db_path)):
        con = store.connect(db_path)
        try:
            for indicator_id in sorted(set(indicator_ids)):
                frame = store.all_observations(con, indicator_id)
                path = observation_file(data_dir, indicator_id)
                text = canonical.to_csv(frame, units) if len(frame) else None
                if _replace_file(path, text):
                    changed.append(path)
        finally:
            con.close()
    return changed


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


def indicators_of_import(db_path: Path | str, import_id: int) -> list[str]:
    """The indicators an import touched: what to write back after importing or undoing it."""
    con = store.connect(db_path)
    try:
        return store.touched_indicators(con, import_id)
    finally:
        con.close()
