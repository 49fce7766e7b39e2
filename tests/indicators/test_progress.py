"""Tests for the progress engine; expected numbers are worked by hand from progress-method.md."""

import math

import pandas as pd
import pytest

from indicators.progress import (
    STATUSES,
    Assessment,
    annual_points,
    assess,
    projection,
    required_path,
    rollup,
)

A3 = 1e-3  # "to 3 decimals"


def approx(x: float) -> object:
    return pytest.approx(x, abs=A3)


# --- worked examples from the doc ---------------------------------------------------------------

def test_example_1_increase_without_target() -> None:
    a = assess([(2020, 60), (2015, 50)], "increase")
    # CAGR = 1.2^(1/5) - 1 = 0.03714 >= 0.015; score = min(500*0.03714 - 5, 5) = min(13.57, 5)
    assert a.status == "on_track"
    assert a.cagr == approx(0.037)
    assert a.progress_value == approx(0.037)
    assert a.score == 5
    assert (a.base_year, a.base_value, a.current_year, a.current_value) == (2015, 50, 2020, 60)
    assert a.method == 1 and a.coefficient == 1 and a.reason is None


def test_example_2_increase_with_target() -> None:
    a = assess([(2015, 50), (2020, 60)], "increase", base_year=2015, target=80, target_year=2030)
    # req = 1.6^(1/15) - 1 = 0.03183; pv = 0.03714 / 0.03183 = 1.1668
    # score = 7.1429*1.1668 - 4.2857 = 4.048
    assert a.status == "on_track"
    assert a.required_growth == approx(0.032)
    assert a.progress_value == approx(1.167)
    assert a.score == approx(4.048)
    assert a.method == 2 and a.thresholds == (0.95, 0.6, 0.0)


def test_example_3_limit() -> None:
    a = assess([(2015, 95), (2020, 96)], "increase", limit=100)
    # b = 95 <= L = 100: C = 1 - 0.95^4.44 = 0.2037; thresholds 0.015C = 0.00306, 0.005C = 0.00102
    # pv = (96/95)^(1/5) - 1 = 0.00210; score = 250*0.00210/0.2037 - 1.25 = 1.323
    assert a.coefficient == approx(0.204)
    assert a.thresholds[0] == pytest.approx(0.003055, abs=1e-6)
    assert a.thresholds[1] == pytest.approx(0.001018, abs=1e-6)
    assert a.progress_value == pytest.approx(0.002096, abs=1e-6)
    assert a.status == "moderate_progress"
    assert a.score == approx(1.323)


# --- target achieved ----------------------------------------------------------------------------

def test_target_achieved_increase() -> None:
    a = assess([(2015, 50), (2020, 85)], "increase", target=80, target_year=2030)
    assert (a.status, a.score) == ("target_achieved", 5)


def test_target_achieved_decrease() -> None:
    a = assess([(2015, 10), (2020, 4)], "decrease", target=5, target_year=2030)
    assert (a.status, a.score) == ("target_achieved", 5)


def test_target_achieved_with_a_single_point() -> None:
    # Not computable (one year), but a met target wins whatever else holds.
    a = assess([(2020, 90)], "increase", target=80, target_year=2030)
    assert (a.status, a.score, a.reason) == ("target_achieved", 5, None)


def test_target_exactly_met_counts_as_achieved() -> None:
    a = assess([(2015, 10), (2020, 0)], "decrease", target=0, target_year=2030)
    assert a.status == "target_achieved"


# --- method 1, each status ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("current", "status", "score"),
    [
        # 1.10^(1/5)-1 = 0.019245 >= 0.015: 500*0.019245 - 5 = 4.622
        (110, "on_track", 4.622),
        # 1.05^(1/5)-1 = 0.009806 in [0.005, 0.015): 250*0.009806 - 1.25 = 1.201
        (105, "moderate_progress", 1.201),
        # 1.01^(1/5)-1 = 0.001992 in [0, 0.005): 500*0.001992 - 2.5 = -1.504
        (101, "limited_progress", -1.504),
        # 0.98^(1/5)-1 = -0.004032 < 0: 125*(-0.004032) - 2.5 = -3.004
        (98, "deterioration", -3.004),
    ],
)
def test_method1_statuses(current: float, status: str, score: float) -> None:
    a = assess([(2015, 100), (2020, current)], "increase")
    assert a.status == status
    assert a.score == approx(score)


