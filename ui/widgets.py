"""Reusable page parts: the status badge, a chart with its table alternative, source captions."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import style
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


def chart_card(fig: go.Figure, table: pd.DataFrame, summary: str, lang: str, key: str) -> None:
    """The figure, a one-sentence summary for everyone, and the same numbers as a table."""
    # theme=None: the page shows exactly the figure that the PNG and the deck get.
    st.plotly_chart(fig, key=key, config={"displaylogo": False}, alt=summary, theme=None)
    if summary:
        st.markdown(summary)
    with st.expander(t("chart.table_alt", lang)):
        table_view(table)


STATIC_TABLE_ROWS = 40  # st.table renders every row as HTML: fine when short, slow when long


def table_view(table: pd.DataFrame) -> None:
    """A plain HTML table (best for screen readers) when short, a scrolling grid when long."""
    if len(table) <= STATIC_TABLE_ROWS:
        st.table(table, hide_index=True)
    else:
        st.dataframe(table, hide_index=True, width="stretch")


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
