"""Time to last chart: every page of the app opened cold in headless Chromium, against a one-chart floor.

    .venv/bin/python bench/browser.py [--scale shipped|x100|both] [--runs N] [--shots DIR]

Each page is opened once unmeasured (the server's caches warm up, and the number of charts the
page draws is noted), then N times, each time in a fresh browser context (a new Streamlit
session). The floor is bench/floor_page.py, served by its own `streamlit run`. Pages and floor
take turns, so that noise on the machine falls on all of them alike.

"Done" is the first animation frame in which the app's script run has ended
(data-test-script-state="notRunning"), Streamlit's running indicator and every loading skeleton
are gone, and each chart container holds a drawn Plotly figure — at least as many as the warm-up
visit saw. The time is the page's own clock at that frame: performance.now(), which counts from
navigation start.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: make `bench` importable

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from bench.common import PAGE_PARAMS, RUNS, Scale, machine, prepare, ratio, running_app, scales, verdict  # noqa: E402
from tools.chromium import launch  # noqa: E402
from ui.page_list import DEFAULT, EMBED, PAGES  # noqa: E402

VIEWPORT = {"width": 1280, "height": 1600}
# ×100 pages on two cores shared with other work can take long; a page that never finishes is
# reported as an error rather than hanging the run.
TIMEOUT_MS = 180_000
SETTLE_MS = 1_500  # warm-up only: how long the chart count must hold still after "done"
FLOOR = Path(__file__).with_name("floor_page.py")
FLOOR_LABEL = "floor (one chart)"
TARGET = 1.5
# An exception, an st.error box, or Streamlit's "Page not found" dialog (as tests/e2e).
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'
ANONYMOUS = {"oppdater"}  # behind a planner login: measured as an anonymous visitor sees it

STATUS = '[data-testid="stStatusWidget"]'

DONE = """(expected) => {
    const app = document.querySelector('[data-testid="stApp"]');
    // "initial" before the first run, "running" during it: only "notRunning" means finished.
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stStatusWidget"]')) return false;
    // A chart stands in as a skeleton until Plotly's code has loaded, so without the count from
    // the warm-up a page could look done in the moment between skeleton and chart.
    const boxes = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    if (boxes.length < expected) return false;
    if (!boxes.every(box => box.querySelector('.js-plotly-plot .main-svg'))) return false;
    return performance.now();
}"""
# Charts drawn, and how many of them are shown (a chart in a tab not chosen is drawn but hidden).
COUNT = """() => {
    const drawn = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .filter(box => box.querySelector('.js-plotly-plot .main-svg'));
    return [drawn.length, drawn.filter(box => box.checkVisibility()).length];
}"""


@dataclass(frozen=True)
class Target:
    label: str
    path: str  # URL path and query, e.g. "/indikator?id=2B-04"


@dataclass(frozen=True)
class Visit:
    seconds: float  # nan when the page never finished
    charts: int
    shown: int
    errors: tuple[str, ...]


def _target(url_path: str, default: str, params: dict[str, str]) -> Target:
    query = f"?{urlencode(params)}" if params else ""
    label = url_path + query + (" (anonymous)" if url_path in ANONYMOUS else "")
    return Target(label, "/" + ("" if url_path == default else url_path) + query)


def app_targets(indicators: Iterable[str] = ("2B-04",)) -> list[Target]:
    """Every page of the app with realistic parameters, the indicator page once per id in
    `indicators`, the embed page last. The default page comes first: until one run has
    registered the pages, Streamlit answers a deep link with "Page not found" (#9624)."""
    embed = EMBED[1]
    paths = [entry[1] for entry in PAGES] + [embed]
    targets = []
    for url_path in sorted(paths, key=lambda p: (p != DEFAULT, p == embed)):
        if url_path == "indikator":
            targets += [_target(url_path, DEFAULT, {"id": i}) for i in indicators]
        else:
            targets.append(_target(url_path, DEFAULT, PAGE_PARAMS.get(url_path, {})))
    return targets


def default_label() -> str:
    """The label of the page served at the app's root (Oversikt)."""
    return next(t.label for t in app_targets() if t.path.split("?")[0] == "/")


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def _settle(page: Page) -> int:
    """Wait until the number of drawn charts holds still; return it."""
    charts = page.evaluate(COUNT)[0]
    while True:
        page.wait_for_timeout(SETTLE_MS)
        page.wait_for_function(DONE, arg=charts, polling="raf", timeout=TIMEOUT_MS)
        now = page.evaluate(COUNT)[0]
        if now == charts:
            return charts
        charts = now


def visit(browser: Browser, url: str, expected: int = 0, settle: bool = False,
          shot: Path | None = None) -> Visit:
    """Open `url` in a fresh context and wait until done (see the module's doc)."""
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)  # the page's clock times it
        try:
            done_ms = page.wait_for_function(DONE, arg=expected, polling="raf",
                                             timeout=TIMEOUT_MS).json_value()
        except PlaywrightTimeout:
            status = " ".join(page.locator(STATUS).all_inner_texts())
            errors = (f"not done after {TIMEOUT_MS / 1000:.0f} s (status widget: {status or 'none'})",
                      *page.locator(ERRORS).all_inner_texts())
            return Visit(math.nan, *page.evaluate(COUNT), errors)
        if settle:
            _settle(page)
        if shot:
            page.screenshot(path=str(shot))
        return Visit(done_ms / 1000, *page.evaluate(COUNT), tuple(page.locator(ERRORS).all_inner_texts()))
    finally:
        context.close()


