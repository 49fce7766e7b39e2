"""Delmål page: the goal quoted, its status, and a card per indicator with value, trend and source."""

from __future__ import annotations

import pytest

from tests.pages.conftest import all_text, assert_rollup_shown, shown_rollups

GOAL_2B = ("I Akershus skal vi ha et internasjonalt konkurransedyktig og bærekraftig næringsliv "
           "med høy verdiskaping hvor det skapes nye arbeidsplasser.")


def test_goal_2b_quotes_the_goal_and_shows_status_values_and_target(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/delmal.py", goal="2B")  # the test data set
    text = all_text(at)
    assert at.title[0].value == "Delmål 2B: Konkurransedyktig næringsliv"
    assert GOAL_2B in text
    assert "▼</span> Forverring" in text  # 2B-04 unemployment rises
    # 2B-04's January 2026 figure, Norwegian format, with its change and source.
    assert "2,6\xa0%" in text and "Akershus, januar 2026" in text
    # A month is compared with the same month a year earlier, and the page says so.
    assert "+0,1\xa0prosentpoeng fra januar 2025 (samme måned året før)" in text
    assert "Kilde: NAV · Tall for januar 2026 · publiseringsdato ukjent · hentet " in text
    assert "Mål 2030: 2,0\xa0% (forslag, ikke vedtatt)" in text
    assert "Akershus (fylkesinndeling før 2020), 2019" in text  # old county said plainly


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("goal_id", ["1D", "2A", "2B"])
def test_goal_status_says_what_it_rests_on_and_what_it_leaves_out(open_page, db, goal_id: str,
                                                                  lang: str) -> None:
    """Only what may be counted: "Foreløpig" when provisional, "bygger på N av M", and every
    member left out, linked, with its reason (expected from the `progress --json` records)."""
    at = open_page("app_pages/delmal.py", goal=goal_id, lang=lang)
    assert_rollup_shown(at, shown_rollups(db, "goal")[goal_id], lang)


def test_a_provisional_goal_says_foreløpig_and_bygger_på(open_page, db) -> None:
    provisional = [g for g, r in shown_rollups(db, "goal").items() if r["provisional"]]
    assert provisional, "the shipped data has a provisional goal (a single current indicator)"
    block = assert_rollup_shown(open_page("app_pages/delmal.py", goal=provisional[0]),
                                shown_rollups(db, "goal")[provisional[0]])
    assert "Foreløpig: " in block and " bygger på " in block and "Ikke regnet med i statusen" in block


def test_goal_page_lists_its_plan_themes_and_links_to_indicators(open_page) -> None:
    at = open_page("app_pages/delmal.py", goal="2B")
    text = all_text(at)
    assert ('<a href="plantema?lang=nb#omradeutvikling-vekstnav" target="_self">'
            "Områdeutvikling og vekstnav</a>") in text
    assert "Grønt skifte" not in text  # a 2A theme only
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    assert links["Åpne 2B-04"] == "id=2B-04&lang=nb"


def test_sparklines_are_static_with_a_text_alternative(open_fixture_page) -> None:
    charts = open_fixture_page("app_pages/delmal.py", goal="2B").get("plotly_chart")
    # The test data set has series for 2B-03, 2B-04 and 2B-05; 2B-06 is a single value: no line.
    assert len(charts) == 3
    assert all('"staticPlot": true' in c.proto.config for c in charts)
    alts = [c.proto.alt for c in charts]
    assert "Liten linje som viser utviklingen for Akershus, januar 2021–januar 2026." in alts
    assert ("Liten linje som viser utviklingen for Akershus (fylkesinndeling før 2020), "
            "2015–2019.") in alts


def test_indicators_without_data_say_what_is_missing_and_draw_no_chart(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/delmal.py", goal="2A")  # the test data set
    infos = [i.value for i in at.info]
    assert len(infos) == 5  # every 2A indicator but 2A-05
    # One no-data sentence, then where the figures will come from (never "Ingen data … Ingen data").
    assert any(i.startswith("**Ingen tall ennå.** Tallene skal hentes fra SSBs og NIFUs statistikk")
               for i in infos)
    assert not any(i.count("Ingen") > 1 for i in infos)
    assert not at.get("plotly_chart")
    assert "12,5\xa0mill. kr" in all_text(at)  # 2A-05: one known value, shown without a line


def test_choosing_a_goal_puts_it_in_the_url(open_page) -> None:
    at = open_page("app_pages/delmal.py")
    assert at.title[0].value.startswith("Delmål 1D")  # the first goal by default
    at.radio(key="goal_choice").set_value("2A").run()
    assert at.query_params["goal"] == "2A"
    assert at.title[0].value == "Delmål 2A: Nyskaping og omstilling"


def test_goal_page_in_english(open_fixture_page) -> None:
    text = all_text(open_fixture_page("app_pages/delmal.py", goal="2B", lang="en"))
    assert "An internationally competitive, sustainable business sector" in text
    assert "Deterioration" in text and "2.6%" in text and "January 2026" in text
    assert "Target 2030: 2.0% (proposal, not adopted)" in text
    assert "Source: NAV · Figures for January 2026 · publication date unknown · fetched " in text