def test_method1_score_clamps() -> None:
    # 0.90^(1/5)-1 = -0.02085: 125*(-0.02085) - 2.5 = -5.106 -> clamped to -5
    assert assess([(2015, 100), (2020, 90)], "increase").score == -5
    # example 1: 500*0.03714 - 5 = 13.57 -> clamped to 5
    assert assess([(2015, 50), (2020, 60)], "increase").score == 5


def test_method1_decrease() -> None:
    a = assess([(2015, 100), (2020, 95)], "decrease")
    # CAGR = 0.95^(1/5)-1 = -0.010206; pv = -1 * -0.010206 = 0.010206: 250*0.010206 - 1.25 = 1.302
    assert a.progress_value == approx(0.010)
    assert (a.status, a.score) == ("moderate_progress", approx(1.302))
    b = assess([(2015, 100), (2020, 110)], "decrease")
    # pv = -0.019245: 125*(-0.019245) - 2.5 = -4.906
    assert (b.status, b.score) == ("deterioration", approx(-4.906))


def test_negative_values_flip_sign() -> None:
    a = assess([(2015, -100), (2020, -110)], "increase")
    # ratio 1.1: CAGR 0.019245; y_base < 0 so sign = -1: pv = -0.019245 (the value fell)
    assert a.cagr == approx(0.019)
    assert a.progress_value == approx(-0.019)
    assert (a.status, a.score) == ("deterioration", approx(-4.906))


# --- method 2, each status ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("current", "status", "score"),
    [
        # req = 2^(1/10)-1 = 0.071773. 1.45^(1/5)-1 = 0.077145; pv = 1.0748: 7.1429*1.0748-4.2857
        (145, "on_track", 3.392),
        # 1.25^(1/5)-1 = 0.045640; pv = 0.6359: 7.1429*0.6359 - 4.2857 = 0.256
        (125, "moderate_progress", 0.256),
        # 1.10^(1/5)-1 = 0.019245; pv = 0.2681: 4.1667*0.2681 - 2.5 = -1.383
        (110, "limited_progress", -1.383),
        # 0.90^(1/5)-1 = -0.020852; pv = -0.2905: 4.1667*(-0.2905) - 2.5 = -3.711
        (90, "deterioration", -3.711),
        # 0.50^(1/5)-1 = -0.12945; pv = -1.8036: 4.1667*(-1.8036) - 2.5 = -10.01 -> clamped -5
        (50, "deterioration", -5),
    ],
)
def test_method2_statuses(current: float, status: str, score: float) -> None:
    a = assess([(2015, 100), (2020, current)], "increase", target=200, target_year=2025)
    assert a.required_growth == approx(0.072)
    assert a.status == status
    assert a.score == approx(score)


def test_method2_decrease() -> None:
    a = assess([(2015, 100), (2020, 80)], "decrease", target=50, target_year=2025)
    # req = 0.5^(1/10)-1 = -0.066967; CAGR = 0.8^(1/5)-1 = -0.043648
    # pv = -1 * -0.043648 / 0.066967 = 0.6518: 7.1429*0.6518 - 4.2857 = 0.370
    assert a.progress_value == approx(0.652)
    assert (a.status, a.score) == ("moderate_progress", approx(0.370))


def test_target_equal_to_base_is_deterioration() -> None:
    a = assess([(2015, 100), (2020, 95)], "increase", target=100, target_year=2025)
    # req = 1^(1/10) - 1 = 0, target not met
    assert (a.status, a.score) == ("deterioration", -5)


# --- base year, missing data --------------------------------------------------------------------

