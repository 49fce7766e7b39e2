"""Indicator charts over time: lines per region, and the sparkline of a card."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from indicators import style
from indicators.charts.common import (
    LINE_CHARS,
    SOURCE_LINE_PX,
    SUBTITLE_CHARS,
    ChartText,
    base_layout,
    place_bottom,
    with_x,
    year_dtick,
)
from indicators.i18n import format_period, format_value
from indicators.progress import Projection


def trend(frame: pd.DataFrame, names: dict[str, str], unit: str, text: ChartText,
          lang: str) -> go.Figure:
    """Lines over time, one per region (headline first, drawn strongest), values as hover text."""
    fig = go.Figure()
    data = with_x(frame[frame["value"].notna()])
    for index, (code, rows) in enumerate(_ordered(data, names)):
        hover = [f"{names.get(code, code)}<br>{format_period(p, lang)}: "
                 f"{format_value(v, unit, lang)}" for p, v in zip(rows["period"], rows["value"],
                                                                   strict=True)]
        fig.add_trace(go.Scatter(
            x=rows["x"], y=rows["value"], name=names.get(code, code), mode=_mode(rows),
            line={"color": style.region_colour(code, index), "width": 3 if index == 0 else 2,
                  "dash": ["solid", "dash", "dot"][min(index, 2)]},
            marker={"size": 6}, hovertext=hover, hoverinfo="text"))
    fig.update_xaxes(type="date", tickformat="%Y")
    return base_layout(year_ticks(fig), text, lang)


def year_ticks(fig: go.Figure) -> go.Figure:
    """A year under the time axis every 1, 2, 5, 10 or 20 years, at round years: the fewest
    that keep at most MAX_TICKS labels over the span drawn, so that a phone shows them all and
    a short series still has a year under its own points.

    The range is set from the lines and points (with room for a marker at either end), so that
    a label written in the plot, such as the target's, does not stretch the axis.
    """
    xs = [x for trace in fig.data if trace.x is not None for x in trace.x if x is not None]
    if not xs:
        return fig
    dates = pd.to_datetime(pd.Series(xs))
    first, last = dates.min(), dates.max()
    pad = max((last - first) * RANGE_PAD, pd.Timedelta(days=60))
    return fig.update_xaxes(dtick=year_dtick(first.year, last.year), tick0="2000-01-01",
                            range=[(first - pad).isoformat(), (last + pad).isoformat()])


RANGE_PAD = 0.04  # of the span, at each end: a marker's half width on a phone's plot


def _ordered(data: pd.DataFrame, names: dict[str, str]) -> list[tuple[str, pd.DataFrame]]:
    """Regions in the order of `names` (headline first), then any others."""
    order = [c for c in names if c in set(data["region_code"])]
    order += sorted(set(data["region_code"]) - set(order))
    return [(c, data[data["region_code"] == c].sort_values("x")) for c in order]


def _mode(rows: pd.DataFrame) -> str:
    # Markers help where there are few points; a dense monthly line reads better without them.
    return "lines+markers" if len(rows) <= 30 else "lines"


def sparkline(frame: pd.DataFrame, colour: str = style.PRIMARY) -> go.Figure:
    """A tiny line for a card; decoration next to the value, which is always given as text."""
    data = with_x(frame[frame["value"].notna()]).sort_values("x")
    # Built in one go: each update_* call re-validates the figure, and a goal page draws many.
    return go.Figure(
        data=[go.Scatter(x=data["x"], y=data["value"], mode="lines",
                         line={"color": colour, "width": 2}, hoverinfo="skip")],
        layout={"height": 60, "margin": {"l": 0, "r": 0, "t": 4, "b": 4}, "showlegend": False,
                "paper_bgcolor": style.BACKGROUND, "plot_bgcolor": style.BACKGROUND,
                "xaxis": {"visible": False}, "yaxis": {"visible": False}})


@dataclass(frozen=True)
class Overlay:
    """What the method adds to the headline line: base, target, required path, projection.

    Years are placed at 1 January for annual series and at mid-year for monthly/quarterly
    series, whose status is computed on yearly means.
    """

    labels: dict[str, str]  # keys: base, target, required, projection, band
    mid_year: bool = False
    base: tuple[int, float] | None = None
    target: tuple[int, float] | None = None
    required: list[tuple[int, float]] = field(default_factory=list)
    projection: Projection | None = None


def _year_x(year: int, mid_year: bool) -> date:
    return date(int(year), 7, 1) if mid_year else date(int(year), 1, 1)


def with_overlay(fig: go.Figure, overlay: Overlay, unit: str, lang: str) -> go.Figure:
    """Draw the method's lines on a trend figure: dashed required path, projection band, target."""
    x = [_year_x(y, overlay.mid_year) for y, _ in overlay.required]
    if overlay.required:
        fig.add_trace(go.Scatter(
            x=x, y=[v for _, v in overlay.required], name=overlay.labels["required"],
            mode="lines", line={"color": style.TARGET_COLOUR, "width": 2, "dash": "dash"},
            hoverinfo="skip"))
    if overlay.projection is not None:
        _add_projection(fig, overlay, unit, lang)
    if overlay.base is not None:
        year, value = overlay.base
        fig.add_trace(go.Scatter(
            x=[_year_x(year, overlay.mid_year)], y=[value], name=overlay.labels["base"],
            mode="markers", marker={"symbol": "circle-open", "size": 13, "line": {"width": 2},
                                    "color": style.TEXT},
            hovertext=[f"{overlay.labels['base']}: {format_value(value, unit, lang)}"],
            hoverinfo="text"))
    if overlay.target is not None:
        year, value = overlay.target
        star = _year_x(year, overlay.mid_year)
        fig.add_trace(go.Scatter(
            x=[star], y=[value], name=overlay.labels["target"], mode="markers",
            marker={"symbol": "star", "size": 16, "color": style.TARGET_COLOUR},
            hoverinfo="text", hovertext=[overlay.labels["target"]]))
        # The label ends at the star, on short lines that fit inside the plot of a phone, on
        # the side of the star away from most of the values, on white over the lines it crosses.
        side = _free_side(fig, value)
        label = overlay.labels.get("target_short", overlay.labels["target"])
        fig.add_annotation(x=star, y=value, xref="x", yref="y", xanchor="right", xshift=-8,
                           yanchor="bottom" if side == "top" else "top", align="right",
                           text="<br>".join(textwrap.wrap(label, TARGET_CHARS)),
                           showarrow=False, font={"size": 12, "color": style.TARGET_COLOUR},
                           bgcolor="rgba(255,255,255,0.8)")
    # Room for the legend's rows: up to seven on a phone.
    return place_bottom(year_ticks(fig), fig.layout.height + 80)


