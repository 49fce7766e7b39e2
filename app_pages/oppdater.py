"""Oppdater data: a planner uploads a file, sees what it would change, confirms, and can undo."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from indicators import canonical, config_edit, explain, health, importing, store, views, worklist, xlsx_export
from indicators.i18n import catalogue, format_number, t, t_n
from indicators.ingest.reader import MAX_BYTES
from indicators.ingest.tables import SPECS, TableResult
from indicators.paths import publish_dir
from indicators.republish import state as bundle_state
from indicators.republish import status_text as bundle_status
from ui import auth, data, guard, state, workbench
from ui import comments as comment_box
from ui.ssb_button import ssb_refresh_button
from ui.ssb_connect import connect_section
from ui.widgets import md_escape, table_view, text_table

PENDING, UNDO, FLASH, UPLOADS = "update_pending", "update_undo", "update_flash", "update_uploads"
STALE = "update_stale"
# What an upload holds (auto: by its name), as the planner picks it.
FILE_KINDS = ["auto", importing.OBSERVATIONS, *(k for k in importing.PLAN_FILES if k in SPECS)]
HISTORY_ROWS = 20  # imports with an undo button; the full log is in the expander below them

lang = state.lang()
plan = data.model()
db = data.db_path()
labels = {i.id: f"{i.id} {i.name.get(lang)}" for i in plan.indicators}

st.title(t("update.title", lang))
st.markdown(t("update.intro", lang))

if data.version() is None:
    guard.no_database(lang, planner=True)
    st.stop()


def number(n: int) -> str:
    return format_number(n, lang, 0)


def show_flash() -> None:
    """The outcome of the last import or undo, kept over the rerun that cleared the upload."""
    flash = st.session_state.pop(FLASH, None)
    if not flash:
        return
    st.success(flash["text"], icon=":material/check_circle:")
    for name in flash["files"]:
        st.caption(t("update.file_written", lang, file=md_escape(name)))
    if flash["no_folder"]:
        st.warning(t("update.no_data_folder", lang), icon=":material/warning:")
    if flash.get("publish_error"):  # the change is saved; the static bundle is behind it
        st.warning(t("publish.failed", lang, out=md_escape(flash["publish_error"][0]),
                     reason=md_escape(flash["publish_error"][1])), icon=":material/public_off:")
    for table in [name for name in flash.get("tables", []) if name in workbench.TABLE_PAGES]:
        st.page_link(workbench.TABLE_PAGES[table], label=t(f"workbench.see_table.{table}", lang),
                     query_params={"lang": lang}, icon=":material/visibility:")
    for indicator_id in flash["indicators"][:5]:
        st.page_link("app_pages/indikator.py", label=t("update.see_indicator", lang,
                                                   name=labels.get(indicator_id, indicator_id)),
                     query_params={"id": indicator_id, "lang": lang}, icon=":material/show_chart:")
    # A status that turned to Forverring asks for a comment (issue 16): said here, where the
    # planner who caused it is, not only on the indicator page.
    comment_box.ask_after_import(plan, flash["indicators"], lang)


def set_flash(committed: importing.Committed, text: str) -> None:
    st.session_state[FLASH] = {
        "text": text, "indicators": committed.indicators, "tables": committed.tables,
        "files": [str(p.relative_to(committed.data_dir.parent)) if committed.data_dir else str(p)
                  for p in committed.files],
        "no_folder": committed.data_dir is None and bool(committed.indicators),
        "publish_error": (str(publish_dir()), committed.publish_error)
        if committed.publish_error else None}


def upload_section(planner: auth.Planner) -> None:
    st.header(t("update.upload_heading", lang))
    show_flash()
    st.markdown(t("update.upload_help", lang))
    st.caption(t("workbench.plan_files", lang))
    plan_downloads()
    kind = st.selectbox(t("workbench.file_kind", lang), FILE_KINDS,
                        format_func=lambda k: t(f"workbench.file_kind.{k}", lang),
                        key="update_file_kind")
    left, right = st.columns(2)
    # A link from Mine oppgaver (?nye_tall=1D-01) comes with the indicator to update chosen
    # (not ?id, which the download below sets for itself: a fallback id must be asked for).
    options = ["", *labels]
    choice = left.selectbox(t("update.indicator_option", lang), options,
                            index=options.index(state.choice(worklist.UPDATE_PARAM, options, "")),
                            format_func=lambda i: labels.get(i) or t("update.from_file", lang),
                            key=state.url_key("update_indicator"))
    replace = right.checkbox(t("update.replace", lang), key="update_replace",
                             help=t("update.replace_help", lang))
    n = st.session_state.setdefault(UPLOADS, 0)
    uploaded = st.file_uploader(t("update.uploader", lang), type=["csv", "xlsx", "tsv", "txt"],
                                key=f"update_file_{n}", max_upload_size=MAX_BYTES // 2**20)
    if uploaded is None:
        st.session_state.pop(PENDING, None)
        return
    raw = uploaded.getvalue()
    token = (hashlib.sha256(raw).hexdigest(), uploaded.name, kind, choice, replace, lang)
    pending = st.session_state.get(PENDING)
    if pending is None or pending.token != token:
        pending = check(raw, uploaded.name, choice or None, replace,
                        importing.table_for(uploaded.name, kind))
        pending.token = token
        st.session_state[PENDING] = pending
    show_pending(pending, planner)


def plan_downloads() -> None:
    """Today's plan files, to change and upload again (made when asked for)."""
    row = st.container(horizontal=True)
    for table in FILE_KINDS[2:]:
        row.download_button(f"{table}.csv", lambda table=table: canonical.table_csv(
            data.query(store.read_table, table), store.TABLE_COLUMNS[table]),
            file_name=f"{table}.csv", mime="text/csv", icon=":material/download:",
            key=f"download_{table}", help=t(f"workbench.file_kind.{table}", lang))


