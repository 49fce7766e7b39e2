"""Reusable page parts: the status badge, a chart with its table alternative, source captions."""

from __future__ import annotations

import html
import re
import weakref
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import export, style
from indicators.i18n import format_list, t
from indicators.verdict import RollupText


def status_html(status: str | None, lang: str, label: str | None = None) -> str:
    """A status as shape + text + colour (never colour alone), safe to put in markdown.

    `label` replaces the status' own words (a roll-up's "Foreløpig: Forverring").
    """
    if status is None:
        return ""
    spec = style.STATUS_STYLE[status]
    label = html.escape(label or t(f"status.{status}", lang))
    return (f'<span class="status-badge" style="color:{spec["colour"]};font-weight:600">'
            f'<span aria-hidden="true">{spec["glyph"]}</span> {label}</span>')


def status_note(row: dict) -> str:
    """A table row's note under its status (e.g. "for gamle tall (2019)"), as safe HTML."""
    note = row.get("status_note")
    return f"<br><small>{html.escape(note)}</small>" if note else ""


def status_badge(status: str | None, lang: str, label: str | None = None) -> None:
    if status is not None:
        st.markdown(status_html(status, lang, label), unsafe_allow_html=True)


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


def text_table(table: pd.DataFrame) -> None:
    """st.table of text that may come from files (a reader message quoting a cell): as text."""
    st.table(_plain_cells(table), hide_index=True)


# Escaped copies by the table they were made from. A table shared by every session (ui/built.py)
# is escaped once instead of on every visit; an entry goes when its table does. Tables are not
# changed after they are shown, so the copy stays right.
_PLAIN: dict[int, tuple[weakref.ref, pd.DataFrame]] = {}


def _plain_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """st.table reads every cell and heading as markdown: each text cell is escaped, so a note
    `![x](http://…)`, a link, `$x^2$` or "16. januar 2025" is shown exactly as written."""
    known = _PLAIN.get(id(frame))
    if known is not None and known[0]() is frame:
        return known[1]
    out = _escaped(frame)
    key = id(frame)
    _PLAIN[key] = (weakref.ref(frame, lambda _, key=key: _PLAIN.pop(key, None)), out)
    return out


def _escaped(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = [md_escape(v) if isinstance(v, str) else v for v in out[column]]
    out.columns = [md_escape(c) if isinstance(c, str) else c for c in out.columns]
    return out


# What makes markdown of text, besides the characters below: a colon that starts Streamlit's
# :red[…] or :material/…:, an HTML entity, the marks that start a block at the beginning of a
# line, and the web and e-mail addresses GFM links by itself. Those are found in the text after
# escapes are read, so a backslash cannot stop them: an invisible word joiner (U+2060) splits
# `http://`, `www.` and `name@` instead.
_MARKUP_CHARS = frozenset("\\`*_[]|<>~$")
JOINER = "\u2060"
_INLINE = re.compile(r"(:)(?=[A-Za-z])|(:)(?=/)|(@)|(?<![A-Za-z0-9])(?i:(www)(\.))|(&)(?=[#A-Za-z])")
_LINE_START = re.compile(r"^(\s*)(?:([#>])|([-+*])(?=\s|$)|(\d+)([.)])(?=\s|$)|([=-]+\s*$))",
                         re.MULTILINE)


def md_escape(text: str) -> str:
    """Text from data or config, shown in markdown as text: never a link, an image (a request
    the reader's browser would make), a formula, a heading or a list."""
    text = "".join("\\" + c if c in _MARKUP_CHARS else c for c in str(text))
    text = _INLINE.sub(_escape_inline, text)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_inline(m: re.Match) -> str:
    directive, scheme, at, www, dot, entity = m.groups()
    if directive or entity:
        return "\\" + (directive or entity)
    if scheme:
        return scheme + JOINER
    if at:
        return JOINER + at
    return www + JOINER + dot


def _escape_line_start(m: re.Match) -> str:
    space, mark, bullet, number, dot, rule = m.groups()
    if mark or bullet:
        return f"{space}\\{mark or bullet}"
    if number:
        return f"{space}{number}\\{dot}"
    return space + "".join("\\" + c if c in "=-" else c for c in rule)


def page_link_html(label: str, href: str) -> str:
    """A link to another page of the app that opens in the same tab.

    Streamlit gives markdown links target="_blank"; a reader moving between pages should stay
    in one tab. Needs `unsafe_allow_html=True`; the label and address are escaped.
    """
    return (f'<a href="{html.escape(href, quote=True)}" target="_self">'
            f"{html.escape(label)}</a>")


def indicator_link(indicator_id: str, name: str, lang: str) -> str:
    """`2B-04 Registrerte helt ledige`, linked to its page in the same tab (HTML)."""
    return page_link_html(f"{indicator_id} {name}", f"indikator?id={indicator_id}&lang={lang}")


def rollup_block(text: RollupText, lang: str) -> str:
    """A roll-up as markdown: `▼ Foreløpig: Forverring — bygger på 1 av 4 indikatorer: 1D-02 …`
    and every member left out, linked, with its reason (indicators.verdict builds the words)."""
    counted = format_list([f"{indicator_link(e.id, e.name, lang)} ({md_escape(e.why)})"
                           for e in text.counted], lang)
    line = f"{status_html(text.status, lang, text.label)} — {md_escape(text.basis)}"
    lines = [line + (f": {counted}" if counted else "")]
    if text.left_out:
        lines.append(f"\n**{md_escape(t('rollup.left_out', lang))}:**\n")
        lines += [f"- {indicator_link(e.id, e.name, lang)}: {md_escape(e.why)}" for e in text.left_out]
    return "\n".join(lines)
