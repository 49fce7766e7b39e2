"""Indicator charts over time: lines per region, and the sparkline of a card."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators import style
from indicators.charts.common import ChartText, base_layout, with_x
from indicators.i18n import format_period, format_value


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
    fig = go.Figure(go.Scatter(x=data["x"], y=data["value"], mode="lines",
                               line={"color": colour, "width": 2}, hoverinfo="skip"))
    fig.update_layout(height=60, margin={"l": 0, "r": 0, "t": 4, "b": 4}, showlegend=False,
                      paper_bgcolor=style.BACKGROUND, plot_bgcolor=style.BACKGROUND)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig
