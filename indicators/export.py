"""Charts as files for presentations: PNG, SVG and self-contained HTML of the page's own figures.

Images are drawn by kaleido 1.x in Debian's Chromium. One browser is started on first use and
reused for every later image (a cold start costs ~1.7 s, a warm image ~0.1 s). It runs in its own
event-loop thread rather than `kaleido.start_sync_server()`, because that server waits forever
when its browser dies; here every image has a time limit and a dead browser is replaced.

Presets are in CSS pixels and drawn at scale 2, so "16:9" gives a 2560 × 1440 PNG that stays
sharp on a full-screen slide, and "square" a 1600 × 1600 PNG for social media and A4 columns.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copy
import html
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Coroutine
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import plotly.graph_objects as go

from indicators import charts, explain, store, views
from indicators.assessment import assess_indicator
from indicators.model import Indicator, PlanModel
from indicators.progress import Assessment

# "a4": the PDF briefing's chart across an A4 page's text column (174 mm), drawn at about
# 0.87 of its CSS size, so its 13 px text prints at about 8 pt (indicators/briefing_pdf.py).
PRESETS: dict[str, tuple[int, int]] = {"16:9": (1280, 720), "square": (800, 800),
                                       "a4": (760, 560)}
SCALE = 2
RENDER_TIMEOUT_S = 60
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class ExportUnavailable(RuntimeError):
    """No browser to draw images with (the HTML export still works)."""


def browser_path() -> str | None:
    """The Chromium kaleido should drive: `$BROWSER_PATH`, else the first one on PATH."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def images_available() -> bool:
    """Whether PNG and SVG can be made on this machine."""
    return browser_path() is not None


T = TypeVar("T")


