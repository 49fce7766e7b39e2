"""What every figure shares: the text it carries, its layout, and where a period sits on a time axis."""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import style
from indicators.i18n import PLOTLY_SEPARATORS, lang_or_default

HEIGHT = 460
# Above the title, room for the chart's toolbar (zoom, reset, full screen), which plotly and
# Streamlit show at the top right on hover: on a phone it would cover the title's last words.
MODEBAR = 28  # its buttons end 24 px from the top
# Plotly draws a top-anchored title's text from this far above its y; the title's y, in pixels
# from the top, puts the text just under the toolbar's band.
TITLE_Y = MODEBAR + 16
TITLE_SIZE, TITLE_LINE, SUBTITLE_LINE = 17, 23, 19  # px, as drawn
PLOT_GAP = 16  # between the subtitle and the plot
TOP = MODEBAR + TITLE_LINE + SUBTITLE_LINE + PLOT_GAP  # above the plot, with one line of each

# Characters per line that fit a 360 px wide phone (a 328 px wide figure) in DejaVu Sans, the
# widest of the fonts we name; there is no viewport width on the server, so wide screens simply
# show short lines. Measured: 11 px ≈ 5.9 px, 13 px ≈ 7 px, 17 px bold ≈ 11.5 px a character.
TITLE_CHARS = 28
SUBTITLE_CHARS = 44
LINE_CHARS = 52  # the notes and the source line (11 px), which start EDGE px from the left
LEGEND_CHARS = 42  # a legend entry (12 px) after its symbol
EDGE = 10

SOURCE_LINE_PX = 14  # one line of the 11 px source and note text
PAD = 6  # under the source line
NOTE_GAP = 6  # between the notes and the source line
LEGEND_GAP = 10  # between the legend and what is under it
AXIS_ROOM = 34  # under the plot for the x axis' labels, where no legend makes room for them
BOTTOM_NOTES = ("source", "notes")  # names of the annotations under the plot, bottom up


@dataclass(frozen=True)
class ChartText:
    """What makes a figure self-explaining when pasted into a slide."""

    title: str
    subtitle: str  # unit and area, e.g. "Prosent av arbeidsstyrken · Akershus"
    # "Kilde: NAV · Tall for januar 2026\nhentet 26. november 2026 · Akershus fylkeskommune":
    # the source and the figures' dates, a newline between lines (views.chart_text)
    source_line: str


def plain(text: object) -> str:
    """Text from a file shown in a figure as text: plotly reads `<b>`, `<a href=…>` and `&…;`
    in every title, label and hover text (and keeps them in the PNG, SVG and HTML exports)."""
    return html.escape(str(text), quote=False)


def plain_text(text: ChartText) -> ChartText:
    """A figure's title, subtitle and source line, each made plain (see `plain`)."""
    return ChartText(plain(text.title), plain(text.subtitle), plain(text.source_line))


def x_date(year: int, freq: str, sub: int | None) -> date:
    """Where a period sits on a time axis: months and quarters at their start, years at 1 January."""
    if freq == "M" and sub:
        return date(int(year), int(sub), 1)
    if freq == "Q" and sub:
        return date(int(year), 3 * int(sub) - 2, 1)
    return date(int(year), 1, 1)


TICK_YEARS = (1, 2, 5, 10, 20)  # steps between the years written under a time axis
MAX_TICKS = 5  # year labels that fit under the plot on a phone (each ~30 px, with room between)


def year_dtick(first: int, last: int) -> str:
    """A time axis' step between year labels: every 1, 2, 5, 10 or 20 years, the fewest that
    keep at most MAX_TICKS labels from `first` to `last`, so that a phone shows them all."""
    span = last - first + 1
    return f"M{12 * next((s for s in TICK_YEARS if span / s <= MAX_TICKS), TICK_YEARS[-1])}"


def with_x(frame: pd.DataFrame) -> pd.DataFrame:
    """The observation frame with an `x` date column for plotting."""
    out = frame.copy()
    subs = out["sub"].astype("object").where(out["sub"].notna(), None)
    out["x"] = [x_date(y, f, s) for y, f, s in zip(out["year"], out["freq"], subs, strict=True)]
    return out