def test_base_year_without_data_uses_next_later_year() -> None:
    a = assess([(2014, 40), (2016, 50), (2020, 60)], "increase", base_year=2015)
    # base 2016 = 50: CAGR = 1.2^(1/4) - 1 = 0.04664
    assert (a.base_year, a.base_value) == (2016, 50)
    assert a.cagr == approx(0.047)
    assert a.status == "on_track"


def test_no_value_after_base_year() -> None:
    a = assess([(2015, 50), (2020, 60)], "increase", base_year=2021)
    assert (a.status, a.score, a.reason) == ("not_available", None, "no_base")


def test_single_data_point() -> None:
    a = assess([(2020, 60), (2021, None), (2022, math.nan)], "increase")
    assert (a.status, a.score, a.reason) == ("not_available", None, "too_few_years")
    assert (a.current_year, a.current_value) == (2020, 60)


def test_no_data() -> None:
    a = assess([(2020, None)], "increase")
    assert (a.status, a.score, a.reason) == ("not_available", None, "no_data")


def test_zero_base_uses_0001() -> None:
    a = assess([(2015, 0), (2020, 5)], "increase")
    # CAGR = (5/0.001)^(1/5) - 1 = 5000^0.2 - 1 = 4.493; base value shown as written
    assert a.cagr == approx(4.493)
    assert a.base_value == 0
    assert (a.status, a.score) == ("on_track", 5)


def test_zero_target_uses_0001() -> None:
    a = assess([(2015, 10), (2020, 5)], "decrease", target=0, target_year=2025)
    # req = (0.001/10)^(1/10) - 1 = 10^-0.4 - 1 = -0.6019; CAGR = 0.5^0.2 - 1 = -0.12945
    # pv = -1 * -0.12945 / 0.6019 = 0.2151: 4.1667*0.2151 - 2.5 = -1.604
    assert a.required_growth == approx(-0.602)
    assert a.progress_value == approx(0.215)
    assert (a.status, a.score) == ("limited_progress", approx(-1.604))


def test_sign_change_is_not_available() -> None:
    a = assess([(2015, -5), (2020, 5)], "increase")
    assert (a.status, a.score, a.reason) == ("not_available", None, "sign_change")


def test_target_of_other_sign_than_base_is_not_available() -> None:
    a = assess([(2015, 10), (2020, 5)], "decrease", target=-5, target_year=2025)
    assert (a.status, a.reason) == ("not_available", "target_sign")


def test_target_year_not_after_base_year() -> None:
    a = assess([(2015, 10), (2020, 20)], "increase", target=50, target_year=2015)
    assert (a.status, a.reason) == ("not_available", "target_year")


def test_context_indicator_is_not_assessed() -> None:
    a = assess([(2015, 10), (2020, 20)], "none")
    assert (a.status, a.score, a.reason) == ("not_assessed", None, "context")
    assert a.current_value == 20


def test_bad_input_raises() -> None:
    with pytest.raises(ValueError):
        assess([(2015, 1)], "up")
    with pytest.raises(ValueError):
        assess([(2015, 1), (2015, 2)], "increase")
    with pytest.raises(ValueError):
        assess([(2015, 1)], "increase", target=5)


# --- limit coefficient --------------------------------------------------------------------------

def test_limit_near_bound() -> None:
    a = assess([(2015, 50), (2020, 51)], "increase", limit=100)
    # b = 50 <= L: C = 1 - 0.5^4.44 = 0.9539; CAGR = 1.02^0.2 - 1 = 0.003968 < 0.005C = 0.00477
    # score = 500*0.003968/0.9539 - 2.5 = -0.420
    assert a.coefficient == approx(0.954)
    assert (a.status, a.score) == ("limited_progress", approx(-0.420))


