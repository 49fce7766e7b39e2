"""Presentasjon: choose goals, indicators and regions, build the deck, download it."""

from __future__ import annotations

import io

from pptx import Presentation

from indicators.deck import FUNDING_SLIDES
from tests.pages.conftest import all_text, shown_rollups

DECK = "_presentation_deck"


def test_choices_come_from_the_url(open_page) -> None:
    at = open_page("app_pages/presentasjon.py", goal="2B", id="2B-04,2B-05", region="03,3201",
                   kart="0", tilskudd="0")
    assert at.title[0].value == "Presentasjon"
    assert at.multiselect(key="deck_goals").value == ["2B"]
    assert at.multiselect(key="deck_indicators").value == ["2B-04", "2B-05"]
    assert at.multiselect(key="deck_regions").value == ["03", "3201"]
    assert at.checkbox(key="deck_maps").value is False
    assert at.checkbox(key="deck_funding").value is False
    assert "omtrent 5 lysbilder" in all_text(at)


def test_changing_a_choice_updates_the_link(open_page) -> None:
    at = open_page("app_pages/presentasjon.py", kart="0")
    at.multiselect(key="deck_goals").set_value(["1D"]).run()
    assert at.query_params["goal"] in ("1D", ["1D"])
    assert at.multiselect(key="deck_indicators").value == ["1D-01", "1D-02", "1D-03", "1D-04",
                                                           "1D-05"]


def test_build_offers_the_deck_for_download(open_page, db) -> None:
    at = open_page("app_pages/presentasjon.py", goal="2B", kart="0")
    at.button(key="deck_build").click().run()
    assert not at.exception
    assert "Presentasjonen er klar." in all_text(at)
    buttons = at.get("download_button")
    assert any(b.proto.label == "Last ned presentasjonen (PowerPoint)" for b in buttons)
    _, content = at.session_state[DECK]
    slides = Presentation(io.BytesIO(content)).slides
    assert len(slides) == 9 + FUNDING_SLIDES  # title, goal, six indicators, grants, sources
    assert slides[1].shapes.title.text == "Delmål 2B: Konkurransedyktig næringsliv"
    # The goal's status says what it rests on and which members it leaves out, and why.
    record = shown_rollups(db, "goal")["2B"]
    goal_text = "\n".join(s.text_frame.text for s in slides[1].shapes if s.has_text_frame)
    assert " — bygger på " in goal_text
    assert ("Foreløpig: " in goal_text) is record["provisional"]
    left_out = goal_text.split("Ikke regnet med i statusen:", 1)[-1]
    assert all(indicator_id in left_out for indicator_id in record["excluded"])


def test_in_english(open_page) -> None:
    at = open_page("app_pages/presentasjon.py", lang="en", goal="1D", kart="0")
    assert at.title[0].value == "Presentation"
    assert at.button(key="deck_build").label == "Build presentation"


def test_build_offers_the_pdf_briefing_for_download(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/presentasjon.py", goal="2B", id="2B-04,2B-06")
    at.button(key="pdf_build").click().run()
    assert not at.exception
    assert "PDF-en er klar." in all_text(at)
    assert any(b.proto.label == "Last ned PDF" for b in at.get("download_button"))
    selection, content = at.session_state["_presentation_pdf"]
    assert content.startswith(b"%PDF-") and selection[:2] == (("2B",), ("2B-04", "2B-06"))
