"""Mine oppgaver: what the logged-in planner must update (late, or due within 30 days), and all of it."""

from __future__ import annotations

from datetime import date

import streamlit as st

from indicators import config_edit, store, worklist
from indicators.i18n import format_number, t
from indicators.model import Owner, is_email
from indicators.views import headline_pairs
from ui import auth, data, guard, state
from ui.widgets import md_escape, page_link_html

OWNER_FLASH = "tasks_owner_flash"
lang = state.lang()
plan = data.model()
# Shape and word, never colour alone.
BADGES = {"overdue": ("red", ":material/schedule:"), "due_soon": ("orange", ":material/event:"),
          "no_data": ("gray", ":material/remove:")}

st.title(t("nav.tasks", lang))
st.markdown(t("tasks.intro", lang, days=worklist.HORIZON_DAYS))


def found_tasks() -> list[worklist.Task]:
    latest = worklist.latest_periods(data.query(store.latest, headline_pairs(plan)))
    return worklist.tasks(plan, latest, data.query(store.read_table, "actions"), date.today())


def badge(task: worklist.Task) -> None:
    colour, icon = BADGES[task.state]
    st.badge(worklist.state_text(task, lang), icon=icon, color=colour)


def link_label(task: worklist.Task) -> str:
    return t("tasks.update_indicator" if task.kind == "indicator" else "tasks.update_action", lang)


def task_card(task: worklist.Task) -> None:
    """One of the planner's own tasks: what, why it is due, and a link to where it is done."""
    with st.container(border=True):
        badge(task)
        st.markdown(f"**{md_escape(task.title(lang))}**")
        st.caption(md_escape(worklist.due_text(task, lang)))
        query = {"lang": lang, **({worklist.UPDATE_PARAM: task.id} if task.kind == "indicator"
                                  else {})}
        st.page_link("app_pages/oppdater.py", label=link_label(task), query_params=query,
                     icon=":material/upload_file:")


def task_line(task: worklist.Task) -> str:
    """A line of the overview (markdown with a same-tab link; every text escaped). The owner
    stands in the heading above; a name given without an address is said on the line."""
    link = page_link_html(task.title(lang), worklist.update_path(task, lang))
    named = (" — " + md_escape(t("tasks.owner", lang, owner=worklist.owner_text(task, lang)))
             if task.owner is None and task.named else "")
    return (f"- **{md_escape(worklist.state_text(task, lang))}** · {link}: "
            f"{md_escape(worklist.due_text(task, lang))}{named}")


def mine_section(found: list[worklist.Task], planner: auth.Planner) -> None:
    st.header(t("tasks.mine_heading", lang))
    own = worklist.mine(found, planner.name)
    if not own:
        st.info(t("tasks.mine_none", lang, days=worklist.HORIZON_DAYS), icon=":material/task_alt:")
        st.caption(t("tasks.how_owner", lang))
    for task in own:
        task_card(task)


def all_section(found: list[worklist.Task]) -> None:
    st.header(t("tasks.all_heading", lang))
    columns = st.columns(len(worklist.STATES))
    for column, key in zip(columns, worklist.STATES, strict=True):
        column.metric(t(f"worklist.state.{key}", lang),
                      format_number(sum(task.state == key for task in found), lang, 0))
    if not found:
        st.success(t("tasks.none", lang, days=worklist.HORIZON_DAYS), icon=":material/task_alt:")
        return
    groups, nobody = worklist.by_owner(found)
    for owner, tasks in groups:
        st.subheader(md_escape(f"{owner.name} <{owner.email}>"))
        st.markdown("\n".join(task_line(task) for task in tasks), unsafe_allow_html=True)
    if nobody:
        st.subheader(t("tasks.nobody_heading", lang))
        st.caption(t("tasks.how_owner", lang))
        st.markdown("\n".join(task_line(task) for task in nobody), unsafe_allow_html=True)


def owner_section(planner: auth.Planner) -> None:
    """Name who keeps an indicator current: written to config/goals.yaml (comments and layout
    kept, checked first, undone by Angre on Oppdater data)."""
    st.header(t("tasks.assign_heading", lang))
    st.caption(t("tasks.assign_help", lang))
    flash = st.session_state.pop(OWNER_FLASH, None)
    if flash:
        st.success(md_escape(flash), icon=":material/check_circle:")
    names = {i.id: f"{i.id} {i.name.get(lang)}" for i in plan.indicators}
    chosen = st.selectbox(t("tasks.assign_indicator", lang), list(names), format_func=names.get,
                          key="owner_indicator")
    current = plan.indicator(chosen).owner
    st.caption(md_escape(t("tasks.owner", lang, owner=f"{current.name} <{current.email}>"
                           if current else t("worklist.no_owner", lang))))
    with st.form(f"owner_{chosen}"):
        left, right = st.columns(2)
        name = left.text_input(t("tasks.assign_name", lang), value=current.name if current else "",
                               max_chars=120)
        email = right.text_input(t("tasks.assign_email", lang), max_chars=200,
                                 value=current.email if current else "",
                                 placeholder="fornavn.etternavn@akershusfk.no")
        clear = st.checkbox(t("tasks.assign_clear", lang), disabled=current is None)
        saved = st.form_submit_button(t("tasks.assign_save", lang), type="primary",
                                      icon=":material/save:")
    if saved:
        save_owner(chosen, None if clear else (name.strip(), email.strip()), planner)


def save_owner(indicator_id: str, given: tuple[str, str] | None, planner: auth.Planner) -> None:
    if given is not None and not all(given):
        st.error(t("tasks.assign_both", lang), icon=":material/error:")
        return
    if given is not None and not is_email(given[1]):
        st.error(md_escape(t("tables.error.not_an_email", lang, text=given[1])),
                 icon=":material/error:")
        return
    owner = Owner(name=given[0], email=given[1]) if given else None
    summary = (t("tasks.assign_summary", lang, id=indicator_id, name=owner.name) if owner
               else t("tasks.assign_summary_none", lang, id=indicator_id))
    try:
        worklist.assign_owner(data.config_path(), data.db_path(), indicator_id, owner,
                              user=planner.name, summary=summary)
    except config_edit.ConfigEditError as error:
        st.error("\n".join(md_escape(line) for line in error.message(lang).splitlines()),
                 icon=":material/error:")
        return
    except store.StoreError as error:
        st.error(guard.store_error_text(error, lang), icon=":material/error:")
        return
    st.session_state[OWNER_FLASH] = t("tasks.assign_saved", lang, what=summary)
    st.rerun()


if data.version() is None:
    guard.no_database(lang, planner=True)
    st.stop()
planner = auth.gate(lang, "tasks.login_needed")
if planner is not None:
    with guard.net(lang):
        tasks = found_tasks()
        mine_section(tasks, planner)
        all_section(tasks)
    with guard.net(lang):
        owner_section(planner)
