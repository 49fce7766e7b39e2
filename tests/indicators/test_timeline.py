"""The plan timeline: real dates, yearly cycles derived by rule, target years, and action ratings.

Dated items come from the invented plan files in tests/fixtures/data (tests/fixtures/README.md)
and target years from a copy of the model with targets set here, so a milestone a planner marks
done in data/milestones.csv, or a target adopted in config/goals.yaml, changes nothing expected."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from indicators import timeline as tl
from indicators.charts.common import ChartText
from indicators.charts.timeline import gantt
from indicators.ingest.tables import read_actions, read_milestones
from indicators.model import Decision, PlanModel, Target
from tests.conftest import FIXTURE_DATA

TODAY = date(2026, 11, 26)
START = date(2026, 1, 1)
END = START + timedelta(days=100)
HALFWAY = START + timedelta(days=50)  # 50 % of the time has passed
ADOPTED = Decision(case="PS 7/2026", date=date(2026, 6, 18))
# The targets of this test's model: two in 2029 (one adopted, one not) and one adopted in 2033.
TARGETS = {"1D-01": Target(value=90, year=2029, status="adopted", decision=ADOPTED),
           "2B-04": Target(value=2.0, year=2029, status="proposed"),
           "2A-01": Target(value=1000, year=2033, status="adopted", decision=ADOPTED)}


@pytest.fixture(scope="module")
def plan(model) -> PlanModel:
    """The shipped model with its targets replaced by TARGETS (every other indicator has none)."""
    return model.model_copy(update={"indicators": [
        i.model_copy(update={"target": TARGETS.get(i.id)}) for i in model.indicators]})


@pytest.fixture(scope="module")
def milestones(model) -> pd.DataFrame:
    return read_milestones(FIXTURE_DATA / "milestones.csv", model).frame


@pytest.fixture(scope="module")
def items(plan, model, milestones) -> list[tl.Item]:
    actions = read_actions(FIXTURE_DATA / "actions.csv", model).frame
    return tl.timeline_items(plan, milestones, actions, TODAY, "nb")


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
        ("Kartlegging", date(2024, 5, 1), date(2025, 4, 30)),
        ("Skrive strategien", date(2025, 5, 1), date(2026, 6, 30)),
        ("Følge opp strategien", date(2027, 1, 1), date(2036, 12, 31))]
    by_id = {i.id: i for i in items}
    # The round of input lies inside the mapping phase: a step of it, not a phase of its own.
    assert by_id["innspillsrunde"].lane == "milestone"
    assert by_id["frist-innspill"].end is None  # a single day
    assert tl.when_text(by_id["frist-innspill"].start, None, "nb") == "31. oktober 2024"
    assert tl.when_text(date(2025, 1, 1), date(2025, 6, 30), "nb") == "januar–juni 2025"
    assert tl.when_text(date(2027, 1, 1), date(2040, 12, 31), "en") == "2027–2040"
    decisions_2024 = [i.id for i in items if i.lane == "decision" and i.start.year == 2024]
    assert decisions_2024 == ["vedtak-oppstart", "vedtak-budsjett"]


def test_yearly_cycles_are_generated_by_rule_and_marked_so(items) -> None:
    reviews = [i for i in items if i.lane == "review_cycle"]
    budgets = [i for i in items if i.lane == "budget_cycle"]
    # Reviewed every year of the implementation phase, Følge opp strategien 2027–2036
    # (pbl § 8-1); the økonomiplan every year from 2025 to the same end.
    assert [i.start.year for i in reviews] == list(range(2027, 2037))
    assert [i.start.year for i in budgets] == list(range(2025, 2037))
    assert all(i.generated and i.status == "cycle" for i in reviews + budgets)
    assert "§ 8-1" in reviews[0].description and "ingen dato er fastsatt" in \
        reviews[0].description
    listing = tl.list_rows(items, TODAY, "nb")
    cycle_rows = listing[listing["Status"] == "Årlig syklus (ingen fastsatt dato)"]
    assert list(cycle_rows["Når"]) == ["2025–2036", "2027–2036"]  # one line per cycle


def test_target_years_come_from_the_model(items) -> None:
    targets = [i for i in items if i.lane == "target"]
    # 2029 holds one adopted and one proposed target: the year stays proposed, and each
    # indicator says which it is; 2033's only target is adopted.
    assert [(i.start.year, i.status) for i in targets] == [(2029, "proposed"), (2033, "adopted")]
    assert [i.title for i in targets] == ["Målår 2029: mål for 2 indikatorer",
                                          "Målår 2033: mål for 1 indikator"]
    assert "1D-01" in targets[0].description and "(vedtatt)" in targets[0].description
    assert "2B-04" in targets[0].description and "(forslag, ikke vedtatt)" in \
        targets[0].description
    assert targets[1].description.startswith("2A-01 ") and "(" not in targets[1].description


def test_a_target_adopted_in_the_model_moves_its_year_to_adopted(plan) -> None:
    adopted = TARGETS["2B-04"].model_copy(update={"status": "adopted", "decision": ADOPTED})
    edited = plan.model_copy(update={"indicators": [
        i.model_copy(update={"target": adopted}) if i.id == "2B-04" else i
        for i in plan.indicators]})
    assert [(i.start.year, i.status) for i in tl.target_items(edited, "nb")] == [
        (2029, "adopted"), (2033, "adopted")]


def test_next_three_and_passed_dates(items) -> None:
    # After 26 November 2026: the last phase (2027), the 2029 targets, the meeting in 2031.
    upcoming = tl.upcoming(items, TODAY, 3)
    assert [i.id for i in upcoming] == ["folge-opp", "target-2029", "midtveismote"]
    # Asked for five, four dated items are all there are: the first yearly cycle fills up.
    assert [i.id for i in tl.upcoming(items, TODAY, 5)] == [
        "folge-opp", "review-2027", "target-2029", "midtveismote", "target-2033"]
    by_id = {i.id: i for i in items}
    # Planned for September 2025 and not updated since: said so, not silently shown as planned.
    assert tl.status_text(by_id["vedtak-strategi"], TODAY, "nb") == \
        "Planlagt (datoen er passert; status ikke oppdatert)"
    assert tl.status_text(by_id["frist-innspill"], TODAY, "nb") == "Gjennomført"
    assert tl.status_text(by_id["midtveismote"], TODAY, "nb") == "Planlagt"  # still ahead


def test_the_file_s_action_items_are_rated_as_of_today(items) -> None:
    actions = {i.id: i.status for i in items if i.lane == "action"}
    # T-01 100 % done; T-02 ended in 2025 at 60 % of the expected 100 % (below 70 %);
    # T-03 starts in 2035, so nothing is expected yet.
    assert actions == {"T-01": "done", "T-02": "behind", "T-03": "not_started"}


def test_gantt_frame_and_zoom(items) -> None:
    frame = tl.gantt_frame(items, TODAY, "nb")
    assert list(dict.fromkeys(frame["row"]))[:4] == ["Kartlegging", "Skrive strategien",
                                                     "Følge opp strategien", "Vedtak"]
    assert tl.parse_zoom("2025-2030") == (2025, 2030)
    assert tl.parse_zoom("2030-2025") == (2024, 2040)
    assert tl.parse_zoom(None) == (2024, 2040)


def test_a_passed_planned_date_is_not_drawn_as_planned(items) -> None:
    # The strategy decision was planned for September 2025 and never marked done: the chart's
    # legend must say what the list says, not "Planlagt" beside a date that has passed.
    frame = tl.gantt_frame(items, TODAY, "nb").set_index("title")
    assert frame.loc["Fylkestinget vedtar strategien", "status"] == "overdue"
    assert frame.loc["Midtveismøte om strategien", "status"] == "planned"  # still ahead
    figure = gantt(frame.reset_index(), TODAY, ChartText("Tidslinje", "", ""), "nb",
                   (date(2024, 1, 1), date(2040, 12, 31)))
    names = {trace.name.replace("<br>", " ") for trace in figure.data}  # long names wrap
    assert "Planlagt, datoen er passert (status ikke oppdatert)" in names
    assert tl.status_text(next(i for i in items if i.id == "vedtak-strategi"), TODAY, "en") == \
        "Planned (the date has passed; status not updated)"
    summary = tl.timeline_summary(items, TODAY, "nb")
    assert "Datoen for Fylkestinget vedtar strategien er passert uten at status er oppdatert" \
        in summary and "Midtveismøte" not in summary
