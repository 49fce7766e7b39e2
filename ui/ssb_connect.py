"""Koble til SSB on Oppdater data: pick an indicator, find a table, pick its codes, preview the
figures, save the block, fetch. Only collects what the planner picks; indicators.ssb_connect
checks, previews, saves (config_edit: history and Angre) and fetches."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from indicators import config_edit, health, ssb_connect, store
from indicators.i18n import format_date, format_number, t
from indicators.model import PlanModel, SsbSource
from indicators.sources.ssb import SsbClient, SsbRequestError, SsbUnavailable
from indicators.ssb_check import Dimension, TableMeta
from ui import auth, data, guard
from ui.widgets import md_escape, table_view, text_table

HITS, META, LISTS, RESULT = "ssbc_hits", "ssbc_meta", "ssbc_lists", "ssbc_result"
SAVED, FETCHED = "ssbc_saved", "ssbc_fetched"
LEAVE_OUT = "\u2205"  # the option "leave the variable out" (SSB gives its total)
T = TypeVar("T")


def connect_section(planner: auth.Planner, lang: str) -> None:
    """The whole flow; only ever called for a logged-in planner."""
    st.subheader(t("ssb_connect.heading", lang))
    st.markdown(t("ssb_connect.intro", lang))
    plan = data.model()
    _after_save(plan, planner, lang)
    labels = {i.id: f"{i.id} {i.name.get(lang)}" for i in plan.indicators}
    indicator_id = st.selectbox(t("ssb_connect.indicator", lang), list(labels),
                                format_func=labels.get, key="ssbc_indicator")
    spec = plan.indicator(indicator_id).ssb
    st.caption(_connected_now(spec, lang))
    table = _choose_table(lang)
    if table is None:
        return
    meta = _cached(META, (table, lang), lambda: ssb_connect.load_table(table, _client(lang)), lang)
    if meta is None:
        return
    _describe(meta, lang)
    draft = _draft(plan, meta, lang)
    if draft is not None:
        _preview_and_save(plan, indicator_id, meta, draft, planner, lang)


def _connected_now(spec: SsbSource | None, lang: str) -> str:
    if spec is None:
        return t("ssb_connect.now_none", lang)
    state = (t("ssb_connect.state.verified", lang, day=format_date(spec.verified, lang))
             if spec.verified else
             t("ssb_connect.state.needs_check", lang, what=md_escape(spec.needs_check or "?")))
    return t("ssb_connect.now", lang, table=spec.table, state=state)


def _client(lang: str) -> SsbClient:
    """SSB at $SSB_API_URL (default data.ssb.no), its labels in the page's language."""
    return SsbClient(lang="en" if lang == "en" else "no")


def _ask(call: Callable[[], T], lang: str) -> T | None:
    """Run one request to SSB; say in one sentence why it failed, and give None."""
    try:
        return call()
    except SsbUnavailable as error:
        st.error(md_escape(t("ssb.unreachable", lang, url=error.url.split("?")[0],
                             reason=error.reason)), icon=":material/cloud_off:")
    except SsbRequestError as error:
        st.error(md_escape(t("ssb_connect.refused", lang, status=error.status,
                             detail=error.detail)), icon=":material/error:")
    return None


def _cached(slot: str, key: tuple, call: Callable[[], T], lang: str) -> T | None:
    """One answer per key for the session: SSB is asked once per table or codelist."""
    answers = st.session_state.setdefault(slot, {})
    if key not in answers:
        found = _ask(call, lang)
        if found is None:
            return None
        answers[key] = found
    return answers[key]


# ---- finding a table ----------------------------------------------------------------------------


def _choose_table(lang: str) -> str | None:
    with st.form("ssbc_search", border=False, enter_to_submit=True):
        words = st.text_input(t("ssb_connect.search", lang), key="ssbc_words",
                              placeholder=t("ssb_connect.search_placeholder", lang))
        asked = st.form_submit_button(t("ssb_connect.search_button", lang), icon=":material/search:")
    if asked and words.strip():
        hits = _ask(lambda: ssb_connect.find_tables(words, _client(lang)), lang)
        st.session_state[HITS] = hits or []
        st.session_state.pop(RESULT, None)
        if hits is not None and not hits:
            st.info(t("ssb.search.none", lang, query=md_escape(words)), icon=":material/search_off:")
    hits = st.session_state.get(HITS) or []
    if not hits:
        return None
    by_id = {str(h.get("id")): h for h in hits}
    return st.selectbox(t("ssb_connect.table", lang), list(by_id), key="ssbc_table",
                        format_func=lambda i: _hit_text(by_id[i], lang))


def _hit_text(hit: dict, lang: str) -> str:
    return t("ssb_connect.hit", lang, label=str(hit.get("label") or hit.get("id")),
             first=hit.get("firstPeriod") or "?", last=hit.get("lastPeriod") or "?",
             updated=str(hit.get("updated") or "?")[:10])