TARGET_CHARS = 24  # the target's label beside its star (12 px): ~150 px


def _free_side(fig: go.Figure, value: float) -> str:
    """`top` when the target lies in the lower half of the values drawn, else `bottom`."""
    values = [float(v) for trace in fig.data if trace.y is not None for v in trace.y
              if v is not None and v == v]  # NaN != NaN
    middle = (min(values) + max(values)) / 2 if values else value
    return "top" if value <= middle else "bottom"


def _add_projection(fig: go.Figure, overlay: Overlay, unit: str, lang: str) -> None:
    p = overlay.projection
    if p is None:
        return
    x = [_year_x(y, overlay.mid_year) for y in p.years]
    fig.add_trace(go.Scatter(
        x=x + x[::-1], y=list(p.upper) + list(p.lower)[::-1], fill="toself", mode="lines",
        fillcolor=style.PROJECTION_BAND, line={"width": 0}, name=overlay.labels["band"],
        hoverinfo="skip"))
    hover = [f"{overlay.labels['projection']} {y}: {format_value(v, unit, lang)}"
             for y, v in zip(p.years, p.values, strict=True)]
    fig.add_trace(go.Scatter(
        x=x, y=list(p.values), name=overlay.labels["projection"], mode="lines",
        line={"color": style.PROJECTION_COLOUR, "width": 2, "dash": "dot"},
        hovertext=hover, hoverinfo="text"))


# ---- breaks in the series -----------------------------------------------------------------------

LABEL_LINE_PX = 15  # a break's label inside the plot (11 px)


@dataclass(frozen=True)
class BreakMark:
    """A break in the series as a chart draws it: where, a short label, and its note in words."""

    x: date  # between the last period before the break and the first after it
    label: str  # "Brudd januar 2022"
    note: str  # "Brudd i serien januar 2022: Fra januar 2022 måler NAV …"


