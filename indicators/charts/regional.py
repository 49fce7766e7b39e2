"""Municipality charts for one period: a choropleth map of Akershus and a sorted bar chart."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import style
from indicators.charts.common import ChartText, base_layout
from indicators.i18n import UNIT_DECIMALS, format_value

LATITUDE_STRETCH = 2.0  # a degree of latitude is about twice one of longitude at 60° N
GEOJSON = Path(__file__).resolve().parents[2] / "data" / "geo" / "akershus_kommuner_2024.geojson"


@lru_cache(maxsize=1)
def municipalities_geojson() -> dict[str, Any]:
    """The 21 municipalities (2024 borders, © Kartverket, CC BY 4.0); Any: GeoJSON as read."""
    geojson: dict[str, Any] = json.loads(GEOJSON.read_text(encoding="utf-8"))
    return geojson


@dataclass(frozen=True)
class MapArea:
    """One municipality as the map draws it: its outline, its class's fill and legend label."""

    code: str
    rings: list[list[tuple[float, float]]]  # (longitude, latitude) points of each outline ring
    value: float | None
    rank: int  # the value's class, 0 = lowest; -1 = no value
    fill: str
    label: str  # the class as the legend names it


def map_areas(frame: pd.DataFrame, unit: str, lang: str, missing_label: str = "–") -> list[MapArea]:
    """Every municipality with its class of value (five equal-count classes, or fewer).

    The page's map and the deck's native map both draw from this, so they always agree.
    """
    values = dict(zip(frame["region_code"], frame["value"], strict=True))
    # Classes are made from the values as the reader sees them (rounded as shown), so no two
    # classes can share a shown bound ("1,1 % – 1,4 %" beside "1,4 % – 1,5 %").
    shown = {code: shown_value(v, unit) for code, v in values.items()}
    bins = _classes(list(shown.values()))
    labels = class_labels(list(shown.values()), bins, unit, lang)
    areas = []
    for feature in municipalities_geojson()["features"]:
        code = feature["properties"]["kommunenummer"]
        value = values.get(code)
        rank = _class_of(shown.get(code), bins)
        areas.append(MapArea(
            code, _rings(feature["geometry"]), value, rank,
            style.MISSING_FILL if rank < 0 else style.SEQUENTIAL_SCALE[rank],
            missing_label if rank < 0 else labels[rank]))
    return areas


def shown_value(value: float | None, unit: str) -> float | None:
    """The value rounded as `format_value` shows it (None and NaN stay missing)."""
    if value is None or math.isnan(value):
        return None
    return round(float(value), UNIT_DECIMALS.get(unit, 1))


def class_labels(values: list[float | None], bins: list[float], unit: str, lang: str) -> list[str]:
    """Each class as the legend names it: from its lowest to its highest value (`1,1 % – 1,3 %`,
    then `1,4 % – 1,5 %`), or the one value when a class holds one; classes never overlap."""
    members: dict[int, list[float]] = {}
    for value in values:
        rank = _class_of(value, bins)
        if rank >= 0 and value is not None:  # (a missing value has no class: rank -1)
            members.setdefault(rank, []).append(value)
    labels = []
    for rank in range(max(1, len(bins) - 1) if bins else 0):
        low, high = min(members.get(rank, bins[:1])), max(members.get(rank, bins[:1]))
        labels.append(format_value(low, unit, lang) if low == high
                      else f"{format_value(low, unit, lang)} – {format_value(high, unit, lang)}")
    return labels


def choropleth(frame: pd.DataFrame, names: dict[str, str], unit: str, text: ChartText,
               lang: str, missing_label: str = "–") -> go.Figure:
    """Municipalities shaded in five classes of value, drawn as plain polygons.

    Plotly's geo charts fetch a world map from the internet even when it is hidden; plain
    polygons on x/y axes need nothing from outside, so the map renders offline and in exports.
    The classes are listed in the legend, so the map can be read without judging shades.
    """
    fig = go.Figure()
    shown: set[int] = set()
    for area in map_areas(frame, unit, lang, missing_label):
        xs = [x for ring in area.rings for x in [*(p[0] for p in ring), None]]
        ys = [y for ring in area.rings for y in [*(p[1] for p in ring), None]]
        hover = f"{names.get(area.code, area.code)}: {format_value(area.value, unit, lang)}"
        fig.add_trace(go.Scatter(
            x=xs, y=ys, fill="toself", mode="lines", line={"color": style.MUTED_TEXT, "width": 0.6},
            fillcolor=area.fill, name=area.label, legendgroup=str(area.rank),
            showlegend=area.rank not in shown, legendrank=area.rank if area.rank >= 0 else 99,
            hoveron="fills", text=hover, hoverinfo="text"))
        shown.add(area.rank)
    base_layout(fig, text, lang, height=560, bottom=40, margin={"l": 10, "r": 10})
    (west, south), (east, north) = bounds()
    fig.update_xaxes(visible=False, showgrid=False, range=[west - 0.05, east + 0.05])
    # One degree of latitude is about twice as long as one of longitude at 60° N.
    fig.update_yaxes(visible=False, showgrid=False, range=[south - 0.02, north + 0.02],
                     scaleanchor="x", scaleratio=LATITUDE_STRETCH)
    fig.update_layout(legend={"orientation": "v", "x": 1.0, "xref": "paper", "xanchor": "left",
                              "y": 0.5, "yref": "paper", "yanchor": "middle",
                              "traceorder": "normal"})
    return fig


@lru_cache(maxsize=1)
def bounds() -> tuple[tuple[float, float], tuple[float, float]]:
    """South-west and north-east corners of the municipalities (longitude, latitude)."""
    points = [p for f in municipalities_geojson()["features"] for ring in _rings(f["geometry"])
              for p in ring]
    return ((min(p[0] for p in points), min(p[1] for p in points)),
            (max(p[0] for p in points), max(p[1] for p in points)))


def _classes(values: list[float | None]) -> list[float]:
    """Edges of five equal-count classes (fewer when there are few distinct values)."""
    data = sorted(v for v in values if v is not None and not math.isnan(v))
    if not data:
        return []
    cuts = [data[min(len(data) - 1, round(k * (len(data) - 1) / 5))] for k in range(6)]
    return sorted(set(cuts))


def _class_of(value: float | None, bins: list[float]) -> int:
    if value is None or math.isnan(value) or not bins:
        return -1
    for index in range(len(bins) - 1):
        if value <= bins[index + 1]:
            return index
    return max(0, len(bins) - 2)


def _rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Every outline ring of a polygon or multipolygon."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [[(p[0], p[1]) for p in ring] for polygon in polygons for ring in polygon]


def ranked_bars(frame: pd.DataFrame, names: dict[str, str], unit: str, text: ChartText,
                lang: str, highlight: str | None = None) -> go.Figure:
    """Municipalities sorted by value, highest at the top, values printed on the bars."""
    data = frame.sort_values("value", ascending=True)
    labels = [names.get(c, c) for c in data["region_code"]]
    colours = [style.PROJECTION_COLOUR if c == highlight else style.PRIMARY
               for c in data["region_code"]]
    fig = go.Figure(go.Bar(
        x=data["value"], y=labels, orientation="h", marker={"color": colours},
        text=[format_value(v, unit, lang) for v in data["value"]], textposition="outside",
        hoverinfo="text", cliponaxis=False))
    base_layout(fig, text, lang, height=max(360, 26 * len(data) + 190), bottom=70,
                margin={"l": 140, "r": 60})
    fig.update_layout(showlegend=False)
    fig.update_xaxes(showgrid=True, gridcolor=style.GRID, rangemode="tozero")
    return fig
