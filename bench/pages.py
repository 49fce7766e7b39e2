"""Server-side render time of every page with AppTest, warm, at the shipped scale and at ×100.

    .venv/bin/python bench/pages.py [--runs N]

Each page is run through dashboard.py (as a visitor gets it) once to warm the caches, then N more
times; the median is compared with the same page at the shipped scale, in the same process.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics

from streamlit.testing.v1 import AppTest

from bench.common import PAGE_PARAMS, ROOT, RUNS, Scale, machine, prepare, ratio, scales, timed, verdict
from ui import page_list

TARGET = 1.5
# AppTest outside `streamlit run` warns "missing ScriptRunContext" on every run: noise here.
logging.getLogger("streamlit").setLevel(logging.ERROR)
PAGES = [(file, PAGE_PARAMS.get(url, {})) for file, url, *_ in [*page_list.PAGES, page_list.EMBED]]


def render(page: str, params: dict[str, str]) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    if at.exception:
        raise SystemExit(f"{page}: {[e.message for e in at.exception]}")


def use(scale: Scale) -> None:
    """Point the app at a scale; the caches key on database and config, so both stay warm."""
    os.environ["DASHBOARD_DB"], os.environ["DASHBOARD_CONFIG"] = str(scale.db), str(scale.config)


def measure(runs: int) -> dict[str, dict[str, float]]:
    """Median seconds per page and scale; the two scales take turns, so load hits both alike."""
    both = [prepare(scale) for scale in scales().values()]
    out: dict[str, dict[str, float]] = {}
    for page, params in PAGES:
        times: dict[str, list[float]] = {scale.name: [] for scale in both}
        for scale in both:
            use(scale)
            render(page, params)  # warm-up: fills the query caches for this scale
        for _ in range(runs):
            for scale in both:
                use(scale)
                times[scale.name].append(timed(lambda p=page, q=params: render(p, q)))
        out[page] = {name: statistics.median(values) for name, values in times.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    results = measure(args.runs)
    print(machine())
    print(f"AppTest warm render, median of {args.runs} (seconds)")
    print("| page | shipped | ×100 | ×100 / shipped | ≤ 1.5× |")
    print("|---|---:|---:|---:|---|")
    for page, by_scale in results.items():
        shipped, x100 = by_scale["shipped"], by_scale["x100"]
        name = page.removeprefix("app_pages/").removesuffix(".py")
        print(f"| {name} | {shipped:.3f} | {x100:.3f} | {ratio(x100, shipped)} | "
              f"{verdict(x100 <= TARGET * shipped)} |")


if __name__ == "__main__":
    main()
