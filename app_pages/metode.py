"""Metode: how an indicator's status is computed, in plain words and formulas, with the sources."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from indicators import explain, feasibility, progress
from indicators.i18n import MISSING, format_number, format_percent, format_period, format_value, quoted, t
from indicators.model import Indicator
from ui import data, state
from ui.phone import card_table, frame_cards
from ui.widgets import md_escape, status_html

lang = state.lang()
plan = data.model()
assessed = data.assessments()
HIGH1, MED1, LOW1 = progress.METHOD1_THRESHOLDS
HIGH2, MED2, LOW2 = progress.METHOD2_THRESHOLDS


def num(x: float) -> str:
    """A constant as written in the method (`0,015`, `4,44`, `0`), in the reader's format."""
    text = repr(float(x)).rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    # A typographic minus, as format_change writes it.
    return format_number(x, lang, decimals).replace("-", "\u2212")


def latex(key: str, **values: float) -> None:
    """A formula from the catalogue; `[[name]]` marks a constant filled in from the method."""
    text = t(key, lang)
    for name, value in values.items():
        text = text.replace(f"[[{name}]]", num(value).replace(",", "{,}"))
    st.latex(text)


def status_table() -> str:
    """Each status as shape + words + colour, when it applies in each method, and its score range."""
    limits = {s: limit for limit, s in progress.ROLLUP_THRESHOLDS}
    ranges = {"on_track": (limits["on_track"], 5), "moderate_progress": (limits["moderate_progress"],
              limits["on_track"]), "limited_progress": (limits["limited_progress"],
              limits["moderate_progress"]), "deterioration": (-5, limits["limited_progress"])}
    m1 = {"on_track": f"pv ≥ {num(HIGH1)} × C",
          "moderate_progress": f"{num(MED1)} × C ≤ pv < {num(HIGH1)} × C",
          "limited_progress": f"{num(LOW1)} ≤ pv < {num(MED1)} × C", "deterioration": f"pv < {num(LOW1)}"}
    m2 = {"on_track": f"pv ≥ {num(HIGH2)}", "moderate_progress": f"{num(MED2)} ≤ pv < {num(HIGH2)}",
          "limited_progress": f"{num(LOW2)} ≤ pv < {num(MED2)}", "deterioration": f"pv < {num(LOW2)}"}
    none = t("method.score.none", lang)
    rows = [("target_achieved", "–", t("method.cond.achieved", lang), num(5))]
    rows += [(s, m1[s], m2[s], t("method.score.range", lang, low=num(ranges[s][0]),
                                   high=num(ranges[s][1])).replace(" ", "\xa0")) for s in m1]
    rows += [(s, t(f"method.cond.{s}", lang), t(f"method.cond.{s}", lang), none)
             for s in ("not_available", "not_assessed")]
    header = [t("col.status", lang), t("method.col.m1", lang), t("method.col.m2", lang),
              t("method.col.score", lang)]
    # A card per status on a phone, where four columns ran off the screen.
    return card_table(header, [[status_html(s, lang), escape(a), escape(b), escape(c)]
                               for s, a, b, c in rows])


def target_text(indicator: Indicator) -> str:
    target = indicator.target
    if indicator.direction == "none":
        return t("direction.none", lang)
    if target is None and indicator.limit is not None:
        return t("method.no_target_limit", lang, limit=num(indicator.limit))
    if target is None:
        return t("method.no_target", lang)
    status = explain.target_state(target, lang)
    return f"{format_value(target.value, indicator.unit, lang)} ({target.year}, {status})"


def base_text(indicator: Indicator) -> str:
    """The base year set in the model, else the first year with data (and which year that is)."""
    if indicator.direction == "none":
        return MISSING  # context indicators are not assessed, so they have no base year
    a = assessed[indicator.id]
    used, configured = (explain.year_text(indicator, y) for y in (a.base_year, indicator.base_year))
    if a.break_year is not None and a.base_year is not None:
        # The base moved past a break: the table says the year the status is measured from.
        if indicator.base_year:
            return t("method.base_moved", lang, year=used, configured=configured)
        return t("method.base_break", lang, year=used)
    if indicator.base_year:
        return configured
    first = t("method.base_first", lang)
    return f"{used} ({first})" if a.base_year else first


