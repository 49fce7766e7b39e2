"""The indicator chart tells the truth: it marks breaks in the series and fits nothing across
them, draws a value (not a line) for a series of one, and a municipal map says when its figures
stop before the county's. Fixtures are built here; nothing depends on the shipped figures."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators import charts, explain, export, views
from indicators.assessment import assess_indicator
from indicators.charts.common import SOURCE_LINE_PX, from_bottom
from indicators.deck import municipal_map
from indicators.model import Indicator, PlanModel
from tests.conftest import obs_frame

AS_OF = date(2026, 6, 1)
NOTE = {"nb": "Ny målemetode fra 2022; tall før og etter kan ikke sammenlignes.",
        "en": "New method from 2022; figures before and after cannot be compared."}


def make_indicator(**changes: object) -> Indicator:
    spec = {
        "id": "T-01", "name": {"nb": "Ledighet", "en": "Unemployment"},
        "definition": {"nb": "Andel ledige.", "en": "Share unemployed."},
        "unit": "percent", "direction": "decrease", "frequency": "annual",
        "source": {"organisation": "NAV", "credit": "Kilde: NAV"},
        "target": {"value": 2.0, "year": 2030, "status": "proposed"},
        "breaks": [{"period": "2022", "note": NOTE}],
    }
    return Indicator.model_validate(spec | changes)


def annual(values: dict[int, float], region: str = "32") -> pd.DataFrame:
    return obs_frame([("T-01", region, str(y), y, "A", None, v, None) for y, v in values.items()])


# Falling fast before the break, rising after it: a line fitted across the break would point down.
BEFORE = {y: 6.0 - 0.5 * (y - 2014) for y in range(2014, 2022)}
AFTER = {2022: 2.0, 2023: 2.2, 2024: 2.4, 2025: 2.6}
SERIES = annual(BEFORE | AFTER)


def test_required_path_and_projection_start_after_the_break() -> None:
    indicator = make_indicator()
    a = assess_indicator(indicator, SERIES, as_of=AS_OF)
    assert a.break_year == 2022 and a.base_year >= a.break_year
    overlay = explain.overlay(indicator, SERIES, a, "nb")
    # The required path starts at the moved base, not at the first year of the series.
    assert overlay.required[0] == (a.base_year, a.base_value)
    # The trend line is fitted on the years after the break only, so it rises as they do.
    assert overlay.projection.years[0] >= a.break_year
    assert overlay.projection.n == len(AFTER) and overlay.projection.slope > 0


def test_without_a_break_the_projection_uses_the_whole_series() -> None:
    indicator = make_indicator(breaks=[])
    a = assess_indicator(indicator, SERIES, as_of=AS_OF)
    overlay = explain.overlay(indicator, SERIES, a, "nb")
    assert a.break_year is None and overlay.projection.years[0] < 2022


@pytest.mark.parametrize(("lang", "label"), [("nb", "Brudd 2022"), ("en", "Break 2022")])
def test_chart_marks_the_break_with_its_note(lang: str, label: str) -> None:
    indicator = make_indicator()
    text = charts.ChartText("Ledighet", "Prosent", "Kilde: NAV")
    fig = charts.trend(SERIES, {"32": "Akershus"}, "percent", text, lang)
    fig = charts.with_breaks(fig, explain.break_marks(indicator, SERIES, lang))
    lines = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert len(lines) == 1
    # Between the last value before the break (2021) and the first after it (2022).
    assert date(2021, 1, 1) < pd.Timestamp(lines[0].x0).date() < date(2022, 1, 1)
    assert lines[0].x0 == lines[0].x1 and (lines[0].y0, lines[0].y1) == (0, 1)
    notes = [a.text for a in fig.layout.annotations]
    assert label in notes
    assert any(NOTE[lang] in n.replace("<br>", " ") for n in notes)


def test_break_label_and_notes_stay_clear_of_title_legend_and_source() -> None:
    indicator = make_indicator()
    text = charts.ChartText("Ledighet", "Prosent", "Kilde: NAV")
    fig = charts.trend(SERIES, {"32": "Akershus"}, "percent", text, "nb")
    fig = charts.with_breaks(fig, explain.break_marks(indicator, SERIES, "nb"))
    label = next(a for a in fig.layout.annotations if a.text == "Brudd 2022")
    assert label.yref == "paper" and label.y <= 1 and label.yanchor == "top"  # inside the plot
    source, notes = fig.layout.annotations[0], fig.layout.annotations[-1]
    assert source.text == "Kilde: NAV" and NOTE["nb"][:20] in notes.text
    n_lines = notes.text.count("<br>") + 1
    assert from_bottom(fig, source) < from_bottom(fig, notes)
    assert from_bottom(fig, notes) + SOURCE_LINE_PX * n_lines <= fig.layout.legend.y * fig.layout.height


def test_a_break_outside_the_shown_periods_is_not_drawn() -> None:
    indicator = make_indicator(breaks=[{"period": "2010", "note": NOTE}])
    assert explain.break_marks(indicator, SERIES, "nb") == []
    assert explain.break_marks(make_indicator(), annual(AFTER), "nb") == []


def test_a_monthly_break_sits_between_its_month_and_the_one_before() -> None:
    indicator = make_indicator(frequency="monthly", breaks=[{"period": "2022M01", "note": NOTE}])
    rows = [("T-01", "32", f"{y}M{m:02d}", y, "M", m, 2.0, None)
            for y in (2021, 2022) for m in range(1, 13)]
    marks = explain.break_marks(indicator, obs_frame(rows), "nb")
    assert [m.label for m in marks] == ["Brudd januar 2022"]
    assert date(2021, 12, 1) < marks[0].x < date(2022, 1, 1)


# ---- a series of one value ----------------------------------------------------------------------


def one_value_data(model: PlanModel) -> export.IndicatorData:
    indicator = make_indicator(direction="none", target=None, breaks=[], unit="count",
                               frequency="quarterly")
    frame = obs_frame([("T-01", "32", "2024K2", 2024, "Q", 2, 735302.0, None)])
    summary = views.Summary(indicator, "32", "2024K2", 735302.0, None, None, None, "", "")
    return export.IndicatorData(indicator, frame, summary, assess_indicator(indicator, frame))


def test_one_value_is_a_card_not_a_line(model: PlanModel) -> None:
    data = one_value_data(model)
    card = views.one_value(model, data.indicator, data.frame, "nb")
    assert card.heading == "Bare én måling"
    assert card.value == views.value_text(data.summary, "nb")
    assert card.place == f"{model.region_name('32', 'nb')} · 2. kvartal 2024"
    assert card.source == views.source_text(data.indicator, "nb")
    fig = export.trend_figure(model, data, "nb")
    assert not [trace for trace in fig.data if "lines" in (trace.mode or "")]
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    words = " ".join(a.text for a in fig.layout.annotations)
    assert "Bare én måling" in words and card.value in words and card.place in words
    assert views.one_value(model, data.indicator, data.frame, "en").heading == "Only one measurement"


def test_two_values_are_a_line(model: PlanModel) -> None:
    indicator = make_indicator(breaks=[])
    two = annual({2023: 2.0, 2024: 2.2})
    assert views.one_value(model, indicator, two, "nb") is None
    # Another area's figures do not make the headline series longer.
    one_here = pd.concat([annual({2024: 2.2}), annual({2023: 3.0, 2024: 3.1}, region="03")])
    assert views.one_value(model, indicator, one_here, "nb") is not None


# ---- municipal figures that stop before the county's --------------------------------------------


def test_map_note_when_municipal_and_county_periods_differ() -> None:
    assert views.municipal_period_note("2022M10", "2026M01", "nb") == \
        "Kommunetallene går til oktober 2022; fylket har tall til januar 2026."
    assert views.municipal_period_note("2022M10", "2026M01", "en") == \
        "The municipal figures run to October 2022; the county has figures to January 2026."
    assert views.municipal_period_note("2024", "2024", "nb") == ""
    assert views.municipal_period_note(None, "2024", "nb") == ""


def municipal_data(model: PlanModel, county_last: str) -> export.IndicatorData:
    indicator = make_indicator(frequency="monthly", breaks=[])
    codes = [r.code for r in model.municipalities()][:3]
    rows = [("T-01", c, "2022M10", 2022, "M", 10, 1.0 + i, None) for i, c in enumerate(codes)]
    year, month = (int(x) for x in county_last.split("M"))
    rows.append(("T-01", "32", county_last, year, "M", month, 2.0, None))
    frame = obs_frame(rows)
    summary = views.Summary(indicator, "32", county_last, 2.0, None, None, None, "", "")
    return export.IndicatorData(indicator, frame, summary, assess_indicator(indicator, frame))


def test_deck_map_says_when_its_period_is_older_than_the_county(model: PlanModel) -> None:
    older = municipal_map(model, municipal_data(model, "2026M01"), "nb")
    assert older.note == "Kommunetallene går til oktober 2022; fylket har tall til januar 2026."
    same = municipal_map(model, municipal_data(model, "2022M10"), "nb")
    assert same.note == ""
