"""Indikator: one indicator's trend against its target, its municipalities, the method and the source."""

from __future__ import annotations

from datetime import date

import streamlit as st

from indicators import charts, explain, views
from indicators.i18n import format_date, format_period, t
from ui import data, state
from ui.widgets import chart_card, md_escape, status_badge, table_view

lang = state.lang()
plan = data.model()
ids = plan.indicator_ids()
labels = {i.id: f"{i.id} {i.name.get(lang)}" for i in plan.indicators}

chosen = st.selectbox(t("indicator.choose", lang), ids,
                      index=ids.index(state.choice("id", ids, ids[0])),
                      format_func=labels.get, key="indicator_choice")
state.set_param("id", chosen)
indicator = plan.indicator(chosen)
goal = plan.goal_of(chosen)

st.title(labels[chosen])
st.page_link("app_pages/delmal.py", label=t("indicator.goal", lang, id=goal.id) + ": "
             + goal.name.get(lang), query_params={"goal": goal.id, "lang": lang},
             icon=":material/flag:")
st.markdown(f"«{md_escape(goal.text.get(lang))}»")

frame = data.query("observations", chosen, views.page_regions(plan, indicator))
assessment = data.assessments()[chosen]
summary = views.summaries(plan, data.query("latest", [(chosen, indicator.headline_region)]))[chosen]

if indicator.headline_region == "02":
    st.warning(t("indicator.headline_02", lang), icon=":material/history:")


def show_headline() -> None:
    region = plan.region_name(summary.region_code, lang)
    left, right = st.columns([2, 3])
    left.metric(t("indicator.latest", lang, region=region, period=views.period_text(summary, lang)),
                views.value_text(summary, lang), delta=views.change_text(summary, lang) or None,
                delta_color="off", delta_arrow="off")
    with right:
        status_badge(assessment.status, lang)
        st.markdown(explain.sentence(indicator, assessment, lang))
        if indicator.target:
            st.caption(explain.target_label(indicator, lang))


def show_trend() -> None:
    st.subheader(t("indicator.chart_heading", lang))
    trend = views.trend_data(plan, indicator, frame, lang)
    fig = charts.trend(trend.frame, trend.names, indicator.unit,
                       views.chart_text(indicator, summary, views.trend_span(trend, lang), lang),
                       lang)
    if indicator.direction != "none":
        charts.with_overlay(fig, explain.overlay(indicator, frame, assessment, lang),
                            indicator.unit, lang)
    chart_card(fig, views.trend_table(trend, indicator.unit, lang),
               views.trend_summary(plan, indicator, trend, lang), lang, key="trend")
    if indicator.frequency in explain.SUB_ANNUAL:
        st.caption(t("explain.annual_means", lang))
    st.caption(t("explain.projection_note", lang))


def show_method() -> None:
    with st.expander(t("explain.heading", lang), icon=":material/calculate:"):
        st.markdown(t("explain.intro", lang))
        st.markdown(explain.sentence(indicator, assessment, lang))
        table_view(explain.calculation_rows(indicator, assessment, lang))
        st.page_link("app_pages/metode.py", label=t("nav.method", lang), query_params={"lang": lang},
                     icon=":material/functions:")


def show_municipalities() -> None:
    st.subheader(t("regional.heading", lang))
    periods = views.municipal_periods(plan, frame)
    if not periods:
        st.caption(t("regional.none", lang))
        return
    period = st.selectbox(t("regional.period", lang), periods,
                          index=periods.index(state.choice("periode", periods, periods[0])),
                          format_func=lambda p: format_period(p, lang), key="period_choice")
    state.set_param("periode", period if period != periods[0] else None)
    rows = views.municipal_rows(plan, frame, period)
    names = views.municipal_names(plan, lang)
    title = t("regional.map_title", lang, name=indicator.name.get(lang),
              period=format_period(period, lang))
    text = views.chart_text(indicator, summary, "", lang, title=title)
    summary_text = views.municipal_summary(rows, names, indicator.unit, period, lang)
    table = views.municipal_table(rows, names, indicator.unit, lang)
    map_tab, bar_tab = st.tabs([t("regional.map_tab", lang), t("regional.bar_tab", lang)])
    with map_tab:
        chart_card(charts.choropleth(rows, names, indicator.unit, text, lang), table, summary_text,
                   lang, key="map")
    with bar_tab:
        chart_card(charts.ranked_bars(rows, names, indicator.unit, text, lang), table,
                   summary_text, lang, key="bars")


def show_figures() -> None:
    st.subheader(t("indicator.table_heading", lang))
    # One area at a time: 30 years of months for 24 areas is a table nobody reads, and the page
    # would pay for all of it on every visit. The file below has every stored figure.
    present = set(frame["region_code"].unique())
    areas = [c for c in views.page_regions(plan, indicator) if c in present]
    area = st.selectbox(t("indicator.table_area", lang), areas,
                        index=areas.index(state.choice("omrade", areas, areas[0])),
                        format_func=lambda c: plan.region_name(c, lang), key="figures_area")
    state.set_param("omrade", area if area != areas[0] else None)
    st.caption(t("indicator.table_scope", lang))
    table_view(views.observation_table(plan, frame[frame["region_code"] == area], indicator.unit,
                                       lang))
    # Every stored row, all areas and series: made when asked for, so the page stays fast.
    st.download_button(t("indicator.download_csv", lang),
                       lambda: views.observations_csv(data.query("all_observations", chosen), indicator),
                       file_name=f"{chosen}.csv", mime="text/csv", icon=":material/download:")


def show_about() -> None:
    st.subheader(t("indicator.about_heading", lang))
    table_view(views.metadata_table(indicator, summary, lang))
    due = explain.next_update_due(indicator, *_last_period())
    text, overdue = explain.freshness_text(due, date.today(), lang)
    updated = format_date(summary.updated, lang) if summary.updated else "–"
    st.markdown(f"**{t('col.updated', lang)}:** {updated} · {text}")
    if overdue:
        st.badge(t("explain.overdue", lang), icon=":material/schedule:", color="orange")
        st.caption(t("explain.overdue_help", lang))
    if indicator.data_note:
        st.caption(f"**{t('indicator.what_missing', lang)}:** {indicator.data_note.get(lang)}")


def _last_period() -> tuple[int | None, int | None, str | None]:
    """Year, month/quarter and frequency of the newest stored period (None when no data)."""
    if frame is None or frame.empty:
        return None, None, None
    latest = frame.sort_values(["year", "sub"]).iloc[-1]
    sub = None if latest["sub"] is None or str(latest["sub"]) == "<NA>" else int(latest["sub"])
    return int(latest["year"]), sub, latest["freq"]


if frame is None or frame.empty:
    st.info(t("indicator.no_data", lang) + (" " + indicator.data_note.get(lang)
                                            if indicator.data_note else ""),
            icon=":material/info:")
else:
    show_headline()
    show_trend()
    show_method()
    show_municipalities()
    show_figures()
show_about()
