"""Indikator page: the chosen indicator's latest value, chart, figures and source."""

from __future__ import annotations

import json
import re

import pytest

from indicators import explain, export, views
from indicators.i18n import format_period, t
from tests.pages.conftest import all_text


def test_nav_unemployment_page_shows_latest_value_and_source(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/indikator.py", id="2B-04")  # the test data set
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
    at = open_page("app_pages/indikator.py", id="2A-03")
    assert not at.get("plotly_chart")
    info = at.info[0].value
    assert "Det finnes ingen tall for denne indikatoren ennå." in info
    # Said once: no "Ingen data … Ingen data ennå." and no second "Hva mangler" under it.
    assert "Ingen data" not in info and "Hva mangler" not in all_text(at)
    assert "Tallene skal hentes fra SSB" in info


def test_status_and_how_it_was_calculated(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/indikator.py", id="2B-04")
    text = all_text(at)
    # The test data set's unemployment rises from 2022 on: the wrong way.
    assert "Forverring" in text and "ønsket retning" not in text
    # The sentence agrees with the table: the same base year, the same change in points per year.
    rows = dict(at.table[0].value.itertuples(index=False))
    base_year = rows["Basisverdi (år)"].rsplit("(", 1)[1].rstrip(")")
    change = rows["Endring per år (i snitt)"]
    assert change.endswith("prosentpoeng per år")
    assert f"Fra {base_year} til " in text and f"i snitt {change}" in text
    # NAV's break in January 2022 moved the base past it, and the page says so.
    assert "fordi serien har et brudd i januar 2022" in text and "Brudd i serien" in rows
    assert "Fremgangsverdi (pv)" in rows and "Nødvendig årlig vekst for å nå målet (relativ, CAGR)" in rows


def test_municipalities_map_and_ranking_for_a_chosen_period(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/indikator.py", id="2B-04", periode="2022M03")
    assert at.selectbox(key="period_choice").value == "2022M03"
    text = all_text(at)
    # The test data set: four municipalities, Bærum lowest (1.5 %), Lillestrøm highest (2.4 %).
    assert ("Høyest: Lillestrøm (2,4\xa0%). Lavest: Bærum (1,5\xa0%). 4 kommuner har tall for "
            "mars 2022") in text
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [c["layout"]["title"]["text"] for c in charts]
    assert any("mars 2022" in title for title in titles)


def test_overdue_update_is_flagged(open_fixture_page) -> None:
    # Population by quarter for today's Akershus: one figure (the test data set's 2025K2), long
    # since due a newer one.
    text = all_text(open_fixture_page("app_pages/indikator.py", id="2B-06"))
    assert "Neste oppdatering ventet: " in text and "Forsinket" in text
    assert "Kilden pleier å publisere tall for " in text


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_series_for_an_area_that_no_longer_exists_is_not_late(open_page, model,
                                                                 lang: str) -> None:
    # 2B-03's headline is the pre-2020 county (02): no figures will ever come for it again.
    text = all_text(open_page("app_pages/indikator.py", id="2B-03", lang=lang))
    assert t("explain.overdue", lang) not in text
    assert t("explain.next_update", lang, date="").strip() not in text
    assert t("explain.discontinued", lang, region=model.region_name("02", lang),
                   year=model.region("02").valid_to) in text


def _figures(at) -> object:
    """The figures table under "Tallene" (the last table on the page with a value column)."""
    tables = [t.value for t in [*at.table, *at.dataframe] if "Verdi" in t.value.columns]
    return tables[-1]


def test_figures_are_shown_one_area_at_a_time(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/indikator.py", id="2B-04")  # the test data set
    assert at.selectbox(key="figures_area").value == "32"
    akershus = _figures(at)
    assert set(akershus["Område"]) == {"Akershus"} and len(akershus) == 61  # 2021M01–2026M01
    at = open_fixture_page("app_pages/indikator.py", id="2B-04", omrade="3201")
    baerum = _figures(at)
    assert set(baerum["Område"]) == {"Bærum"} and len(baerum) == 6  # January–June 2022
    assert "januar 2022" in set(baerum["Periode"])


# ---- honest verdicts: old figures, breaks, one value, municipal period --------------------------
# Relations with what the data says, found in the data: no figure or period of today is pinned.


def _loaded(model, con) -> dict:
    return {i.id: export.load_indicator(model, con, i.id) for i in model.indicators}


def test_old_figures_are_said_prominently_at_the_top(open_page, model, con) -> None:
    loaded = _loaded(model, con)
    stale = [i for i, d in loaded.items() if d.assessment.stale]
    fresh = [i for i, d in loaded.items() if d.summary.has_data and not d.assessment.stale]
    assert stale and fresh
    for lang, words in (("nb", "For gamle tall"), ("en", "Figures too old")):
        at = open_page("app_pages/indikator.py", id=stale[0], lang=lang)
        period = views.period_text(loaded[stale[0]].summary, lang)
        warning = next(w.value for w in at.warning if words in w.value)
        assert period in warning
    warnings = " ".join(w.value for w in open_page("app_pages/indikator.py", id=stale[0]).warning)
    assert "teller ikke med" in warnings
    assert not any("For gamle tall" in w.value
                   for w in open_page("app_pages/indikator.py", id=fresh[0]).warning)


def test_a_status_on_old_figures_names_their_years_on_its_badge(open_page, model, con) -> None:
    loaded = _loaded(model, con)
    rated = [d for d in loaded.values() if d.assessment.stale and d.assessment.base_year
             and d.assessment.status not in (None, "not_available", "not_assessed")]
    fresh = [d for d in loaded.values() if d.assessment.status and not d.assessment.stale]
    assert rated and fresh
    a = rated[0].assessment
    badges = [m.value for m in open_page("app_pages/indikator.py", id=rated[0].indicator.id)
              .markdown if "status-badge" in m.value]
    assert any(f"i {a.base_year}–{a.current_year} (for gamle tall)" in b for b in badges)
    badges = [m.value for m in open_page("app_pages/indikator.py", id=fresh[0].indicator.id)
              .markdown if "status-badge" in m.value]
    assert badges and not any("for gamle tall" in b for b in badges)


def test_old_figures_and_another_area_are_both_said(open_page, model, con) -> None:
    loaded = _loaded(model, con)
    both = [i for i, d in loaded.items()
            if d.assessment.stale and d.indicator.headline_region == "02"]
    assert both
    warnings = " ".join(w.value for w in open_page("app_pages/indikator.py", id=both[0]).warning)
    assert "gamle Akershus" in warnings and "For gamle tall" in warnings


def test_a_series_of_one_value_is_a_value_card_not_a_line(open_page, model, con) -> None:
    loaded = _loaded(model, con)
    ones = [i for i, d in loaded.items() if views.one_value(model, d.indicator, d.frame, "nb")]
    assert ones
    for indicator_id in ones:
        data = loaded[indicator_id]
        card = views.one_value(model, data.indicator, data.frame, "nb")
        at = open_page("app_pages/indikator.py", id=indicator_id)
        assert "Bare én måling" in all_text(at)
        assert any(m.label == card.place and m.value == card.value for m in at.metric)
        headline = model.region_name(data.indicator.headline_region, "nb")
        for chart in at.get("plotly_chart"):
            names = [trace.get("name") for trace in json.loads(chart.proto.spec)["data"]]
            assert headline not in names  # no line of the headline series anywhere


def test_break_is_marked_on_the_chart_and_named_by_the_status(open_page, model, con) -> None:
    data = export.load_indicator(model, con, "2B-04")
    a = data.assessment
    assert a.break_year is not None
    effective = next(b for b in data.indicator.breaks if b.year == a.break_year)
    at = open_page("app_pages/indikator.py", id="2B-04")
    assert effective.note.nb in all_text(at)
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    words = " ".join(n.get("text", "") for n in chart["layout"]["annotations"]).replace("<br>", " ")
    marks = explain.break_marks(data.indicator, views.trend_data(model, data.indicator,
                                                                 data.frame).frame, "nb")
    assert marks and len(marks) == len(data.indicator.breaks)
    for mark in marks:
        assert mark.label in words and mark.note in words
    dashed = [s for s in chart["layout"]["shapes"] if s["line"].get("dash") == "dash"]
    assert len(dashed) == len(marks)


def test_map_says_when_municipal_figures_stop_before_the_county(open_page, model, con) -> None:
    data = export.load_indicator(model, con, "2B-04")
    latest_municipal = views.municipal_periods(model, data.frame)[0]
    note = views.municipal_period_note(latest_municipal, data.summary.period, "nb")
    at = open_page("app_pages/indikator.py", id="2B-04")
    infos = [i.value for i in at.info]
    # The titles as read: wrapped over lines, without markup.
    titles = [re.sub(r"<[^>]+>", "", json.loads(c.proto.spec)["layout"]["title"]["text"]
                     .replace("<br>", " ")) for c in at.get("plotly_chart")]
    if latest_municipal == data.summary.period:
        assert not any("Kommunetallene går til" in i for i in infos)
    else:
        assert note.startswith("Kommunetallene går til") and note in infos
        assert format_period(latest_municipal, "nb") in note
        assert format_period(data.summary.period, "nb") in note
        # In the map and the ranking themselves, so their PNGs say it too.
        assert sum(note in title for title in titles) == 2