def test_limit_far_from_bound() -> None:
    a = assess([(2015, 250), (2020, 260)], "increase", limit=100)
    # b = 250 >= 2L: C = 1; CAGR = 1.04^0.2 - 1 = 0.007875: 250*0.007875 - 1.25 = 0.719
    assert a.coefficient == 1
    assert a.thresholds == (0.015, 0.005, 0.0)
    assert (a.status, a.score) == ("moderate_progress", approx(0.719))


def test_limit_between_l_and_2l() -> None:
    a = assess([(2015, 150), (2020, 153)], "increase", limit=100)
    # L < b < 2L: C = 1 - ((200-150)/100)^4.44 = 1 - 0.5^4.44 = 0.9539
    # CAGR = 1.02^0.2 - 1 = 0.003968: 500*0.003968/0.9539 - 2.5 = -0.420
    assert a.coefficient == approx(0.954)
    assert a.thresholds[0] == approx(0.014)
    assert (a.status, a.score) == ("limited_progress", approx(-0.420))


def test_limit_reached_c_zero() -> None:
    a = assess([(2015, 100), (2020, 100.5)], "increase", limit=100)
    # b = L: C = 1 - 1^4.44 = 0; pv >= 0 -> score 5
    assert a.coefficient == 0
    assert (a.status, a.score) == ("on_track", 5)
    b = assess([(2015, 100), (2020, 99)], "increase", limit=100)
    # pv = 0.99^0.2 - 1 = -0.002008 < 0: 125*(-0.002008) - 2.5 = -2.751
    assert (b.status, b.score) == ("deterioration", approx(-2.751))


# --- sub-annual data ----------------------------------------------------------------------------

