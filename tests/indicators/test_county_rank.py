"""Akershus among the counties: its rank in the latest period, read with the indicator's
direction, never against old-division counties; on the indicator page and in the deck."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from indicators import build, county_rank, deck, store
from indicators.model import PlanModel, load_model
from tests.conftest import FIXTURE_DATA, copy_repo
from tests.indicators.test_deck import texts
from tests.pages.conftest import all_text, page_opener

OTHERS = ["11", "15", "18", "31", "33", "34", "39", "40", "42", "50", "55", "56"]


def rows(figures: dict[str, dict[str, float]], series: str = "") -> pd.DataFrame:
    """Stored rows from {period: {region: value}} (annual periods)."""
    out = [(region, period, int(period[:4]), None, value, series)
           for period, values in figures.items() for region, value in values.items()]
    return pd.DataFrame(out, columns=["region_code", "period", "year", "sub", "value", "series"])


def all_counties(akershus: float, oslo: float = 20.0, vestland: float = 10.0) -> dict[str, float]:
    return {"32": akershus, "03": oslo, "46": vestland, **{c: 1.0 + n / 10 for n, c in
                                                          enumerate(OTHERS)}}


def test_today_counts_15_counties(model: PlanModel) -> None:
    counties = county_rank.current_counties(model)
    assert len(counties) == 15 and {"32", "03", "31", "56"} <= set(counties)
    assert not {"02", "30"} & set(counties)


def test_the_rank_reads_the_direction(model: PlanModel) -> None:
    figures = rows({"2024": all_counties(5.0), "2025": all_counties(9.5)})
    higher = county_rank.rank(model, model.indicator("2A-03"), figures)  # increase
    assert higher.text() == "Nr. 3 av 15 fylker i 2025 (høyest er best)"
    lower = county_rank.rank(model, model.indicator("1D-02"), figures)  # decrease
    assert lower.text("en") == "No. 13 of 15 counties in 2025 (lowest is best)"
    neither = county_rank.rank(model, model.indicator("2A-05"), figures)  # none
    assert neither.rank == 3 and "verken høyt eller lavt er bedre" in neither.text()


def test_old_division_figures_are_never_ranked_against_todays_counties(model: PlanModel) -> None:
    """Viken (30) and the pre-2020 Akershus (02) above today's Akershus change nothing, and a
    period with only old-division counties beside Akershus gives no rank."""
    latest = {**all_counties(9.5), "30": 99.0, "02": 98.0, "0": 97.0}
    ranked = county_rank.rank(model, model.indicator("2A-03"), rows({"2025": latest}))
    assert (ranked.rank, ranked.of) == (3, 15)
    old = {"32": 9.5, "03": 20.0, "30": 12.0, "02": 11.0, "11": 3.0, "15": 2.0, "18": 1.0,
           "34": 4.0, "42": 5.0, "46": 6.0, "50": 7.0, "38": 8.0, "54": 9.0}
    assert county_rank.rank(model, model.indicator("2A-03"), rows({"2023": old})) is None


def test_no_rank_without_the_counties_or_off_the_headline_series(model: PlanModel) -> None:
    indicator = model.indicator("2A-03")
    assert county_rank.rank(model, indicator, rows({"2025": {"32": 9.5, "03": 20.0}})) is None
    assert county_rank.rank(model, indicator, rows({"2025": all_counties(9.5)}, "16+")) is None
    # The latest period is Akershus's own: older complete years do not stand in for it.
    partial = rows({"2024": all_counties(5.0), "2025": {"32": 9.5, "03": 20.0}})
    assert county_rank.rank(model, indicator, partial) is None


@pytest.fixture(scope="module")
def county_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test data set with 2A-03 stored for every county (and Viken) as a fetch stores it."""
    root = copy_repo(tmp_path_factory.mktemp("counties"), FIXTURE_DATA)
    lines = ["indicator_id,region_code,period,value,unit,series,note,source"]
    for period, values in (("2023", {"30": 30000.0, "03": 20000.0, "32": 9000.0}),
                           ("2025", all_counties(9500.5, 21000.0, 9800.0))):
        lines += [f"2A-03,{r},{period},{v},nok_million,,,Testdata" for r, v in values.items()]
    (root / "data" / "observations" / "2A-03.csv").write_text("\n".join(lines) + "\n", "utf-8")
    db = root / "data" / "dashboard.duckdb"
    assert build.build(load_model(root / "config" / "goals.yaml"), root / "data", db).ok
    return db


def test_the_deck_says_where_akershus_stands(county_db: Path) -> None:
    model = load_model(Path(__file__).resolve().parents[2] / "config" / "goals.yaml")
    con = store.connect(county_db, read_only=True)
    try:
        made = deck.build_deck(model, con, indicators=["2A-03"], funding=False,
                               today=date(2026, 12, 2))
    finally:
        con.close()
    slides = [texts(s) for s in Presentation(io.BytesIO(made)).slides]
    [slide] = [s for s in slides if "Nr. 3 av 15 fylker i 2025 (høyest er best)" in s]
    assert "2A-03 FoU-utgifter" in slide and "9 500,5 mill. kr" in slide  # beside its value


def test_the_indicator_page_says_where_akershus_stands(county_db: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    open_page = page_opener(county_db, monkeypatch)
    text = all_text(open_page("app_pages/indikator.py", id="2A-03"))
    assert "Nr. 3 av 15 fylker i 2025 (høyest er best)" in text
    english = all_text(open_page("app_pages/indikator.py", id="2A-03", lang="en"))
    assert "No. 3 of 15 counties in 2025 (highest is best)" in english
