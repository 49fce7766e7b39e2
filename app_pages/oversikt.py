"""Oversikt: the vision, the three goals quoted, and each goal's indicators at a glance."""

from __future__ import annotations

from datetime import date
from html import escape

import streamlit as st

from indicators import funding as plan_funding
from indicators import store
from indicators import timeline as plan_timeline
from indicators.assessment import rollups
from indicators.i18n import quoted, t, t_n
from indicators.verdict import rollup_text
from indicators.views import headline_pairs, summaries, summary_row
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

st.title(t("app.title", lang))
st.markdown(t("app.subtitle", lang))
st.markdown(f"**{t('vision.label', lang)}:** {quoted(plan.vision.get(lang), lang)}")

if data.version() is None:
    guard.no_database(lang)
    st.stop()

latest = data.query(store.latest, headline_pairs(plan))
by_id = summaries(plan, latest)
assessed = data.assessments()
goal_status = {g.id: g for g in rollups(plan, assessed)["goal"]}

for goal in plan.goals:
    st.header(t("goal.heading", lang, id=goal.id, name=goal.name.get(lang)), anchor=goal.id)
    st.markdown(f"> {md_escape(goal.text.get(lang))}")
    st.markdown(rollup_block(rollup_text(plan, goal_status[goal.id].rollup, assessed, lang), lang),
                unsafe_allow_html=True)
    rows = [summary_row(plan, by_id[i], assessed[i], lang) for i in goal.indicators]
    header = ["col.indicator", "col.value", "dates.col.period", "col.region", "col.change",
              "col.status", "col.source"]
    cells = []
    for row in rows:
        source = escape(row["source"]) + (f" ({escape(row['dates'])})" if row["dates"] else "")
        cells.append([indicator_link(row["id"], row["name"], lang), escape(row["value"]),
                      escape(row["period"]), escape(row["region"]), escape(row["change"]),
                      status_html(row["status"], lang) + status_note(row), source])
    # A card per indicator on a phone, where seven columns ran off the screen.
    st.markdown(card_table([t(h, lang) for h in header], cells), unsafe_allow_html=True)
    with_data = sum(by_id[i].has_data for i in goal.indicators)
    st.caption(t_n("goal.data_count", len(goal.indicators), lang, with_data=with_data))

# ---- Grants and the next milestones (Tilskudd and Tidslinje have the details) ------------------
st.header(t("funding.overview_heading", lang), anchor="tilskudd")
grant_totals = data.query(store.read_table, "funding")
if len(grant_totals):
    grant_year = int(grant_totals["year"].max())
    st.markdown(plan_funding.totals_sentence(plan, grant_totals, grant_year, lang)
                + " " + page_link_html(t("funding.overview_link", lang), f"tilskudd?lang={lang}"),
                unsafe_allow_html=True)
plan_today = date.today()
next_items = plan_timeline.upcoming(plan_timeline.timeline_items(
    plan, data.query(store.read_table, "milestones"), data.query(store.read_table, "actions"),
    plan_today, lang), plan_today, 3)
st.markdown(f"**{t('timeline.next_heading', lang)}**\n\n" + "\n".join(
    f"- **{plan_timeline.when_text(i.start, i.end, lang)}**: {md_escape(i.title)}"
    + (f" ({t('timeline.cycle_note', lang)})" if i.generated else "") for i in next_items)
    + "\n\n" + page_link_html(t("timeline.overview_link", lang), f"tidslinje?lang={lang}"),
    unsafe_allow_html=True)
