"""The indicator catalogue as data: one readable row per indicator, coverage, filters, CSV."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from indicators.assessment import assess_all
from indicators.catalogue import (
    Filters,
    catalogue_table,
    filter_table,
    readable,
    regions_text,
    to_csv,
)
from indicators.model import PlanModel
from indicators.views import Summary


def coverage_frame(model: PlanModel) -> pd.DataFrame:
    """What store.coverage returns, for two indicators: NAV unemployment and old-county data."""
    codes_2b04 = ",".join(["0", "03", "32", *[r.code for r in model.municipalities()]])
    return pd.DataFrame([
        ("1D-01", 22, 2, "02,03", "2009", "2019", pd.Timestamp("2026-11-26 13:25")),
        ("2B-04", 753, 24, codes_2b04, "2011M01", "2026M01", pd.Timestamp("2026-11-26 13:25")),
    ], columns=["indicator_id", "rows", "regions", "region_codes", "first_period", "last_period",
                "updated_at"])


def nav_summary(model: PlanModel) -> Summary:
    """2B-04's latest figure as views.summaries gives it, fetched 26 November 2026."""
    return Summary(model.indicator("2B-04"), "32", "2026M01", 2.6, "2025M12", 2.5,
                   date(2026, 11, 26), "", "")


@pytest.fixture
def table(model: PlanModel) -> pd.DataFrame:
    assessed = assess_all(model, {})
    assessed["2B-04"] = replace(assessed["2B-04"], status="deterioration", score=-5.0)
    return catalogue_table(model, coverage_frame(model), assessed, "nb",
                           summaries={"2B-04": nav_summary(model)})


def row(table: pd.DataFrame, indicator_id: str) -> pd.Series:
    return table.set_index("id").loc[indicator_id]


def test_one_row_per_indicator_in_model_order(model: PlanModel, table: pd.DataFrame) -> None:
    assert list(table["id"]) == model.indicator_ids()
    r = row(table, "2B-04")
    assert r["name"] == "Registrerte helt ledige"
    assert r["goal"] == "2B"
    assert r["themes"] == "Forholdet utdanning og arbeidsmarked"
    assert r["source"] == "NAV"
    assert r["unit"] == "prosent" and r["frequency"] == "Månedlig"
    assert row(table, "1D-02")["source"] == "SSB, tabell 13563"


def test_coverage_names_counties_counts_municipalities_and_gives_periods(table: pd.DataFrame) -> None:
    r = row(table, "2B-04")
    assert r["regions"] == "Akershus, Oslo, Hele landet + 21 kommuner"
    assert r["first_period"] == "januar 2011" and r["last_period"] == "januar 2026"
    assert r["dates"] == "Tall for januar 2026 · publiseringsdato ukjent · hentet 26. november 2026"
    assert row(table, "1D-01")["dates"] == "–"  # no summary given: nothing to date
    assert row(table, "1D-01")["regions"] == "Akershus (fylkesinndeling før 2020), Oslo"


def test_indicator_without_data_shows_dashes_and_no_update_date(table: pd.DataFrame) -> None:
    r = row(table, "2A-01")
    assert not r["has_data"]
    assert r["regions"] == r["first_period"] == r["last_period"] == r["dates"] == "–"
    assert r["status"] == "○ Ikke nok data"


def test_status_is_shape_and_words(table: pd.DataFrame) -> None:
    assert row(table, "2B-04")["status"] == "▼ Forverring"
    assert row(table, "2B-06")["status"] == "□ Bakgrunnsindikator, vurderes ikke"


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(goals=("1D",)), ["1D-01", "1D-02", "1D-03", "1D-04", "1D-05"]),
    (Filters(themes=("digital-transformasjon",)), ["2A-03", "2A-06"]),
    (Filters(statuses=("deterioration",)), ["2B-04"]),
    (Filters(with_data=True), ["1D-01", "2B-04"]),
    (Filters(text="  LEDIGE "), ["2B-04", "2B-05"]),  # case and spaces ignored
    (Filters(text="utdanningsdirektoratet"), ["1D-04"]),  # the source organisation
    (Filters(text="Grønt skifte"), ["2A-03", "2A-04", "2A-05"]),  # a theme name
    (Filters(goals=("2B",), with_data=True), ["2B-04"]),
    (Filters(text="finnes ikke"), []),
])
def test_filters_narrow_the_rows(table: pd.DataFrame, filters: Filters, expected: list[str]) -> None:
    assert list(filter_table(table, filters)["id"]) == expected


def test_no_filter_keeps_everything(table: pd.DataFrame) -> None:
    assert len(filter_table(table, Filters())) == 17


def test_english_headings_and_formats(model: PlanModel) -> None:
    english = catalogue_table(model, coverage_frame(model), assess_all(model, {}), "en",
                              summaries={"2B-04": nav_summary(model)})
    shown = readable(english, "en")
    assert list(shown.columns)[:4] == ["Id", "Indicator", "Goal", "Status"]
    r = english.set_index("id").loc["2B-04"]
    assert r["regions"] == "Akershus, Oslo, Norway + 21 municipalities"
    assert r["first_period"] == "January 2011"
    assert r["dates"] == \
        "Figures for January 2026 · publication date unknown · fetched 26 November 2026"
    assert r["name"] == "Registered fully unemployed"


def test_region_text_handles_one_municipality_and_none(model: PlanModel) -> None:
    assert regions_text(model, ["3201"], "nb") == "1 kommune"
    assert regions_text(model, [], "nb") == "–"


def test_csv_has_readable_headings_and_a_byte_order_mark(table: pd.DataFrame) -> None:
    text = to_csv(readable(filter_table(table, Filters(goals=("2B",))), "nb"))
    assert text.startswith("\ufeffId,Indikator,Delmål,Status,Områder med data")
    assert "2B-04,Registrerte helt ledige,2B,▼ Forverring" in text
    assert "goal_id" not in text and "has_data" not in text
    assert len(text.strip().splitlines()) == 1 + 6
