"""Grant funding charts: applied vs granted per scheme, granted per year, focus areas, the flow."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from indicators import style
from indicators.charts.common import (
    LINE_CHARS,
    SOURCE_LINE_PX,
    TOP,
    ChartText,
    bar_rows_height,
    base_layout,
    labels_above_bars,
    plain_text,
    wrap,
)
from indicators.i18n import format_number, format_value, t

APPLIED_COLOUR = "#9DB9DC"  # light blue: the larger, fainter bar behind what was granted
NODE_COLOURS = {"scheme": style.PRIMARY, "focus": "#007A5A", "goal": "#6A4C93",
                "unknown": "#5F6368", "unlisted": "#5F6368"}
# A grant placed on a focus area by our own assessment, not by the source: another hue (and a
# hatch on bars), so no reader takes it for the county's own allocation.
ASSESSED_COLOUR = "#B45F06"
FOCUS_COLOUR = NODE_COLOURS["focus"]
NOTE_WRAP = 56  # characters per line of the notes under a figure (fits a 390 px phone)
# A node's name in lines short enough that the middle column's names (right of their nodes) end
# before a 390 px phone figure's edge; on one line they were cut there.
NODE_CHARS = 18
NODE_LINE_PX = 16  # one line of a node's 12 px name (plotly spaces lines 1.3 em apart)
NODE_VALUE_PX = 280  # px of the fullest column given to its nodes; names' room comes on top
BARS_BOTTOM = 110  # px under horizontal bars: the axis, its title, one legend row, the source


def _money(x: float | None, lang: str) -> str:
    return t("funding.unknown", lang) if x is None or pd.isna(x) else \
        format_value(float(x), "nok_million", lang)


def scheme_bars(table: pd.DataFrame, names: dict[str, str], text: ChartText,
                lang: str) -> go.Figure:
    """Applied for and granted per scheme in one year, horizontal, values written on the bars."""
    rows = table.iloc[::-1]  # plotly draws the first category at the bottom
    labels = [names.get(s, s) for s in rows["scheme_id"]]
    fig = go.Figure()
    # Granted first: within a group plotly stacks traces bottom-up, so "applied" reads first.
    for column, key, colour in (("granted_nok_million", "funding.col.granted", style.PRIMARY),
                                ("applied_nok_million", "funding.col.applied", APPLIED_COLOUR)):
        values = rows[column]
        fig.add_trace(go.Bar(
            y=labels, x=values, name=t(key, lang), orientation="h", marker_color=colour,
            text=[_money(v, lang) for v in values], textposition="outside", cliponaxis=False,
            hovertext=[f"{n}: {t(key, lang)} {_money(v, lang)}" for n, v in zip(labels, values,
                                                                                strict=True)],
            hoverinfo="text"))
    fig.update_layout(barmode="group", legend={"traceorder": "reversed"})
    top = pd.concat([rows["applied_nok_million"], rows["granted_nok_million"]]).max()
    # Room on the right for the value written after the longest bar, on a phone too (~70 px).
    fig.update_xaxes(title=t("unit.nok_million", lang), range=[0, (top or 1) * 1.45])
    base_layout(fig, plain_text(text), lang, height=TOP + bar_rows_height(labels, 2) + BARS_BOTTOM)
    return labels_above_bars(fig, labels, 2)


def granted_by_year(table: pd.DataFrame, names: dict[str, str], text: ChartText,
                    lang: str) -> go.Figure:
    """Granted per year, stacked by scheme: how the money moves as years are added."""
    fig = go.Figure()
    for index, (key, rows) in enumerate(table.groupby("scheme_id", sort=False)):
        scheme, rows = str(key), rows.sort_values("year")
        fig.add_trace(go.Bar(
            x=[str(y) for y in rows["year"]], y=rows["granted_nok_million"],
            name=names.get(scheme, scheme),
            marker_color=style.SERIES_COLOURS[index % len(style.SERIES_COLOURS)],
            hovertext=[f"{names.get(scheme, scheme)} {y}: {_money(v, lang)}"
                       for y, v in zip(rows["year"], rows["granted_nok_million"], strict=True)],
            hoverinfo="text"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=t("unit.nok_million", lang), rangemode="tozero")
    return base_layout(fig, plain_text(text), lang)


def focus_bars(rollup: pd.DataFrame, names: dict[str, str], text: ChartText,
               lang: str) -> go.Figure:
    """Listed projects per focus area; the known amount (or 'ukjent') written beside each bar.

    Projects whose focus area we assessed ourselves (`rollup["assessed"]`) are a hatched bar of
    another colour, named in the legend, beside those whose focus area the source states.
    """
    rows = rollup.iloc[::-1]
    labels = [names.get(f, f) for f in rows["focus_area_id"]]
    amounts = [t("funding.no_projects", lang) if n == 0 else
               t("funding.amount_unknown", lang) if pd.isna(a) else _money(a, lang)
               for a, n in zip(rows["amount"], rows["projects"], strict=True)]
    assessed = rows["assessed"] if "assessed" in rows else pd.Series(0, index=rows.index)
    fig = go.Figure()
    for count, key, colour, pattern in (
            (rows["projects"] - assessed, "funding.basis.bar_source", FOCUS_COLOUR, ""),
            (assessed, "funding.basis.bar_assessed", _faint(ASSESSED_COLOUR, 0.25), "/")):
        fig.add_trace(go.Bar(
            y=labels, x=count, orientation="h", name=t(key, lang), marker_color=colour,
            marker_line={"color": ASSESSED_COLOUR if pattern else colour, "width": 1},
            marker_pattern={"shape": pattern, "fgcolor": ASSESSED_COLOUR, "size": 7},
            hovertext=[f"{n}: {format_number(c, lang, 0)} {t('funding.projects_word', lang)} · "
                       f"{t(key, lang).lower()} · {a}"
                       for n, c, a in zip(labels, count, amounts, strict=True)],
            hoverinfo="text", showlegend=bool((count > 0).any())))
    fig.update_layout(barmode="stack")
    most = max(int(rows["projects"].max() or 0), 1)
    fig.update_xaxes(title=t("funding.col.projects", lang), range=[0, most * 1.05],
                     dtick=None if most > 10 else 1)
    text = plain_text(text)  # the source line names the sources in funding.csv
    source = _wrap(text.source_line)
    # The count and amount with each focus area's name above its bar: beside the bar they ran
    # past a phone's edge.
    named = [f"{name}: {format_number(n, lang, 0)} · {a}" if n else f"{name}: {a}"
             for name, n, a in zip(labels, rows["projects"], amounts, strict=True)]
    # base_layout makes room below for every line of the source; the figure grows by as much.
    height = (TOP + bar_rows_height(named) + BARS_BOTTOM + 20
              + SOURCE_LINE_PX * source.count("<br>"))
    base_layout(fig, replace(text, source_line=source), lang, height=height)
    return labels_above_bars(fig, named)


def sankey(nodes: list[str], labels: dict[str, str], links: pd.DataFrame, measure: str,
           text: ChartText, lang: str, note: str = "") -> go.Figure:
    """Scheme → focus area → goal; link widths are projects or mill. kr.

    Links whose `basis` is `assessed` (a focus area we judged from the project description) are
    drawn in another colour; a legend under the figure names both kinds, and `note` (how each
    amount was derived) is written above the source line.
    """
    index = {n: i for i, n in enumerate(nodes)}
    colours = [NODE_COLOURS[n.split(":")[0]] for n in nodes]
    assessed = (links["basis"] == "assessed") if "basis" in links else pd.Series(
        False, index=links.index)
    link_colours = [_faint(ASSESSED_COLOUR, 0.45) if a else _faint(colours[index[s]])
                    for s, a in zip(links["source"], assessed, strict=True)]
    unit = t("funding.projects_word", lang) if measure == "projects" else t(
        "unit.nok_million.suffix", lang)
    values = [format_number(v, lang, 0 if measure == "projects" or float(v).is_integer() else 1)
              for v in links["value"]]
    basis = [f" ({t('funding.basis.assessed', lang)})" if a else "" for a in assessed]
    # The notes sit in the source line's own annotation, above it, so they can never overlap.
    notes = [f"<span style='color:{style.TEXT}'>{line}</span>"
             for line in _notes(note, bool(assessed.any()), lang)]
    text = plain_text(text)  # the source line names the sources in funding.csv
    source = "<br>".join([*notes, _wrap(text.source_line)])
    # base_layout adds this much room below (it wraps the source line to its own width).
    extra = SOURCE_LINE_PX * (len(wrap(source, LINE_CHARS)) - 1)
    names = ["<br>".join(textwrap.wrap(labels.get(n, n), NODE_CHARS)) for n in nodes]
    # Each node's name is centred on it, so neighbours at least a name's height apart never
    # overlap, however small their nodes (a phone showed eight names on top of each other). Plotly
    # keeps `pad` between the nodes of every column and scales their heights to what is left, so
    # the figure grows with the fullest column instead of the names shrinking into each other.
    pad = NODE_LINE_PX * max(name.count("<br>") + 1 for name in names) + 2
    plot_px = max(460 - TOP - SANKEY_BOTTOM, NODE_VALUE_PX + pad * (_column_size(nodes) - 1))
    height = plot_px + TOP + SANKEY_BOTTOM + extra
    x, y = _positions(nodes, links, plot_px, pad)
    _beside_names(x, y, [NODE_LINE_PX * (name.count("<br>") + 1) for name in names],
                  _node_px(nodes, links, plot_px, pad), plot_px, pad)
    fig = go.Figure(go.Sankey(
        arrangement="snap", textfont={"color": style.TEXT, "size": 12},
        # align left: plotly scales the nodes per column, and by default it puts a node without
        # outgoing links ("not on a focus area") in the last column when it does, which left the
        # middle column too tall for the plot once the pads grew.
        node={"label": names, "color": colours, "pad": pad, "align": "left",
              "thickness": 16, "line": {"width": 0}, "hoverinfo": "skip", "x": x, "y": y},
        link={"source": [index[s] for s in links["source"]],
              "target": [index[x] for x in links["target"]], "value": links["value"],
              "color": link_colours,
              "customdata": [f"{v} {unit}{b}" for v, b in zip(values, basis, strict=True)],
              "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>"},
    ))
    # The margins through base_layout, which places the source line from the figure's edge.
    # A name is centred on its node, so a small node at the plot's top edge has half its name
    # above the plot: room for it, or it ran into the subtitle.
    return base_layout(fig, replace(text, source_line=source), lang, height=height + pad // 2,
                       bottom=SANKEY_BOTTOM, margin={"l": 16, "r": 16}, extra_top=pad // 2)


def _notes(note: str, assessed: bool, lang: str) -> list[str]:
    """The lines under a Sankey: how the amounts were derived, then which links are whose."""
    lines = _wrap(note).split("<br>") if note else []
    if assessed:
        for colour, key in ((_faint(ASSESSED_COLOUR, 0.7), "funding.basis.legend_assessed"),
                            (_faint(style.PRIMARY, 0.5), "funding.basis.legend_source")):
            first, *rest = textwrap.wrap(t(key, lang), NOTE_WRAP - 2)
            lines += [f"<span style='color:{colour}'>■</span> {first}",
                      *(f"\u2007\u2007{line}" for line in rest)]  # under the text, not the square
    return lines


def _wrap(text: str) -> str:
    return "<br>".join(textwrap.wrap(text, NOTE_WRAP)) if len(text) > NOTE_WRAP else text


SANKEY_BOTTOM = 50  # only the source line below a Sankey: it has no axis or legend
COLUMN_X = {"scheme": 0.001, "focus": 0.5, "unknown": 0.5, "unlisted": 0.5, "goal": 0.999}


def _column_size(nodes: list[str]) -> int:
    """How many nodes the fullest column of a Sankey has."""
    sizes: dict[float, int] = {}
    for n in nodes:
        sizes[COLUMN_X[n.split(":")[0]]] = sizes.get(COLUMN_X[n.split(":")[0]], 0) + 1
    return max(sizes.values())


def _positions(nodes: list[str], links: pd.DataFrame, plot_px: float,
               pad_px: float) -> tuple[list[float], list[float]]:
    """Schemes left, focus areas (and what is not allocated) in the middle, goals right; each
    column stacked top-down in the given order.

    Plotly draws node heights at one scale for all columns (set by the fullest column), so the
    positions use that same scale and spread what is left of each column over its gaps.
    """
    x = [COLUMN_X[n.split(":")[0]] for n in nodes]
    columns = {cx: [i for i, c in enumerate(x) if c == cx] for cx in set(x)}
    node_px = _node_px(nodes, links, plot_px, pad_px)
    y = [0.0] * len(nodes)
    for members in columns.values():
        heights = [node_px[i] / plot_px for i in members]
        gaps = len(members) - 1
        # Columns with room to spare are centred with modest gaps rather than spread apart, but
        # never closer than plotly's pad (a name's height), which it would enforce by moving them.
        gap = min((1 - sum(heights)) / gaps, max(0.06, pad_px / plot_px)) if gaps else 0.0
        top = (1 - sum(heights) - gap * gaps) / 2
        for i, height in zip(members, heights, strict=True):
            y[i] = min(max(top + height / 2, 0.001), 0.999)
            top += height + gap
    return x, y


def _node_px(nodes: list[str], links: pd.DataFrame, plot_px: float, pad_px: float) -> list[float]:
    """Each node's height in pixels, at the one scale plotly uses for all columns: the fullest
    column, with its pads, fills the plot."""
    size = [max(links.loc[links["source"] == n, "value"].sum(),
                links.loc[links["target"] == n, "value"].sum()) for n in nodes]
    x = [COLUMN_X[n.split(":")[0]] for n in nodes]
    columns = [[i for i, c in enumerate(x) if c == cx] for cx in set(x)]
    scale = min((plot_px - pad_px * (len(m) - 1)) / (sum(size[i] for i in m) or 1.0)
                for m in columns)
    return [s * scale for s in size]


def _beside_names(x: list[float], y: list[float], name_px: list[int], node_px: list[float],
                  plot_px: float, pad_px: float) -> None:
    """Move the goals down their column to where the middle column has no name, in order.

    Plotly writes the last column's names left of their nodes, towards the middle column's
    names (right of theirs); on a phone the two overlapped. Each goal's node and name go to the
    first place free of the middle names, its node at least `pad_px` (plotly's least gap) below
    the goal above it; when they do not all fit, the goals keep the positions given.
    """
    # A line's height clear of each middle name: closer, the two read as one jumble.
    middle = sorted((y[i] * plot_px - name_px[i] / 2 - NODE_LINE_PX,
                     y[i] * plot_px + name_px[i] / 2 + NODE_LINE_PX)
                    for i, cx in enumerate(x) if cx == COLUMN_X["focus"])
    goals = [i for i, cx in enumerate(x) if cx == COLUMN_X["goal"]]
    placed, above = [], -pad_px  # the bottom edge of the goal node above, in px
    for i in goals:
        half = max(name_px[i], node_px[i]) / 2
        centre = max(half, above + pad_px + node_px[i] / 2)
        for top, bottom in middle:  # top-down, and the middle names never overlap each other
            if centre - half < bottom and centre + half > top:
                centre = bottom + half
        if centre + half > plot_px:
            return
        placed.append(centre / plot_px)
        above = centre + node_px[i] / 2
    for i, centre in zip(goals, placed, strict=True):
        y[i] = centre


def _faint(hex_colour: str, alpha: float = 0.35) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
