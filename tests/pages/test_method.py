"""Metode page: the method in plain words, its thresholds, statuses, rules and sources."""

from __future__ import annotations

from tests.pages.conftest import all_text


def test_method_gives_the_sentence_thresholds_and_rules(open_page) -> None:
    at = open_page("app_pages/metode.py")
    text = all_text(at)
    assert ("Vi sammenligner veksten vi har sett siden basisåret med veksten vi trenger for å nå "
            "målet i tide.") in text
    assert "Grensene er **0,015**, **0,005** og **0**" in text
    assert "Grensene er **0,95**, **0,6** og **0**" in text
    assert "a = 4,44" in text  # the limit coefficient
    assert "2,5\xa0til\xa05" in text and "\u22125\xa0til\xa0\u22122,5" in text  # score ranges
    assert "hele* år" in text  # complete years for monthly data
    assert "80\xa0% prediksjonsintervall" in text and "ikke en prognose" in text
    assert "«forslag, ikke vedtatt»" in text
    assert len(at.latex) == 6


def test_method_shows_every_status_as_shape_and_words(open_page) -> None:
    text = all_text(open_page("app_pages/metode.py"))
    for label in ("★</span> Målet er nådd", "●</span> På rett spor",
                  "▲</span> Fremgang, men må akselereres", "◆</span> Begrenset fremgang",
                  "▼</span> Forverring", "○</span> Ikke nok data",
                  "□</span> Bakgrunnsindikator, vurderes ikke"):
        assert label in text


def test_method_says_which_area_each_indicator_uses(open_page) -> None:
    at = open_page("app_pages/metode.py")
    regions = at.table[0].value.set_index("Indikator")
    assert regions.loc["1D-01 Fullført og bestått videregående opplæring innen fem år",
                       "Hovedområde"].startswith("Akershus (fylkesinndeling før 2020)")
    assert regions.loc["2B-04 Registrerte helt ledige", "Hovedområde"] == "Akershus"
    assert regions.loc["2B-04 Registrerte helt ledige", "Basisår"] == "2019"
    assert "(kode 02)" in all_text(at)


def test_method_names_its_sources(open_page) -> None:
    text = all_text(open_page("app_pages/metode.py"))
    assert "Statistics Canada: «Progress measurement methodology», SDG Data Hub" in text
    assert "Eurostat" in text and "methodological annex" in text
    assert "Open SDG" in text


def test_method_in_english(open_page) -> None:
    text = all_text(open_page("app_pages/metode.py", lang="en"))
    assert "We compare the growth we have seen since the base year" in text
    assert "The thresholds are **0.015**, **0.005** and **0**" in text
    assert "Statistics Canada" in text and "On track" in text
