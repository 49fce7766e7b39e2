"""What every figure shares: the text it carries, its layout, and where a period sits on a time axis."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from indicators import style
from indicators.i18n import PLOTLY_SEPARATORS, lang_or_default

HEIGHT = 460
TOP = 86  # title and subtitle


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


def with_x(frame: pd.DataFrame) -> pd.DataFrame:
    """The observation frame with an `x` date column for plotting."""
    out = frame.copy()
    subs = out["sub"].astype("object").where(out["sub"].notna(), None)
    out["x"] = [x_date(y, f, s) for y, f, s in zip(out["year"], out["freq"], subs, strict=True)]
    return out


def base_layout(fig: go.Figure, text: ChartText, lang: str, height: int = HEIGHT,
                bottom: int = 120) -> go.Figure:
    """Title, unit, source and the county's name inside the figure; one font; calm grid.

    The legend sits under the axis and the source line at the very bottom, both placed in
    pixels from the bottom edge so they never overlap, whatever the height.
    """
    lang = lang_or_default(lang)
    fig.update_layout(
        title={"text": f"<b>{text.title}</b><br><span style='font-size:13px'>{text.subtitle}</span>",
               "x": 0.01, "xanchor": "left", "yref": "container", "y": 1 - 14 / height,
               "yanchor": "top"},
        font={"family": style.FONT, "size": 13, "color": style.TEXT},
        paper_bgcolor=style.BACKGROUND, plot_bgcolor=style.BACKGROUND,
        separators=PLOTLY_SEPARATORS[lang], height=height,
        margin={"l": 60, "r": 24, "t": TOP},
        legend={"orientation": "h", "yref": "container", "x": 0, "xanchor": "left",
                "yanchor": "bottom"},
        hoverlabel={"font": {"family": style.FONT}},
    )
    fig.add_annotation(text=text.source_line.replace("\n", "<br>"), xref="paper", yref="paper",
                       x=0, xanchor="left", yanchor="bottom", align="left", showarrow=False,
                       font={"size": 11, "color": style.MUTED_TEXT})
    fig.update_xaxes(showgrid=False, linecolor=style.MUTED_TEXT, ticks="outside")
    fig.update_yaxes(gridcolor=style.GRID, zeroline=False)
    return set_bottom(fig, height, bottom + source_extra(fig))


SOURCE_LINE_PX = 14  # one line of the 11 px source text


def source_extra(fig: go.Figure) -> int:
    """Pixels the source line takes beyond one line (it is wrapped to fit a phone's width)."""
    return SOURCE_LINE_PX * (fig.layout.annotations[0].text or "").count("<br>")


def set_bottom(fig: go.Figure, height: int, bottom: int) -> go.Figure:
    """Resize the figure's bottom band (legend + source line), keeping the source at the edge
    and the legend just above it, however many lines the source line has."""
    fig.update_layout(height=height, margin={"b": bottom},
                      legend={"y": (26 + source_extra(fig)) / height})
    fig.layout.annotations[0].y = -(bottom - 6) / (height - TOP - bottom)
    return fig
