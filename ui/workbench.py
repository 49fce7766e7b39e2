"""The planner's workbench on Oppdater data: change a target, a milestone, an action item or a
grant where it stands. Each form only collects what the planner says; the core (plan_edit,
config_edit) checks it, records it in the import log (with Angre) and writes the files back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from indicators import config_edit, explain, plan_edit, store
from indicators.i18n import format_date, format_value, t
from indicators.ingest.tables import BASIS_VALUES, DATE_RANGE, MILESTONE_STATUSES
from indicators.model import TARGET_YEARS, Indicator
from ui import auth, data, feasibility, guard
from ui.widgets import md_escape

FLASH = "workbench_flash"
# Where a plan table shows on the reading pages (the link under "Lagret").
TABLE_PAGES = {"funding": "app_pages/tilskudd.py", "grants": "app_pages/tilskudd.py",
               "milestones": "app_pages/tidslinje.py", "actions": "app_pages/tidslinje.py"}
# The forms, in tab order, and where each one's change shows.
SHOWN_ON = {"targets": "app_pages/indikator.py", "milestones": TABLE_PAGES["milestones"],
            "actions": TABLE_PAGES["actions"], "grants": TABLE_PAGES["grants"]}
DATE_FORMAT = "DD.MM.YYYY"


def edit_section(planner: auth.Planner, lang: str) -> None:
    """The four forms, in tabs; only ever called for a logged-in planner."""
    st.header(t("workbench.heading", lang))
    st.markdown(t("workbench.intro", lang))
    _show_flash(lang)
    tabs = st.tabs([t(f"workbench.tab.{name}", lang) for name in SHOWN_ON])
    for tab, form in zip(tabs, (_targets, _milestones, _actions, _grants), strict=True):
        with tab:
            form(planner, lang)


# ---- saving -------------------------------------------------------------------------------------


def _save(run: Callable[[], object], text: str, where: str, lang: str,
          query: dict[str, str] | None = None, clear: tuple[str, ...] = ()) -> None:
    """Run one edit; on success remember what was saved for the next run, empty the `clear`
    widgets and rerun (the pages then read the new version), else say why nothing was saved
    (the form keeps what the planner typed)."""
    try:
        run()
    except (plan_edit.PlanEditError, config_edit.ConfigEditError) as error:
        nothing = error.key == "config_edit.error.nothing"
        show = st.info if nothing else st.error
        show(_refusal(error, lang), icon=":material/info:" if nothing else ":material/error:")
        return
    except store.StoreError as error:  # a lock held too long, a read-only folder, a full disk
        st.error(guard.store_error_text(error, lang), icon=":material/error:")
        return
    st.session_state[FLASH] = {"text": text, "page": SHOWN_ON[where], "query": query or {}}
    for key in clear:
        st.session_state.pop(key, None)
    st.rerun()


def _refusal(error: store.EditError, lang: str) -> str:
    problems = [p.line_text(lang) for p in error.problems]
    return "\n".join([md_escape(error.issue.text(lang)),
                      *(f"- {md_escape(p)}" for p in problems)])


def _show_flash(lang: str) -> None:
    flash = st.session_state.pop(FLASH, None)
    if not flash:
        return
    st.success(t("workbench.saved", lang, what=md_escape(flash["text"])),
               icon=":material/check_circle:")
    st.page_link(flash["page"], label=t("workbench.see_it", lang),
                 query_params={**flash["query"], "lang": lang}, icon=":material/visibility:")


# ---- targets (config/goals.yaml) ------------------------------------------------------------------


def _targets(planner: auth.Planner, lang: str) -> None:
    plan = data.model()
    # Context indicators (direction none) are shown, never assessed: a target means nothing there.
    indicators = [i for i in plan.indicators if i.direction != "none"]
    names = {i.id: f"{i.id} {i.name.get(lang)}" for i in indicators}
    chosen = st.selectbox(t("workbench.target.choose", lang), list(names), format_func=names.get,
                          key="wb_target_id")
    indicator = plan.indicator(chosen)
    target = indicator.target
    st.caption(explain.target_label(indicator, lang) if target else t("workbench.target.none", lang))
    feasibility.show(indicator, lang)  # before anyone adopts it: is it within what the data shows?
    decision = target.decision if target else None
    with st.form(f"wb_target_{chosen}"):
        low, high = indicator.allowed_range()
        left, right = st.columns(2)
        value = left.number_input(t("workbench.target.value", lang, unit=_unit(indicator, lang)),
                                  min_value=low, max_value=high,
                                  value=float(target.value) if target else None, format="%g",
                                  key=f"wb_target_value_{chosen}")
        year = right.number_input(t("workbench.target.year", lang), min_value=TARGET_YEARS[0],
                                  max_value=TARGET_YEARS[1], step=1,
                                  value=target.year if target else None,
                                  key=f"wb_target_year_{chosen}")
        st.markdown(t("workbench.target.adopt_help", lang))
        left, right = st.columns(2)
        case = left.text_input(t("workbench.target.case", lang), max_chars=60,
                               value=decision.case if decision else "",
                               placeholder=t("workbench.target.case_example", lang),
                               key=f"wb_target_case_{chosen}")
        decided = right.date_input(t("workbench.target.date", lang),
                                   value=decision.date if decision else None,
                                   min_value=date(TARGET_YEARS[0], 1, 1), max_value=date.today(),
                                   format=DATE_FORMAT, key=f"wb_target_date_{chosen}")
        drop = False
        if target is not None and target.note is not None and not target.adopted:
            drop = st.checkbox(t("workbench.target.drop_note", lang,
                                 note=md_escape(target.note.get(lang))), value=True,
                               key=f"wb_target_drop_{chosen}")
        saved = st.form_submit_button(t("workbench.target.save", lang), type="primary",
                                      icon=":material/save:")
    if not saved:
        return
    if value is None or year is None:
        st.error(t("workbench.target.value_needed", lang), icon=":material/error:")
        return
    if bool(case.strip()) != (decided is not None):
        st.error(t("workbench.error.decision_incomplete", lang), icon=":material/error:")
        return
    edit = plan_edit.TargetEdit(value, int(year), case.strip() or None, decided, drop)
    shown = format_value(value, indicator.unit, lang)
    summary = (t("workbench.summary.adopted", lang, id=chosen, value=shown, year=int(year),
                 case=case.strip()) if edit.case else
               t("workbench.summary.target", lang, id=chosen, value=shown, year=int(year)))
    _save(lambda: plan_edit.edit_target(data.config_path(), data.db_path(), chosen, edit,
                                        user=planner.name, summary=summary),
          summary, "targets", lang, {"id": chosen})


def _unit(indicator: Indicator, lang: str) -> str:
    return indicator.word(lang) or t(f"unit.{indicator.unit}", lang)


# ---- plan tables ----------------------------------------------------------------------------------


def _rows(table: str) -> pd.DataFrame:
    frame = data.query(store.read_table, table)
    return plan_edit.texts(frame, table)


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _milestones(planner: auth.Planner, lang: str) -> None:
    rows = _rows("milestones")
    if rows.empty:
        st.info(t("workbench.milestone.none", lang), icon=":material/info:")
        return
    rows = rows.set_index("id", drop=False)
    labels = {r.id: f"{r.title_nb if lang == 'nb' else (r.title_en or r.title_nb)} · "
                    f"{format_date(r.start, lang)} · {t(f'timeline.status.{r.status}', lang)}"
              for r in rows.itertuples()}
    chosen = st.selectbox(t("workbench.milestone.choose", lang), list(labels),
                          format_func=labels.get, key="wb_milestone_id")
    row = rows.loc[chosen]
    with st.form(f"wb_milestone_{chosen}"):
        status = st.selectbox(t("workbench.milestone.status", lang), MILESTONE_STATUSES,
                              index=MILESTONE_STATUSES.index(row["status"]),
                              format_func=lambda s: t(f"timeline.status.{s}", lang),
                              key=f"wb_milestone_status_{chosen}")
        left, right = st.columns(2)
        start = left.date_input(t("workbench.start", lang), value=_day(row["start"]),
                                min_value=DATE_RANGE[0], max_value=DATE_RANGE[1],
                                format=DATE_FORMAT, key=f"wb_milestone_start_{chosen}")
        end = right.date_input(t("workbench.end_optional", lang), value=_day(row["end"]),
                               min_value=DATE_RANGE[0], max_value=DATE_RANGE[1],
                               format=DATE_FORMAT, key=f"wb_milestone_end_{chosen}")
        saved = st.form_submit_button(t("workbench.save", lang), type="primary",
                                      icon=":material/save:")
    if saved:
        summary = t("workbench.summary.milestone", lang, id=chosen,
                    status=t(f"timeline.status.{status}", lang).lower())
        _save(lambda: plan_edit.edit_row(data.db_path(), data.model(), "milestones",
                                         {"id": chosen},
                                         {"status": status, "start": start, "end": end},
                                         user=planner.name, summary=summary, lang=lang),
              summary, "milestones", lang)


def _actions(planner: auth.Planner, lang: str) -> None:
    rows = _rows("actions")
    if rows.empty:
        st.info(t("workbench.action.none", lang), icon=":material/info:")
    else:
        _action_progress(rows.set_index("id", drop=False), planner, lang)
    with st.expander(t("workbench.action.add", lang), expanded=rows.empty,
                     icon=":material/add:"):
        _new_action(planner, lang)


def _action_progress(rows: pd.DataFrame, planner: auth.Planner, lang: str) -> None:
    labels = {r.id: f"{r.id} {r.title_nb if lang == 'nb' else (r.title_en or r.title_nb)}"
              for r in rows.itertuples()}
    chosen = st.selectbox(t("workbench.action.choose", lang), list(labels),
                          format_func=labels.get, key="wb_action_id")
    row = rows.loc[chosen]
    with st.form(f"wb_action_{chosen}"):
        percent = st.number_input(t("workbench.action.percent", lang), min_value=0.0,
                                  max_value=100.0, step=5.0, format="%g",
                                  value=float(row["percent_complete"] or 0),
                                  key=f"wb_action_percent_{chosen}")
        note = st.text_input(t("workbench.action.note", lang), value=row["note"], max_chars=300,
                             key=f"wb_action_note_{chosen}")
        saved = st.form_submit_button(t("workbench.save", lang), type="primary",
                                      icon=":material/save:")
    if saved:
        summary = t("workbench.summary.action", lang, id=chosen, percent=f"{percent:g}")
        _save(lambda: plan_edit.edit_row(data.db_path(), data.model(), "actions", {"id": chosen},
                                         {"percent_complete": percent, "note": note},
                                         user=planner.name, summary=summary, lang=lang),
              summary, "actions", lang)


NEW_ACTION_KEYS = tuple(f"wb_new_{name}" for name in ("id", "title_nb", "title_en", "start", "end",
                                                       "owner", "owner_email", "goal", "percent",
                                                       "note"))


def _new_action(planner: auth.Planner, lang: str) -> None:
    plan = data.model()
    goals = {"": t("workbench.action.no_goal", lang),
             **{g.id: f"{g.id} {g.name.get(lang)}" for g in plan.goals}}
    with st.form("wb_action_new", clear_on_submit=False):
        left, right = st.columns([1, 3])
        action_id = left.text_input(t("workbench.action.id", lang), max_chars=40,
                                    placeholder="T-01", key="wb_new_id")
        title_nb = right.text_input(t("workbench.action.title_nb", lang), max_chars=200,
                                    key="wb_new_title_nb")
        title_en = st.text_input(t("workbench.action.title_en", lang), max_chars=200,
                                 key="wb_new_title_en")
        left, right = st.columns(2)
        start = left.date_input(t("workbench.start", lang), value=None, min_value=DATE_RANGE[0],
                                max_value=DATE_RANGE[1], format=DATE_FORMAT, key="wb_new_start")
        end = right.date_input(t("workbench.end", lang), value=None, min_value=DATE_RANGE[0],
                               max_value=DATE_RANGE[1], format=DATE_FORMAT, key="wb_new_end")
        left, right = st.columns(2)
        owner = left.text_input(t("workbench.action.owner", lang), max_chars=120,
                                key="wb_new_owner")
        # The worklist's reminders go to this address (`python -m indicators due`).
        owner_email = right.text_input(t("workbench.action.owner_email", lang), max_chars=200,
                                       placeholder="navn@akershusfk.no", key="wb_new_owner_email")
        goal = st.selectbox(t("workbench.action.goal", lang), list(goals),
                            format_func=goals.get, key="wb_new_goal")
        percent = st.number_input(t("workbench.action.percent", lang), min_value=0.0,
                                  max_value=100.0, step=5.0, value=0.0, format="%g",
                                  key="wb_new_percent")
        note = st.text_input(t("workbench.action.note", lang), max_chars=300, key="wb_new_note")
        saved = st.form_submit_button(t("workbench.action.add_button", lang), type="primary",
                                      icon=":material/add:")
    if saved:
        row = {"id": action_id, "title_nb": title_nb, "title_en": title_en, "start": start,
               "end": end, "owner": owner, "owner_email": owner_email,
               "percent_complete": percent, "goal_id": goal, "note": note}
        summary = t("workbench.summary.new_action", lang, id=action_id.strip())
        _save(lambda: plan_edit.add_row(data.db_path(), data.model(), "actions", row,
                                        user=planner.name, summary=summary, lang=lang),
              summary, "actions", lang, clear=NEW_ACTION_KEYS)


def _grants(planner: auth.Planner, lang: str) -> None:
    rows = _rows("grants")
    if rows.empty:
        st.info(t("workbench.grant.none", lang), icon=":material/info:")
        return
    plan = data.model()
    areas = {"": t("workbench.grant.no_area", lang),
             **{f.id: f.name.get(lang) for f in plan.focus_areas}}

    def label(i: int) -> str:
        r = rows.iloc[i]
        scheme = plan.scheme(r["scheme_id"])
        who = " – ".join(p for p in (r["recipient"], r["project"]) if p)
        return f"{r['year']} · {scheme.short if scheme else r['scheme_id']} · {who}"

    chosen = st.selectbox(t("workbench.grant.choose", lang), range(len(rows)), format_func=label,
                          key="wb_grant_row")
    row = rows.iloc[chosen]
    with st.form(f"wb_grant_{chosen}"):
        area = st.selectbox(t("workbench.grant.area", lang), list(areas), format_func=areas.get,
                            index=list(areas).index(row["focus_area_id"])
                            if row["focus_area_id"] in areas else 0,
                            key=f"wb_grant_area_{chosen}")
        basis = st.radio(t("workbench.grant.basis", lang), BASIS_VALUES,
                         index=BASIS_VALUES.index(row["focus_area_basis"] or "assessed"),
                         format_func=lambda b: t(f"workbench.grant.basis.{b}", lang),
                         key=f"wb_grant_basis_{chosen}")
        saved = st.form_submit_button(t("workbench.save", lang), type="primary",
                                      icon=":material/save:")
    if saved:
        summary = t("workbench.summary.grant", lang, who=label(chosen),
                    area=areas[area] if area else "–")
        _save(lambda: plan_edit.edit_row(data.db_path(), plan, "grants", plan_edit.grant_key(row),
                                         {"focus_area_id": area, "focus_area_basis": basis},
                                         user=planner.name, summary=summary, lang=lang),
              summary, "grants", lang, {"aar": str(row["year"])})
