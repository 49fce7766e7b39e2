"""Innbygget diagram: one indicator's trend chart alone, for iframes (/embed?indikator=2B-04&region=32).

The URL is the contract with the pages that embed it: `indikator` (id), `region` (one code or
several, comma-separated; default the indicator's own area, Oslo and Norway), `hoyde` (the
figure's height in pixels, 360–1200; default its own: 540, more with a long title or notes of breaks)
and `lang`.
"""

from __future__ import annotations

import html

import streamlit as st

from indicators import export, store, views
from indicators.i18n import t
from ui import built, data, guard, state

# Streamlit still draws an (empty) sidebar and its toggle when navigation is hidden; an iframe
# on the county's pages has no room for either, nor for the header bar, which would cover the
# figure's title.
st.html("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'],"
        "[data-testid='stExpandSidebarButton'], [data-testid='stHeader'] {display: none;}"
        "[data-testid='stMainBlockContainer'] {padding-top: 0.5rem; padding-bottom: 0.5rem;}"
        "</style>")

MIN_HEIGHT, MAX_HEIGHT = 360, 1200  # below 360 px the plot area under title and legend vanishes

lang = state.lang()
plan = data.model()
indicator = plan.indicator(state.param("indikator") or "")

if indicator is not None and data.version() is None:
    guard.no_database(lang)
    st.stop()
if indicator is None:
    st.info(t("embed.unknown", lang, ids=", ".join(plan.indicator_ids())), icon=":material/info:")
    st.stop()

known = {r.code for r in plan.regions}
regions = [c for c in (state.param("region") or "").split(",") if c in known] or None
frame = data.query(store.observations, indicator.id, views.page_regions(plan, indicator, regions))
latest = data.query(store.latest, [(indicator.id, indicator.headline_region)])
chosen = export.IndicatorData(indicator, frame, views.summaries(plan, latest)[indicator.id],
                              data.assessments()[indicator.id])
asked = state.param("hoyde") or ""
height = int(asked) if asked.isdigit() and MIN_HEIGHT <= int(asked) <= MAX_HEIGHT else None


def build_chart() -> tuple | None:
    """The figure at the asked height and its summary; None when the areas have no figures."""
    trend = export.trend_rows(plan, chosen, lang, regions)
    if trend.frame["value"].notna().sum() == 0:
        return None
    fig = export.trend_figure(plan, chosen, lang, regions)
    if height is not None:
        fig = export.sized(fig, None, height)
    return fig, views.trend_summary(plan, indicator, trend, lang)


part = built.shared("embed.trend", (indicator.id, tuple(regions or ()), height, lang), build_chart)
if part is None:
    st.info(f"{indicator.name.get(lang)}: {t('indicator.no_data', lang)}", icon=":material/info:")
    st.stop()
fig, summary = part
st.plotly_chart(fig, key="embed", config={"displaylogo": False}, alt=summary, theme=None)
# A way from the embedding page to the whole story, in a new tab (not inside the iframe).
link = f"indikator?id={indicator.id}&lang={lang}"
st.markdown(f'<a href="{html.escape(link)}" target="_blank" rel="noopener">'
            f"{html.escape(t('embed.more', lang))}</a>", unsafe_allow_html=True)
