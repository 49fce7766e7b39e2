"""Delmål: one goal quoted, its status, and a card per indicator with value, trend and source."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from indicators import charts, explain, store, views
from indicators.assessment import rollups
from indicators.i18n import format_period, format_value, t
from indicators.model import Indicator
from indicators.progress import Assessment
from indicators.verdict import rollup_text
from ui import built, data, guard, state
from ui.widgets import md_escape, page_link_html, rollup_block, status_html

CARDS_PER_ROW = 3

lang = state.lang()
plan = data.model()
goal_ids = [g.id for g in plan.goals]
labels = {g.id: f"{g.id} {g.name.get(lang)}" for g in plan.goals}

asked = state.param("goal")
if asked is not None and asked not in goal_ids:
    st.error(t("goalpage.unknown", lang, id=asked, first=goal_ids[0]), icon=":material/error:")
chosen = st.radio(t("goalpage.choose", lang), goal_ids,
                  index=goal_ids.index(state.choice("goal", goal_ids, goal_ids[0])),
                  format_func=labels.get, horizontal=True, key=state.url_key("goal_choice"))
state.set_param("goal", chosen)
goal = plan.goal(chosen)

st.title(t("goal.heading", lang, id=goal.id, name=goal.name.get(lang)))
st.caption(t("goalpage.quote_intro", lang))
st.markdown(f"> {md_escape(goal.text.get(lang))}")

if data.version() is None:
    guard.no_database(lang)
    st.stop()

assessed = data.assessments()
goal_status = {g.id: g for g in rollups(plan, assessed)["goal"]}[goal.id]
st.subheader(t("goalpage.status", lang))
st.markdown(rollup_block(rollup_text(plan, goal_status.rollup, assessed, lang), lang),
            unsafe_allow_html=True)
st.page_link("app_pages/metode.py", label=t("goalpage.method_link", lang), icon=":material/functions:",
             query_params={"lang": lang})

themes = [theme for theme in plan.themes if goal.id in theme.goals]
if themes:
    links = ", ".join(page_link_html(theme.name.get(lang), f"plantema?lang={lang}#{theme.id}")
                      for theme in themes)
    st.markdown(f"{t('goalpage.themes', lang)} {links}", unsafe_allow_html=True)


def build_sparkline(rows: pd.DataFrame, region: str) -> tuple | None:
    """The sparkline, its alternative text and its span; None when there is nothing to draw."""
    rows = rows[rows["value"].notna()]
    if len(rows) < 2:
        return None
    first = format_period(rows["period"].iloc[0], lang)
    last = format_period(rows["period"].iloc[-1], lang)
    alt = t("goalpage.sparkline_alt", lang, region=region, first=first, last=last)
    return charts.sparkline(rows), alt, f"{first}–{last}"


def sparkline(indicator: Indicator, rows: pd.DataFrame, region: str) -> None:
    """The headline series as a small static line; left out when there is nothing to draw."""
    part = built.shared("goal.sparkline", (indicator.id, lang), lambda: build_sparkline(rows, region))
    if part is None:
        return
    fig, alt, span = part
    st.plotly_chart(fig, key=f"spark_{indicator.id}", alt=alt,
                    config={"staticPlot": True, "displayModeBar": False})
    st.caption(span)


def target_line(indicator: Indicator) -> None:
    target = indicator.target
    if target is None:
        return
    text = t("target.label", lang, year=target.year,
             value=format_value(target.value, indicator.unit, lang))
    status = explain.target_state(target, lang)
    st.markdown(f":material/flag: {t('goalpage.target', lang, target=text, status=md_escape(status))}")


def card_head(indicator: Indicator, summary: views.Summary, assessment: Assessment) -> str:
    """Status, name and the latest value as one HTML block (a metric would cut long values off)."""
    title = html.escape(f"{indicator.id} {indicator.name.get(lang)}")
    parts = [f"<div>{status_html(assessment.status, lang)}</div>",
             f'<h3 style="font-size:1.15rem;line-height:1.35;padding:0.4rem 0 0.5rem">{title}</h3>']
    if summary.has_data:
        value = html.escape(views.value_text(summary, lang))
        parts.append(f'<p style="font-size:1.75rem;font-weight:600;line-height:1.2;margin:0">'
                     f"{value}</p>")
    return "<div>" + "".join(parts) + "</div>"


def card(indicator: Indicator, summary: views.Summary, assessment: Assessment,
         rows: pd.DataFrame) -> None:
    """One indicator: status, name, latest value and change, trend, target, source and a link."""
    st.markdown(card_head(indicator, summary, assessment), unsafe_allow_html=True)
    if summary.has_data:
        region = plan.region_name(summary.region_code, lang)
        change = views.change_text(summary, lang)
        st.caption(" · ".join(p for p in (f"{region}, {views.period_text(summary, lang)}", change) if p))
        sparkline(indicator, rows, region)
        if assessment.status == "not_available" and assessment.reason:
            st.caption(explain.sentence(indicator, assessment, lang))
    else:
        # Said once: "Ingen tall ennå." and, where the model says it, where they will come from.
        note = indicator.data_note.get(lang) if indicator.data_note else ""
        st.info(f"**{t('goalpage.no_data', lang)}** {note}".strip(), icon=":material/info:")
    target_line(indicator)
    source = views.source_text(indicator, lang)
    if summary.has_data:
        source = t("goalpage.source", lang, source=source, dates=views.dates_text(summary, lang))
    st.caption(source)
    st.page_link("app_pages/indikator.py", label=t("goalpage.open", lang, id=indicator.id),
                 icon=":material/show_chart:", query_params={"id": indicator.id, "lang": lang})


st.header(t("goalpage.indicators", lang))
pairs = views.headline_pairs(plan)
by_id = views.summaries(plan, data.query(store.latest, pairs))
series = data.query(store.headline_observations, pairs)
ids = list(goal.indicators)
for start in range(0, len(ids), CARDS_PER_ROW):
    for column, indicator_id in zip(st.columns(CARDS_PER_ROW), ids[start:start + CARDS_PER_ROW],
                                    strict=False):
        with column, st.container(border=True):
            card(plan.indicator(indicator_id), by_id[indicator_id], assessed[indicator_id],
                 series[series["indicator_id"] == indicator_id])