def measure(browser: Browser, urls: dict[str, str], runs: int,
            shots: Path | None = None) -> dict[str, list[Visit]]:
    """A warm-up visit to each url, then `runs` rounds over all of them; the warm-up comes first
    in each list. With `shots`, the first measured round saves a screenshot per page."""
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    warm = {label: visit(browser, url, settle=True) for label, url in urls.items()}
    visits = {label: [first] for label, first in warm.items()}
    for round_ in range(runs):
        for label, url in urls.items():
            shot = shots / f"{_slug(label)}.png" if shots and round_ == 0 else None
            visits[label].append(visit(browser, url, warm[label].charts, shot=shot))
    return visits


def _slug(label: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "_" for c in label)


def median_seconds(visits: list[Visit]) -> float:
    """The median of the measured visits (not the warm-up) that finished."""
    done = [v.seconds for v in visits[1:] if not math.isnan(v.seconds)]
    return statistics.median(done) if done else math.nan


def run_scale(browser: Browser, scale: Scale, floor_url: str, runs: int,
              shots: Path | None) -> dict[str, list[Visit]]:
    with running_app(prepare(scale)) as (url, _pid):
        urls = {FLOOR_LABEL: floor_url, **{t.label: url + t.path for t in app_targets()}}
        return measure(browser, urls, runs, shots / scale.name if shots else None)


def report(results: dict[str, dict[str, list[Visit]]], runs: int) -> None:
    print(machine())
    print(f"Time to last chart, headless Chromium: fresh context per visit, warm server, "
          f"median of {runs} (seconds from navigation start)")
    print("| page | scale | median s | charts | × floor |")
    print("|---|---|---:|---:|---:|")
    for scale, by_label in results.items():
        floor = median_seconds(by_label[FLOOR_LABEL])
        for label, visits in by_label.items():
            last = visits[-1]
            charts = f"{last.charts}" + (f" ({last.shown} shown)" if last.shown != last.charts else "")
            print(f"| {label} | {scale} | {median_seconds(visits):.2f} | {charts} | "
                  f"{ratio(median_seconds(visits), floor)} |")
    problems = [(scale, label, error) for scale, by_label in results.items()
                for label, visits in by_label.items() for v in visits for error in v.errors]
    for scale, label, error in dict.fromkeys(problems):
        print(f"ERROR {scale} {label}: {' '.join(error.split())[:300]}")
    oversikt = default_label()
    for scale, by_label in results.items():
        page, floor = median_seconds(by_label[oversikt]), median_seconds(by_label[FLOOR_LABEL])
        print(f"Oversikt time to last chart ≤ {TARGET}× floor: {verdict(page <= TARGET * floor)}"
              f"  [{scale}: {page:.2f} s, floor {floor:.2f} s, {ratio(page, floor)}]")


def chosen_scales(name: str) -> list[Scale]:
    every = scales()
    return list(every.values()) if name == "both" else [every[name]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["shipped", "x100", "both"], default="both")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--shots", type=Path, help="save a screenshot of each page at 'done' here")
    args = parser.parse_args()
    started = time.monotonic()
    chosen = chosen_scales(args.scale)
    with ExitStack() as stack:
        floor_url, _ = stack.enter_context(running_app(chosen[0], script=FLOOR))
        browser = stack.enter_context(chromium())
        results = {scale.name: run_scale(browser, scale, floor_url, args.runs, args.shots)
                   for scale in chosen}
    report(results, args.runs)
    print(f"({time.monotonic() - started:.0f} s end to end)")


if __name__ == "__main__":
    main()
