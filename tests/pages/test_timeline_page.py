"""Tidslinje as a reader sees it: the phases, the real dates, the yearly cycle, "i dag", the list,
and action items rated against the linear path. Read from the invented plan files in
tests/fixtures/data (tests/fixtures/README.md); target years from the model the page reads."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators import timeline as tl
from indicators.build import build
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA, copy_repo
from tests.pages.conftest import ROOT, all_text, card_frames, page_opener

# The fixture's phases (tests/fixtures/data/milestones.csv).
PHASES = ["Kartlegging", "Skrive strategien", "Følge opp strategien"]
ACTIONS_HEADER = "id,title_nb,title_en,start,end,owner,percent_complete,goal_id,note\n"


def gantt(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_timeline_shows_phases_dates_cycles_and_today(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/tidslinje.py")
    text = all_text(at)
    for phase in PHASES:
        assert phase in text
    # The list of all items: a card per item on a phone, each item named with its date.
    listing = card_frames(at)[0].set_index("Hva")
    assert listing.loc["Frist for innspill", "Når"] == "31. oktober 2024"  # a single day
    assert listing.loc["Innspillsrunde", "Når"] == "september–oktober 2024"
    # Planned for September 2025 and never updated: the page says the date has passed.
    assert listing.loc["Fylkestinget vedtar strategien", "Når"] == "september 2025"
    assert listing.loc["Fylkestinget vedtar strategien", "Status"] == \
        "Planlagt (datoen er passert; status ikke oppdatert)"
    assert listing.loc["Vedtak om oppstart av strategiarbeidet", "Status"] == "Gjennomført"
    assert "Rullering av handlingsprogrammet, hvert år (årlig syklus)" in text
    # One line per target year of the model the page reads, whatever targets it holds today.
    for target in tl.target_items(load_model(ROOT / "config" / "goals.yaml"), "nb"):
        assert listing.loc[target.title, "Når"] == str(target.start.year)
    figure = gantt(at)
    rows = {y for trace in figure["data"] for y in trace["y"]}
    assert set(PHASES) <= rows and "Handlingsprogram (årlig)" in rows
    assert "<b>i dag</b>" in [a["text"] for a in figure["layout"]["annotations"]]
    today = date.today().isoformat()
    assert any(s.get("x0") == today for s in figure["layout"]["shapes"])
    assert figure["layout"]["xaxis"]["range"] == ["2024-01-01", "2040-12-31"]
    assert "på rett spor** når fullført andel er minst 90 % av forventet" in text
    # The fixture's action items: 100 % done; ended in 2025 at 60 %; starting in 2035.
    actions = card_frames(at)[-1].set_index("Tiltak")
    assert actions["Vurdering"].to_dict() == {
        "Kartlegge kompetansebehov": "★ Fullført", "Pilot for vekstbedrifter": "▼ Bak skjema",
        "Digitalt næringsregister": "○ Ikke startet"}


def test_zoom_is_kept_in_the_url(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/tidslinje.py", zoom="2025-2027")
    assert gantt(at)["layout"]["xaxis"]["range"] == ["2025-01-01", "2027-12-31"]
    assert at.select_slider(key="timeline_zoom").value == (2025, 2027)


def test_timeline_in_english(open_fixture_page) -> None:
    at = open_fixture_page("app_pages/tidslinje.py", lang="en")
    text = all_text(at)
    assert "Writing the strategy" in text and "Following up the strategy" in text
    assert "<b>today</b>" in [a["text"] for a in gantt(at)["layout"]["annotations"]]


def with_actions_db(folder: Path, rows: str) -> Path:
    """The test data set with its actions.csv replaced by `rows` (under ACTIONS_HEADER), built."""
    root = copy_repo(folder, FIXTURE_DATA)
    (root / "data" / "actions.csv").write_text(ACTIONS_HEADER + rows, encoding="utf-8")
    db = root / "actions.duckdb"
    report = build(load_model(root / "config" / "goals.yaml"), root / "data", db)
    assert report.ok, report.problems
    return db


def test_without_action_items_the_page_says_none_are_decided(tmp_path: Path, monkeypatch) -> None:
    open_page = page_opener(with_actions_db(tmp_path, ""), monkeypatch)
    assert "Ingen tiltak er vedtatt ennå." in all_text(open_page("app_pages/tidslinje.py"))
    english = all_text(open_page("app_pages/tidslinje.py", lang="en"))
    assert "No action items have been decided yet." in english


@pytest.fixture(scope="module")
def with_actions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test data set with three action items, each half way through its time today."""
    start, end = date.today() - timedelta(days=50), date.today() + timedelta(days=50)
    return with_actions_db(tmp_path_factory.mktemp("actions"), (
        f"t1,Kompetansemegler i alle regioner,Skills brokers,{start},{end},AFK,46,1D,\n"
        f"t2,Gründerhub i Sandvika,Founder hub,{start},{end},Bærum kommune,38,2A,\n"
        f"t3,Eksportprogram,Export programme,{start},{end},AFK,20,2B,\n"))


def test_action_items_are_rated_on_the_page_and_drawn_on_the_timeline(with_actions,
                                                                       monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(with_actions))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("app_pages/tidslinje.py")
    at.run()
    assert not at.exception
    table = card_frames(at)[-1]  # the action items, after the list of all items
    assert list(table["Vurdering"]) == ["● På rett spor", "▲ Følg med", "▼ Bak skjema"]
    assert list(table["Forventet nå"]) == ["50\xa0%"] * 3
    rows = {y for trace in gantt(at)["data"] for y in trace["y"]}
    assert {"Kompetansemegler i alle regioner", "Eksportprogram"} <= rows
    names = {trace["name"] for trace in gantt(at)["data"]}
    assert {"● På rett spor", "▲ Følg med", "▼ Bak skjema"} <= names
