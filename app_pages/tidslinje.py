"""Tidslinje: the plan's phases 2025–2040, milestones, yearly cycles, target years and action items."""

from __future__ import annotations

from datetime import date

import streamlit as st

from indicators import charts, store
from indicators import timeline as tl
from indicators.charts import ChartText
from indicators.i18n import format_date, t
from ui import built, data, guard, state
from ui.phone import frame_cards
from ui.widgets import chart_card, md_escape

lang = state.lang()
plan = data.model()
today = date.today()

st.title(t("timeline.title", lang))
st.markdown(t("timeline.intro", lang))

if data.version() is None:
    guard.no_database(lang)
    st.stop()

items = built.shared("timeline.items", (today, lang), lambda: tl.timeline_items(
    plan, data.query(store.read_table, "milestones"), data.query(store.read_table, "actions"), today, lang))

span = list(range(tl.FIRST_YEAR, tl.LAST_YEAR + 1))
first, last = tl.parse_zoom(state.param("zoom"))
first, last = st.select_slider(t("timeline.zoom", lang), span, value=(first, last),
                               key=state.url_key("timeline_zoom"), help=t("timeline.zoom_help", lang))
state.set_param("zoom", None if (first, last) == (span[0], span[-1]) else f"{first}-{last}")

listing = built.shared("timeline.list", (today, lang), lambda: tl.list_rows(items, today, lang))


def build_gantt() -> tuple:
    """The chart of the years from `first` to `last` (as of today), and its summary."""
    shown = [i for i in items if i.start.year <= last and i.last_day.year >= first]
    return (charts.gantt(tl.gantt_frame(shown, today, lang), today, ChartText(
        t("timeline.chart_title", lang), t("timeline.chart_subtitle", lang, first=first, last=last),
        t("timeline.source_line", lang, today=format_date(today, lang))), lang,
        (date(first, 1, 1), date(last, 12, 31))), tl.timeline_summary(items, today, lang))


gantt, gantt_summary = built.shared("timeline.gantt", (first, last, today, lang), build_gantt)
chart_card(gantt, listing, gantt_summary, lang, key="gantt")
st.caption(t("timeline.legend_note", lang))

st.header(t("timeline.next_heading", lang))
for item in tl.upcoming(items, today, 3):
    st.markdown(f"- **{tl.when_text(item.start, item.end, lang)}**: {md_escape(item.title)}"
                + (f" — {md_escape(t('timeline.cycle_note', lang))}" if item.generated else ""))

st.header(t("timeline.list_heading", lang))
st.markdown(t("timeline.list_intro", lang))
frame_cards(listing)  # a card per item on a phone, where six columns ran off the screen

st.header(t("actions.heading", lang))
st.markdown(t("actions.rule", lang))
action_table = tl.action_rows(items, lang)
if action_table.empty:
    st.info(t("actions.none", lang), icon=":material/info:")
else:
    frame_cards(action_table)
