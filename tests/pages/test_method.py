"""Metode page: the method in plain words, its thresholds, statuses, rules and sources."""

from __future__ import annotations

import re

import pytest

from indicators import progress
from indicators.i18n import format_period
from indicators.model import load_model
from tests.pages.conftest import ROOT, all_text, card_frames


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
    regions = card_frames(at)[1].set_index("Indikator")  # after the statuses
    assert regions.loc["1D-01 Fullført og bestått videregående opplæring innen fem år",
                       "Hovedområde"].startswith("Akershus (fylkesinndeling før 2020)")
    assert regions.loc["2B-04 Registrerte helt ledige", "Hovedområde"] == "Akershus"
    # NAV's break in the series moves the base year; the table says so.
    assert regions.loc["2B-04 Registrerte helt ledige", "Basisår"].endswith(
        "(første år etter brudd i serien)")
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


SECTIONS = {
    "nb": {
        "Brudd i serien": ("**flytter vi basisåret**", "«hvis trenden fortsetter» starter også etter bruddet",
                           "for få år etter bruddet i serien"),
        "For gamle tall": (f"**mer enn {progress.STALE_AFTER} år gammelt**", "på sin egen side",
                           "**telles ikke med** i statusen for delmålet"),
        "Hvilke indikatorer et delmål regner med": (
            "dagens Akershus (kode 32)", "(kode 02)", "ikke har for gamle tall",
            "bakgrunnsindikatorer regnes ikke med", "**foreløpig**", "«Foreløpig: ", "bygger på 1 av 4"),
        "Tre datoer: tall for, publisert og hentet": ("**Tall for**", "**Publisert**", "**Hentet**",
                                                      "**Neste oppdatering ventet**", "«Forsinket»"),
    },
    "en": {
        "Breaks in a series": ("**we move the base year**", "“if the trend continues” also start after",
                               "too few years after the break in the series"),
        "Figures too old": (f"**more than {progress.STALE_AFTER} years old**", "on its own page",
                            "**not counted** in the status of its goal"),
        "Which indicators a goal counts": (
            "today's Akershus (code 32)", "(code 02)", "do not have figures that are too old",
            "context indicators are not counted", "**provisional**", "“Provisional: ", "based on 1 of 4"),
        "Three dates: figures for, published and fetched": (
            "**Figures for**", "**Published**", "**Fetched**", "**Next update expected**", "“Overdue”"),
    },
}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_method_explains_breaks_staleness_what_a_goal_counts_and_dates(open_page, lang) -> None:
    at = open_page("app_pages/metode.py", lang=lang)
    text = all_text(at)
    headings = {h.value for h in [*at.header, *at.subheader]}
    for heading, phrases in SECTIONS[lang].items():
        assert heading in headings
        for phrase in phrases:
            assert phrase in text, phrase


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_method_lists_every_break_with_its_note(open_page, lang) -> None:
    text = all_text(open_page("app_pages/metode.py", lang=lang))
    model = load_model(ROOT / "config/goals.yaml", ROOT / "config/regions.yaml")
    for indicator in (i for i in model.indicators if i.breaks):
        assert f"**{indicator.id} " in text
        for brk in indicator.breaks:
            assert f"{format_period(brk.period, lang)}: {brk.note.get(lang)}" in text


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_method_speaks_to_readers_not_planners(open_page, lang) -> None:
    text = all_text(open_page("app_pages/metode.py", lang=lang))
    assert "Statistisk sentralbyrå i Canada" not in text
    for planner_word in (".csv", ".yaml", "python -m", "konfigurasjonen", "configuration",
                         "sist oppdatert", "last updated"):
        assert planner_word not in text, planner_word
    assert not re.search(r"\b\d{4}M\d{2}\b|\b\d{4}K\d\b", text)  # raw periods
    if lang == "nb":
        assert '"' not in re.sub(r"<[^>]+>", "", text)  # « » in Norwegian, never straight quotes
