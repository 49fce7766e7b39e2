"""Plantema page: the seven proposed themes with their goals, indicators and roll-up status."""

from __future__ import annotations

import pytest

from indicators.i18n import t
from tests.pages.conftest import all_text, assert_rollup_shown, shown_rollups

THEMES = ["Omstilling og innovasjon", "Grønt skifte", "Digital transformasjon",
          "Forholdet utdanning og arbeidsmarked", "Fremtidens kompetansebehov",
          "Nyetableringer og vekstselskaper", "Områdeutvikling og vekstnav"]


def test_all_seven_themes_with_intro(open_page) -> None:
    at = open_page("app_pages/plantema.py")
    assert [h.value for h in at.header] == THEMES
    text = all_text(at)
    assert "2027–2040" in text and "**foreslått i planprogrammet**" in text


def test_theme_shows_goals_status_and_indicator_values(open_fixture_page) -> None:
    text = all_text(open_fixture_page("app_pages/plantema.py"))
    # Links to other pages open in the same tab.
    assert '<a href="delmal?goal=1D&amp;lang=nb" target="_self">1D Utdanning og kvalifisering</a>' in text
    assert ('<a href="indikator?id=2B-04&amp;lang=nb" target="_self">2B-04 Registrerte helt ledige'
            '</a>') in text
    assert "2,6\xa0%" in text and "januar\xa02026" in text  # the test data set's latest 2B-04
    assert "Ingen indikator måler det grønne skiftet direkte ennå" in text  # a description


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_each_theme_says_what_its_status_rests_on(open_page, db, lang: str) -> None:
    at = open_page("app_pages/plantema.py", lang=lang)
    themes = shown_rollups(db, "theme")
    for record in themes.values():
        assert_rollup_shown(at, record, lang)


def test_theme_without_data_says_so_once(open_page) -> None:
    at = open_page("app_pages/plantema.py")
    # Digital transformasjon (2A-06, 2A-03) has no indicator with data: its roll-up says so and
    # lists each with its reason; no info box says the same thing again.
    assert not at.info
    text = all_text(at)
    assert t("rollup.none_many", "nb", m=2) in text
    assert "2A-06 Sysselsatte i IKT og faglig, vitenskapelig og teknisk tjenesteyting</a>: " \
           + t("rollup.why.no_data", "nb") in text


def test_themes_in_english(open_page) -> None:
    at = open_page("app_pages/plantema.py", lang="en")
    assert "Green shift" in [h.value for h in at.header]
    text = all_text(at)
    assert "**proposed in the planning programme**" in text and "Not enough data" in text
