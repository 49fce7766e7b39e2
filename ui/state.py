"""The view's state lives in the URL (?lang=en&goal=2A&indikator=2B-04), so a copied link reopens it."""

from __future__ import annotations

import streamlit as st

from indicators.i18n import DEFAULT_LANG, lang_or_default

# st.navigation drops the query string when the reader changes page; the session keeps a copy
# of the parameters that belong to every page (the language) and puts them back.
STICKY = ("lang",)


# The address as this session's runs left it, and whether this run's address came from outside
# them (the browser's Back or Forward, a link, the menu) rather than from the page's own widgets.
_LEFT = "_url_left"
_MOVED = "_url_moved"


def _address() -> dict[str, str]:
    return {name: st.query_params[name] for name in st.query_params}


def begin_run() -> None:
    """Once per run, before the page: notice an address changed from outside, and keep sticky
    parameters in the URL across page changes."""
    left = st.session_state.get(_LEFT)
    st.session_state[_MOVED] = left is not None and _address() != left
    for name in STICKY:
        if name in st.query_params:
            st.session_state[f"_sticky_{name}"] = st.query_params[name]
        elif f"_sticky_{name}" in st.session_state:
            st.query_params[name] = st.session_state[f"_sticky_{name}"]
    st.session_state[_LEFT] = _address()


def url_key(key: str) -> str:
    """The key of a widget that shows a part of the address. A keyed widget keeps its value from
    run to run, so after the browser's Back button it would show the view the reader left and
    write that back into the address; when the address came from outside, it starts again from
    the address."""
    if st.session_state.get(_MOVED) and key in st.session_state:
        del st.session_state[key]
    return key


def lang() -> str:
    """The reader's language: bokmål unless the URL says `lang=en`."""
    return lang_or_default(st.query_params.get("lang", DEFAULT_LANG))


def param(name: str, default: str | None = None) -> str | None:
    return st.query_params.get(name, default)


def set_param(name: str, value: str | None) -> None:
    """Write a selection into the URL (or remove it), only when it changed."""
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value
        if name in STICKY:
            st.session_state[f"_sticky_{name}"] = value
    st.session_state[_LEFT] = _address()


def choice(name: str, options: list[str], default: str) -> str:
    """A selection from the URL, falling back to `default` when absent or not one of `options`."""
    value = param(name)
    return value if value in options else default


def choices(name: str, options: list[str]) -> list[str]:
    """A comma-separated selection from the URL (`?kommune=3201,3203`), keeping known values."""
    return [v for v in (param(name) or "").split(",") if v in options]


def set_choices(name: str, values: list[str], default: list[str] | None = None) -> None:
    """Write a multi-selection into the URL; nothing when empty or the default (short links)."""
    set_param(name, None if not values or values == default else ",".join(values))
