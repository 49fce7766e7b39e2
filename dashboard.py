"""The front door: page config, language switch and navigation. Run with `make run`."""

from __future__ import annotations

import streamlit as st

from indicators.i18n import t
from ui import state

st.set_page_config(page_title="Næringsmål Akershus",
                   layout="wide", initial_sidebar_state="expanded")
state.restore_sticky()
lang = state.lang()

PAGES = [  # (file, url path, title key, icon)
    ("pages/overview.py", "oversikt", "nav.overview", ":material/dashboard:"),
    ("pages/indicator.py", "indikator", "nav.indicator", ":material/show_chart:"),
]

pages = [
    st.Page(path, url_path=url, title=t(key, lang), icon=icon, default=(url == "oversikt"))
    for path, url, key, icon in PAGES
]
# A flat list: sidebar sections render list markup that axe-core flags (field-notes.md).
current = st.navigation(pages, position="sidebar")

with st.sidebar:
    choice = st.radio(t("lang.label", lang), ["nb", "en"], index=0 if lang == "nb" else 1,
                      format_func=lambda code: t(f"lang.{code}", code), horizontal=True,
                      key="lang_switch")
    if choice != lang:
        state.set_param("lang", choice)
        st.rerun()
    st.caption(t("app.sidebar_note", lang))

current.run()