def check(raw: bytes, name: str, indicator: str | None, replace: bool,
          table: str | None) -> importing.Pending:
    bar = st.progress(0.0, text=t("update.step.reading", lang))
    step = lambda f, key: bar.progress(f, text=t(key, lang))  # noqa: E731
    if table is not None:  # a plan file: it replaces its table
        pending = importing.check_table(raw, name, table, plan, db, lang=lang, step=step)
    else:
        pending = importing.check(raw, name, plan, db, indicator=indicator, replace=replace,
                                  lang=lang, step=step)
    bar.empty()
    return pending


def show_pending(pending: importing.Pending, planner: auth.Planner) -> None:
    read = pending.read
    if not read.ok:
        st.error(t("update.rejected", lang, file=md_escape(pending.name),
                   total=number(read.total_errors)), icon=":material/error:")
        # At most 50 rows: a static table wraps the long "how to fix" texts.
        text_table(importing.issue_table(read.errors, lang))
        if read.total_errors > len(read.errors):
            st.caption(t("update.more_errors", lang, shown=len(read.errors),
                         total=number(read.total_errors)))
        return
    if read.warnings:
        st.warning(t_n("update.warnings", read.total_warnings, lang),
                   icon=":material/warning:")
        text_table(importing.issue_table(read.warnings, lang))
    if st.session_state.pop(STALE, False):
        st.warning(t("update.stale_preview", lang), icon=":material/refresh:")
    show_preview(pending)
    if pending.changes == 0:
        st.info(t("update.nothing_to_do", lang), icon=":material/info:")
        return
    buttons = st.container(horizontal=True)
    if buttons.button(t_n("update.confirm", pending.changes, lang), type="primary",
                      icon=":material/save:", key="update_confirm"):
        commit(pending, planner)
    if buttons.button(t("update.cancel", lang), key="update_cancel"):
        clear_upload()


def show_preview(pending: importing.Pending) -> None:
    if isinstance(pending.read, TableResult):
        show_table_preview(pending)
        return
    preview = pending.preview
    st.subheader(t("update.preview_heading", lang, file=md_escape(pending.name)))
    columns = st.columns(4 if pending.replace else 3)
    counts = [("added", preview.added), ("changed", preview.changed),
              ("unchanged", preview.unchanged)] + ([("removed", preview.removed)]
                                                    if pending.replace else [])
    for column, (key, count) in zip(columns, counts, strict=True):
        column.metric(t(f"update.count.{key}", lang), number(count))
    tables = importing.change_tables(plan, preview, lang, pending.read.frame)
    for key, count in (("added", preview.added), ("changed", preview.changed),
                       ("removed", preview.removed)):
        if not count:
            continue
        st.markdown(f"**{t(f'update.table.{key}', lang, n=number(count))}**")
        table_view(tables[key])
        if count > len(tables[key]):
            st.caption(t("update.first_rows", lang, shown=number(len(tables[key])),
                         total=number(count)))