class _Renderer:
    """One kaleido browser on its own event loop, shared by all threads of the process."""

    def __init__(self, path: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                       name="kaleido-renderer")
        self.thread.start()
        self.kaleido = self._run(self._open(path), RENDER_TIMEOUT_S)

    async def _open(self, path: str) -> Any:  # a kaleido.Kaleido (kaleido has no type hints)
        import kaleido  # imported late: the core must load where kaleido is not installed

        # mathjax=False: no formulas here, and the default fetches MathJax from a CDN.
        browser = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=path)
        await browser.open()
        return browser

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def render(self, figure: dict[str, Any], opts: dict[str, Any]) -> bytes:
        """PNG or SVG bytes of a plotly figure dict (Any: plotly's JSON)."""
        image: bytes = self._run(self.kaleido.calc_fig(figure, opts=opts), RENDER_TIMEOUT_S)
        return image

    def close(self) -> None:
        # Closing a browser that already died may fail; the loop must stop all the same.
        with contextlib.suppress(Exception):
            self._run(self.kaleido.close(), 10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


_lock = threading.Lock()
_renderer: _Renderer | None = None


def start() -> None:
    """Start the shared browser now (it starts by itself on the first image otherwise)."""
    _get_renderer()


def stop() -> None:
    """Close the shared browser (it is started again on the next image)."""
    global _renderer
    with _lock:
        if _renderer is not None:
            _renderer.close()
            _renderer = None


atexit.register(stop)


def _get_renderer() -> _Renderer:
    global _renderer
    with _lock:
        if _renderer is None:
            path = browser_path()
            if path is None:
                raise ExportUnavailable(
                    "No Chromium found for image export: install Debian's `chromium` "
                    "(`make install` does) or set BROWSER_PATH. The HTML export works without it.")
            try:
                _renderer = _Renderer(path)
            except Exception as error:  # noqa: BLE001 - any start failure means no images
                raise ExportUnavailable(f"Chromium at {path} could not be started: {error}") from error
        return _renderer


def _render(fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    figure = sized(fig, width, height).to_plotly_json()
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    try:
        return _get_renderer().render(figure, opts)
    except (FutureTimeout, RuntimeError, OSError) as error:
        if isinstance(error, ExportUnavailable):
            raise
        # The browser may have died: start a fresh one once, then give up.
        stop()
        try:
            return _get_renderer().render(figure, opts)
        except (FutureTimeout, RuntimeError, OSError) as again:
            raise ExportUnavailable(f"Image export failed: {again}") from again


def to_png(fig: go.Figure, preset: str = "16:9", scale: float = SCALE,
           size: tuple[int, int] | None = None) -> bytes:
    """The figure as a PNG at a preset size ("16:9" or "square"), or at `size` (CSS pixels),
    drawn at `scale`."""
    width, height = size or PRESETS[preset]
    return _render(fig, "png", width, height, scale)


def to_svg(fig: go.Figure, preset: str = "16:9") -> bytes:
    """The figure as SVG (text stays text, so it is editable and searchable)."""
    width, height = PRESETS[preset]
    return _render(fig, "svg", width, height, 1)


def to_svg_at(fig: go.Figure, width: int, height: int | None = None) -> bytes:
    """The figure as SVG at `width` CSS pixels and its own height (or `height`): a static page
    shows it at the width the app would, so its text stays as large as on the page."""
    return _render(fig, "svg", width, height or int(fig.layout.height or charts.common.HEIGHT), 1)


def to_html(fig: go.Figure, title: str = "", lang: str = "nb") -> str:
    """A self-contained interactive page: plotly.js inlined, so it opens offline and by e-mail."""
    page = fig.to_html(full_html=True, include_plotlyjs=True,
                       config={"displaylogo": False, "responsive": True})
    head = f'<meta charset="utf-8" /><title>{html.escape(title)}</title>'
    page = page.replace('<meta charset="utf-8" />', head, 1)
    return str(page).replace("<html>", f'<html lang="{html.escape(lang)}">', 1)


def sized(fig: go.Figure, width: int | None, height: int) -> go.Figure:
    """A copy of the figure at a new size (width None: as wide as its container), with what
    base_layout pins in pixels kept in place.

    base_layout places the title from the top, and the legend, notes and source line from the
    bottom edge, in pixels; a fraction that was right at the page's height would drift at another.
    """
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    old = fig.layout.height or height
    out.update_layout(height=height)
    if width is not None:
        out.update_layout(width=width, autosize=False)
    title = out.layout.title
    if title.yref == "container" and title.y is not None:
        title.y = 1 - (1 - title.y) * old / height
    legend = out.layout.legend
    if legend.yref == "container" and legend.y is not None:
        legend.y = legend.y * old / height
    for note, _ in charts.bottom_notes(out):
        # Placed from the plot's top edge: the same distance from the new bottom edge.
        note.yshift -= height - old
    return out


def file_name(stem: str, extension: str, preset: str | None = None) -> str:
    """`2B-04-16x9.png`: the stem, then the shape for images."""
    shape = f"-{preset.replace(':', 'x')}" if preset and extension == "png" else ""
    return f"{stem}{shape}.{extension}"


# ---- the figures an indicator is shown with ------------------------------------------------------


@dataclass(frozen=True)
class IndicatorData:
    """What a chart, a slide or an embed of one indicator needs from the store."""

    indicator: Indicator
    frame: pd.DataFrame  # the indicator's headline series for the areas it can be shown with
    summary: views.Summary
    assessment: Assessment


def load_indicator(model: PlanModel, con: duckdb.DuckDBPyConnection, indicator_id: str,
                   regions: list[str] | None = None) -> IndicatorData:
    """Read one indicator's observations and latest value, and assess it.

    Only the areas a chart or slide can show are read (the Indikator page's areas and any
    `regions` asked for), so a deck costs the same however many areas the database holds.
    """
    indicator = model.indicator(indicator_id)
    if indicator is None:
        raise KeyError(indicator_id)
    frame = store.observations(con, indicator_id, views.page_regions(model, indicator, regions))
    latest = store.latest(con, [(indicator_id, indicator.headline_region)])
    summary = views.summaries(model, latest)[indicator_id]
    return IndicatorData(indicator, frame, summary, assess_indicator(indicator, frame))


def trend_rows(model: PlanModel, data: IndicatorData, lang: str,
               regions: list[str] | None = None) -> views.TrendData:
    """The headline series of the chosen regions (default: headline region, Oslo, Norway)."""
    if not regions:
        return views.trend_data(model, data.indicator, data.frame, lang)
    frame = data.frame
    rows = frame[frame["region_code"].isin(regions) & (frame["series"] == "")]
    present = set(rows["region_code"])
    names = {c: model.region_name(c, lang) for c in regions if c in present}
    return views.TrendData(rows, names)


def trend_figure(model: PlanModel, data: IndicatorData, lang: str,
                 regions: list[str] | None = None) -> go.Figure:
    """The Indikator page's trend chart: lines per region, the method's lines when assessed and
    the breaks in the series; a value card instead when the headline series has one value."""
    indicator = data.indicator
    trend = trend_rows(model, data, lang, regions)
    card = views.one_value(model, indicator, data.frame, lang)
    if card is not None and indicator.headline_region in trend.names:
        return charts.value_card(card, views.chart_text(indicator, data.summary, "", lang), lang)
    text = views.chart_text(indicator, data.summary, views.trend_span(trend, lang), lang)
    fig = charts.trend(trend.frame, trend.names, indicator.unit, text, lang)
    if indicator.direction != "none" and indicator.headline_region in trend.names:
        overlay = explain.overlay(indicator, data.frame, data.assessment, lang)
        charts.with_overlay(fig, overlay, indicator.unit, lang)
    return charts.with_breaks(fig, explain.break_marks(indicator, trend.frame, lang))


def title_text(fig: go.Figure) -> str:
    """The figure's title without its markup and subtitle: `Registrerte helt ledige`."""
    text = fig.layout.title.text or ""
    return re.sub(r"<[^>]+>", "", text.split("<br>")[0]).strip()


_ASCII: dict[str, str | int | None] = {"æ": "ae", "ø": "o", "å": "a"}


def slug(fig: go.Figure) -> str:
    """A file name stem from the figure's title: `registrerte-helt-ledige`."""
    text = title_text(fig).lower().translate(str.maketrans(_ASCII))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "diagram"
