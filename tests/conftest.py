"""Shared fixtures: the repo's real config, and databases built in temporary folders."""

from __future__ import annotations

import contextlib
import functools
import io
import shutil
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.components.v2 import manifest_scanner

from indicators import canonical, cli, store
from indicators.build import build
from indicators.model import PlanModel, load_model

ROOT = Path(__file__).resolve().parents[1]
# A small data set made for the tests (tests/fixtures/README.md): figures a test may pin,
# because no data update ever changes them.
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
DB_NAME = "dashboard.duckdb"


# Every new AppTest scans all installed packages for Streamlit components (0.2–1.4 s each, a
# page test opens one or more); the packages do not change during a run, so scan once.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)

E2E = "tests/e2e/"
# The browser tests in two units, one per worker, each with its own Chromium: those that read the
# one shared app on the shipped data, and those that start sites of their own (a planner's site,
# two processes behind nginx, the SSB stand-in, the published bundle) or set the viewport.
OWN_SITES = ("test_planner_workbench.py", "test_upload.py", "test_connect_ssb_browser.py",
             "test_publish_bundle.py", "test_replicas.py", "test_phone.py")
# Started first under xdist, so that none is the last one running: the first unit of browser
# tests on one worker; on the other the one test that runs a part of the suite again, then the
# second unit of browser tests.
STARTED_FIRST = ("browser", "tests/test_data_update.py", "browser-sites")
# Fixtures that give the test data set (tests/fixtures/README.md) and those that give the shipped
# data/: a test that uses only the first kind cannot be moved by a data update, so the data-update
# test (tests/test_data_update.py) leaves it out (the mark `fixture_data_only`).
FIXTURE_FIXTURES = {"fixture_db", "fixture_con", "built_fixture_repo", "open_fixture_page"}
SHIPPED_FIXTURES = {"db", "con", "built_repo", "open_page", "repo_copy"}


def unit_of_work(nodeid: str) -> str:
    """Under `make test` (-n 2) a test module is one unit of work for one worker, so its module
    and session fixtures are made once; the browser tests are two units (OWN_SITES). See also
    xdist."""
    if not nodeid.startswith(E2E):
        return nodeid.split("::")[0]
    return "browser-sites" if nodeid.split("::")[0].rsplit("/", 1)[-1] in OWN_SITES else "browser"


@pytest.hookimpl(optionalhook=True)  # xdist's hook: unknown without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """xdist's loadgroup would do this with marks, but it renames node ids that pytest 9 no
    longer reads (item._nodeid), so the units are given here instead."""
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of_work(nodeid)

    return UnitScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker, the long units first (`make test` keeps this order with
    --no-loadscope-reorder); a run without xdist keeps the usual order."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & FIXTURE_FIXTURES and not used & SHIPPED_FIXTURES:
            item.add_marker("fixture_data_only")
    if hasattr(config, "workerinput"):
        first = {unit: n for n, unit in enumerate(STARTED_FIRST)}
        items.sort(key=lambda item: first.get(unit_of_work(item.nodeid), len(first)))  # stable


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


@dataclass(frozen=True)
class CliResult:
    """What `python -m indicators …` gave: the same fields as subprocess.CompletedProcess."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: dict[str, str | None] | None = None, cwd: Path = ROOT,
            input: str = "") -> CliResult:
    """`python -m indicators ARGS` in this process, as a subprocess would run it (click's
    CliRunner): `env` set for the call (None removes a variable), the working folder `cwd`,
    `input` on standard input, stdout and stderr captured, and the exit code — 2 for argparse's
    usage errors, 1 and the traceback on stderr for an uncaught error. About a second faster per
    call than a new interpreter; tests that need a real process (killed, locked, `make`) keep one."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        for name, value in (env or {}).items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        patch.chdir(cwd)
        patch.setattr(sys, "stdin", io.StringIO(input))
        try:
            code = cli.main(list(args))
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except Exception:  # what the interpreter does with an uncaught error
            traceback.print_exc()
            code = 1
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of config/ and data/ (without any built database) to build and change freely."""
    return copy_repo(tmp_path)


class BuiltRepos:
    """config/ and a data set with its database data/dashboard.duckdb, built once a session per
    data set; each test that writes gets a copy (small files and one database file), not a build."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.templates: dict[Path, Path] = {}

    def template(self, data: Path) -> Path:
        """The built folder for `data` (never written to: copy it)."""
        if data not in self.templates:
            folder = copy_repo(self.base / f"built-{len(self.templates)}", data)
            report = build(load_model(folder / "config" / "goals.yaml"), folder / "data",
                           folder / "data" / DB_NAME)
            assert report.ok, report.problems
            self.templates[data] = folder
        return self.templates[data]

    def copy(self, dest: Path, data: Path = FIXTURE_DATA) -> Path:
        """config/, `data` as data/ and its built data/dashboard.duckdb in `dest`; returns `dest`."""
        shutil.copytree(self.template(data), dest, dirs_exist_ok=True)
        return dest


@pytest.fixture(scope="session")
def built_repos(tmp_path_factory: pytest.TempPathFactory) -> BuiltRepos:
    return BuiltRepos(tmp_path_factory.mktemp("built"))


@pytest.fixture
def built_repo(built_repos: BuiltRepos, tmp_path: Path) -> Path:
    """A writable copy of config/ and the shipped data/ with its database, data/dashboard.duckdb."""
    return built_repos.copy(tmp_path / "repo", ROOT / "data")


@pytest.fixture
def built_fixture_repo(built_repos: BuiltRepos, tmp_path: Path) -> Path:
    """A writable copy of config/ and the test data set as data/, with data/dashboard.duckdb."""
    return built_repos.copy(tmp_path / "repo", FIXTURE_DATA)


@pytest.fixture(scope="session")
def db(built_repos: BuiltRepos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from the shipped config/ and data/, shared by the whole session (read-only)."""
    path = tmp_path_factory.mktemp("db") / DB_NAME
    shutil.copyfile(built_repos.template(ROOT / "data") / "data" / DB_NAME, path)
    return path


@pytest.fixture(scope="session")
def fixture_db(built_repos: BuiltRepos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from the shipped config/ and the test data set FIXTURE_DATA (read-only)."""
    path = tmp_path_factory.mktemp("fixture_db") / DB_NAME
    shutil.copyfile(built_repos.template(FIXTURE_DATA) / "data" / DB_NAME, path)
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
