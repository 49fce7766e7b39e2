"""Indikator: one indicator's trend against its target, its municipalities, the method and the source."""

from __future__ import annotations

from datetime import date

import streamlit as st

from indicators import charts, county_rank, explain, export, store, views
from indicators.i18n import format_period, quoted, t
from ui import built, data, feasibility, guard, state
from ui import comments as comment_box
from ui.widgets import chart_card, chart_downloads, md_escape, status_badge, table_view

lang = state.lang()
plan = data.model()
ids = plan.indicator_ids()
labels = {i.id: f"{i.id} {i.name.get(lang)}" for i in plan.indicators}

# A link to an id that does not exist says so, instead of quietly showing another indicator.
asked = state.param("id")
unknown = asked is not None and asked not in ids
if unknown:
    st.error(t("indicator.unknown", lang, id=asked), icon=":material/error:")
chosen = st.selectbox(t("indicator.choose", lang), ids,
                      index=None if unknown else ids.index(state.choice("id", ids, ids[0])),
                      format_func=labels.get, key=state.url_key("indicator_choice"),
                      placeholder=t("indicator.choose_placeholder", lang))
if chosen is None:
    st.stop()
state.set_param("id", chosen)
indicator = plan.indicator(chosen)
goal = plan.goal_of(chosen)

st.title(labels[chosen])
st.page_link("app_pages/delmal.py", label=t("indicator.goal", lang, id=goal.id) + ": "
             + goal.name.get(lang), query_params={"goal": goal.id, "lang": lang},
             icon=":material/flag:")
st.markdown(quoted(md_escape(goal.text.get(lang)), lang))

frame = data.query(store.observations, chosen, views.page_regions(plan, indicator))
assessment = data.assessments()[chosen]
summary = views.summaries(plan, data.query(store.latest, [(chosen, indicator.headline_region)]))[chosen]

if indicator.headline_region == "02":
    st.warning(t("indicator.headline_02", lang), icon=":material/history:")
if assessment.stale:
    st.warning(t("indicator.stale", lang, period=views.period_text(summary, lang)
                 or assessment.current_year), icon=":material/hourglass_bottom:")


def show_headline() -> None:
    region = plan.region_name(summary.region_code, lang)
    left, right = st.columns([2, 3])
    left.metric(t("indicator.latest", lang, region=region, period=views.period_text(summary, lang)),
                views.value_text(summary, lang), delta=views.change_text(summary, lang) or None,
                delta_color="off", delta_arrow="off")
    left.caption(views.dates_text(summary, lang))
    with right:
        status_badge(assessment.status, lang, stale_label())
        st.markdown(explain.sentence(indicator, assessment, lang))
        if indicator.target:
            st.caption(explain.target_label(indicator, lang))
            feasibility.show(indicator, lang)  # is the target within what the data has shown?


def show_rank() -> None:
    """Akershus's place among today's counties in the latest period, once all are fetched."""
    counties = data.query(store.observations, chosen, county_rank.current_counties(plan))
    place = county_rank.rank(plan, indicator, counties)
    if place is not None:
        st.markdown(f":material/leaderboard: **{place.text(lang)}**")


def stale_label() -> str | None:
    """On old figures the badge names their years: "På rett spor i 2005–2006 (for gamle tall)"."""
    return explain.stale_badge(assessment, lang)


def build_trend() -> tuple:
    """The trend figure, its one-value card (or None), table, summary, and whether it projects."""
    # The same figure as the PNG, the embed and the CLI: breaks marked, one value as a card.
    fig = export.trend_figure(plan, export.IndicatorData(indicator, frame, summary, assessment), lang)
    projected = any(trace.name == t("explain.projection", lang) for trace in fig.data)
    card = views.one_value(plan, indicator, frame, lang)
    if card is not None:
        return fig, card, None, "", projected
    trend = views.trend_data(plan, indicator, frame, lang)
    return (fig, None, views.trend_table(trend, indicator.unit, lang),
            views.trend_summary(plan, indicator, trend, lang), projected)


def show_trend() -> None:
    fig, card, table, text, projected = built.shared("indicator.trend", (chosen, lang), build_trend)
    if card is not None:
        show_one_value(card, fig)
        return
    st.subheader(t("indicator.chart_heading", lang))
    chart_card(fig, table, text, lang, key="trend")
    # Each note only beside what it explains: a status (not for a context indicator) and a
    # drawn "Hvis trenden fortsetter" line.
    if indicator.frequency in explain.SUB_ANNUAL and assessment.status != "not_assessed":
        st.caption(t("explain.annual_means", lang))
    if projected:
        st.caption(t("explain.projection_note", lang))


def show_one_value(card: charts.ValueCard, fig: object) -> None:
    """One figure is not a trend: the value, where and when it is from, and its source."""
    st.subheader(card.heading)
    with st.container(border=True):
        st.metric(card.place, card.value)
        st.caption(card.source)
        st.caption(card.note)
    chart_downloads(fig, export.slug(fig), lang, key="trend")


