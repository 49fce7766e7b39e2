"""Oversikt as a politician reads it: the vision, the goals quoted, real values in Norwegian format."""

from __future__ import annotations

import pytest

from tests.pages.conftest import all_text, assert_rollup_shown, shown_rollups


def test_overview_quotes_the_goals_and_shows_the_values(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/oversikt.py")
    text = all_text(at)
    assert "Det skal være attraktivt å drive næringsvirksomhet i Akershus" in text
    assert ("I Akershus skal alle ha mulighet til opplæring og utdanning som gir relevant "
            "kvalifisering og som er relevant for arbeidslivet.") in text
    assert "I Akershus skal vi ha et internasjonalt konkurransedyktig" in text
    # 2B-04's latest figure for Akershus in the test data set (tests/fixtures/README.md),
    # Norwegian decimal comma and no-break space.
    assert "2,6\xa0%" in text and "januar 2026" in text
    assert "Kilde: NAV" in text


def test_overview_says_how_many_indicators_have_data_and_marks_missing(open_fixture_page) -> None:
    text = all_text(open_fixture_page("app_pages/oversikt.py"))
    # The test data set has figures for none of 1D, for 2A-05 of 2A, for 2B-03…2B-06 of 2B.
    assert "0 av 5 indikatorer har data." in text
    assert "1 av 6 indikatorer har data." in text and "4 av 6 indikatorer har data." in text
    assert "Ingen tall ennå" in text  # said as the roll-up and the goal page say it


def test_overview_in_english(open_fixture_page) -> None:
    text = all_text(open_fixture_page("app_pages/oversikt.py", lang="en"))
    assert "Goal 2B" in text and "2.6%" in text and "January 2026" in text


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_each_goal_says_what_its_status_rests_on(open_page, db, lang: str) -> None:
    """Foreløpig when provisional, "bygger på N av M", every member left out with its reason."""
    at = open_page("app_pages/oversikt.py", lang=lang)
    goals = shown_rollups(db, "goal")
    for record in goals.values():
        assert_rollup_shown(at, record, lang)
    assert any(r["provisional"] for r in goals.values())
    assert ("Foreløpig: " if lang == "nb" else "Provisional: ") in all_text(at)
