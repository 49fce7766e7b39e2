"""Indicator charts over time: lines per region, and the sparkline of a card."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from indicators import style
from indicators.charts.common import ChartText, base_layout, set_bottom, with_x
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
    return base_layout(fig, text, lang)


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
        fig.add_trace(go.Scatter(
            x=[_year_x(year, overlay.mid_year)], y=[value], name=overlay.labels["target"],
            mode="markers+text", text=[overlay.labels["target"]], textposition="top left",
            textfont={"color": style.TARGET_COLOUR},
            marker={"symbol": "star", "size": 16, "color": style.TARGET_COLOUR},
            hoverinfo="text", hovertext=[overlay.labels["target"]]))
    # Room for a legend of up to three rows under the axis.
    return set_bottom(fig, fig.layout.height + 40, 160)


def _add_projection(fig: go.Figure, overlay: Overlay, unit: str, lang: str) -> None:
    p = overlay.projection
    x = [_year_x(y, overlay.mid_year) for y in p.years]
    fig.add_trace(go.Scatter(
        x=x + x[::-1], y=list(p.upper) + list(p.lower)[::-1], fill="toself",
        fillcolor=style.PROJECTION_BAND, line={"width": 0}, name=overlay.labels["band"],
        hoverinfo="skip"))
    hover = [f"{overlay.labels['projection']} {y}: {format_value(v, unit, lang)}"
             for y, v in zip(p.years, p.values, strict=True)]
    fig.add_trace(go.Scatter(
        x=x, y=list(p.values), name=overlay.labels["projection"], mode="lines",
        line={"color": style.PROJECTION_COLOUR, "width": 2, "dash": "dot"},
        hovertext=hover, hoverinfo="text"))