def show_table_preview(pending: importing.Pending) -> None:
    """A plan file's new, changed and removed rows: it replaces the whole table."""
    preview, table = pending.preview, pending.read.table
    name = f"workbench.table_name.{table}"
    st.subheader(t("workbench.table_preview_heading", lang, file=md_escape(pending.name),
                   table=t(name, lang) if name in catalogue() else table))
    counts = [("added", preview.added), ("changed", preview.changed),
              ("unchanged", preview.unchanged), ("removed", preview.removed)]
    for column, (key, count) in zip(st.columns(4), counts, strict=True):
        column.metric(t(f"update.count.{key}", lang), number(count))
    tables = importing.table_change_tables(db, pending.read, lang)
    for key, count in counts:
        if key != "unchanged" and count and not tables[key].empty:
            st.markdown(f"**{t(f'update.table.{key}', lang, n=number(count))}**")
            table_view(tables[key])


def commit(pending: importing.Pending, planner: auth.Planner) -> None:
    if importing.version(db) != pending.version:
        # Someone imported since the preview: show the preview of the database as it is now.
        st.session_state.pop(PENDING, None)
        st.session_state[STALE] = True
        st.rerun()
    bar = st.progress(0.0, text=t("update.step.writing", lang))
    try:
        done = importing.commit(pending, db, plan, planner.name,
                                step=lambda f, key: bar.progress(f, text=t(key, lang)))
    except store.StoreError as error:
        bar.empty()
        st.error(guard.store_error_text(error, lang), icon=":material/error:")
        return
    result = done.result
    set_flash(done, t("update.done", lang, id=done.import_id, file=md_escape(pending.name),
                      added=number(result.added), changed=number(result.changed),
                      unchanged=number(result.unchanged), removed=number(result.removed)))
    clear_upload()


def clear_upload() -> None:
    """Forget the checked file and empty the uploader (a new key gives a new, empty widget)."""
    st.session_state.pop(PENDING, None)
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
    st.rerun()


def history_section(planner: auth.Planner) -> None:
    st.header(t("update.history_heading", lang))
    history = data.query(store.history)
    recent = history[history["kind"] != "build"].head(HISTORY_ROWS)
    if recent.empty:
        st.caption(t("update.no_history", lang))
    for row in recent.itertuples(index=False):
        history_row(row, planner)
    with st.expander(t("update.history_all", lang)):
        st.dataframe(importing.history_table(history, lang), hide_index=True, width="stretch")


def history_row(row: object, planner: auth.Planner) -> None:
    text, action = st.columns([5, 1], vertical_alignment="center")
    text.markdown(t("update.history_line", lang, id=row.id, time=f"{row.imported_at:%Y-%m-%d %H:%M}",
                    user=md_escape(row.user_name), file=md_escape(row.file_name),
                    added=number(row.added), changed=number(row.changed),
                    removed=number(row.removed)))
    if row.kind == "undo":
        action.caption(t("update.is_undo", lang, id=int(row.undo_of)))
    elif not pd.isna(row.undone_by):
        action.caption(t("update.undone_by", lang, id=int(row.undone_by)))
    elif action.button(t("update.undo", lang), key=f"undo_{row.id}", icon=":material/undo:"):
        st.session_state[UNDO] = int(row.id)
    if st.session_state.get(UNDO) == row.id and row.kind != "undo" and pd.isna(row.undone_by):
        confirm_undo(int(row.id), row.file_name, planner, row.kind)


def confirm_undo(import_id: int, file_name: str, planner: auth.Planner, kind: str = "") -> None:
    later = importing.conflicts(db, import_id)
    config = kind == store.CONFIG_KIND  # a plan-file change comes back byte for byte, or not at all
    with st.container(border=True):
        if later:
            ids = ", ".join(str(i) for i in later)
            st.error(t("workbench.undo_conflict_config" if config else "update.undo_conflict",
                       lang, id=import_id, later=ids), icon=":material/block:")
        else:
            st.warning(t("workbench.undo_confirm_config" if config else "update.undo_confirm",
                         lang, id=import_id, file=md_escape(file_name)), icon=":material/undo:")
        if later and config:
            if st.button(t("update.cancel", lang), key=f"undo_no_{import_id}"):
                st.session_state.pop(UNDO, None)
                st.rerun()
            return
        buttons = st.container(horizontal=True)
        label = "update.undo_force" if later else "update.undo_yes"
        if buttons.button(t(label, lang), type="primary", key=f"undo_yes_{import_id}"):
            run_undo(import_id, planner, force=bool(later))
        if buttons.button(t("update.cancel", lang), key=f"undo_no_{import_id}"):
            st.session_state.pop(UNDO, None)
            st.rerun()