def _frame(rows: list[tuple[int, str, int | None, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["year", "freq", "sub", "value"])
    frame["sub"] = frame["sub"].astype("Int64")
    return frame


def test_annual_rows_pass_through() -> None:
    frame = _frame([(2021, "A", None, 3.0), (2019, "A", None, 1.5), (2020, "A", None, math.nan)])
    assert annual_points(frame) == [(2019, 1.5), (2020, None), (2021, 3.0)]


def test_school_year_passes_through() -> None:
    assert annual_points(_frame([(2012, "SY", None, 7.0)])) == [(2012, 7.0)]


def test_monthly_complete_years_only() -> None:
    first = [(2021, "M", m, 100.0) for m in range(7, 13)]  # starts in July: incomplete
    full = [(2022, "M", m, float(m)) for m in range(1, 13)]  # mean of 1..12 = 78/12 = 6.5
    last = [(2023, "M", m, 50.0) for m in range(1, 12)]  # no December yet: incomplete
    assert annual_points(_frame(first + full + last)) == [(2022, 6.5)]


def test_month_without_value_makes_year_incomplete() -> None:
    rows = [(2022, "M", m, 1.0) for m in range(1, 12)] + [(2022, "M", 12, math.nan)]
    assert annual_points(_frame(rows)) == []


def test_quarterly_mean() -> None:
    rows = [(2022, "Q", q, v) for q, v in zip(range(1, 5), (2.0, 4.0, 6.0, 8.0), strict=True)]
    rows += [(2023, "Q", q, 9.0) for q in range(1, 4)]
    # 2022: (2+4+6+8)/4 = 5; 2023 has only three quarters
    assert annual_points(_frame(rows)) == [(2022, 5.0)]


# --- roll-up ------------------------------------------------------------------------------------

def test_rollup_mixed() -> None:
    r = rollup([
        Assessment("target_achieved", 5.0),
        Assessment("on_track", 3.0),
        Assessment("deterioration", -4.0),
        Assessment("not_available", None),
        Assessment("not_assessed", None),
    ])
    # mean (5 + 3 - 4) / 3 = 1.333 >= 0 -> moderate_progress
    assert r.score == approx(1.333)
    assert r.status == "moderate_progress"
    assert (r.n_counted, r.n_assessed) == (3, 4)
    assert sorted(r.excluded.values()) == ["context", "no_data"]
    assert r.counts["not_assessed"] == 1 and r.counts["not_available"] == 1
    assert r.counts["target_achieved"] == r.counts["on_track"] == r.counts["deterioration"] == 1
    assert list(r.counts) == list(STATUSES)


def test_rollup_all_achieved() -> None:
    r = rollup([Assessment("target_achieved", 5.0)] * 2 + [Assessment("not_available")])
    assert (r.status, r.score, r.excluded) == ("target_achieved", 5.0, {"#3": "no_data"})


def test_rollup_none_scored() -> None:
    r = rollup([Assessment("not_available"), Assessment("not_assessed")])
    assert (r.status, r.score, r.counted) == ("not_available", None, ())
    assert rollup([]).status == "not_available"


@pytest.mark.parametrize(
    ("scores", "status"),
    [
        ((5.0, 0.0), "on_track"),  # mean 2.5
        ((1.0, -1.0), "moderate_progress"),  # mean 0
        ((-5.0, 0.0), "limited_progress"),  # mean -2.5
        ((-5.0, -0.2), "deterioration"),  # mean -2.6
    ],
)
def test_rollup_thresholds(scores: tuple[float, ...], status: str) -> None:
    assert rollup([Assessment("on_track", s) for s in scores]).status == status


# --- required path and projection ---------------------------------------------------------------

def test_required_path() -> None:
    path = required_path(2015, 100, 200, 2025)
    # 11 yearly points; 2020 = 100 * 2^(5/10) = 141.421
    assert len(path) == 11
    assert path[0] == (2015, 100) and path[-1] == (2025, 200)
    assert path[5] == (2020, approx(141.421))


def test_required_path_zero_base_and_none() -> None:
    assert required_path(2015, 0, 10, 2020)[0] == (2015, 0)
    assert required_path(2015, 10, 20, 2015) == []


def test_projection_needs_three_points() -> None:
    assert projection([(2019, 1.0), (2020, 2.0), (2021, None)], 2030) is None


def test_projection_perfect_line() -> None:
    # y = 2*(year - 2000): slope 2, residuals 0 so the band has no width
    p = projection([(t, 2.0 * (t - 2000)) for t in range(2015, 2021)], 2030)
    assert p is not None and p.n == 6
    assert p.slope == approx(2.0)
    assert p.years[0] == 2015 and p.years[-1] == 2030
    assert p.values[-1] == approx(60.0)
    assert max(u - lo for u, lo in zip(p.upper, p.lower, strict=True)) < 1e-6


def test_projection_uses_last_eight_points() -> None:
    points = [(2010, 99.0), (2011, -99.0)] + [(t, float(t - 2012)) for t in range(2012, 2020)]
    p = projection(points, 2025)
    # only 2012..2019 (on y = year - 2012) are fitted
    assert p is not None and p.n == 8
    assert p.slope == approx(1.0)
    assert p.years[0] == 2012


def test_projection_band() -> None:
    p = projection([(2016, 1.0), (2017, 3.0), (2018, 2.0), (2019, 4.0)], 2020)
    # xbar = 2017.5, Sxx = 5, Sxy = 2.25 - 0.25 - 0.25 + 2.25 = 4: slope 0.8
    # residuals -0.3, 0.9, -0.9, 0.3: SSE = 1.8, s = sqrt(1.8/2) = 0.9487
    # 2020: yhat = 2.5 + 0.8*2.5 = 4.5; se = s*sqrt(1 + 1/4 + 6.25/5) = 0.9487*1.5811 = 1.5
    # half width = t(0.90, df 2) * 1.5 = 1.8856 * 1.5 = 2.828
    assert p is not None and p.slope == approx(0.8)
    assert p.values[-1] == approx(4.5)
    assert p.lower[-1] == approx(4.5 - 2.828)
    assert p.upper[-1] == approx(4.5 + 2.828)
    assert all(lo <= v <= u for lo, v, u in zip(p.lower, p.values, p.upper, strict=True))


def test_to_dict() -> None:
    d = assess([(2015, 50), (2020, 60)], "increase").to_dict()
    assert d["status"] == "on_track" and d["base_year"] == 2015
