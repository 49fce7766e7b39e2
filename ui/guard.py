"""The safety net: a page (or a part of one) that fails shows one clear sentence, not a traceback.

Known problems (a damaged database, a broken plan config, a read-only folder, a full disk) are
said as indicators.health words them: plain for readers, with the way out on Oppdater data.
Anything else is a bug: it is logged with its traceback, and under pytest it is raised as it is,
so a test never passes because the net hid an error.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import streamlit as st

from indicators import health, store
from indicators.health import Problem
from indicators.i18n import t
from ui import data
from ui.widgets import md_escape

log = logging.getLogger("dashboard")
STRICT_ENV = "DASHBOARD_STRICT"  # 1: raise every unexpected error; 0: always show the sentence


def strict() -> bool:
    """Raise unexpected errors instead of covering them: under pytest unless $DASHBOARD_STRICT=0."""
    value = os.environ.get(STRICT_ENV)
    if value is not None:
        return value.strip() not in ("", "0")
    return "PYTEST_CURRENT_TEST" in os.environ


def problem_text(problem: Problem, lang: str, planner: bool = False) -> str:
    """The sentence for a known problem, its file name and detail shown as plain text."""
    safe = replace(problem, path=md_escape(problem.path), detail=md_escape(problem.detail))
    return safe.message(lang, "planner" if planner else "reader")


@contextmanager
def net(lang: str, planner: bool = False, scope: str = "section") -> Iterator[None]:
    """Run a page (`scope="page"`) or a part of one; on failure show one sentence in its place."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - the net: every failure becomes one sentence
        problem = health.from_error(error)
        if problem is not None:
            log.warning("%s: %s", problem.kind, error)
            st.error(problem_text(problem, lang, planner), icon=":material/error:")
            return
        if strict():
            raise
        log.exception("a %s of the dashboard failed", scope)
        st.error(t(f"health.reader.{scope}", lang), icon=":material/error:")


def store_error_text(error: Exception, lang: str) -> str:
    """A refused write for the planner: a read-only folder or a full disk in words, with the way
    out; any other refusal (a lock, a conflicting undo) as the store words it, in `lang`."""
    problem = health.from_error(error)
    if problem:
        return problem_text(problem, lang, planner=True)
    return md_escape(error.text(lang) if isinstance(error, store.StoreError) else str(error))


def no_database(lang: str, planner: bool = False) -> None:
    """Say why there are no figures: not built yet, or the file cannot be read."""
    problem = data.database_problem() or Problem("db_missing", str(data.db_path()))
    st.error(problem_text(problem, lang, planner), icon=":material/error:")
