"""The full briefing deck, and PNG export per chart with a warm kaleido browser, at both scales.

    .venv/bin/python bench/exports.py [--runs N]

The deck is what `python -m indicators export pptx OUT --maps` makes: every goal, every
indicator, the municipal maps (drawn as PowerPoint shapes). PNG export is `export png ID OUT`
for each indicator with data, after one unmeasured image has started the browser.
"""

from __future__ import annotations

import argparse
import statistics

from bench.common import RUNS, Scale, machine, median_of, prepare, scales, timed, verdict
from indicators import deck, export, store
from indicators.model import load_model

DECK_TARGET_S = 15.0


def deck_seconds(scale: Scale, runs: int) -> tuple[float, int]:
    """Median seconds for the full deck with maps, and its size in bytes."""
    model = load_model(scale.config)
    con = store.connect(scale.db)
    try:
        size = len(deck.build_deck(model, con, maps=True))  # warm-up
        return median_of(lambda: deck.build_deck(model, con, maps=True), runs, warmup=0), size
    finally:
        con.close()


def png_seconds(scale: Scale, runs: int) -> list[float]:
    """Per indicator with data: median seconds for one 16:9 PNG of its trend chart."""
    model = load_model(scale.config)
    con = store.connect(scale.db)
    try:
        with_data = set(store.coverage(con)["indicator_id"])
        figures = [export.trend_figure(model, export.load_indicator(model, con, i.id), "nb")
                   for i in model.indicators if i.id in with_data]
    finally:
        con.close()
    export.to_png(figures[0])  # warm-up: the browser starts here
    return [statistics.median(timed(lambda f=fig: export.to_png(f)) for _ in range(runs))
            for fig in figures]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    print(machine())
    for scale in scales().values():
        prepare(scale)
        seconds, size = deck_seconds(scale, args.runs)
        print(f"{scale.name}: full deck with maps {seconds:.2f} s ({size / 1e6:.1f} MB), "
              f"median of {args.runs} — target ≤ {DECK_TARGET_S:.0f} s: "
              f"{verdict(seconds <= DECK_TARGET_S)}")
        per_chart = png_seconds(scale, args.runs)
        print(f"{scale.name}: PNG per chart (warm kaleido, 2560 × 1440): median "
              f"{statistics.median(per_chart):.3f} s, slowest {max(per_chart):.3f} s "
              f"over {len(per_chart)} charts")
    export.stop()


if __name__ == "__main__":
    main()
