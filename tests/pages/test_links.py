"""Shareable links: every page opened with the query string of a copied link shows the same view
(goal, indicator, region, period, filters, language)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.pages.conftest import all_text


def params(at: AppTest) -> dict[str, str]:
    """The query string the reader would copy from the address bar."""
    out = {}
    for key in at.query_params:
        value = at.query_params[key]
        out[key] = value[-1] if isinstance(value, list) else value
    return out


def test_overview_in_english(open_page) -> None:
    at = open_page("app_pages/oversikt.py", lang="en")
    assert at.title[0].value == "Business goals Akershus"


def test_goal(open_page) -> None:
    at = open_page("app_pages/delmal.py", goal="2A")
    assert at.radio(key="goal_choice").value == "2A"
    assert at.title[0].value.startswith("Delmål 2A")


def test_indicator_and_period(open_page) -> None:
    at = open_page("app_pages/indikator.py", id="2B-05", periode="2022M03", lang="en")
    assert at.selectbox(key="indicator_choice").value == "2B-05"
    assert at.selectbox(key="period_choice").value == "2022M03"
    assert "March 2022" in all_text(at)


def test_themes_and_method_in_english(open_page) -> None:
    assert open_page("app_pages/plantema.py", lang="en").title[0].value == "Themes of the regional plan"
    assert open_page("app_pages/metode.py", lang="en").title[0].value.startswith("Method:")


def test_catalogue_filters(open_page) -> None:
    at = open_page("app_pages/katalog.py", goal="2B", status="deterioration", q="ledige", data="1")
    assert at.multiselect(key="catalogue_goal").value == ["2B"]
    assert at.multiselect(key="catalogue_status").value == ["deterioration"]
    assert at.text_input(key="catalogue_q").value == "ledige"
    assert at.toggle(key="catalogue_data").value is True


def test_funding_filters_round_trip(open_page) -> None:
    at = open_page("app_pages/tilskudd.py", aar="2024", maal="amount", kommune="3201", periode="2024",
                   q="madrass")
    assert at.selectbox(key="funding_year").value == "2024"
    assert at.radio(key="funding_measure").value == "amount"
    assert at.multiselect(key="filter_municipality").value == ["3201"]
    assert at.multiselect(key="filter_year").value == [2024]
    assert at.text_input(key="grant_search").value == "madrass"
    # Changing a filter changes the link, and the new link reopens the same list.
    at.multiselect(key="filter_scheme").set_value(["fib"]).run()
    copied = params(at)
    assert copied["ordning"] == "fib" and copied["kommune"] == "3201"
    again = open_page("app_pages/tilskudd.py", **copied)
    for key in ("filter_scheme", "filter_municipality", "filter_year"):
        assert again.multiselect(key=key).value == at.multiselect(key=key).value
    assert all_text(again).count("madrass") == all_text(at).count("madrass")


def test_timeline_zoom(open_page) -> None:
    at = open_page("app_pages/tidslinje.py", zoom="2027-2030")
    assert at.select_slider(key="timeline_zoom").value == (2027, 2030)


def test_update_download_choice(open_page) -> None:
    at = open_page("app_pages/oppdater.py", id="2B-04")
    assert at.selectbox(key="update_download_id").value == "2B-04"
    at.selectbox(key="update_download_id").set_value("1D-02").run()
    assert params(at)["id"] == "1D-02"


def test_embed_and_presentation_links(open_page) -> None:
    at = open_page("app_pages/presentasjon.py", goal="2B", region="3201", kart="0")
    copied = params(at)
    again = open_page("app_pages/presentasjon.py", **copied)
    assert again.multiselect(key="deck_regions").value == ["3201"]
    assert again.multiselect(key="deck_goals").value == ["2B"]
