"""Is a target realistic? The change per year it needs against the past 5-year changes in the data.

Frames are made here: each area's yearly (or monthly) values are chosen so that the windows'
changes, their median and their best are known, and the rule on the Metode page decides.
"""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import feasibility
from indicators.model import Break, Indicator, Source, Target, Text

NOTE = Text(nb="Ny metode.", en="New method.")


def indicator(unit: str = "percent", direction: str = "increase", target: float | None = 60.0,
              year: int = 2030, frequency: str = "annual", breaks: tuple[str, ...] = (),
              headline: str = "32") -> Indicator:
    return Indicator(
        id="T-01", name=Text(nb="Test", en="Test"), definition=Text(nb="d", en="d"), unit=unit,
        direction=direction, frequency=frequency, headline_region=headline,
        source=Source(organisation="SSB", credit="Kilde: SSB"),
        target=Target(value=target, year=year, status="proposed") if target is not None else None,
        breaks=[Break(period=p, note=NOTE) for p in breaks])


def yearly(series: dict[str, dict[int, float]]) -> pd.DataFrame:
    rows = [(region, str(year), year, "A", None, value, "")
            for region, values in series.items() for year, value in values.items()]
    frame = pd.DataFrame(rows, columns=["region_code", "period", "year", "freq", "sub", "value",
                                        "series"])
    frame["sub"] = frame["sub"].astype("Int64")
    return frame


def linear(start: int, end: int, first: float, step: float) -> dict[int, float]:
    return {y: first + step * (y - start) for y in range(start, end + 1)}


# Five areas rising by 0.2, 0.4, 0.6, 0.8 and 1.0 points a year over 2010–2015: one window each,
# median +0.6 and best +1.0 points a year. The headline area (32) ends at 50 in 2015.
AREAS = {"32": linear(2010, 2015, 49.0, 0.2), "03": linear(2010, 2015, 40.0, 0.4),
         "0": linear(2010, 2015, 40.0, 0.6), "3201": linear(2010, 2015, 40.0, 0.8),
         "02": linear(2010, 2015, 40.0, 1.0)}


@pytest.mark.parametrize(("target", "label"), [
    (55.0, "realistic"),  # +1/3 point a year: below the median +0.6
    (59.0, "realistic"),  # +0.6: the median itself
    (62.0, "ambitious"),  # +0.8: above the median, below the best +1.0
    (65.0, "ambitious"),  # +1.0: the best itself
    (70.0, "unrealistic"),  # +1.33: beyond every window the data shows
    (48.0, "realistic"),  # already met: 50 in 2015 is above 48
])
def test_the_rule_on_the_metode_page(target: float, label: str) -> None:
    f = feasibility.assess_target(indicator(target=target), yearly(AREAS))
    assert f.label == label
    assert (f.windows, f.areas) == (5, 5)
    assert f.median == pytest.approx(0.6) and f.best == pytest.approx(1.0)
    assert f.required == pytest.approx((target - 50.0) / 15)


def test_lower_is_better_counts_the_fall_as_the_way_forward() -> None:
    """For a 'decrease' indicator the best window is the steepest fall, and a required fall
    steeper than it is urealistisk."""
    falling = {code: {y: 100 - v for y, v in values.items()} for code, values in AREAS.items()}
    ind = indicator(direction="decrease", target=40.0)  # 50 → 40 in 15 years: −0.67 a year
    f = feasibility.assess_target(ind, yearly(falling))
    assert f.best == pytest.approx(-1.0) and f.median == pytest.approx(-0.6)
    assert f.label == "ambitious"
    assert feasibility.assess_target(indicator(direction="decrease", target=30.0),
                                     yearly(falling)).label == "unrealistic"


def test_too_few_windows_is_said_and_counted() -> None:
    few = {code: AREAS[code] for code in ("32", "03", "0")}
    f = feasibility.assess_target(indicator(target=55.0), yearly(few))
    assert (f.label, f.windows, f.areas) == ("too_little_data", 3, 3)
    text = feasibility.text(f, indicator(target=55.0), "nb")
    assert "3 perioder på 5 år uten brudd i 3 områder" in text
    assert "for lite" in text and "minst 5 perioder" in text
    assert feasibility.label_text(f, "en") == "Too little data"