def with_breaks(fig: go.Figure, marks: Sequence[BreakMark]) -> go.Figure:
    """A dashed vertical line at each break, labelled at the top of the plot, with its note
    written under the chart, so that a PNG or a slide still says why the line is there.

    Call it last: the figure grows by the notes, which sit between the legend and the source.
    """
    if not marks:
        return fig
    for index, mark in enumerate(marks):
        fig.add_shape(type="line", xref="x", yref="paper", x0=mark.x, x1=mark.x, y0=0, y1=1,
                      line={"color": style.MUTED_TEXT, "width": 1.5, "dash": "dash"},
                      layer="below")
        # Inside the plot, under its top edge: clear of the title above and the legend below.
        # To the right of its line where it fits there on a phone, else to the left; each break
        # a row lower than the one before, so that labels never run together.
        right = _fits_on_right(fig, mark, last=index == len(marks) - 1)
        fig.add_annotation(x=mark.x, xref="x", y=1, yref="paper",
                           xanchor="left" if right else "right", yanchor="top",
                           xshift=3 if right else -3, yshift=-LABEL_LINE_PX * index,
                           text=mark.label, hovertext=mark.note, showarrow=False,
                           font={"size": 11, "color": style.MUTED_TEXT},
                           bgcolor="rgba(255,255,255,0.85)")
    lines = [line for mark in marks for line in textwrap.wrap(mark.note, LINE_CHARS)]
    fig.add_annotation(text="<br>".join(lines), name="notes", xref="paper", yref="paper",
                       x=0, xanchor="left", y=1, yanchor="bottom", align="left",
                       showarrow=False, font={"size": 11, "color": style.MUTED_TEXT})
    # The figure grows by the notes (place_bottom puts them between the legend and the source).
    return place_bottom(fig, fig.layout.height + SOURCE_LINE_PX * len(lines) + 6)


PHONE_PLOT_PX = 244  # the plot's width in a 360 px wide phone (figure 328 px, less margins)
LABEL_CHAR_PX = 6.2  # a character of the 11 px label, in DejaVu Sans


def _fits_on_right(fig: go.Figure, mark: BreakMark, last: bool) -> bool:
    """Whether the break's label fits between its line and the figure's right edge on a phone
    (it may run into the right margin). Without a range set: the latest break only."""
    shown = fig.layout.xaxis.range
    if not shown:
        return last
    start, end = (pd.Timestamp(v) for v in shown)
    room = (end - pd.Timestamp(mark.x)) / (end - start) * PHONE_PLOT_PX + fig.layout.margin.r
    return bool(len(mark.label) * LABEL_CHAR_PX + 8 <= room)


# ---- a series of one value ----------------------------------------------------------------------


@dataclass(frozen=True)
class ValueCard:
    """The one figure of a series that has only one: no line to draw, so the value in words."""

    heading: str  # "Bare én måling"
    value: str  # "735 302"
    place: str  # "Akershus · 2. kvartal 2024"
    source: str  # "Kilde: SSB, tabell 01223"
    note: str  # "Bare én verdi er lagt inn ennå. …"


VALUE_PX = 290  # the width the value may take: a phone's figure less its margins


def value_card(card: ValueCard, text: ChartText, lang: str) -> go.Figure:
    """The value as large text in the figure, with title, unit, source: no axes, no line."""
    fig = base_layout(go.Figure(), text, lang, bottom=60, margin={"l": 24, "r": 24})
    # As large as fits a phone's width (bold digits ≈ 0.68 of the size), at most 44 px.
    size = min(44, int(VALUE_PX / (0.68 * max(len(card.value), 1))))
    for y, words, font in ((0.78, card.heading, {"size": 16, "color": style.MUTED_TEXT}),
                           (0.56, f"<b>{card.value}</b>", {"size": size, "color": style.PRIMARY}),
                           (0.34, card.place, {"size": 16, "color": style.TEXT}),
                           (0.16, "<br>".join(textwrap.wrap(card.note, SUBTITLE_CHARS)),
                            {"size": 13, "color": style.MUTED_TEXT})):
        fig.add_annotation(text=words, x=0.5, y=y, xref="paper", yref="paper", showarrow=False,
                           xanchor="center", yanchor="middle", font=font)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.update_layout(showlegend=False)