def _describe(meta: TableMeta, lang: str) -> None:
    """What the table holds: each variable, how many codes, whether it may be left out."""
    st.markdown(f"**{md_escape(meta.label)}** · "
                + t("ssb_connect.updated", lang, updated=str(meta.updated or "?")[:10]))
    text_table(_variables(meta, lang))


def _variables(meta: TableMeta, lang: str) -> pd.DataFrame:
    rows = [{t("ssb_connect.col.variable", lang): f"{d.id} ({d.label})",
             t("ssb_connect.col.codes", lang): format_number(len(d.codes), lang, 0),
             t("ssb_connect.col.optional", lang): t("ssb.describe.optional" if d.elimination
                                                    else "ssb.describe.required", lang),
             t("ssb_connect.col.codelists", lang): ", ".join(d.codelists) or "–"}
            for d in meta.dimensions.values()]
    return pd.DataFrame(rows)


# ---- picking the codes --------------------------------------------------------------------------


def _draft(plan: PlanModel, meta: TableMeta, lang: str) -> ssb_connect.Draft | None:
    contents = ssb_connect.contents_dimension(meta)
    regions = ssb_connect.region_dimension(meta)
    if contents is None or regions is None:
        st.warning(t("ssb_connect.unsuited", lang), icon=":material/warning:")
        return None
    key = f"ssbc_{meta.table}"
    code = st.selectbox(t("ssb_connect.contents", lang), list(contents.codes), key=f"{key}_contents",
                        format_func=lambda c: _code_text(contents, c, with_unit=True))
    selection = {}
    others = ssb_connect.other_dimensions(meta, regions)
    for column, dim in zip(st.columns(max(len(others), 1)) if others else [], others, strict=False):
        choice = _pick_one(column, dim, key)
        if choice != LEAVE_OUT:
            selection[dim.id] = choice
    groups = _regions(plan, meta, regions, key, lang)
    return ssb_connect.Draft(meta.table, code, selection, groups, regions,
                             ssb_connect.time_dimension(meta))


def _code_text(dim: Dimension, code: str, with_unit: bool = False) -> str:
    if code == LEAVE_OUT:
        return code
    unit = dim.units.get(code) if with_unit else None
    return f"{code} — {dim.codes.get(code, code)}" + (f" [{unit}]" if unit else "")


def _pick_one(column: object, dim: Dimension, key: str) -> str:
    default = ssb_connect.default_code(dim)
    options = [LEAVE_OUT, *dim.codes] if dim.elimination else list(dim.codes)
    return column.selectbox(f"{dim.id} ({dim.label})", options,
                            index=options.index(default) if default in options else 0,
                            key=f"{key}_dim_{dim.id}",
                            format_func=lambda c: _code_text(dim, c))


def _regions(plan: PlanModel, meta: TableMeta, regions: str, key: str, lang: str
             ) -> list[ssb_connect.RegionGroup]:
    """The region groups, suggested for Akershus, Oslo and Norway; each one's codelist and codes
    can be changed. All counties (for the rank) on request."""
    st.markdown(f"**{t('ssb_connect.regions', lang)}**")
    st.caption(t("ssb_connect.regions_help", lang))
    dim = meta.dimensions[regions]
    groups = ssb_connect.suggest_regions(meta, regions) or [ssb_connect.RegionGroup([])]
    picked = []
    for n, group in enumerate(groups):
        left, right = st.columns([1, 3])
        lists = ["", *dim.codelists]
        codelist = left.selectbox(t("ssb_connect.codelist", lang), lists,
                                  index=lists.index(group.codelist or ""),
                                  key=f"{key}_list_{n}",
                                  format_func=lambda c: c or t("ssb_connect.no_codelist", lang))
        codes = dim.codes if not codelist else _cached(
            LISTS, (codelist, lang), lambda c=codelist: ssb_connect.codelist_codes(c, _client(lang)),
            lang) or {}
        options = ["*", *codes]
        chosen = right.multiselect(t("ssb_connect.codes", lang), options,
                                   default=[c for c in group.codes if c in options],
                                   key=f"{key}_codes_{n}_{codelist}",
                                   format_func=lambda c, codes=codes: (
                                       t("ssb_connect.all_codes", lang) if c == "*"
                                       else f"{c} {codes.get(c, '')}".strip()))
        if chosen:
            picked.append(ssb_connect.RegionGroup(chosen, codelist or None))
    towns = ssb_connect.municipalities(plan, meta, regions)
    if towns is not None and st.checkbox(t("ssb_connect.municipalities", lang),
                                         key=f"{key}_municipalities"):
        picked.append(towns)
    counties = ssb_connect.all_counties(plan, meta, regions)
    if counties is not None and st.checkbox(t("ssb_connect.all_counties", lang),
                                            key=f"{key}_counties",
                                            help=t("ssb_connect.all_counties_help", lang)):
        picked.append(counties)
    return picked


# ---- preview, save and fetch --------------------------------------------------------------------