def test_no_window_crosses_a_break() -> None:
    """With a break in 2013, 2010→2015 crosses it: no window is left, however many areas."""
    long = {code: linear(2010, 2016, 40.0, 0.5) for code in ("32", "03", "0", "3201", "02")}
    assert feasibility.assess_target(indicator(), yearly(long)).windows == 10
    broken = feasibility.assess_target(indicator(breaks=("2013",)), yearly(long))
    assert broken.windows == 0 and broken.label == "too_little_data"
    # A break in 2016 leaves 2010→2015 (before it) and removes 2011→2016 (across it).
    assert feasibility.assess_target(indicator(breaks=("2016",)), yearly(long)).windows == 5


def test_monthly_series_use_the_mean_of_each_complete_year() -> None:
    """Months become yearly means (an incomplete year is left out), never mixed with a stray
    yearly row: 2015's months average 3.0 though December is 4.2 and a yearly row says 9."""
    rows = []
    for region in ("32", "03", "0", "3201", "02"):
        for year in range(2010, 2017):
            for month in range(1, 13 if year < 2016 else 4):  # 2016 has three months only
                value = 2.0 + 0.2 * (year - 2010) + (0.6 if month == 12 else -0.6 / 11)
                rows.append((region, f"{year}M{month:02d}", year, "M", month, value, ""))
        rows.append((region, "2015", 2015, "A", None, 9.0, ""))
    frame = pd.DataFrame(rows, columns=["region_code", "period", "year", "freq", "sub", "value",
                                        "series"])
    ind = indicator(direction="decrease", target=2.0, frequency="monthly")
    f = feasibility.assess_target(ind, frame)
    assert (f.from_year, round(f.from_value, 6)) == (2015, 3.0)
    assert (f.windows, f.median) == (5, pytest.approx(0.2))
    assert "årsgjennomsnitt 3,0\xa0%" in feasibility.text(f, ind, "nb")


def test_counts_compare_growth_not_amounts() -> None:
    """A count grows in % per year: Norway's thousands and a municipality's tens compare."""
    growing = {"32": {2010: 100.0, 2015: 110.0}, "0": {2010: 10000.0, 2015: 12000.0},
               "03": {2010: 50.0, 2015: 55.0}, "3201": {2010: 20.0, 2015: 23.0},
               "02": {2010: 80.0, 2015: 96.0}}
    ind = indicator(unit="count", target=121.0, year=2020)  # 110 → 121 in 5 years: 1.92 % a year
    f = feasibility.assess_target(ind, yearly(growing))
    assert f.measure == "growth" and f.required == pytest.approx(1.1 ** 0.2 - 1)
    assert f.best == pytest.approx(1.2 ** 0.2 - 1)
    assert f.label == "realistic"  # the median is 23/20's 2.83 % a year
    assert "+1,92\xa0% per år" in feasibility.text(f, ind, "nb")
    assert "+1.92% per year" in feasibility.text(f, ind, "en")


def test_percent_is_worded_in_points_per_year() -> None:
    ind = indicator(target=62.0)
    text = feasibility.text(feasibility.assess_target(ind, yearly(AREAS)), ind, "nb")
    assert text.startswith("Målet krever +0,80\xa0prosentpoeng per år fra 2015 (50,0\xa0%) til 2030 "
                           "(62,0\xa0%).")
    assert "median på +0,60\xa0prosentpoeng per år" in text
    assert "beste endring på +1,00\xa0prosentpoeng per år" in text


def test_an_edited_proposal_is_judged_without_touching_the_indicator() -> None:
    ind = indicator(target=55.0)
    edited = feasibility.assess_target(ind, yearly(AREAS), value=70.0, year=2030)
    assert edited.label == "unrealistic" and ind.target.value == 55.0


@pytest.mark.parametrize(("ind", "frame", "reason"), [
    (indicator(direction="none"), yearly(AREAS), "context"),
    (indicator(headline="02"), yearly({"03": AREAS["03"]}), "no_latest"),
    (indicator(year=2015), yearly(AREAS), "year_passed"),
])
def test_nothing_to_judge_says_why(ind: Indicator, frame: pd.DataFrame, reason: str) -> None:
    f = feasibility.assess_target(ind, frame)
    assert f.label is None and f.reason == reason
    assert feasibility.text(f, ind, "nb") and feasibility.text(f, ind, "en")


def test_no_target_nothing_to_judge() -> None:
    assert feasibility.assess_target(indicator(target=None), yearly(AREAS)) is None
