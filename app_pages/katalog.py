"""Indikatorkatalog: every indicator in one searchable table, filters in the URL, CSV download."""

from __future__ import annotations

from html import escape

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from indicators import store, views
from indicators.catalogue import COLUMNS, Filters, catalogue_table, filter_table, readable, to_csv
from indicators.i18n import t
from indicators.progress import STATUSES
from indicators.style import STATUS_STYLE
from ui import built, data, guard, state
from ui.phone import card_table
from ui.widgets import indicator_link, status_html

lang = state.lang()
plan = data.model()

st.title(t("catalogue.title", lang))
st.markdown(t("catalogue.intro", lang, n=len(plan.indicators)))

if data.version() is None:
    guard.no_database(lang)
    st.stop()


def multi(column: DeltaGenerator, name: str, label_key: str,
          options: list[str], labels: dict[str, str]) -> list[str]:
    chosen = column.multiselect(t(label_key, lang), options, default=state.choices(name, options),
                                format_func=labels.get, key=state.url_key(f"catalogue_{name}"),
                                placeholder=t("catalogue.all", lang), wrap=True,
                                select_all=False)
    state.set_param(name, ",".join(chosen) or None)
    return chosen


text = st.text_input(t("catalogue.search", lang), value=state.param("q", ""),
                             placeholder=t("catalogue.search_placeholder", lang),
                             key=state.url_key("catalogue_q"))
state.set_param("q", text.strip() or None)
goal_col, theme_col, status_col = st.columns(3)
goals = multi(goal_col, "goal", "catalogue.goal_filter", [g.id for g in plan.goals],
              {g.id: f"{g.id} {g.name.get(lang)}" for g in plan.goals})
themes = multi(theme_col, "theme", "catalogue.theme_filter", [th.id for th in plan.themes],
               {th.id: th.name.get(lang) for th in plan.themes})
statuses = multi(status_col, "status", "catalogue.status_filter", list(STATUSES),
                 {s: t(f"status.{s}", lang) for s in STATUSES})
with_data = st.toggle(t("catalogue.with_data", lang), value=state.param("data") == "1",
                      key=state.url_key("catalogue_data"))
state.set_param("data", "1" if with_data else None)

id_col = t(COLUMNS["id"], lang)
status_col = t(COLUMNS["status"], lang)
chosen = Filters(text, tuple(goals), tuple(themes), tuple(statuses), with_data)


def build_catalogue() -> tuple:
    """The rows the filters keep, as a readable grid (None when none), their status colours,
    and how many indicators there are in all."""
    table = built.shared("catalogue.table", (lang,), lambda: catalogue_table(
        plan, data.query(store.coverage), data.assessments(), lang,
        summaries=views.summaries(plan, data.query(store.latest, views.headline_pairs(plan)))))
    shown = filter_table(table, chosen)
    if shown.empty:
        return shown, None, [], len(table)
    grid = readable(shown, lang)
    # The id cell is a link to the indicator page; the regex shows the id itself as the link text.
    grid[id_col] = [f"indikator?id={i}&lang={lang}" for i in shown["id"]]
    colours = [f"color: {STATUS_STYLE[k]['colour']}" for k in shown["status_key"]]
    return shown, grid, colours, len(table)


shown, grid, colours, total = built.shared("catalogue.shown", (chosen, lang), build_catalogue)
st.caption(t("catalogue.count", lang, n=len(shown), total=total))
if grid is None:
    st.info(t("catalogue.none", lang), icon=":material/filter_alt_off:")
    st.stop()

# The columns that matter, readable at any width (a card per indicator on a phone); the grid
# with every column, which ran off the right edge even at 1400 px, on demand below.
CARD_COLUMNS = ("goal", "status", "last_period", "source")
st.markdown(card_table(
    [t("col.indicator", lang), *(t(COLUMNS[c], lang) for c in CARD_COLUMNS)],
    [[indicator_link(r.id, r.name, lang), escape(r.goal), status_html(r.status_key, lang),
      escape(r.last_period), escape(r.source)] for r in shown.itertuples(index=False)]),
    unsafe_allow_html=True)
all_columns = st.expander(t("phone.catalogue_all", lang), icon=":material/table_view:")
# The status keeps its shape and words; the colour is added, as everywhere else. (A styler of
# its own per visit: Streamlit fills it in as it sends it.)
styled = grid.style.apply(lambda _: colours, subset=[status_col])
all_columns.dataframe(
    styled, hide_index=True, width="stretch", height=35 * (len(grid) + 1) + 3,
    column_config={
        id_col: st.column_config.LinkColumn(id_col, display_text=r"id=([^&]+)",
                                            help=t("catalogue.link_help", lang), pinned=True),
        t(COLUMNS["name"], lang): st.column_config.TextColumn(width=380),
        t(COLUMNS["themes"], lang): st.column_config.TextColumn(width=420),
        # "Tall for … · publisert … · hentet …": wide enough to read without opening the cell.
        t(COLUMNS["dates"], lang): st.column_config.TextColumn(width=510),
    },
)
# The file is made when asked for, not on every visit.
st.download_button(t("catalogue.download", lang), lambda: to_csv(readable(shown, lang)),
                   file_name=t("catalogue.title", lang).lower() + ".csv", mime="text/csv",
                   icon=":material/download:")
