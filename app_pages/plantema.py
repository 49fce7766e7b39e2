"""Plantema: the seven proposed themes of the regional plan, with their goals, indicators and status."""

from __future__ import annotations

from html import escape

import streamlit as st

from indicators import store, views
from indicators.assessment import rollups
from indicators.i18n import t, t_n
from indicators.model import Theme
from indicators.verdict import rollup_text
from ui import data, guard, state
from ui.phone import card_table
from ui.widgets import (
    indicator_link,
    md_escape,
    page_link_html,
    rollup_block,
    status_html,
    status_note,
)

lang = state.lang()
plan = data.model()

st.title(t("themes.title", lang))
st.markdown(t("themes.intro", lang))

if data.version() is None:
    guard.no_database(lang)
    st.stop()

assessed = data.assessments()
theme_status = {g.id: g for g in rollups(plan, assessed)["theme"]}
by_id = views.summaries(plan, data.query(store.latest, views.headline_pairs(plan)))


def goal_links(theme: Theme) -> str:
    links = []
    for goal_id in theme.goals:
        goal = plan.goal(goal_id)
        links.append(page_link_html(f"{goal.id} {goal.name.get(lang)}",
                                    f"delmal?goal={goal.id}&lang={lang}"))
    return f"**{t('themes.goals', lang)}:** " + ", ".join(links)


def nowrap(text: str) -> str:
    return text.replace(" ", "\xa0")


def indicator_table(theme: Theme) -> str:
    """The theme's indicators as a table (a card each on a phone): name (linked), status, value,
    period, area."""
    header = ["col.indicator", "col.status", "col.value", "dates.col.period", "col.region"]
    cells = []
    for indicator_id in theme.indicators:
        row = views.summary_row(plan, by_id[indicator_id], assessed[indicator_id], lang)
        region = escape(row["region"]) if by_id[indicator_id].has_data else ""
        # Values and periods stay on one line; the name and the area may wrap.
        cells.append([indicator_link(row["id"], row["name"], lang),
                      status_html(row["status"], lang) + status_note(row),
                      escape(nowrap(row["value"])), escape(nowrap(row["period"])), region])
    return card_table([t(h, lang) for h in header], cells)


for theme in plan.themes:
    st.header(theme.name.get(lang), anchor=theme.id)
    if theme.description:
        st.markdown(md_escape(theme.description.get(lang)))
    st.markdown(goal_links(theme), unsafe_allow_html=True)
    rollup = theme_status[theme.id].rollup
    st.markdown(f"**{t('themes.status', lang)}:** "
                + rollup_block(rollup_text(plan, rollup, assessed, lang), lang),
                unsafe_allow_html=True)
    # A theme with nothing counted says so once, in the roll-up's list of what is left out.
    with_data = sum(by_id[i].has_data for i in theme.indicators)
    st.markdown(indicator_table(theme), unsafe_allow_html=True)
    if with_data:
        st.caption(t_n("goal.data_count", len(theme.indicators), lang, with_data=with_data))