def show_comment() -> None:
    """A planner's word on the latest period (why it moved), asked for when it is Forverring."""
    comment_box.show(plan, indicator, assessment, summary.period, lang)


def show_method() -> None:
    with st.expander(t("explain.heading", lang), icon=":material/calculate:"):
        st.markdown(t("explain.intro", lang))
        st.markdown(explain.sentence(indicator, assessment, lang))
        table_view(explain.calculation_rows(indicator, assessment, lang))
        st.page_link("app_pages/metode.py", label=t("nav.method", lang), query_params={"lang": lang},
                     icon=":material/functions:")


def build_municipal(period: str, newest: str) -> tuple:
    """One period's map, ranked bars, table and summary, and the note when it is not the
    county's newest period."""
    rows = views.municipal_rows(plan, frame, period)
    names = views.municipal_names(plan, lang)
    title = t("regional.map_title", lang, name=indicator.name.get(lang),
              period=format_period(period, lang))
    # Said on the page and in the figure (so in its PNG too) when the municipal figures stop
    # before the county's: a reader must not take an old map for today's.
    note = views.municipal_period_note(newest, summary.period, lang)
    text = views.chart_text(indicator, summary, note, lang, title=title, period=period)
    summary_text = views.municipal_summary(rows, names, indicator.unit, period, lang,
                                           word=indicator.word(lang))
    return (charts.choropleth(rows, names, indicator.unit, text, lang),
            charts.ranked_bars(rows, names, indicator.unit, text, lang),
            views.municipal_table(rows, names, indicator.unit, lang), summary_text, note)


def show_municipalities() -> None:
    st.subheader(t("regional.heading", lang))
    periods = built.shared("indicator.municipal_periods", (chosen,),
                           lambda: views.municipal_periods(plan, frame))
    if not periods:
        st.caption(t("regional.none", lang))
        return
    period = st.selectbox(t("regional.period", lang), periods,
                          index=periods.index(state.choice("periode", periods, periods[0])),
                          format_func=lambda p: format_period(p, lang), key=state.url_key("period_choice"))
    state.set_param("periode", period if period != periods[0] else None)
    map_fig, bars_fig, table, summary_text, note = built.shared(
        "indicator.municipal", (chosen, period, lang), lambda: build_municipal(period, periods[0]))
    if note:
        st.info(note, icon=":material/date_range:")
    map_tab, bar_tab = st.tabs([t("regional.map_tab", lang), t("regional.bar_tab", lang)])
    with map_tab:
        chart_card(map_fig, table, summary_text, lang, key="map")
    with bar_tab:
        chart_card(bars_fig, table, summary_text, lang, key="bars")


def show_figures() -> None:
    st.subheader(t("indicator.table_heading", lang))
    # One area at a time: 30 years of months for 24 areas is a table nobody reads, and the page
    # would pay for all of it on every visit. The file below has every stored figure.
    present = set(frame["region_code"].unique())
    areas = [c for c in views.page_regions(plan, indicator) if c in present]
    area = st.selectbox(t("indicator.table_area", lang), areas,
                        index=areas.index(state.choice("omrade", areas, areas[0])),
                        format_func=lambda c: plan.region_name(c, lang), key=state.url_key("figures_area"))
    state.set_param("omrade", area if area != areas[0] else None)
    st.caption(t("indicator.table_scope", lang))
    table_view(built.shared("indicator.figures", (chosen, area, lang), lambda: views.observation_table(
        plan, frame[frame["region_code"] == area], indicator.unit, lang)))
    # Every stored row, all areas and series: made when asked for, so the page stays fast.
    st.download_button(t("indicator.download_csv", lang),
                       lambda: views.observations_csv(data.query(store.all_observations, chosen), indicator),
                       file_name=f"{chosen}.csv", mime="text/csv", icon=":material/download:")


def show_about() -> None:
    st.subheader(t("indicator.about_heading", lang))
    table_view(views.metadata_table(indicator, summary, lang))
    if summary.has_data:
        st.markdown(views.dates_text(summary, lang))
    # When the next figures are due follows from the headline's latest period, as "Tall for".
    text, late = explain.freshness(indicator, summary.period, date.today(), lang,
                                   plan.region(summary.region_code))
    st.markdown(text)
    if late:
        st.badge(t("explain.overdue", lang), icon=":material/schedule:", color="orange")
        st.caption(late)
    # With no figures at all the note already stands under "no figures yet" at the top.
    if indicator.data_note and frame is not None and not frame.empty:
        st.caption(f"**{t('indicator.what_missing', lang)}:** {indicator.data_note.get(lang)}")


if frame is None:
    guard.no_database(lang)  # missing or unreadable: say so, not "no data yet"
elif frame.empty:
    st.info(t("indicator.no_data", lang) + (" " + indicator.data_note.get(lang)
                                            if indicator.data_note else ""),
            icon=":material/info:")
else:
    # A section that fails says so in one sentence; the sections after it still show.
    for section in (show_headline, show_rank, show_comment, show_trend, show_method, show_municipalities,
                    show_figures):
        with guard.net(lang):
            section()
with guard.net(lang):
    show_about()
