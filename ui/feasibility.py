"""Beside a target: is it realistic? (indicators.feasibility) — Indikator page and target editor."""

from __future__ import annotations

import streamlit as st

from indicators import feasibility, store
from indicators.i18n import t
from indicators.model import Indicator
from ui import built, data
from ui.widgets import md_escape

# Shape and word, never colour alone.
BADGES = {"realistic": ("green", ":material/check_circle:"),
          "ambitious": ("orange", ":material/trending_up:"),
          "unrealistic": ("red", ":material/block:"),
          "too_little_data": ("gray", ":material/help:")}


def judged(indicator: Indicator, value: float | None = None,
           year: int | None = None) -> feasibility.Feasibility | None:
    """The indicator's target (or `value` by `year`, a proposal being edited) judged against the
    indicator's figures in every area the database holds.

    Judged once per data version and shared (ui/built.py): it reads every area's series, which
    costs more than the rest of the Indikator page, and each reader would otherwise repeat it.
    """
    return built.shared("feasibility", (indicator.id, value, year),
                        lambda: _judge(indicator, value, year))


def _judge(indicator: Indicator, value: float | None,
           year: int | None) -> feasibility.Feasibility | None:
    everywhere = data.query(store.observations, indicator.id, None)
    if everywhere is None:
        return None
    return feasibility.assess_target(indicator, everywhere, value, year)


def show(indicator: Indicator, lang: str, value: float | None = None,
         year: int | None = None) -> None:
    """The judgement as a badge and a sentence with its numbers, and where the rule is written."""
    found = judged(indicator, value, year)
    if found is None:
        return
    with st.container(border=True, key=f"feasibility_{indicator.id}"):
        st.markdown(f"**{t('feasibility.heading', lang)}**")
        if found.label:
            colour, icon = BADGES[found.label]
            st.badge(feasibility.label_text(found, lang), icon=icon, color=colour)
        st.caption(md_escape(feasibility.text(found, indicator, lang)))
        st.page_link("app_pages/metode.py", label=t("feasibility.method.link", lang),
                     query_params={"lang": lang}, icon=":material/functions:")
