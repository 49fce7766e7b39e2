"""An adopted target's label beside its star: the state ("vedtatt"), never a case number broken
over two lines; the legend and the hover keep the decision's date and case number."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from indicators import charts, explain
from indicators.assessment import assess_indicator
from indicators.model import Indicator
from tests.conftest import obs_frame

SERIES = obs_frame([("T-01", "32", str(y), y, "A", None, 3.0 - 0.1 * (y - 2015), None)
                    for y in range(2015, 2026)])


def adopted() -> Indicator:
    return Indicator.model_validate({
        "id": "T-01", "name": {"nb": "Ledighet", "en": "Unemployment"},
        "definition": {"nb": "Andel ledige.", "en": "Share unemployed."},
        "unit": "percent", "direction": "decrease", "frequency": "annual",
        "source": {"organisation": "NAV", "credit": "Kilde: NAV"},
        "target": {"value": 2.0, "year": 2030, "status": "adopted",
                   "decision": {"case": "PS 12/2026", "date": "2026-03-12"}}})


@pytest.mark.parametrize(("lang", "short", "decision"), [
    ("nb", "Mål 2030: 2,0 % (vedtatt)", "vedtatt 12. mars 2026, sak PS 12/2026"),
    ("en", "Target 2030: 2.0% (adopted)", "adopted 12 March 2026, case PS 12/2026")])
def test_the_star_says_adopted_and_the_legend_names_the_decision(lang: str, short: str,
                                                                decision: str) -> None:
    indicator = adopted()
    a = assess_indicator(indicator, SERIES, as_of=date(2026, 6, 1))
    fig = charts.trend(SERIES, {"32": "Akershus"}, "percent",
                       charts.ChartText("Ledighet", "Prosent", "Kilde: NAV"), lang)
    charts.with_overlay(fig, explain.overlay(indicator, SERIES, a, lang), "percent", lang)
    star = next(t for t in fig.data if t.marker.symbol == "star")
    label = next(n for n in fig.layout.annotations
                 if pd.Timestamp(n.x) == pd.Timestamp(star.x[0]) and n.y == star.y[0])

    def plain(text: str) -> str:
        return re.sub(r"<[^>]+>", " ", text).replace("\xa0", " ").replace("  ", " ")

    assert plain(label.text) == short
    assert decision in plain(star.name) and decision in plain(star.hovertext[0])
