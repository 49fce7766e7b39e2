"""Tidslinje as a reader sees it: the phases, the real dates, the yearly cycle, "i dag", the list,
and action items rated against the linear path (from a fixture: none are decided yet)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.build import build
from indicators.model import load_model
from tests.conftest import copy_repo
from tests.pages.conftest import ROOT, all_text, card_frames

PHASES = ["Planprogram", "Utarbeide plan", "Gjennomføre plan"]


def gantt(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_timeline_shows_phases_dates_cycles_and_today(open_page) -> None:
    at = open_page("app_pages/tidslinje.py")
    text = all_text(at)
    for phase in PHASES:
        assert phase in text
    assert "Frist for høringsinnspill" in text and "17\\. mars 2025" in text
    assert "Fylkestinget vedtar planprogrammet" in text and "juni 2025" in text
    # The list of all items: a card per item on a phone, each item named with its date.
    listing = card_frames(at)[0].set_index("Hva")
    assert listing.loc["Frist for høringsinnspill", "Når"] == "17. mars 2025"
    assert "Rullering av handlingsprogrammet, hvert år (årlig syklus)" in text
    assert "Målår 2030: mål for 4 indikatorer" in text
    assert "Vedtak om egen næringsstrategi og landbruksstrategi" in text
    figure = gantt(at)
    rows = {y for trace in figure["data"] for y in trace["y"]}
    assert set(PHASES) <= rows and "Handlingsprogram (årlig)" in rows
    assert "<b>i dag</b>" in [a["text"] for a in figure["layout"]["annotations"]]
    today = date.today().isoformat()
    assert any(s.get("x0") == today for s in figure["layout"]["shapes"])
    assert figure["layout"]["xaxis"]["range"] == ["2024-01-01", "2040-12-31"]
    assert "på rett spor** når fullført andel er minst 90 % av forventet" in text
    assert "Ingen tiltak er vedtatt ennå." in text


def test_zoom_is_kept_in_the_url(open_page) -> None:
    at = open_page("app_pages/tidslinje.py", zoom="2025-2027")
    assert gantt(at)["layout"]["xaxis"]["range"] == ["2025-01-01", "2027-12-31"]
    assert at.select_slider(key="timeline_zoom").value == (2025, 2027)


def test_timeline_in_english(open_page) -> None:
    at = open_page("app_pages/tidslinje.py", lang="en")
    text = all_text(at)
    assert "Drafting the plan" in text and "Implementing the plan" in text
    assert "<b>today</b>" in [a["text"] for a in gantt(at)["layout"]["annotations"]]
    assert "No action items have been decided yet." in text


@pytest.fixture(scope="module")
def with_actions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data plus three action items, each half way through its time today."""
    root = copy_repo(tmp_path_factory.mktemp("actions"))
    start, end = date.today() - timedelta(days=50), date.today() + timedelta(days=50)
    (root / "data" / "actions.csv").write_text(
        "id,title_nb,title_en,start,end,owner,percent_complete,goal_id,note\n"
        f"t1,Kompetansemegler i alle regioner,Skills brokers,{start},{end},AFK,46,1D,\n"
        f"t2,Gründerhub i Sandvika,Founder hub,{start},{end},Bærum kommune,38,2A,\n"
        f"t3,Eksportprogram,Export programme,{start},{end},AFK,20,2B,\n", encoding="utf-8")
    db = root / "actions.duckdb"
    report = build(load_model(root / "config" / "goals.yaml"), root / "data", db)
    assert report.ok, report.problems
    return db


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
