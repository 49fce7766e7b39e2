"""Indikator page: the chosen indicator's latest value, chart, figures and source."""

from __future__ import annotations

import json

from tests.pages.conftest import all_text


def test_nav_unemployment_page_shows_latest_value_and_source(open_page) -> None:
    at = open_page("pages/indicator.py", id="2B-04")
    assert at.title[0].value == "2B-04 Registrerte helt ledige"
    metric = at.metric[0]
    assert metric.value == "2,6\xa0%" and "januar 2026" in metric.label
    text = all_text(at)
    assert "Kilde: NAV" in text or "NAV" in text
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [trace["name"] for trace in chart["data"]]
    assert names == ["Akershus", "Oslo", "Hele landet"]
    assert "Kilde: NAV" in json.dumps(chart["layout"]["annotations"], ensure_ascii=False)


def test_old_county_series_says_so_plainly(open_page) -> None:
    text = all_text(open_page("pages/indicator.py", id="2B-03"))
    assert "gamle Akershus" in text and "fylkesinndelingen før 2020" in text


def test_indicator_without_data_says_what_is_missing(open_page) -> None:
    at = open_page("pages/indicator.py", id="2A-01")
    assert not at.get("plotly_chart")
    assert "Ingen data for denne indikatoren ennå." in at.info[0].value