def break_list() -> str:
    """Each indicator with breaks: when, and what changed (from the plan's own notes)."""
    lines = [f"- **{i.id} {md_escape(i.name.get(lang))}**\n"
             + "\n".join(f"  - {format_period(b.period, lang)}: {md_escape(b.note.get(lang))}"
                         for b in i.breaks)
             for i in plan.indicators if i.breaks]
    if not lines:
        return t("method.breaks.none", lang)
    return t("method.breaks.list", lang) + "\n\n" + "\n".join(lines)


def region_table() -> pd.DataFrame:
    """Per indicator: the area its status is computed on (and why 02), base year and target."""
    rows = []
    for i in plan.indicators:
        region = plan.region_name(i.headline_region, lang)
        if i.headline_region == "02":
            region += f" — {t('method.why.02', lang)}"
        rows.append((f"{i.id} {i.name.get(lang)}", region, base_text(i), target_text(i)))
    return pd.DataFrame(rows, columns=[t("col.indicator", lang), t("method.col.headline", lang),
                                       t("method.col.base_year", lang), t("method.col.target", lang)])


st.title(t("method.title", lang))
st.markdown(f"**{t('method.in_short', lang)}:** {quoted(t('method.sentence', lang), lang)}")
st.markdown(t("method.intro", lang))

st.header(t("method.inputs.heading", lang))
st.markdown(t("method.inputs.body", lang))
st.markdown(t("method.complete_year", lang))

st.header(t("method.growth.heading", lang))
st.markdown(t("method.growth.body", lang))
latex("method.growth.latex")
st.markdown(t("method.growth.plain", lang))

st.header(t("method.m1.heading", lang))
st.markdown(t("method.m1.body", lang))
latex("method.m1.latex")
st.markdown(t("method.m1.thresholds", lang, high=num(HIGH1), med=num(MED1), low=num(LOW1),
              high_pct=format_percent(HIGH1 * 100, lang), med_pct=format_percent(MED1 * 100, lang)))
st.markdown(t("method.limit", lang, a=num(progress.LIMIT_EXPONENT)))
latex("method.limit.latex")
st.markdown(t("method.limit.example", lang))

st.header(t("method.m2.heading", lang))
st.markdown(t("method.m2.body", lang))
latex("method.m2.latex")
st.markdown(t("method.m2.thresholds", lang, high=num(HIGH2), med=num(MED2), low=num(LOW2),
              high_pct=format_percent(HIGH2 * 100, lang, 0),
              med_pct=format_percent(MED2 * 100, lang, 0)))

st.header(t("method.score.heading", lang))
st.markdown(t("method.score.body", lang))
st.markdown(t("method.score.m1", lang))
latex("method.score.m1.latex", high=HIGH1, med=MED1)
st.markdown(t("method.score.m2", lang))
latex("method.score.m2.latex", med=MED2)

st.header(t("method.status.heading", lang))
st.markdown(t("method.status.intro", lang))
st.markdown(status_table(), unsafe_allow_html=True)

st.header(t("method.breaks.heading", lang))
st.markdown(t("method.breaks.body", lang))
st.markdown(break_list())

st.header(t("method.stale.heading", lang))
st.markdown(t("method.stale.body", lang, n=progress.STALE_AFTER))

st.header(t("method.rollup.heading", lang))
limits = {s: num(limit) for limit, s in progress.ROLLUP_THRESHOLDS}
st.markdown(t("method.rollup.body", lang, on_track=limits["on_track"],
              moderate=limits["moderate_progress"], limited=limits["limited_progress"]))
st.subheader(t("method.counts.heading", lang))
st.markdown(t("method.counts.body", lang))

st.header(t("method.path.heading", lang))
st.markdown(t("method.path.body", lang))
st.markdown(t("method.projection.body", lang, n=progress.PROJECTION_POINTS, min=3,
              band=format_percent(80, lang, 0)))

st.header(t("method.targets.heading", lang))
st.markdown(t("method.targets.body", lang))

st.header(t("feasibility.method.heading", lang))
st.markdown(feasibility.rule_text(lang))

st.header(t("method.regions.heading", lang))
st.markdown(t("method.regions.body", lang))
frame_cards(region_table())  # a card per indicator on a phone

st.header(t("method.dates.heading", lang))
st.markdown(t("method.dates.body", lang))

st.header(t("method.sources.heading", lang))
st.markdown(t("method.sources.body", lang))
