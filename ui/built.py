"""Page parts built once and shared by every session: figures and display tables per data version.

A council opens the same page together: 2B-04's trend chart in bokmål is the same figure for
each of them until the next import, and building a Plotly figure costs far more than showing
one. So a part is built once per (what, key) and per data.stamp() — the database version and
the plan model — and every session gets that same object.

The objects are shared, not copied (a copy of a figure costs about what building it does):
pages show them and never change them. export.sized() copies before it resizes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

from ui import data

T = TypeVar("T")
# A part is ~200 kB in memory (a trend figure; a period's map, bars and table). The most recently
# used 256 (~50 MB) hold what every page shows first, for every indicator in both languages, at
# the shipped scale (~190 parts) and most of it at ×100; other periods and areas come and go.
MAX_PARTS = 256


@st.cache_resource(show_spinner=False, max_entries=MAX_PARTS)
def _part(what: str, key: tuple, stamp: tuple, _build: Callable[[], object]) -> object:
    return _build()


def shared(what: str, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """`build()`, made once per (`what`, `key`) and data version, then shared by every session.

    `what` names the part (one name per call site) and `key` holds everything else `build`
    depends on — the indicator, the areas, the period, the language, the day — except the data,
    which data.stamp() covers.
    """
    return _part(what, key, data.stamp(), build)  # type: ignore[return-value]
