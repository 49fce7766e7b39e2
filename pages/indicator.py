"""Indikator: one indicator's trend for Akershus, Oslo and Norway, its figures and where they come from."""

from __future__ import annotations

import streamlit as st

from indicators import charts, views
from indicators.i18n import format_date, t
from ui import data, state
from ui.widgets import chart_card, md_escape, status_badge

lang = state.lang()
plan = data.model()
ids = plan.indicator_ids()
labels = {i.id: f"{i.id} {i.name.get(lang)}" for i in plan.indicators}

chosen = st.selectbox(t("indicator.choose", lang), ids, index=ids.index(state.choice("id", ids, ids[0])),
                      format_func=labels.get, key="indicator_choice")
state.set_param("id", chosen)
indicator = plan.indicator(chosen)
goal = plan.goal_of(chosen)

st.title(labels[chosen])
st.markdown(t("indicator.goal", lang, id=goal.id) + f": «{md_escape(goal.text.get(lang))}»")

frame = data.query("observations", chosen)
assessment = data.assessments()[chosen]
summary = views.summaries(plan, data.query("latest", [(chosen, indicator.headline_region)]))[chosen]

if indicator.headline_region == "02":
    st.warning(t("indicator.headline_02", lang), icon=":material/history:")

if frame is None or frame.empty:
    st.info(t("indicator.no_data", lang) + " " + indicator.data_note.get(lang)
            if indicator.data_note else t("indicator.no_data", lang), icon=":material/info:")
else:
    region = views.region_name(plan, summary.region_code, lang)
    st.metric(t("indicator.latest", lang, region=region, period=views.period_text(summary, lang)),
              views.value_text(summary, lang), delta=views.change_text(summary, lang) or None,
              delta_color="off")
    status_badge(assessment.status, lang)
    st.subheader(t("indicator.chart_heading", lang))
    trend = views.trend_data(plan, indicator, frame, lang)
    chart_card(charts.trend(trend.frame, trend.names, indicator.unit,
                            views.chart_text(indicator, summary, trend, lang), lang),
               views.trend_table(trend, indicator.unit, lang),
               views.trend_summary(plan, indicator, trend, lang), lang, key="trend")

    st.subheader(t("indicator.table_heading", lang))
    table = views.observation_table(plan, frame, indicator.unit, lang)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(t("indicator.download_csv", lang), views.observations_csv(frame, indicator),
                       file_name=f"{chosen}.csv", mime="text/csv", icon=":material/download:")

st.subheader(t("indicator.about_heading", lang))
st.table(views.metadata_table(indicator, summary, lang), hide_index=True)
if indicator.data_note:
    st.caption(f"**{t('indicator.what_missing', lang)}:** {indicator.data_note.get(lang)}")
if indicator.source.updated:
    st.caption(f"{t('col.updated', lang)}: {format_date(indicator.source.updated, lang)}")
