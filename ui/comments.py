"""The comment on an indicator's latest period: shown as plain text, written by a logged-in planner."""

from __future__ import annotations

import streamlit as st

from indicators import comments, store
from indicators.i18n import format_period, t
from indicators.ingest.tables import COMMENT_MAX
from indicators.model import Indicator, PlanModel
from indicators.progress import Assessment
from ui import auth, data, guard
from ui.widgets import md_escape

FLASH = "comment_flash"


def show(plan: PlanModel, indicator: Indicator, assessment: Assessment, period: str | None,
         lang: str) -> None:
    """The latest period's comment with author and date; a Forverring without one asks for it;
    planners write or replace it below; comments on earlier periods in an expander."""
    if period is None:
        return
    frame = data.query(store.comments, indicator.id)
    current = comments.of(frame, indicator.id, period)
    shown_period = format_period(period, lang)
    st.subheader(t("comments.heading", lang))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    if current is not None:
        _comment(current, lang)
    else:
        st.caption(t("comments.none", lang, period=shown_period))
    ask = comments.wanted(assessment, current)
    if ask:
        st.warning(t("comments.ask", lang, period=shown_period), icon=":material/edit_note:")
    # Without any planner log-in set up nobody can write: readers are not shown how to set it up.
    if auth.mode() != "closed":
        with st.expander(t("comments.write", lang), expanded=ask, icon=":material/edit:"):
            planner = auth.gate(lang, "comments.login_needed")
            if planner is not None:
                _form(plan, indicator, period, current, planner, lang)
    older = comments.earlier(frame, indicator.id, period)
    if older:
        with st.expander(t("comments.earlier", lang)):
            for comment in older:
                _comment(comment, lang)


def ask_after_import(plan: PlanModel, indicator_ids: list[str], lang: str) -> None:
    """After an import: each touched indicator now at Forverring with no comment on its latest
    period asks for one, with a link to where it is written (its page)."""
    assessments = data.assessments()
    for indicator_id in indicator_ids:
        indicator, assessment = plan.indicator(indicator_id), assessments.get(indicator_id)
        if indicator is None or assessment is None or assessment.status != "deterioration":
            continue
        latest = data.query(store.latest, [(indicator_id, indicator.headline_region)])
        period = str(latest["period"].iat[0]) if not latest.empty else None
        frame = data.query(store.comments, indicator_id)
        if period is None or not comments.wanted(assessment, comments.of(frame, indicator_id,
                                                                         period)):
            continue
        st.warning(t("comments.ask_after_import", lang, name=indicator.name.get(lang),
                     period=format_period(period, lang)), icon=":material/edit_note:")
        st.page_link("app_pages/indikator.py", label=t("comments.write_for", lang,
                                                       name=indicator.name.get(lang)),
                     query_params={"id": indicator_id, "lang": lang}, icon=":material/edit:")


def _comment(comment: comments.Comment, lang: str) -> None:
    """Plain text, never markdown: a comment is what a planner typed, shown as typed."""
    st.caption(md_escape(comments.byline(comment, lang)))
    st.markdown(md_escape(comment.text))


def author(planner: auth.Planner) -> str:
    """The name a comment is signed with: the log-in's name when the provider gives one."""
    name = st.user.get("name") if planner.method == "oidc" else None
    return str(name).strip() if isinstance(name, str) and name.strip() else planner.name


def _form(plan: PlanModel, indicator: Indicator, period: str, current: comments.Comment | None,
          planner: auth.Planner, lang: str) -> None:
    with st.form(f"comment_{indicator.id}"):
        text = st.text_area(t("comments.field", lang, period=format_period(period, lang)),
                            value=current.text if current else "", max_chars=COMMENT_MAX,
                            help=t("comments.field_help", lang, max=COMMENT_MAX))
        saved = st.form_submit_button(t("comments.save", lang), type="primary",
                                      icon=":material/save:")
    if not saved:
        return
    try:
        done = comments.add(data.db_path(), plan, indicator.id, period, text, author(planner))
    except comments.CommentError as error:
        st.error(md_escape(error.message(lang)), icon=":material/error:")
        return
    except store.StoreError as error:
        st.error(guard.store_error_text(error, lang), icon=":material/error:")
        return
    st.session_state[FLASH] = (t("comments.saved", lang, id=done.import_id)
                               if done.import_id is not None else t("comments.unchanged", lang))
    st.rerun()
