"""The front door: page config, language switch and navigation. Run with `make run`."""

from __future__ import annotations

import streamlit as st

from indicators.i18n import t
from ui import a11y, guard, phone, state, upload_guard
from ui.page_list import DEFAULT, EMBED, PAGES, ROOT_ALIAS

# Embedded (?embed=true, or the embed page itself): no navigation and no sidebar at all.
bare = bool(st.context.is_embedded) or (st.context.url or "").rstrip("/").endswith("/" + EMBED[1])
# "auto": open on a wide screen, closed on a phone (Streamlit's breakpoint), where an open
# navigation covered most of the page on arrival.
st.set_page_config(page_title="Næringsmål Akershus", layout="wide",
                   initial_sidebar_state="collapsed" if bare else "auto")
state.begin_run()
upload_guard.install()  # at the front door: before any page, the endpoint takes planners' files only
lang = state.lang()

# Streamlit serves the default page at / only and answers its own name (/oversikt) with
# "Page not found"; so the default page reserves another name and a hidden twin answers
# /oversikt with the same page.
pages = [
    st.Page(path, url_path=ROOT_ALIAS if url == DEFAULT else url, title=t(key, lang), icon=icon,
            default=(url == DEFAULT))
    for path, url, key, icon in PAGES
]
pages += [st.Page(path, url_path=url, title=t(key, lang), icon=icon, visibility="hidden")
          for path, url, key, icon in PAGES if url == DEFAULT]
pages.append(st.Page(EMBED[0], url_path=EMBED[1], title=t(EMBED[2], lang), icon=EMBED[3],
                     visibility="hidden"))
# A flat list: sidebar sections render list markup that axe-core flags (docs/architecture.md).
current = st.navigation(pages, position="hidden" if bare else "sidebar")
# Each page its own browser-tab title, in the reader's language (WCAG 2.4.2).
st.set_page_config(page_title=f"{current.title} · {t('app.title', lang)}")
# A page that fails shows one sentence (for planners on Oppdater data: the way out), never a
# traceback; the sidebar and the other pages keep working.
planner_page = current.url_path == "oppdater"
if bare:
    a11y.apply(lang)
    phone.apply()
    with guard.net(lang, planner_page, scope="page"):
        current.run()
    st.stop()

with st.sidebar:
    choice = st.radio(t("lang.label", lang), ["nb", "en"], index=0 if lang == "nb" else 1,
                      format_func=lambda code: t(f"lang.{code}", code), horizontal=True,
                      key=state.url_key("lang_switch"))
    if choice != lang:
        state.set_param("lang", choice)
        st.rerun()
    st.caption(t("app.sidebar_note", lang))

a11y.apply(lang)  # <html lang> and a skip link (WCAG 3.1.1, 2.4.1)
phone.apply()  # wide tables as cards on a phone

with guard.net(lang, planner_page, scope="page"):
    current.run()
