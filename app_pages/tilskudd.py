"""Tilskudd: grant schemes per year, focus areas, the flow to the goals, and the project list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators import charts, store
from indicators import funding as fund
from indicators.charts import ChartText
from indicators.i18n import first_upper, format_number, format_percent, t, t_n
from ui import built, data, guard, state
from ui.phone import frame_cards
from ui.widgets import chart_card, md_escape, table_view

lang = state.lang()
plan = data.model()

st.title(t("funding.title", lang))
st.markdown(t("funding.intro", lang))

if data.version() is None:
    guard.no_database(lang)
    st.stop()

funding = data.query(store.read_table, "funding")
grants = data.query(store.read_table, "grants")
# The years to choose and the municipalities to filter by: the same for every reader.
years, codes = built.shared("funding.choices", (), lambda: (
    fund.years(funding, grants), sorted({c for c in grants["municipality_code"].dropna() if c})))
if not years:
    st.info(t("funding.no_data", lang), icon=":material/info:")
    st.stop()

source_line = built.shared("funding.source", (lang,), lambda: fund.source_line(funding, lang))
year_texts = [str(y) for y in years]
year = int(st.selectbox(t("funding.choose_year", lang), year_texts,
                        index=year_texts.index(state.choice("aar", year_texts, year_texts[0])),
                        key=state.url_key("funding_year")))
state.set_param("aar", str(year))
year_funding = funding[funding["year"] == year]
year_grants = grants[grants["year"] == year]
scheme_names = {s.id: s.name.get(lang) for s in plan.schemes}


def build_glance() -> tuple:
    """The year's key figures as (label, value, help), and its sentence."""
    totals = fund.year_totals(funding, year)
    rate = fund.grant_rate(totals)
    return ([(t("funding.metric.granted", lang),
              fund.amount_text(totals["granted_nok_million"].value, lang), None),
             (t("funding.metric.applied", lang),
              fund.amount_text(totals["applied_nok_million"].value, lang), None),
             (t("funding.metric.rate", lang),
              t("funding.unknown", lang) if rate is None else format_percent(rate, lang, 1), None),
             (t("funding.metric.projects", lang), fund.count_text(totals["projects"].value, lang),
              t("funding.metric.applications_help", lang,
                n=fund.count_text(totals["applications"].value, lang)))],
            fund.totals_sentence(plan, funding, year, lang))


def build_focus_words() -> tuple[str, str]:
    """The focus areas' introduction, and their source line, which says when we placed projects
    on focus areas ourselves."""
    intro = (t("funding.focus_intro", lang, listed=len(year_grants),
               total=fund.count_text(fund.year_totals(funding, year)["projects"].value, lang))
             + " " + fund.basis_sentence(year_grants, lang))
    return intro, fund.source_line(funding, lang, fund.any_assessed(year_grants))


focus_intro, focus_source_line = built.shared("funding.focus_words", (year, lang), build_focus_words)

# ---- the year at a glance -----------------------------------------------------------------------
st.header(t("funding.year_heading", lang, year=year))
if year_funding.empty:
    st.info(t("funding.no_totals", lang, year=year), icon=":material/info:")
else:
    metrics, sentence = built.shared("funding.glance", (year, lang), build_glance)
    # Two by two: "33.4 NOK million" does not fit a quarter of the page.
    columns = [c for _ in range(2) for c in st.columns(2)]
    for column, (label, value, note) in zip(columns, metrics, strict=True):
        column.metric(label, value, help=note)
    st.markdown(sentence)

    def build_schemes() -> tuple:
        table = fund.scheme_table(plan, year_funding)
        return (charts.scheme_bars(table, scheme_names, ChartText(
            t("funding.scheme_chart_title", lang, year=year), first_upper(t("unit.nok_million", lang)),
            source_line), lang),
            fund.scheme_display(plan, table, lang), fund.scheme_summary(plan, table, year, lang))

    chart_card(*built.shared("funding.schemes", (year, lang), build_schemes), lang, key="scheme_bars")
    st.caption(t("funding.rate_rule", lang))

# ---- every year ---------------------------------------------------------------------------------


def build_years() -> tuple:
    all_years = fund.scheme_table(plan, funding)
    return (charts.granted_by_year(all_years, scheme_names, ChartText(
        t("funding.years_chart_title", lang), first_upper(t("unit.nok_million", lang)),
        source_line), lang), fund.scheme_display(plan, all_years, lang),
        t("funding.years_summary", lang, first=min(funding["year"]), last=max(funding["year"])))


if funding["year"].nunique() > 1:
    st.header(t("funding.years_heading", lang))
    chart_card(*built.shared("funding.years", (lang,), build_years), lang, key="years_bars")
else:
    with st.expander(t("funding.all_years_table", lang)):
        table_view(built.shared("funding.years_table", (lang,), lambda: fund.scheme_display(
            plan, fund.scheme_table(plan, funding), lang)))

# ---- focus areas --------------------------------------------------------------------------------
st.header(t("funding.focus_heading", lang, year=year))
st.markdown(focus_intro)


def build_focus() -> tuple:
    rollup = fund.focus_area_rollup(plan, year_grants)
    focus_names = {f: fund.focus_name(plan, f, lang) for f in rollup["focus_area_id"]}
    return (charts.focus_bars(rollup, focus_names, ChartText(
        t("funding.focus_chart_title", lang, year=year), t("funding.focus_chart_subtitle", lang),
        focus_source_line), lang), fund.focus_display(plan, rollup, lang),
        fund.focus_summary(plan, rollup, lang))