def wrap(text: str, width: int, sep: str = " · ") -> list[str]:
    """Lines of at most `width` characters: given line breaks (newline or `<br>`) kept, the parts
    of `a · b` kept whole where they fit, a longer part broken between words.

    A line carrying markup (`<span …>`) is left as it is: its author wrapped it.
    """
    lines: list[str] = []
    for given in text.replace("<br>", "\n").split("\n"):
        if "<" in given or len(given) <= width:
            lines.append(given)
            continue
        current = ""
        for part in given.split(sep):
            joined = f"{current}{sep}{part}" if current else part
            if len(joined) <= width:
                current = joined
                continue
            if current:
                lines.append(current)
            *whole, current = textwrap.wrap(part, width) or [""]
            lines.extend(whole)
        lines.append(current)
    return lines


def base_layout(fig: go.Figure, text: ChartText, lang: str, height: int = HEIGHT,
                bottom: int = 0, margin: dict[str, int] | None = None,
                extra_top: int = 0) -> go.Figure:
    """Title, unit, source and the county's name inside the figure; one font; calm grid.

    Every text is wrapped to fit a phone (see LINE_CHARS) and placed in pixels so that nothing
    overlaps at any width: the title under the toolbar's band, the legend under the axis
    (plotly makes room for as many rows as it wraps into), then any notes, then the source
    line at the bottom edge. Extra title lines make the figure taller, not the plot smaller.
    `bottom` is the least room under the plot with one line of source; `margin` sets the plot's
    left and right margins (the source line is placed from the figure's own left edge);
    `extra_top` is room between the subtitle and the plot, counted in `height`.
    """
    lang = lang_or_default(lang)
    title = wrap(text.title, TITLE_CHARS)
    subtitle = wrap(text.subtitle, SUBTITLE_CHARS) if text.subtitle else []
    top = MODEBAR + TITLE_LINE * len(title) + SUBTITLE_LINE * len(subtitle) + PLOT_GAP + extra_top
    height += top - TOP - extra_top
    heading = "<br>".join(f"<b>{line}</b>" for line in title)
    heading += "".join(f"<br><span style='font-size:13px'>{line}</span>" for line in subtitle)
    fig.update_layout(
        title={"text": heading, "x": 0.01, "xanchor": "left", "yref": "container",
               "y": 1 - TITLE_Y / height, "yanchor": "top", "font": {"size": TITLE_SIZE}},
        font={"family": style.FONT, "size": 13, "color": style.TEXT},
        paper_bgcolor=style.BACKGROUND, plot_bgcolor=style.BACKGROUND,
        separators=PLOTLY_SEPARATORS[lang], height=height,
        margin={"l": 60, "r": 24, "t": top, **(margin or {})},
        legend={"orientation": "h", "xref": "container", "yref": "container", "x": 0,
                "xanchor": "left", "yanchor": "bottom", "font": {"size": 12}},
        hoverlabel={"font": {"family": style.FONT}},
        # What the page's download button does better (PNG in two shapes, SVG, HTML), and
        # selection tools that select nothing here: fewer buttons over the figure.
        modebar={"remove": ["toImage", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d",
                            "autoScale2d"]},
    )
    source = wrap(text.source_line, LINE_CHARS)
    fig.add_annotation(text="<br>".join(source), name="source", xref="paper", yref="paper",
                       x=0, xanchor="left", y=1, yanchor="bottom", align="left",
                       showarrow=False, font={"size": 11, "color": style.MUTED_TEXT})
    # automargin set here, not left to the template (Streamlit's has none): the axis' labels
    # are what the legend's room under the plot is measured from.
    fig.update_xaxes(showgrid=False, linecolor=style.MUTED_TEXT, ticks="outside",
                     automargin=True)
    fig.update_yaxes(gridcolor=style.GRID, zeroline=False, automargin=True)
    # Whole numbers written out in the reader's format (`300 000`), never plotly's `300k`,
    # an English abbreviation a Norwegian reader does not use.
    fig.update_xaxes(exponentformat="none", separatethousands=True)
    fig.update_yaxes(exponentformat="none", separatethousands=True)
    return place_bottom(fig, height, bottom + SOURCE_LINE_PX * (len(source) - 1))


Annotation = Any  # a plotly layout annotation (plotly has no type hints)


def lines(note: Annotation) -> int:
    """How many lines an annotation's text has."""
    return (note.text or "").count("<br>") + 1


def bottom_notes(fig: go.Figure) -> list[tuple[Annotation, int]]:
    """The notes under the plot (the source line first) with how far from the figure's bottom
    edge each one's bottom sits, in pixels."""
    placed, at = [], PAD
    named = {note.name: note for note in fig.layout.annotations if note.name in BOTTOM_NOTES}
    for name in BOTTOM_NOTES:
        if name in named:
            placed.append((named[name], at))
            at += SOURCE_LINE_PX * lines(named[name]) + NOTE_GAP
    return placed


