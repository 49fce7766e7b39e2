"""The plan timeline as a Gantt chart: phases, milestones, yearly cycles, target years, actions."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from indicators import style
from indicators.charts.common import ChartText, base_layout, year_dtick
from indicators.i18n import t

# Status: colour and fill pattern, so a status never rests on colour alone.
STATUS_LOOK = {
    "done": ("#007A5A", ""),
    "planned": (style.PRIMARY, "/"),
    "overdue": ("#5F6368", "-"),
    "ongoing": ("#8A6D00", "."),
    "delayed": ("#B3261E", "x"),
    "cycle": ("#9AA0A6", "."),
    "proposed": ("#6A4C93", "/"),
    "adopted": ("#6A4C93", ""),
    "on_track": ("#007A5A", ""),
    "watch": ("#8A6D00", "/"),
    "behind": ("#B3261E", "x"),
    "not_started": ("#5F6368", "."),
    "unknown": ("#5F6368", "."),
}
TODAY_COLOUR = "#B3261E"


def _legend_name(status: str, lane: str, lang: str) -> str:
    return t(f"actions.status.{status}", lang) if lane == "action" else \
        t(f"timeline.status.{status}", lang)


def gantt(frame: pd.DataFrame, today: date, text: ChartText, lang: str,
          x_range: tuple[date, date]) -> go.Figure:
    """Bars from start to end (inclusive) per row, diamonds for single days, a marker for today."""
    order = list(dict.fromkeys(frame["row"]))
    fig = go.Figure()
    spans = frame[~frame["point"]]
    for (lane_group, key), rows in spans.groupby(
            [spans["lane"] == "action", "status"], sort=False):
        status = str(key)
        colour, pattern = STATUS_LOOK.get(status, (style.PRIMARY, ""))
        ends = [e + timedelta(days=1) for e in rows["end"]]
        fig.add_trace(go.Bar(
            y=rows["row"], base=[s.isoformat() for s in rows["start"]],
            x=[(e - s).days * 86_400_000 for s, e in zip(rows["start"], ends, strict=True)],
            orientation="h", name=_legend_name(status, "action" if lane_group else "", lang),
            marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "white",
                                                 "size": 6, "fillmode": "overlay"},
                    "line": {"color": "white", "width": 1}},
            hovertext=rows["hover"], hoverinfo="text", legendgroup=status))
    points = frame[frame["point"]]
    for key, rows in points.groupby("status", sort=False):
        status = str(key)
        colour, _ = STATUS_LOOK.get(status, (style.PRIMARY, ""))
        fig.add_trace(go.Scatter(
            y=rows["row"], x=[s.isoformat() for s in rows["start"]], mode="markers",
            marker={"symbol": "diamond", "size": 13, "color": colour,
                    "line": {"color": "white", "width": 1}},
            name=_legend_name(status, "", lang), hovertext=rows["hover"], hoverinfo="text",
            legendgroup=status, showlegend=status not in set(spans["status"])))
    fig.update_layout(barmode="overlay", bargap=0.35)
    fig.update_xaxes(type="date", range=[x_range[0].isoformat(), x_range[1].isoformat()],
                     showgrid=True, gridcolor=style.GRID, tickformat="%Y", tick0="2000-01-01",
                     dtick=year_dtick(x_range[0].year, x_range[1].year))
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed",
                     automargin=True, gridcolor=style.GRID)
    fig = base_layout(fig, text, lang, height=160 + 34 * len(order) + 120, bottom=120)
    _today(fig, today, lang)  # after base_layout, whose source line must stay annotation 0
    return fig


def _today(fig: go.Figure, today: date, lang: str) -> None:
    """A vertical line at today's date, labelled 'i dag' (text, not only a colour)."""
    fig.add_shape(type="line", x0=today.isoformat(), x1=today.isoformat(), xref="x",
                  y0=0, y1=1, yref="paper", line={"color": TODAY_COLOUR, "width": 2, "dash": "dot"})
    fig.add_annotation(x=today.isoformat(), xref="x", y=1, yref="paper", yanchor="bottom",
                       text=f"<b>{t('timeline.today', lang)}</b>", showarrow=False,
                       font={"color": TODAY_COLOUR, "size": 12})
