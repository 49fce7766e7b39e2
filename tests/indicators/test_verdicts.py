"""Honest verdicts: breaks, staleness and what a roll-up may count (progress-method.md)."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.periods import break_year
from indicators.progress import Assessment, Member, assess, projection, rollup

TODAY = date(2026, 12, 2)


def _series(start: int, values: list[float]) -> list[tuple[int, float]]:
    return [(start + i, v) for i, v in enumerate(values)]


# --- breaks ------------------------------------------------------------------------------------

def test_break_moves_the_base_past_it() -> None:
    # Falling until 2021, then a new definition makes the level jump and rise again.
    points = _series(2015, [5.0, 4.5, 4.0, 3.5, 3.0, 2.8, 2.6, 3.4, 3.6, 3.8])
    without = assess(points, "decrease", as_of=TODAY)
    with_break = assess(points, "decrease", breaks=[2022], as_of=TODAY)
    assert without.status == "on_track" and without.base_year == 2015
    assert (with_break.base_year, with_break.base_value, with_break.break_year) == (2022, 3.4, 2022)
    assert with_break.status == "deterioration"


def test_latest_break_in_range_wins_and_breaks_outside_are_ignored() -> None:
    points = _series(2011, [float(v) for v in range(10, 25)])  # 2011..2025
    a = assess(points, "increase", breaks=[2005, 2019, 2022, 2030], as_of=TODAY)
    assert (a.break_year, a.base_year) == (2022, 2022)
    # A break at the base year itself does not move the base.
    b = assess(points, "increase", base_year=2019, breaks=[2019], as_of=TODAY)
    assert (b.break_year, b.base_year) == (None, 2019)


def test_break_in_a_gap_moves_to_the_first_value_after_it() -> None:
    points = [(2015, 10.0), (2016, 11.0), (2020, 12.0), (2021, 13.0)]
    a = assess(points, "increase", breaks=[2018], as_of=TODAY)
    assert (a.break_year, a.base_year, a.base_value) == (2018, 2020, 12.0)


def test_one_year_after_a_break_is_not_enough() -> None:
    a = assess(_series(2019, [3.0, 2.9, 2.8]), "decrease", breaks=[2021], as_of=TODAY)
    assert a.status == "not_available" and a.score is None
    assert (a.reason, a.break_year) == ("break", 2021)


def test_met_target_wins_even_right_after_a_break() -> None:
    a = assess(_series(2019, [3.0, 2.9, 1.5]), "decrease", target=2.0, target_year=2030,
               breaks=[2021], as_of=TODAY)
    assert a.status == "target_achieved"


def test_required_growth_starts_from_the_moved_base() -> None:
    points = _series(2018, [50.0, 52.0, 40.0, 42.0, 44.0])
    a = assess(points, "increase", target=60, target_year=2030, breaks=[2020], as_of=TODAY)
    assert a.base_year == 2020
    assert a.required_growth == pytest.approx((60 / 40) ** (1 / 10) - 1)


def test_projection_is_fitted_only_after_the_break() -> None:
    points = _series(2015, [10.0, 9.0, 8.0, 7.0, 6.0, 20.0, 21.0, 22.0])
    p = projection(points, 2030, since=2020)
    assert p is not None and p.years[0] == 2020 and p.slope == pytest.approx(1.0)
    assert projection(points, 2030, since=2021) is None  # two points left: no line


@pytest.mark.parametrize(("period", "year"), [
    ("2022M01", 2022), ("2018M11", 2019), ("2022", 2022), ("2020K1", 2020), ("2020K2", 2021),
    ("2018/19", 2019),  # placed like the data: a school year sits at its end year
])
def test_break_year_of_a_period(period: str, year: int) -> None:
    assert break_year(period) == year


# --- staleness ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("latest", "stale_after", "stale"), [
    (2019, 3, True), (2023, 3, False), (2022, 3, True), (2022, 4, False), (2026, 0, False),
])
def test_stale_when_the_latest_figure_is_too_old(latest: int, stale_after: int,
                                                 stale: bool) -> None:
    a = assess(_series(latest - 3, [1.0, 2.0, 3.0, 4.0]), "increase", as_of=TODAY,
               stale_after=stale_after)
    assert a.stale is stale and a.current_year == latest
    assert a.status == "on_track"  # a stale indicator keeps its own status


def test_as_of_defaults_to_today() -> None:
    assert assess(_series(date.today().year - 1, [1.0, 2.0]), "increase").stale is False


# --- roll-ups ----------------------------------------------------------------------------------

def _scored(score: float, **kw: object) -> Assessment:
    return Assessment("on_track" if score >= 0 else "deterioration", score, **kw)


def test_rollup_counts_only_current_county_assessed_members() -> None:
    r = rollup([
        Member("A", _scored(-5.0)),
        Member("B", _scored(4.0)),
        Member("OLD", _scored(5.0), region_code="02"),
        Member("STALE", _scored(5.0, stale=True)),
        Member("CTX", Assessment("not_assessed", reason="context")),
        Member("NONE", Assessment("not_available", reason="no_data")),
    ])
    assert r.counted == ("A", "B") and r.score == pytest.approx(-0.5)
    assert r.excluded == {"OLD": "other_area", "STALE": "stale", "CTX": "context",
                          "NONE": "no_data"}
    assert r.status == "limited_progress"
    # 2 counted of 5 assessed (context left out): fewer than half -> provisional
    assert (r.n_counted, r.n_assessed, r.provisional) == (2, 5, True)


def test_exclusion_reasons_follow_their_precedence() -> None:
    r = rollup([
        Member("ctx-old", Assessment("not_assessed", reason="context", stale=True), "02"),
        Member("nodata-old", Assessment("not_available", reason="no_data"), "02"),
        Member("old-stale", _scored(1.0, stale=True), "02"),
    ])
    assert r.excluded == {"ctx-old": "context", "nodata-old": "no_data", "old-stale": "other_area"}
    assert r.status == "not_available" and r.score is None and r.provisional is False


@pytest.mark.parametrize(("n_counted", "n_other", "provisional"), [
    (1, 0, True),  # one member is never enough
    (2, 0, False),
    (2, 2, False),  # exactly half
    (2, 3, True),  # fewer than half
])
def test_provisional_rule(n_counted: int, n_other: int, provisional: bool) -> None:
    members = [Member(f"c{i}", _scored(1.0)) for i in range(n_counted)]
    members += [Member(f"o{i}", _scored(1.0), "02") for i in range(n_other)]
    assert rollup(members).provisional is provisional
