"""Indikatorkatalog page: all indicators in one table, filters that narrow it (in the URL), CSV."""

from __future__ import annotations

from tests.pages.conftest import all_text, shown_statuses


def ids(at) -> list[str]:
    return [link.split("id=")[1].split("&")[0] for link in at.dataframe[0].value["Id"]]


def test_catalogue_lists_all_indicators_with_links(open_page) -> None:
    at = open_page("app_pages/katalog.py")
    table = at.dataframe[0].value
    assert len(table) == 17
    assert table["Id"].iloc[0] == "indikator?id=1D-01&lang=nb"  # shown as "1D-01", a link
    assert "Viser 17 av 17 indikatorer." in all_text(at)
    assert at.get("download_button")[0].proto.label == "Last ned tabellen (CSV)"


def test_goal_filter_from_the_url(open_page) -> None:
    at = open_page("app_pages/katalog.py", goal="1D")
    assert ids(at) == ["1D-01", "1D-02", "1D-03", "1D-04", "1D-05"]
    assert "Viser 5 av 17 indikatorer." in all_text(at)
    assert at.multiselect(key="catalogue_goal").value == ["1D"]


def test_coverage_shows_areas_and_first_and_last_period(open_fixture_page) -> None:
    # The test data set (tests/fixtures/README.md): 2B-04 for three areas 2021M01–2026M01,
    # for four municipalities in 2022.
    table = open_fixture_page("app_pages/katalog.py", goal="2B").dataframe[0].value
    row = table[table["Id"].str.contains("2B-04")].iloc[0]
    assert row["Første periode"] == "januar 2021" and row["Siste periode"] == "januar 2026"
    assert row["Områder med data"] == "Akershus, Oslo, Hele landet + 4 kommuner"
    assert row["Status"] == "▼ Forverring"
    assert row["Datoer"].startswith(f"Tall for {row['Siste periode']} · ")  # headline = latest
    assert row["Kilde"] == "NAV" and row["Hyppighet"] == "Månedlig"


def test_search_and_data_toggle_narrow_the_rows_and_go_into_the_url(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/katalog.py")
    at.text_input(key="catalogue_q").input("ledige").run()
    assert ids(at) == ["2B-04", "2B-05"]
    assert at.query_params["q"] == "ledige"
    at.text_input(key="catalogue_q").input("").run()
    at.toggle(key="catalogue_data").set_value(True).run()
    assert ids(at) == ["2A-05", "2B-03", "2B-04", "2B-05", "2B-06"]  # those the test data set has
    assert at.query_params["data"] == "1"


def test_status_and_theme_filters(open_page, db) -> None:
    # The filter shows exactly the indicators the method rates so (context ones are never rated).
    worse = [i for i, status in shown_statuses(db).items() if status == "deterioration"]
    assert ids(open_page("app_pages/katalog.py", status="deterioration")) == worse
    assert ids(open_page("app_pages/katalog.py", theme="digital-transformasjon")) == ["2A-03", "2A-06"]


def test_no_match_says_so(open_page) -> None:
    at = open_page("app_pages/katalog.py", q="finnes ikke")
    assert not at.dataframe
    assert "Ingen indikatorer passer til filtrene" in at.info[0].value


def test_catalogue_in_english(open_fixture_page) -> None:
    table = open_fixture_page("app_pages/katalog.py", goal="2B", lang="en").dataframe[0].value
    row = table[table["Id"].str.contains("2B-04")].iloc[0]
    assert row["First period"] == "January 2021"
    assert row["Areas with data"] == "Akershus, Oslo, Norway + 4 municipalities"
    assert row["Status"] == "▼ Deterioration"
