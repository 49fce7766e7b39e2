"""Reusable page parts: the status badge, a chart with its table alternative, source captions."""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import export, style
from indicators.i18n import t


def status_html(status: str | None, lang: str) -> str:
    """A status as shape + text + colour (never colour alone), safe to put in markdown."""
    if status is None:
        return ""
    spec = style.STATUS_STYLE[status]
    label = html.escape(t(f"status.{status}", lang))
    return (f'<span class="status-badge" style="color:{spec["colour"]};font-weight:600">'
            f'<span aria-hidden="true">{spec["glyph"]}</span> {label}</span>')


def status_badge(status: str | None, lang: str) -> None:
    if status is not None:
        st.markdown(status_html(status, lang), unsafe_allow_html=True)


def chart_card(fig: go.Figure, table: pd.DataFrame, summary: str, lang: str, key: str,
               name: str | None = None) -> None:
    """The figure, a one-sentence summary for everyone, the same numbers as a table, and the
    figure as files (`name` is the file name's stem; default: from the figure's title)."""
    # theme=None: the page shows exactly the figure that the PNG and the deck get.
    st.plotly_chart(fig, key=key, config={"displaylogo": False}, alt=summary, theme=None)
    if summary:
        st.markdown(summary)
    chart_downloads(fig, name or export.slug(fig), lang, key)
    with st.expander(t("chart.table_alt", lang)):
        table_view(table)


def chart_downloads(fig: go.Figure, name: str, lang: str, key: str) -> None:
    """PNG (16:9, square), SVG and interactive HTML, each made only when its button is clicked."""
    images = export.images_available()
    with st.popover(t("export.download_label", lang), icon=":material/download:"):
        st.caption(t("export.help", lang) if images else t("export.no_browser", lang))
        for label, kind, preset, mime in DOWNLOADS:
            if kind != "html" and not images:
                continue
            st.download_button(t(label, lang), _maker(fig, kind, preset, lang),
                               file_name=export.file_name(name, kind, preset), mime=mime,
                               on_click="ignore", key=f"{key}_{kind}_{preset}",
                               icon=":material/download:", width="stretch")


DOWNLOADS = (("export.png_wide", "png", "16:9", "image/png"),
             ("export.png_square", "png", "square", "image/png"),
             ("export.svg", "svg", "16:9", "image/svg+xml"),
             ("export.html", "html", None, "text/html"))


def _maker(fig: go.Figure, kind: str, preset: str | None, lang: str) -> Callable[[], bytes]:
    """The bytes of one download, made when the reader clicks (in Streamlit's own thread)."""
    def make() -> bytes:
        if kind == "png":
            return export.to_png(fig, preset)
        if kind == "svg":
            return export.to_svg(fig, preset)
        return export.to_html(fig, export.title_text(fig), lang).encode("utf-8")
    return make


STATIC_TABLE_ROWS = 40  # st.table renders every row as HTML: fine when short, slow when long


def table_view(table: pd.DataFrame) -> None:
    """A plain HTML table (best for screen readers) when short, a scrolling grid when long."""
    if len(table) <= STATIC_TABLE_ROWS:
        st.table(_plain_cells(table), hide_index=True)
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def _plain_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """st.table reads text cells as markdown: keep "16. januar 2025" from becoming list item 16."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].astype(str).str.replace(r"^(\d+)\. ", r"\1\\. ", regex=True)
    return out


def md_escape(text: str) -> str:
    """Text from data or config, shown in markdown without being read as markup."""
    # Only the characters that start markup inside a line; prose keeps its full stops.
    return "".join("\\" + c if c in "\\`*_[]|<>~$" else c for c in str(text))


def rollup_line(rollup: object, lang: str) -> str:
    """`● På rett spor — 5 indikatorer: 2 På rett spor, 1 Forverring, 2 Ikke nok data`."""
    parts = [f"{n} {t(f'status.{key}', lang).lower()}" for key, n in rollup.counts.items() if n]
    total = sum(rollup.counts.values())
    counts = t("rollup.counts", lang, n=total, parts=", ".join(parts))
    return f"{status_html(rollup.status, lang)} — {html.escape(counts)}"
