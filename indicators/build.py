"""Build the database from config/ and data/: the database is derived and can be rebuilt any time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from indicators import store
from indicators.ingest.reader import read_observations
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


def check_data(model: PlanModel, data_dir: Path, lang: str = "nb") -> tuple[list, dict, list[str]]:
    """Read and validate every file under data/; nothing is written."""
    results, tables, problems = [], {}, []
    for path in observation_files(data_dir):
        result = read_observations(path, model, lang=lang)
        problems += [str(issue) for issue in result.errors]
        results.append(result)
    for table, reader in READERS.items():
        path = data_dir / f"{table}.csv"
        if path.exists():
            table_result = reader(path, model)
            problems += [str(p) for p in table_result.problems]
            tables[table] = table_result.frame
    return results, tables, problems


def build(model: PlanModel, data_dir: Path, db_path: Path) -> BuildReport:
    """Create the database afresh; on any invalid file nothing is written and all problems listed."""
    results, tables, problems = check_data(model, data_dir)
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