def band(fig: go.Figure) -> int:
    """Pixels from the figure's bottom edge to the top of its notes and source line."""
    return max((at + SOURCE_LINE_PX * lines(note) for note, at in bottom_notes(fig)), default=0)


def place_bottom(fig: go.Figure, height: int | None = None, bottom: int = 0) -> go.Figure:
    """Lay out what is under the plot, bottom up: the source line at the bottom edge, any notes
    above it, the legend above them, then the x axis, whatever the figure's width.

    The notes are placed from the plot's top edge, which stays put: plotly moves the plot's
    bottom edge up by as many legend rows as a narrow screen needs. They start EDGE px from the
    figure's left edge; beside horizontal bars, whose labels move the plot's left edge by their
    length, they end EDGE px from its right edge instead. Call it again after changing the
    height, the notes or the margins.
    """
    height = int(height or fig.layout.height)
    margin = fig.layout.margin
    under = band(fig)
    fig.update_layout(height=height, margin={"b": max(bottom, under + AXIS_ROOM)},
                      legend={"y": (under + LEGEND_GAP) / height}, title={"y": 1 - TITLE_Y / height})
    labelled = fig.layout.yaxis.showticklabels is not False and any(
        trace.type == "bar" and trace.orientation == "h" for trace in fig.data)
    x = ({"x": 1, "xanchor": "right", "xshift": margin.r - EDGE} if labelled else
         {"x": 0, "xanchor": "left", "xshift": EDGE - margin.l})
    for note, at in bottom_notes(fig):
        note.update(y=1, yref="paper", yanchor="bottom", yshift=-(height - margin.t - at), **x)
    for trace in fig.data:  # a long legend entry on two lines rather than past the edge
        name = trace.name or ""
        if len(name) > LEGEND_CHARS and "<br>" not in name:
            trace.name = "<br>".join(textwrap.wrap(name, LEGEND_CHARS))
    return fig


def from_bottom(fig: go.Figure, note: Annotation) -> float:
    """Where an annotation under the plot has its bottom edge, in pixels from the figure's."""
    return float(fig.layout.height - fig.layout.margin.t + note.yshift)


# Horizontal bars with each category's label on its own line above its bar (labels_above_bars).
BAR_LABEL_CHARS = 44  # a label line (12 px) across a 328 px wide phone figure
BAR_LABEL_LINE = 16  # px per label line
BAR_PX = 20  # one bar's thickness, so the value written after it keeps its size
BAR_GAP = 10  # px between a label and the bars under the label before it


def _bar_row(labels: list[str], bars: int) -> tuple[int, int]:
    """Pixels per category (its bars, its label above them, a gap) and of its label."""
    label = BAR_LABEL_LINE * max((len(wrap(text, BAR_LABEL_CHARS)) for text in labels), default=1)
    return bars * BAR_PX + label + BAR_GAP, label


def bar_rows_height(labels: list[str], bars: int = 1) -> int:
    """Pixels of plot for horizontal bars, `bars` to a category, with labels above them."""
    row, label = _bar_row(labels, bars)
    return int((len(labels) - 0.5) * row + bars * BAR_PX / 2 + label + PAD)


def labels_above_bars(fig: go.Figure, labels: list[str], bars: int = 1) -> go.Figure:
    """Each category's label on its own line above its bars, from the plot's left edge.

    Beside the bars, long labels took half a phone's width and still lost their first words at
    the figure's edge; above them, a label has the plot's whole width at any screen size.
    `labels` are bottom-up, as plotly draws categories; each label sits on its bars' top edge,
    in axis units, so it stays there whatever height the plot gets. Size the figure with
    bar_rows_height, and call this after base_layout (the source line stays the first note).
    """
    row, label = _bar_row(labels, bars)
    share = bars * BAR_PX / row  # of a category's row: its bars
    fig.update_layout(bargap=1 - share)
    fig.update_yaxes(showticklabels=False, ticks="", showgrid=False,
                     range=[-0.5, len(labels) - 1 + share / 2 + (label + PAD) / row])
    # A value written after its bar keeps the figure's text size, however thin the bar.
    fig.update_traces(constraintext="none", selector={"type": "bar"})
    for index, text in enumerate(labels):
        fig.add_annotation(text="<br>".join(wrap(text, BAR_LABEL_CHARS)), name="bar_label",
                           xref="paper", x=0, xanchor="left", yref="y", y=index + share / 2,
                           yanchor="bottom", align="left", showarrow=False,
                           font={"size": 12, "color": style.TEXT})
    fig.update_layout(margin={"l": EDGE})
    return place_bottom(fig)