def run_undo(import_id: int, planner: auth.Planner, force: bool) -> None:
    try:
        done = importing.undo(db, plan, import_id, planner.name, force=force)
    except config_edit.ConfigEditError as error:  # the plan file changed since: say so, in words
        st.error(md_escape(error.message(lang)), icon=":material/error:")
        return
    except store.StoreError as error:
        st.error(guard.store_error_text(error, lang), icon=":material/error:")
        return
    st.session_state.pop(UNDO, None)
    set_flash(done, t("update.undone", lang, id=import_id, undo_id=done.import_id))
    st.rerun()


def _about(indicator_id: str) -> tuple[str, list[tuple[str, str]]]:
    """The workbook's second sheet: source, Tall for, publisert and hentet of the figures."""
    indicator = plan.indicator(indicator_id)
    latest = data.query(store.latest, [(indicator_id, indicator.headline_region)])
    return views.dates_rows(views.summaries(plan, latest)[indicator_id], lang, date.today())


def download_section() -> None:
    st.header(t("update.download_heading", lang))
    ids = list(labels)
    chosen = st.selectbox(t("indicator.choose", lang), ids, format_func=labels.get,
                          index=ids.index(state.choice("id", ids, ids[0])),
                          key=state.url_key("update_download_id"))
    state.set_param("id", chosen)
    coverage = data.query(store.coverage)
    rows = 0 if coverage is None else int(coverage.loc[coverage["indicator_id"] == chosen, "rows"].sum())
    units = {chosen: plan.indicator(chosen).unit}
    if not rows:
        st.caption(t("indicator.no_data", lang))
        return
    # The files are made when asked for: a page visit never pays for a file of every row.
    left, right = st.columns(2)
    left.download_button(t("update.download_csv", lang, n=number(rows)),
                         lambda: canonical.to_csv(data.query(store.all_observations, chosen), units),
                         file_name=f"{chosen}.csv",
                         mime="text/csv", icon=":material/download:", key="download_csv")
    right.download_button(t("update.download_xlsx", lang),
                          lambda: xlsx_export.to_xlsx(data.query(store.all_observations, chosen), units,
                                                      sheet=chosen, about=_about(chosen)),
                          file_name=f"{chosen}.xlsx", icon=":material/download:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key="download_xlsx")
    st.caption(t("update.download_note", lang))


def series_problems() -> None:
    """Indicators whose stored figures give a year twice: what is wrong, and how to correct it."""
    assessed = data.assessments()
    lines = []
    for indicator in plan.indicators:
        a = assessed[indicator.id]
        if a.reason in health.SERIES_REASONS:
            rows = data.query(store.observations, indicator.id, [indicator.headline_region])
            lines.append(health.series_problem_text(indicator, health.series_problem(indicator, a, rows),
                                                    explain.sentence(indicator, a, lang), lang))
    if lines:
        st.warning(f"**{t('health.series.heading', lang)}**\n\n"
                   + "\n".join(f"- {md_escape(line)}" for line in lines)
                   + f"\n\n{t('health.series.fix', lang)}", icon=":material/warning:")


def publish_status() -> None:
    """How the public edition ($DASHBOARD_PUBLISH) stands. It is remade in the background after
    each change, so while that runs this line looks again every few seconds, without a reload."""
    out = publish_dir()
    if out is None:
        return
    busy = bundle_state(out).busy

    @st.fragment(run_every=5 if busy else None)
    def line() -> None:
        now = bundle_state(out)
        if now.busy != busy:
            st.rerun()  # the whole page: it shows the new figures' outcome and stops looking
        shown = bundle_status(now, lang)
        if shown is None:
            return
        kind, text = shown
        if kind == "warning":
            st.warning(md_escape(text), icon=":material/public_off:")
        elif kind == "info":
            st.info(md_escape(text), icon=":material/sync:")
        else:
            st.caption(f":material/public: {md_escape(text)}")

    line()


series_problems()
planner = auth.gate(lang)
if planner is not None:
    publish_status()
    upload_section(planner)
    workbench.edit_section(planner, lang)
    ssb_refresh_button(lang, planner)
    connect_section(planner, lang)
    history_section(planner)
download_section()
