"""The plan timeline: real dates, yearly cycles derived by rule, target years, and action ratings."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from indicators import timeline as tl
from indicators.ingest.tables import read_actions, read_milestones

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 26)
START = date(2026, 1, 1)
END = START + timedelta(days=100)
HALFWAY = START + timedelta(days=50)  # 50 % of the time has passed


@pytest.fixture(scope="module")
def milestones(model) -> pd.DataFrame:
    return read_milestones(ROOT / "data" / "milestones.csv", model).frame


@pytest.fixture(scope="module")
def items(model, milestones) -> list[tl.Item]:
    actions = read_actions(ROOT / "data" / "actions.csv", model).frame
    return tl.timeline_items(model, milestones, actions, TODAY, "nb")


@pytest.mark.parametrize(("percent", "status"), [
    (50, "on_track"), (45, "on_track"),  # ≥ 90 % of the expected 50 %
    (44.9, "watch"), (35, "watch"),  # 70–90 %
    (34.9, "behind"), (0, "behind"),  # below 70 %
    (100, "done"), (None, "unknown"),
])
def test_rate_action_against_the_linear_path(percent, status) -> None:
    assert tl.expected_percent(START, END, HALFWAY) == pytest.approx(50)
    assert tl.rate_action(START, END, percent, HALFWAY) == status


def test_rate_action_before_start_and_after_end() -> None:
    assert tl.rate_action(START, END, 0, START - timedelta(days=3)) == "not_started"
    assert tl.rate_action(START, END, 95, END + timedelta(days=30)) == "on_track"  # 95 of 100
    assert tl.rate_action(START, END, 80, END + timedelta(days=30)) == "watch"
    assert tl.rate_action(START, END, 60, END) == "behind"


def test_action_items_from_a_file_are_rated(model, tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text("id,title_nb,title_en,start,end,owner,percent_complete,goal_id,note\n"
                    f"a,Godt i gang,On its way,{START},{END},AFK,48,2A,\n"
                    f"b,Litt sent,A little late,{START},{END},AFK,40,2B,\n"
                    f"c,Bak,Behind,{START},{END},AFK,20,,\n", encoding="utf-8")
    actions = read_actions(path, model).frame
    rated = tl.action_items(actions, HALFWAY, "en")
    assert [(i.title, i.status) for i in rated] == [
        ("On its way", "on_track"), ("A little late", "watch"), ("Behind", "behind")]
    table = tl.action_rows(rated, "nb")
    assert list(table["Vurdering"]) == ["● På rett spor", "▲ Følg med", "▼ Bak skjema"]
    assert list(table["Forventet nå"]) == ["50\xa0%"] * 3


def test_the_three_phases_and_the_real_dates(items) -> None:
    phases = [i for i in items if i.lane == "phase"]
    assert [(p.title, p.start, p.end) for p in phases] == [
        ("Planprogram", date(2025, 1, 1), date(2025, 6, 30)),
        ("Utarbeide plan", date(2025, 6, 1), date(2026, 3, 31)),
        ("Gjennomføre plan", date(2027, 1, 1), date(2040, 12, 31))]
    by_id = {i.id: i for i in items}
    # The consultation lies inside the planning programme: a step of it, not a phase of its own.
    assert by_id["horing-planprogram"].lane == "milestone"
    assert by_id["frist-horingsinnspill"].end is None  # a single day
    assert tl.when_text(by_id["frist-horingsinnspill"].start, None, "nb") == "17. mars 2025"
    assert tl.when_text(date(2025, 1, 1), date(2025, 6, 30), "nb") == "januar–juni 2025"
    assert tl.when_text(date(2027, 1, 1), date(2040, 12, 31), "en") == "2027–2040"
    decisions_2024 = [i for i in items if i.lane == "decision" and i.start.year == 2024]
    assert len(decisions_2024) == 3


def test_yearly_cycles_are_generated_by_rule_and_marked_so(items) -> None:
    reviews = [i for i in items if i.lane == "review_cycle"]
    budgets = [i for i in items if i.lane == "budget_cycle"]
    # Reviewed every year of the implementation phase (pbl § 8-1); the økonomiplan every year.
    assert [i.start.year for i in reviews] == list(range(2027, 2041))
    assert [i.start.year for i in budgets] == list(range(2025, 2041))
    assert all(i.generated and i.status == "cycle" for i in reviews + budgets)
    assert "§ 8-1" in reviews[0].description and "ingen dato er fastsatt" in \
        reviews[0].description
    listing = tl.list_rows(items, TODAY, "nb")
    cycle_rows = listing[listing["Status"] == "Årlig syklus (ingen fastsatt dato)"]
    assert list(cycle_rows["Når"]) == ["2025–2040", "2027–2040"]  # one line per cycle


def test_target_years_come_from_the_model(items) -> None:
    targets = [i for i in items if i.lane == "target"]
    assert [(i.start.year, i.status) for i in targets] == [(2030, "proposed")]
    assert targets[0].title == "Målår 2030: mål for 4 indikatorer"
    for indicator_id in ("1D-01", "1D-02", "1D-04", "2B-04"):
        assert indicator_id in targets[0].description


def test_next_three_and_passed_dates(items) -> None:
    upcoming = tl.upcoming(items, TODAY, 3)
    assert [i.id for i in upcoming] == ["gjennomfore-plan", "review-2027", "target-2030"]
    by_id = {i.id: i for i in items}
    # Planned in June 2025 and not updated since: said so, not silently shown as planned.
    assert tl.status_text(by_id["vedtak-planprogram"], TODAY, "nb") == \
        "Planlagt (datoen er passert; status ikke oppdatert)"
    assert tl.status_text(by_id["frist-horingsinnspill"], TODAY, "nb") == "Gjennomført"


def test_gantt_frame_and_zoom(items) -> None:
    frame = tl.gantt_frame(items, TODAY, "nb")
    assert list(dict.fromkeys(frame["row"]))[:4] == ["Planprogram", "Utarbeide plan",
                                                     "Gjennomføre plan", "Vedtak"]
    assert tl.parse_zoom("2025-2030") == (2025, 2030)
    assert tl.parse_zoom("2030-2025") == (2024, 2040)
    assert tl.parse_zoom(None) == (2024, 2040)