chart_card(*built.shared("funding.focus", (year, lang), build_focus), lang, key="focus_bars")

# ---- the flow: scheme → focus area → goal ----------------------------------------------------
st.header(t("funding.flow_heading", lang, year=year))
measures = ["projects", "amount"]
measure = st.radio(t("funding.measure_label", lang), measures,
                   index=measures.index(state.choice("maal", measures, "projects")),
                   format_func=lambda m: t(f"funding.measure.{m}", lang), horizontal=True,
                   key=state.url_key("funding_measure"))
state.set_param("maal", measure)
st.markdown(t("funding.flow_rule", lang))
if measure == "amount" and year_grants["amount_nok_million"].notna().sum() == 0:
    st.info(t("funding.flow_no_amounts", lang, year=year), icon=":material/info:")


def build_flow() -> tuple | None:
    """The flow chart, its table and summary; None when nothing flows."""
    flow = fund.flows(plan, year_grants, year_funding, measure)
    if flow.links.empty:
        return None
    labels = {n: fund.node_label(plan, n, lang) for n in flow.nodes}
    subtitle = t(f"funding.flow_subtitle.{measure}", lang)
    return (charts.sankey(flow.nodes, labels, flow.links, measure, ChartText(
        t("funding.flow_chart_title", lang, year=year), subtitle,
        fund.source_line(funding, lang, flow.assessed())), lang,
        note=fund.flow_note(year_grants, measure, lang)),
        fund.flow_table(plan, flow, measure, lang),
        fund.flow_summary(plan, flow, measure, year, lang))


flow_part = built.shared("funding.flow", (year, measure, lang), build_flow)
if flow_part is None:
    st.info(t("funding.flow_empty", lang), icon=":material/info:")
else:
    chart_card(*flow_part, lang, key="sankey")

# ---- the project list ---------------------------------------------------------------------------
st.header(t("funding.list_heading", lang))
filters = st.columns(4)
scheme_ids = [s.id for s in plan.schemes]
chosen_schemes = filters[0].multiselect(
    t("funding.filter.scheme", lang), scheme_ids, default=state.choices("ordning", scheme_ids),
    format_func=scheme_names.get, key=state.url_key("filter_scheme"),
    placeholder=t("funding.filter.all", lang),
    select_all=False)
focus_ids = [f.id for f in plan.focus_areas]
chosen_focus = filters[1].multiselect(
    t("funding.filter.focus_area", lang), focus_ids, default=state.choices("innsats", focus_ids),
    format_func=lambda f: fund.focus_name(plan, f, lang), key=state.url_key("filter_focus"),
    placeholder=t("funding.filter.all", lang), select_all=False)
chosen_places = filters[2].multiselect(
    t("funding.filter.municipality", lang), codes, default=state.choices("kommune", codes),
    format_func=lambda c: f"{c} {plan.region_name(c, lang)}", key=state.url_key("filter_municipality"),
    placeholder=t("funding.filter.all", lang), select_all=False)
chosen_years = filters[3].multiselect(
    t("funding.filter.year", lang), years, key=state.url_key("filter_year"),
    default=[y for y in years if str(y) in state.choices("periode", year_texts)],
    placeholder=t("funding.filter.all", lang), select_all=False)
search = st.text_input(t("funding.search", lang), key=state.url_key("grant_search"),
                       value=state.param("q", ""),
                       placeholder=t("funding.search_placeholder", lang))
# The filters live in the URL, so a copied link opens the same list.
for name, chosen in (("ordning", chosen_schemes), ("innsats", chosen_focus),
                     ("kommune", chosen_places), ("periode", [str(y) for y in chosen_years])):
    state.set_choices(name, chosen)
state.set_param("q", search.strip() or None)


def build_list() -> tuple:
    """The chosen projects, the sentence counting them, their table, the first of them as a
    phone's cards, and their source line."""
    shown = fund.sort_grants(plan, fund.filter_grants(
        grants, schemes=chosen_schemes, focus_areas=chosen_focus, municipalities=chosen_places,
        years=chosen_years, search=search))
    unknown = int(pd.isna(shown["amount_nok_million"]).sum())
    count = (t_n("funding.list_count", len(grants), lang, shown=format_number(len(shown), lang, 0))
             + " " + (t_n("funding.list_unknown", unknown, lang) if unknown else ""))
    table = None if shown.empty else fund.grant_display(plan, shown, lang)
    cards = None if table is None else fund.grant_cards(table, lang)
    return (shown, count, table, cards,
            md_escape(fund.source_line(funding, lang, fund.any_assessed(shown))))


shown, count, grant_table, grant_cards, list_source = built.shared("funding.list", (
    tuple(chosen_schemes), tuple(chosen_focus), tuple(chosen_places), tuple(chosen_years), search,
    lang), build_list)
st.markdown(count)
if grant_table is None:
    st.info(t("funding.list_empty", lang), icon=":material/search_off:")
else:
    # Both are sent, and the screen's width picks one (ui/phone.py): the grid of every project
    # scrolled sideways on a phone, whose cards show the first ones.
    with st.container(key="wide_only_grants"):
        table_view(grant_table)
    with st.container(key="phone_only_grants"):
        frame_cards(grant_cards)
        if len(grant_table) > len(grant_cards):
            st.caption(t_n("funding.cards.note", len(grant_cards), lang))
# The file is made when asked for, not on every visit.
st.download_button(t("funding.download", lang), lambda: fund.grants_csv(shown),
                   file_name="tilskudd.csv" if lang == "nb" else "grants.csv", mime="text/csv",
                   icon=":material/download:", disabled=shown.empty)
st.caption(list_source)
