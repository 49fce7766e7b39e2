"""The update page's "Hent nyeste fra SSB" button: fetch, check, import undoably, report."""

from __future__ import annotations

import streamlit as st

from indicators import fetch as fetcher
from indicators import health, paths, refresh, store, workflow
from indicators.i18n import format_number, t
from indicators.sources.ssb import SsbUnavailable
from ui import data
from ui.widgets import md_escape, text_table

RESULT = "ssb_result"  # the last refresh's outcome, shown after the rerun that follows it


def ssb_refresh_button(lang: str, user: object) -> None:
    """Render the SSB section: what it fetches, the button, progress and the outcome.

    `user` is the logged-in planner (an auth.Planner or the name itself); the import log
    records the name.
    """
    plan = data.model()
    chosen = fetcher.ssb_indicators(plan)
    st.subheader(t("ssb.ui.heading", lang))
    if not chosen:
        st.caption(t("ssb.ui.none", lang))
        _last_refreshed(plan, lang)
        return
    st.markdown(t("ssb.ui.intro", lang, ids=", ".join(i.id for i in chosen)))
    _show_result(lang)
    if st.button(t("ssb.ui.button", lang), icon=":material/cloud_download:", key="ssb_refresh"):
        st.session_state[RESULT] = _refresh(plan, chosen, lang, str(getattr(user, "name", user)))
        st.rerun()
    _last_refreshed(plan, lang)


def _last_refreshed(plan: object, lang: str) -> None:
    """When each connected indicator was last refreshed, and from which SSB table update."""
    st.markdown(f"**{t('ssb.ui.last_heading', lang)}**")
    text_table(refresh.refreshed_table(plan, data.query(store.source_refreshes), lang))
    if fetcher.awaiting_check(plan):
        st.caption(t("ssb.ui.awaiting", lang))


def _refresh(plan: object, chosen: list, lang: str, user: str) -> dict:
    """Fetch every connected indicator and import what came; a dict the next run shows."""
    db = data.db_path()
    bar = st.progress(0.0, text=t("ssb.step.fetching", lang, table=chosen[0].ssb.table))
    try:
        fetched = fetcher.fetch(plan, chosen, lang=lang,
                                step=lambda f, text: bar.progress(f, text=text))
        bar.progress(0.85, text=t("ssb.step.writing", lang))
        imported, done = workflow.fetch(db, plan, fetched, user=user)
    except SsbUnavailable as error:
        return {"error": t("ssb.unreachable", lang, url=error.url.split("?")[0],
                           reason=error.reason)}
    except store.StoreError as error:  # incl. a read-only folder or a full disk, said plainly
        problem = health.from_error(error)
        return {"error": problem.message(lang, "planner") if problem else error.text(lang)}
    finally:
        bar.empty()
    return {"tables": [_table_line(item, lang) for item in imported],
            "added": sum(i.result.added for i in imported),
            "changed": sum(i.result.changed for i in imported),
            "failed": [t("ssb.failed", lang, id=k, reason=v) for k, v in fetched.failed.items()],
            "notes": [f.line_text(lang) for f in fetched.flags]
            + [w.message(lang) for f in fetched.tables for w in f.read.warnings],
            "files": [p.name for p in done.files],
            "publish_error": t("publish.failed", lang, out=paths.publish_dir(),
                               reason=done.publish_error) if done.publish_error else None}


def _table_line(item: fetcher.Imported, lang: str) -> str:
    r = item.result
    return t("ssb.ui.table_line", lang, table=item.table.table, updated=item.table.updated,
             id=r.import_id, added=format_number(r.added, lang, 0),
             changed=format_number(r.changed, lang, 0),
             unchanged=format_number(r.unchanged, lang, 0))


def _show_result(lang: str) -> None:
    result = st.session_state.pop(RESULT, None)
    if not result:
        return
    if "error" in result:
        st.error(md_escape(result["error"]), icon=":material/cloud_off:")
        return
    if result["added"] or result["changed"]:
        st.success(t("ssb.ui.done", lang, added=format_number(result["added"], lang, 0),
                     changed=format_number(result["changed"], lang, 0)),
                   icon=":material/check_circle:")
    elif result["tables"]:
        st.info(t("ssb.ui.unchanged", lang), icon=":material/info:")
    for line in result["tables"]:
        st.caption(md_escape(line))
    for name in result["files"]:
        st.caption(t("update.file_written", lang, file=md_escape(name)))
    for line in result["failed"]:
        st.error(md_escape(line), icon=":material/error:")
    if result.get("publish_error"):  # the figures are saved; the static bundle is behind them
        st.warning(md_escape(result["publish_error"]), icon=":material/public_off:")
    if result["notes"]:
        with st.expander(t("ssb.ui.notes", lang)):
            st.markdown("\n".join(f"- {md_escape(n)}" for n in result["notes"]))
