"""What the Indikator page shows as tables: one row per period, only the areas the page is about."""

from __future__ import annotations

import duckdb

from indicators import store, views
from indicators.model import PlanModel


def _trend(model: PlanModel, con: duckdb.DuckDBPyConnection, indicator_id: str) -> views.TrendData:
    indicator = model.indicator(indicator_id)
    frame = store.observations(con, indicator_id, views.page_regions(model, indicator))
    return views.trend_data(model, indicator, frame)


def test_the_charts_table_has_one_row_per_period_in_time_order(
        model: PlanModel, fixture_con: duckdb.DuckDBPyConnection) -> None:
    # The test data set: monthly, 2021M01–2026M01 for Akershus, Oslo and Norway.
    trend = _trend(model, fixture_con, "2B-04")
    table = views.trend_table(trend, "percent", "nb")
    assert len(table) == trend.frame["period"].nunique() == 61
    assert list(table["Periode"][:2]) == ["januar 2021", "februar 2021"]
    assert table["Periode"].iloc[-1] == "januar 2026"
    assert "–" not in set(table["Akershus"])  # every month has a value: no padding rows


def test_the_page_reads_its_own_areas_only(model: PlanModel) -> None:
    indicator = model.indicator("2B-04")
    areas = views.page_regions(model, indicator, ["1103"])
    assert areas[:3] == ["32", "03", "0"]
    assert {r.code for r in model.municipalities()} <= set(areas)
    assert areas[-1] == "1103" and len(areas) == len(set(areas)) == 3 + 21 + 1


def test_a_table_row_says_when_its_status_rests_on_old_figures(model: PlanModel) -> None:
    from datetime import date

    from indicators.progress import assess

    indicator = model.indicator("2B-04")
    summary = views.Summary(indicator, "32", "2019", 2.1, None, None, None, "", "")
    old = assess([(2016, 2.5), (2019, 2.1)], "decrease", as_of=date(2026, 12, 2))
    fresh = assess([(2023, 2.5), (2025, 2.1)], "decrease", as_of=date(2026, 12, 2))
    assert old.stale and not fresh.stale
    assert views.summary_row(model, summary, old, "nb")["status_note"] == \
        "for gamle tall (2019), teller ikke med"
    assert "too old (2019)" in views.summary_row(model, summary, old, "en")["status_note"]
    assert views.summary_row(model, summary, fresh, "nb")["status_note"] == ""
