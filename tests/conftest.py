"""Shared fixtures: the repo's real config, and databases built in temporary folders."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from indicators import canonical, store
from indicators.build import build
from indicators.model import PlanModel, load_model

ROOT = Path(__file__).resolve().parents[1]
# A small data set made for the tests (tests/fixtures/README.md): figures a test may pin,
# because no data update ever changes them.
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"


@pytest.fixture(scope="session")
def model() -> PlanModel:
    return load_model(ROOT / "config" / "goals.yaml")


def obs_frame(rows: list[tuple]) -> pd.DataFrame:
    """An observation frame from (indicator, region, period, year, freq, sub, value, status) rows."""
    frame = pd.DataFrame(rows, columns=["indicator_id", "region_code", "period", "year", "freq",
                                        "sub", "value", "status"])
    frame["sub"] = frame["sub"].astype("Int64")
    frame["value"] = frame["value"].astype(float)
    frame["series"] = ""
    frame["note"] = ""
    frame["source"] = ""
    frame["line"] = range(2, len(frame) + 2)
    return frame


def plant(db: Path, frame: pd.DataFrame) -> None:
    """Observation rows written straight into a database, past the reader's and the store's
    rules on purpose (a year stored twice): what a database from before they refused it holds."""
    con = duckdb.connect(str(db))
    try:
        con.register("planted", frame)
        con.execute("""INSERT INTO observations
                       SELECT indicator_id, region_code, period, year, freq, sub, value, status,
                              coalesce(series, ''), coalesce(note, ''), coalesce(source, ''),
                              (SELECT max(id) FROM imports), localtimestamp FROM planted""")
    finally:
        con.close()


def copy_repo(dest: Path, data: Path = ROOT / "data") -> Path:
    """config/ and `data` (the shipped data/, or FIXTURE_DATA) copied into `dest` as config/ and
    data/ (without any built database); returns `dest`."""
    shutil.copytree(ROOT / "config", dest / "config")
    shutil.copytree(data, dest / "data", ignore=shutil.ignore_patterns("*.duckdb*", "*.lock", "*.tmp"))
    return dest


def exported_csv(db: Path) -> str:
    """Every stored observation in the canonical CSV format: equal strings, equal data."""
    con = store.connect(db)
    try:
        frame = store.all_observations(con)
    finally:
        con.close()
    units = {i.id: i.unit for i in load_model(ROOT / "config" / "goals.yaml").indicators}
    return canonical.to_csv(frame, units)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of config/ and data/ (without any built database) to build and change freely."""
    return copy_repo(tmp_path)


@pytest.fixture(scope="session")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from the shipped config/ and data/, shared by the whole session (read-only)."""
    path = tmp_path_factory.mktemp("db") / "dashboard.duckdb"
    report = build(load_model(ROOT / "config" / "goals.yaml"), ROOT / "data", path)
    assert report.ok, report.problems
    return path


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from the shipped config/ and the test data set FIXTURE_DATA (read-only)."""
    path = tmp_path_factory.mktemp("fixture_db") / "dashboard.duckdb"
    report = build(load_model(ROOT / "config" / "goals.yaml"), FIXTURE_DATA, path)
    assert report.ok, report.problems
    return path


@pytest.fixture(scope="session")
def fixture_con(fixture_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = store.connect(fixture_db)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def con(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = store.connect(db)
    yield connection
    connection.close()