def _preview_and_save(plan: PlanModel, indicator_id: str, meta: TableMeta,
                      draft: ssb_connect.Draft, planner: auth.Planner, lang: str) -> None:
    token = (indicator_id, repr(draft), lang)
    if st.button(t("ssb_connect.preview_button", lang), icon=":material/preview:",
                 key="ssbc_preview"):
        st.session_state[RESULT] = {"token": token, **_preview(plan, indicator_id, meta, draft, lang)}
    result = st.session_state.get(RESULT)
    if not result or result["token"] != token:
        return
    if result.get("findings"):
        st.error(t("ssb_connect.findings", lang) + "\n" + "\n".join(
            f"- {md_escape(f)}" for f in result["findings"]), icon=":material/error:")
        return
    shown = result.get("preview")
    if shown is None:
        return
    if shown.failed:
        st.error(md_escape(shown.failed), icon=":material/error:")
        return
    st.markdown(f"**{t('ssb_connect.preview_heading', lang, table=meta.table)}**")
    table_view(shown.table)
    st.caption(t("ssb_connect.preview_count", lang, rows=format_number(shown.rows, lang, 0),
                 others=format_number(shown.others, lang, 0)))
    if shown.notes:
        with st.expander(t("ssb.ui.notes", lang)):
            st.markdown("\n".join(f"- {md_escape(n)}" for n in shown.notes))
    if st.button(t("ssb_connect.save_button", lang, id=indicator_id), type="primary",
                 icon=":material/save:", key="ssbc_save"):
        _save(indicator_id, draft, planner, lang)


def _preview(plan: PlanModel, indicator_id: str, meta: TableMeta, draft: ssb_connect.Draft,
             lang: str) -> dict:
    client = _client(lang)
    findings = _ask(lambda: ssb_connect.check(draft, meta, client), lang)
    if findings is None:
        return {}
    if findings:
        return {"findings": [f.message(lang) for f in findings]}
    with st.spinner(t("ssb.step.fetching", lang, table=meta.table)):
        shown = _ask(lambda: ssb_connect.preview(plan, indicator_id, draft, client, lang), lang)
    return {} if shown is None else {"preview": shown}


def _save(indicator_id: str, draft: ssb_connect.Draft, planner: auth.Planner, lang: str) -> None:
    try:
        import_id = ssb_connect.save(data.config_path(), data.db_path(), indicator_id, draft,
                                     user=planner.name)
    except config_edit.ConfigEditError as error:
        st.error(md_escape(error.message(lang)), icon=":material/error:")
        return
    except store.StoreError as error:
        st.error(guard.store_error_text(error, lang), icon=":material/error:")
        return
    st.session_state[SAVED] = {"id": indicator_id, "table": draft.table, "import": import_id}
    st.session_state.pop(RESULT, None)
    st.rerun()


def _after_save(plan: PlanModel, planner: auth.Planner, lang: str) -> None:
    """Once a block is saved: say so, offer to fetch its figures now, and link to its page."""
    saved = st.session_state.get(SAVED)
    if not saved:
        return
    with st.container(border=True):
        st.success(t("ssb_connect.saved", lang, id=saved["id"], table=saved["table"],
                     record=saved["import"]), icon=":material/check_circle:")
        fetched = st.session_state.pop(FETCHED, None)
        if fetched is None and st.button(t("ssb_connect.fetch_button", lang, id=saved["id"]),
                                         icon=":material/cloud_download:", key="ssbc_fetch"):
            st.session_state[FETCHED] = _fetch(plan, saved["id"], planner, lang)
            st.rerun()
        if fetched is not None:
            show = st.error if fetched.get("error") else st.success
            show(md_escape(fetched.get("error") or fetched["text"]),
                 icon=":material/error:" if fetched.get("error") else ":material/check_circle:")
            st.session_state.pop(SAVED, None)
        st.page_link("app_pages/indikator.py", label=t("update.see_indicator", lang, name=saved["id"]),
                     query_params={"id": saved["id"], "lang": lang}, icon=":material/show_chart:")


def _fetch(plan: PlanModel, indicator_id: str, planner: auth.Planner, lang: str) -> dict:
    try:
        with st.spinner(t("ssb.step.fetching", lang, table=plan.indicator(indicator_id).ssb.table)):
            fetched, imported = ssb_connect.fetch_now(data.db_path(), plan, indicator_id,
                                                      user=planner.name, client=_client(lang),
                                                      lang=lang)
    except SsbUnavailable as error:
        return {"error": t("ssb.unreachable", lang, url=error.url.split("?")[0], reason=error.reason)}
    except store.StoreError as error:
        problem = health.from_error(error)
        return {"error": problem.message(lang, "planner") if problem else error.text(lang)}
    if indicator_id in fetched.failed:
        return {"error": fetched.failed[indicator_id]}
    return {"text": t("ssb_connect.fetched", lang, id=indicator_id,
                      added=format_number(sum(i.result.added for i in imported), lang, 0),
                      changed=format_number(sum(i.result.changed for i in imported), lang, 0))}
