"""Indikator page: the chosen indicator's latest value, chart, figures and source."""

from __future__ import annotations

import json

from tests.pages.conftest import all_text


def test_nav_unemployment_page_shows_latest_value_and_source(open_page) -> None:
    at = open_page("app_pages/indikator.py", id="2B-04")
    assert at.title[0].value == "2B-04 Registrerte helt ledige"
    metric = at.metric[0]
    assert metric.value == "2,6\xa0%" and "januar 2026" in metric.label
    text = all_text(at)
    assert "Kilde: NAV" in text or "NAV" in text
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [trace["name"] for trace in chart["data"]]
    assert names[:3] == ["Akershus", "Oslo", "Hele landet"]
    # The proposed target is drawn and labelled as a proposal, with the path needed to reach it.
    assert "Mål 2030: 2,0\xa0% (forslag, ikke vedtatt)" in names
    assert "Nødvendig utvikling for å nå målet" in names
    assert "Hvis trenden fortsetter" in names
    assert "Kilde: NAV" in json.dumps(chart["layout"]["annotations"], ensure_ascii=False)


def test_old_county_series_says_so_plainly(open_page) -> None:
    text = all_text(open_page("app_pages/indikator.py", id="2B-03"))
    assert "gamle Akershus" in text and "fylkesinndelingen før 2020" in text


def test_indicator_without_data_says_what_is_missing(open_page) -> None:
    at = open_page("app_pages/indikator.py", id="2A-01")
    assert not at.get("plotly_chart")
    assert "Ingen data for denne indikatoren ennå." in at.info[0].value


def test_status_and_how_it_was_calculated(open_page) -> None:
    at = open_page("app_pages/indikator.py", id="2B-04")
    text = all_text(at)
    assert "Forverring" in text
    # The numbers that made the status: base year 2019 (NAV's break in 2018), latest full year 2025.
    assert "Fra 2019 til 2025" in text
    calculation = at.table[0].value.to_string()
    assert "Fremdriftsverdi" in calculation and "Nødvendig årlig vekst" in calculation


def test_municipalities_map_and_ranking_for_a_chosen_period(open_page) -> None:
    at = open_page("app_pages/indikator.py", id="2B-04", periode="2022M03")
    assert at.selectbox(key="period_choice").value == "2022M03"
    text = all_text(at)
    assert "21 kommuner har tall for mars 2022" in text
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [c["layout"]["title"]["text"] for c in charts]
    assert any("mars 2022" in title for title in titles)


def test_overdue_update_is_flagged(open_page) -> None:
    text = all_text(open_page("app_pages/indikator.py", id="2B-03"))
    # Regional accounts end in 2019; 2020 plus the usual 14 months: long overdue.
    assert "Neste oppdatering ventet: 1. februar 2022" in text and "Forsinket" in text


def _figures(at) -> object:
    """The figures table under "Tallene" (the last table on the page with a value column)."""
    tables = [t.value for t in [*at.table, *at.dataframe] if "Verdi" in t.value.columns]
    return tables[-1]


def test_figures_are_shown_one_area_at_a_time(open_page) -> None:
    at = open_page("app_pages/indikator.py", id="2B-04")
    assert at.selectbox(key="figures_area").value == "32"
    akershus = _figures(at)
    assert set(akershus["Område"]) == {"Akershus"} and len(akershus) == 181  # 2011M01–2026M01
    at = open_page("app_pages/indikator.py", id="2B-04", omrade="3201")
    baerum = _figures(at)
    assert set(baerum["Område"]) == {"Bærum"} and len(baerum) == 10  # January–October 2022
    assert "januar 2022" in set(baerum["Periode"])
