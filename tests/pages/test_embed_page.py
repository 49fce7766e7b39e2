"""Innbygget diagram: the chart alone, chosen by the URL, with its source inside the figure."""

from __future__ import annotations

import json

import pytest

from indicators import export, views
from tests.pages.conftest import all_text


def figure(at) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1  # the chart, nothing else to look at
    return json.loads(charts[0].proto.spec)


def test_embed_shows_one_indicator_for_one_region(open_page) -> None:
    at = open_page("app_pages/embed.py", indikator="2B-04", region="32")
    spec = figure(at)
    names = [trace["name"] for trace in spec["data"]]
    assert names[0] == "Akershus" and "Oslo" not in names and "Hele landet" not in names
    assert "Mål 2030: 2,0\xa0% (forslag, ikke vedtatt)" in names
    assert "Registrerte helt ledige" in spec["layout"]["title"]["text"]
    notes = json.dumps(spec["layout"]["annotations"], ensure_ascii=False)
    assert "Kilde: NAV" in notes and "Akershus fylkeskommune" in notes
    assert not at.title and not at.header and not at.selectbox  # no page chrome
    assert "indikator?id=2B-04" in all_text(at)


def test_embed_default_regions_and_several_regions(open_page) -> None:
    names = [t["name"] for t in figure(open_page("app_pages/embed.py", indikator="2B-04"))["data"]]
    assert names[:3] == ["Akershus", "Oslo", "Hele landet"]
    names = [t["name"] for t in figure(open_page("app_pages/embed.py", indikator="2B-04",
                                                 region="32,3201"))["data"]]
    assert names[:2] == ["Akershus", "Bærum"]


def test_embed_in_english(open_page) -> None:
    spec = figure(open_page("app_pages/embed.py", indikator="2B-04", region="32", lang="en"))
    assert "Registered fully unemployed" in spec["layout"]["title"]["text"]
    assert "Source: NAV" in json.dumps(spec["layout"]["annotations"], ensure_ascii=False)


def test_unknown_indicator_explains_the_url(open_page) -> None:
    at = open_page("app_pages/embed.py", indikator="9Z-99")
    assert not at.get("plotly_chart")
    assert "?indikator=2B-04" in at.info[0].value


def test_indicator_without_data(open_page) -> None:
    at = open_page("app_pages/embed.py", indikator="2A-03")
    assert not at.get("plotly_chart")
    assert "Det finnes ingen tall" in at.info[0].value


def test_embed_height_from_the_url_keeps_the_source_at_the_bottom(open_page) -> None:
    spec = figure(open_page("app_pages/embed.py", indikator="2B-04", region="32", hoyde="440"))
    layout = spec["layout"]
    assert layout["height"] == 440
    source = next(a for a in layout["annotations"] if a["text"].startswith("Kilde"))
    # Placed from the plot's top edge (charts.common.place_bottom): 6 px above the bottom edge.
    assert 440 - layout["margin"]["t"] + source["yshift"] == pytest.approx(6)
    # Out of range or not a number: the figure's own height.
    own = figure(open_page("app_pages/embed.py", indikator="2B-04"))["layout"]["height"]
    assert figure(open_page("app_pages/embed.py", indikator="2B-04", hoyde="90"))["layout"][
        "height"] == own


def test_one_value_is_embedded_as_a_value_not_a_line(open_page, model, con) -> None:
    ones = [i.id for i in model.indicators
            if views.one_value(model, i, export.load_indicator(model, con, i.id).frame, "nb")]
    assert ones
    spec = figure(open_page("app_pages/embed.py", indikator=ones[0]))
    assert not [trace for trace in spec["data"] if "lines" in trace.get("mode", "")]
    words = " ".join(a["text"] for a in spec["layout"]["annotations"])
    assert "Bare én måling" in words
