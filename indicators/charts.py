"""Pure chart functions: tidy data in, a Plotly figure out — the page, PNG and deck use the same ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from indicators import style
from indicators.i18n import PLOTLY_SEPARATORS, format_period, format_value, lang_or_default

HEIGHT = 460


@dataclass(frozen=True)
class ChartText:
    """What makes a figure self-explaining when pasted into a slide."""

    title: str
    subtitle: str  # unit and area, e.g. "Prosent av arbeidsstyrken · Akershus"
    source_line: str  # "Kilde: NAV · Sist oppdatert 26. november 2026 · Akershus fylkeskommune"


def x_date(year: int, freq: str, sub: int | None) -> date:
    """Where a period sits on a time axis: months and quarters at their start, years at 1 January."""
    if freq == "M" and sub:
        return date(int(year), int(sub), 1)
    if freq == "Q" and sub:
        return date(int(year), 3 * int(sub) - 2, 1)
    return date(int(year), 1, 1)


def with_x(frame: pd.DataFrame) -> pd.DataFrame:
    """The observation frame with an `x` date column for plotting."""
    out = frame.copy()
    subs = out["sub"].astype("object").where(out["sub"].notna(), None)
    out["x"] = [x_date(y, f, s) for y, f, s in zip(out["year"], out["freq"], subs, strict=True)]
    return out


def base_layout(fig: go.Figure, text: ChartText, lang: str, height: int = HEIGHT) -> go.Figure:
    """Title, unit, source and the county's name inside the figure; one font; calm grid."""
    lang = lang_or_default(lang)
    fig.update_layout(
        title={"text": f"<b>{text.title}</b><br><span style='font-size:13px'>{text.subtitle}</span>",
               "x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top"},
        font={"family": style.FONT, "size": 13, "color": style.TEXT},
        paper_bgcolor=style.BACKGROUND, plot_bgcolor=style.BACKGROUND,
        separators=PLOTLY_SEPARATORS[lang], height=height,
        margin={"l": 60, "r": 24, "t": 86, "b": 110},
        legend={"orientation": "h", "y": -0.14, "x": 0, "xanchor": "left", "yanchor": "top"},
        hoverlabel={"font": {"family": style.FONT}},
    )
    fig.add_annotation(text=text.source_line, xref="paper", yref="paper", x=0, y=-0.25,
                       xanchor="left", yanchor="top", showarrow=False,
                       font={"size": 11, "color": style.MUTED_TEXT})
    fig.update_xaxes(showgrid=False, linecolor=style.MUTED_TEXT, ticks="outside")
    fig.update_yaxes(gridcolor=style.GRID, zeroline=False)
    return fig


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
