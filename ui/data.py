"""Cached access to the model and the database: pages never open files or connections themselves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec

import duckdb
import pandas as pd
import streamlit as st

from indicators import health, paths, store
from indicators.assessment import assess_all
from indicators.health import Problem
from indicators.model import PlanModel, load_model
from indicators.progress import Assessment
from indicators.views import headline_pairs

P = ParamSpec("P")


def config_path() -> Path:
    """The plan model the app shows (indicators.paths: `$DASHBOARD_CONFIG` or the repo's)."""
    return paths.config_file()


def db_path() -> Path:
    """The database the app reads (indicators.paths: `$DASHBOARD_DB` or the repo's)."""
    return paths.database()


@st.cache_resource(show_spinner=False)
def _model(path: str, mtime: float) -> PlanModel:
    return load_model(path)


def _config_mtime() -> float:
    try:
        return config_path().stat().st_mtime
    except OSError:
        return -1.0  # load_model then says what is wrong with the file (a ModelError)


def model() -> PlanModel:
    """The plan model, reloaded when config/goals.yaml changes; raises ModelError when broken."""
    return _model(str(config_path()), _config_mtime())


@st.cache_data(show_spinner=False, max_entries=4)
def _problem(path: str, version: tuple[int, int]) -> Problem | None:
    return health.database_problem(path)


def database_problem() -> Problem | None:
    """Why the database cannot be read (missing, damaged, truncated, empty), else None."""
    try:
        current = store.stamp(db_path())
    except FileNotFoundError:
        return Problem("db_missing", str(db_path()))
    return _problem(str(db_path()), current)


def version() -> tuple[int, int] | None:
    """The database file's version; every cached query is keyed on it, so an import shows at once.

    None when there is no database or it cannot be read: the pages then show what they can.
    """
    try:
        current = store.stamp(db_path())
    except FileNotFoundError:
        return None
    return None if _problem(str(db_path()), current) else current


def stamp() -> tuple[str, tuple[int, int] | None, str, float]:
    """What the app shows is a function of this: the database file and its version, the plan
    model's file and its time. Anything built from them is valid until it changes."""
    return str(db_path()), version(), str(config_path()), _config_mtime()


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(path: str, version: tuple[int, int]) -> duckdb.DuckDBPyConnection:
    return store.connect(path, read_only=True)


def connection() -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the current version of the database (None if not built)."""
    current = version()
    return None if current is None else _connection(str(db_path()), current)


# The function is not hashed (`_fn`); its qualified name is, beside the version and the arguments.
@st.cache_data(show_spinner=False, max_entries=256)
def _query(_fn: Callable[..., pd.DataFrame], name: str, version: tuple[int, int],
           args: tuple[object, ...], kwargs: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    con = _connection(str(db_path()), version)
    # DuckDB connections are not thread-safe; each Streamlit session runs in its own thread.
    return _fn(con.cursor(), *args, **dict(kwargs))


def _cached(fn: Callable[..., pd.DataFrame], version: tuple[int, int], args: tuple[object, ...],
            kwargs: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    return _query(fn, f"{fn.__module__}.{fn.__qualname__}", version, args, kwargs)


def query(fn: Callable[Concatenate[duckdb.DuckDBPyConnection, P], pd.DataFrame],
          *args: P.args, **kwargs: P.kwargs) -> pd.DataFrame | None:
    """Run the store query `fn` (`store.latest`, …) with these arguments, cached per database
    version; None when not built yet."""
    current = version()
    if current is None:
        return None
    frozen = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(kwargs.items()))
    thawed_args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    return _cached(fn, current, thawed_args, frozen)


@st.cache_data(show_spinner=False, max_entries=8)
def _assessments(version: tuple[int, int], config_mtime: float) -> dict[str, Assessment]:
    plan = model()
    frame = _cached(store.headline_observations, version, (tuple(headline_pairs(plan)),), ())
    frames = {key: rows for key, rows in frame.groupby("indicator_id")}
    return assess_all(plan, frames)


def assessments() -> dict[str, Assessment]:
    """Every indicator's status (empty data → 'not enough data'), cached per database version."""
    current = version()
    if current is None:
        return assess_all(model(), {})
    return _assessments(current, _config_mtime())
