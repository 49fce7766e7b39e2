"""Build the database from config/ and data/: the database is derived and can be rebuilt any time."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from indicators import store
from indicators.ingest.reader import ReadResult, read_observations
from indicators.ingest.tables import READERS
from indicators.model import PlanModel


@dataclass
class BuildReport:
    files: int = 0
    observations: int = 0
    problems: list[str] = field(default_factory=list)  # "FILE:LINE:COLUMN: message"

    @property
    def ok(self) -> bool:
        return not self.problems


def observation_files(data_dir: Path) -> list[Path]:
    """The planners' observation files, one per indicator, in a stable order."""
    folder = data_dir / "observations"
    return sorted([*folder.glob("*.csv"), *folder.glob("*.xlsx")])


def check_data(model: PlanModel, data_dir: Path,
               lang: str = "nb") -> tuple[list[ReadResult], dict[str, pd.DataFrame], list[str]]:
    """Read and validate every file under data/; nothing is written."""
    results: list[ReadResult] = []
    tables: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for path in observation_files(data_dir):
        result = read_observations(path, model, lang=lang)
        problems += [issue.line_text(lang) for issue in result.errors]
        results.append(result)
    for table, reader in READERS.items():
        path = data_dir / f"{table}.csv"
        if path.exists():
            table_result = reader(path, model, lang=lang)
            problems += [p.line_text(lang) for p in table_result.problems]
            tables[table] = table_result.frame
    return results, tables, problems


def build(model: PlanModel, data_dir: Path, db_path: Path, lang: str = "nb") -> BuildReport:
    """Create the database afresh; on any invalid file nothing is written and all problems listed."""
    results, tables, problems = check_data(model, data_dir, lang)
    report = BuildReport(problems=problems)
    if problems:
        return report
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with store.transaction(db_path, fresh=True) as con:
        for result in results:
            store.record_import(con, result.frame, file_name=Path(result.file).name,
                                sha256=result.sha256, user="build", kind="build")
            report.files += 1
            report.observations += len(result.frame)
        for table, frame in tables.items():
            store.replace_table(con, table, frame)
        store.set_meta(con, "built_at", datetime.now().replace(microsecond=0).isoformat())
    return report


@dataclass
class SyncReport:
    """What `sync` did: built afresh, imported what the files changed, or nothing."""

    action: str  # built | imported | in_step | kept (files invalid: the database kept as it was)
    imports: list[tuple[str, store.ImportResult]] = field(default_factory=list)  # (file, result)
    problems: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # stored indicators with no file any more
    set_aside: Path | None = None  # an unreadable database, moved here before rebuilding
    build: BuildReport | None = None


def sync(model: PlanModel, data_dir: Path, db_path: Path, user: str = "sync",
         lang: str = "nb") -> SyncReport:
    """Bring the database in step with the files without losing its history (what `make run`
    does on every start).

    No database, or one that cannot be read: build afresh (an unreadable file is moved aside,
    never deleted). Otherwise every file is checked; if any is invalid, nothing is written and
    the app keeps serving the database as it is. Files whose rows differ from the database — a
    planner edited one by hand, or `git pull` brought new ones — are imported like any file
    (kind "file", in the history, undoable). Files that write-back made are already in step, so
    a restart after an import changes nothing.
    """
    db_path = Path(db_path)
    set_aside = _readable_or_set_aside(db_path)
    if not db_path.exists():
        built = build(model, data_dir, db_path, lang)
        return SyncReport("built" if built.ok else "kept", problems=built.problems,
                          set_aside=set_aside, build=built)
    results, tables, problems = check_data(model, data_dir, lang)
    if problems:
        return SyncReport("kept", problems=problems)
    report = SyncReport("in_step")
    for result in results:
        diff = store.import_observations(db_path, result.frame, file_name=_name(result.file),
                                         sha256=result.sha256, replace=True, dry_run=True)
        if diff.changes:
            report.imports.append((result.file, store.import_observations(
                db_path, result.frame, file_name=_name(result.file), sha256=result.sha256,
                replace=True, user=user, kind="file")))
    for table, frame in tables.items():
        path = data_dir / f"{table}.csv"
        if store.import_table(db_path, table, frame, file_name=path.name, sha256="",
                              dry_run=True).changes:
            report.imports.append((str(path), store.import_table(
                db_path, table, frame, file_name=path.name, sha256=_sha(path), user=user)))
    report.orphans = _orphans(db_path, results)
    if report.imports:
        report.action = "imported"
    return report


def _readable_or_set_aside(db_path: Path) -> Path | None:
    """Move an unreadable database aside (kept for inspection) so a fresh one can be built."""
    if not db_path.exists():
        return None
    try:
        store.check(db_path)
    except store.StorageError as error:
        if error.kind != "db_unreadable":
            raise
        aside = db_path.with_name(f"{db_path.name}.broken-{datetime.now():%Y%m%d-%H%M%S}")
        db_path.replace(aside)
        return aside
    return None


def _orphans(db_path: Path, results: list[ReadResult]) -> list[str]:
    """Indicators the database holds rows for that no file under data/ has any more."""
    in_files = {i for r in results for i in r.frame["indicator_id"].unique()}
    with store.reading(db_path) as con:
        stored = set(store.coverage(con)["indicator_id"])
    return sorted(stored - in_files)


def _name(file: str) -> str:
    return Path(file).name


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
