"""The sentence under a status says what the numbers say (progress-method.md, "Words agree with numbers").

Every status × direction × unit (a percent and a plain count), in both languages, from assess()
on synthetic points built here: the direction words agree with the status, a percent moves in
percentage points per year (never a relative "% per år"), and the base year, the break and the
target are named.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from indicators import explain, progress
from indicators.i18n import format_number, t
from indicators.model import Break, Indicator, Source, Target, Text

AS_OF = date(2022, 6, 1)
BASE = 2015
TARGET_YEAR = 2030
NOTE = Text(nb="Ny målemetode fra dette året.", en="A new method of measuring from this year.")

# (status, direction, target or None, base value, latest value in 2020), for a percent; a count
# uses the same values × 10. Each row is checked to give its status before its words are read.
CASES = [
    ("on_track", "increase", None, 50.0, 57.5),
    ("on_track", "decrease", None, 50.0, 42.5),
    ("moderate_progress", "increase", None, 50.0, 52.5),
    ("moderate_progress", "decrease", None, 50.0, 47.5),
    ("limited_progress", "increase", None, 50.0, 50.5),
    ("limited_progress", "decrease", None, 50.0, 49.5),
    ("deterioration", "increase", None, 50.0, 45.0),
    ("deterioration", "decrease", None, 50.0, 55.0),
    ("target_achieved", "increase", 80.0, 50.0, 85.0),
    ("target_achieved", "decrease", 20.0, 50.0, 18.0),
    ("on_track", "increase", 80.0, 50.0, 60.0),
    ("on_track", "decrease", 20.0, 50.0, 35.0),
    ("moderate_progress", "increase", 80.0, 50.0, 56.0),
    ("moderate_progress", "decrease", 20.0, 50.0, 40.0),
    ("limited_progress", "increase", 80.0, 50.0, 52.0),
    ("limited_progress", "decrease", 20.0, 50.0, 48.0),
    ("deterioration", "increase", 80.0, 50.0, 45.0),
    ("deterioration", "decrease", 20.0, 50.0, 55.0),
]
UNITS = {"percent": 1.0, "count": 10.0}
LANGS = ("nb", "en")
IMPROVING = {"on_track", "moderate_progress", "limited_progress"}

WORDS = {
    "nb": {"right": "riktig vei", "wrong": "feil vei", "up": "har verdien økt",
           "down": "har verdien gått ned", "pp": "prosentpoeng per år", "per_year": "per år",
           "desired": "ønsket retning", "proposal": "forslag, ikke vedtatt", "break": "brudd",
           "too_slow": {"moderate_progress": "ikke fort nok", "limited_progress": "sakte"}},
    "en": {"right": "right way", "wrong": "wrong way", "up": "the value rose",
           "down": "the value fell", "pp": "percentage points per year", "per_year": "per year",
           "desired": "desired direction", "proposal": "proposal, not adopted", "break": "break",
           "too_slow": {"moderate_progress": "not fast enough", "limited_progress": "slowly"}},
}


def make_indicator(unit: str, direction: str, target: float | None = None,
                   target_year: int = TARGET_YEAR, base_year: int | None = None,
                   breaks: tuple[int, ...] = (), status: str = "proposed") -> Indicator:
    return Indicator(
        id="T-01", name=Text(nb="Testindikator", en="Test indicator"),
        definition=Text(nb="Til prøve.", en="For testing."), unit=unit, direction=direction,
        source=Source(organisation="Test", credit="Kilde: Test"), frequency="annual",
        base_year=base_year,
        target=Target(value=target, year=target_year, status=status) if target is not None else None,
        breaks=[Break(period=str(y), note=NOTE) for y in breaks])


def assess(ind: Indicator, points: list[tuple[int, float | None]]) -> progress.Assessment:
    target = ind.target
    return progress.assess(points, ind.direction, base_year=ind.base_year,
                           target=target.value if target else None,
                           target_year=target.year if target else None, limit=ind.limit,
                           breaks=ind.break_years(), as_of=AS_OF,
                           stale_after=ind.stale_after_years)


def line(base: float, last: float, first: int = BASE, end: int = 2020) -> list[tuple[int, float]]:
    """Yearly points on a straight line from `base` in `first` to `last` in `end`."""
    step = (last - base) / (end - first)
    return [(y, base + step * (y - first)) for y in range(first, end + 1)]


def per_year(x: float, unit: str, lang: str) -> str:
    """The change per year as the reader should see it: sign, number, and for a percent points."""
    decimals = 2 if unit == "percent" else (0 if abs(x) >= 10 else 1)
    number = format_number(abs(x), lang, decimals)
    return ("+" if x > 0 else "−") + number


def no_relative_rate(text: str) -> bool:
    return re.search(r"%\s*per (år|year)", text) is None


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize(("status", "direction", "target", "base", "last"), CASES)
def test_every_status_reads_as_its_numbers(status: str, direction: str, target: float | None,
                                           base: float, last: float, unit: str,
                                           lang: str) -> None:
    k = UNITS[unit]
    ind = make_indicator(unit, direction, None if target is None else target * k)
    points = line(base * k, last * k)
    a = assess(ind, points)
    assert a.status == status, (a.status, a.progress_value)
    text = explain.sentence(ind, a, lang)
    w = WORDS[lang]
    assert "{" not in text and "None" not in text

    # The base year and the plain change per year, with its sign, as computed from the points.
    change = (points[-1][1] - points[0][1]) / (points[-1][0] - points[0][0])
    assert str(BASE) in text and "2020" in text
    assert f"{per_year(change, unit, lang)}" in text
    assert w["up" if change > 0 else "down"] in text
    if unit == "percent":
        assert f"{per_year(change, unit, lang)}\xa0{w['pp']}" in text
        assert no_relative_rate(text)
    else:
        assert "prosentpoeng" not in text and "percentage points" not in text

    # Words about the way it went agree with the status and the direction.
    assert w["desired"] not in text
    if status == "deterioration":
        assert w["wrong"] in text and w["right"] not in text
        assert t("status.deterioration", lang).lower() in text
        assert ("fremgang" if lang == "nb" else "progress") not in text.lower()
    elif status in IMPROVING:
        assert w["right"] in text and w["wrong"] not in text
        assert t("status.deterioration", lang).lower() not in text
        assert t(f"status.{status}", lang).lower() in text
        if status in w["too_slow"]:
            assert w["too_slow"][status] in text
    else:  # target achieved, moving the right way
        assert w["wrong"] not in text and t("status.deterioration", lang).lower() not in text
        assert t("target.label", lang, year=TARGET_YEAR, value="").split(":")[0] not in text
        assert ("målet er nådd" if lang == "nb" else "target is reached") in text

    # With a target: named with its state, and the change per year it needs from the base year.
    if target is not None:
        assert w["proposal"] in text and str(TARGET_YEAR) in text
    if target is not None and status != "target_achieved":
        needed = (target * k - base * k) / (TARGET_YEAR - BASE)
        assert per_year(needed, unit, lang).lstrip("+−") in text
        if unit == "percent":
            assert f"{per_year(needed, unit, lang).lstrip('+−')}\xa0{w['pp']}" in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_a_break_moves_the_base_and_is_named_with_its_note(direction: str, unit: str,
                                                            lang: str) -> None:
    k = UNITS[unit]
    worse = 1 if direction == "decrease" else -1
    # Before the break the series improved; after it, it went the wrong way.
    points = line(60 * k if direction == "decrease" else 40 * k, 50 * k, 2012, 2018)[:-1]
    points += line(50 * k, (50 + 5 * worse) * k, 2018, 2021)
    ind = make_indicator(unit, direction, breaks=(2018,))
    a = assess(ind, points)
    assert a.break_year == 2018 and a.base_year == 2018 and a.status == "deterioration"
    text = explain.sentence(ind, a, lang)
    assert "2018" in text and NOTE.get(lang) in text and WORDS[lang]["break"] in text.lower()
    assert WORDS[lang]["wrong"] in text and "2012" not in text
    change = 5 * worse * k / 3
    assert per_year(change, unit, lang) in text
    rows = dict(explain.calculation_rows(ind, a, lang).itertuples(index=False))
    assert NOTE.get(lang) in rows[t("explain.row.break", lang)]
    assert "2018" in rows[t("explain.row.break", lang)]


# reason -> direction -> (indicator fields, points); a target is never already met.
REASON_CASES = {
    "no_data": {d: ({}, []) for d in ("increase", "decrease")},
    "no_base": {d: ({"base_year": 2020}, [(2015, 50.0), (2016, 51.0)])
                for d in ("increase", "decrease")},
    "too_few_years": {d: ({}, [(2020, 50.0)]) for d in ("increase", "decrease")},
    "sign_change": {d: ({}, [(2015, -5.0), (2020, 5.0)]) for d in ("increase", "decrease")},
    "target_sign": {"increase": ({"target": 10.0}, [(2015, -50.0), (2020, -45.0)]),
                    "decrease": ({"target": -10.0}, [(2015, 50.0), (2020, 55.0)])},
    "target_year": {"increase": ({"target": 80.0, "target_year": 2014}, [(2015, 50.0), (2020, 55.0)]),
                    "decrease": ({"target": 20.0, "target_year": 2014}, [(2015, 50.0), (2020, 55.0)])},
    "break": {d: ({"breaks": (2020,)}, [(2015, 50.0), (2018, 51.0), (2020, 52.0)])
              for d in ("increase", "decrease")},
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("direction", ["increase", "decrease"])
@pytest.mark.parametrize("reason", REASON_CASES)
def test_not_available_says_why(reason: str, direction: str, unit: str, lang: str) -> None:
    kwargs, points = REASON_CASES[reason][direction]
    ind = make_indicator(unit, direction, **kwargs)
    a = assess(ind, points)
    assert a.status == "not_available" and a.reason == reason
    text = explain.sentence(ind, a, lang)
    assert text.startswith(t(f"reason.{reason}", lang))
    assert WORDS[lang]["right"] not in text and WORDS[lang]["wrong"] not in text
    assert no_relative_rate(text) and "{" not in text and "None" not in text
    if reason == "break":
        assert "2020" in text and NOTE.get(lang) in text
        assert ("for få år etter bruddet" if lang == "nb" else "too few years after the break") \
            in text.lower()
    if reason == "no_base":
        assert "2020" in text and "2016" in text
    if reason == "too_few_years":
        assert "2020" in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("unit", UNITS)
def test_context_indicator_is_not_rated_in_words(unit: str, lang: str) -> None:
    ind = make_indicator(unit, "none")
    a = assess(ind, line(50.0, 60.0))
    assert a.status == "not_assessed"
    text = explain.sentence(ind, a, lang)
    assert text == t("reason.context", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_target_reached_while_moving_the_wrong_way_says_both(lang: str) -> None:
    ind = make_indicator("percent", "decrease", target=2.0)
    a = assess(ind, line(1.5, 1.8))
    assert a.status == "target_achieved"
    text = explain.sentence(ind, a, lang)
    assert ("målet er nådd" if lang == "nb" else "target is reached") in text
    assert WORDS[lang]["wrong"] in text and WORDS[lang]["right"] not in text
    assert f"+{format_number(0.06, lang, 2)}\xa0{WORDS[lang]['pp']}" in text


@pytest.mark.parametrize("lang", LANGS)
def test_target_on_the_worse_side_is_not_called_an_improvement(lang: str) -> None:
    # Lower is better and the target lies above the base: any rise is still "wrong way".
    ind = make_indicator("percent", "decrease", target=2.0)
    a = assess(ind, [(2022, 1.9), (2023, 2.1), (2024, 2.3), (2025, 2.5)])
    assert a.status == "deterioration"
    text = explain.sentence(ind, a, lang)
    assert WORDS[lang]["wrong"] in text and WORDS[lang]["right"] not in text
    needed = (2.0 - 1.9) / (TARGET_YEAR - 2022)
    assert f"+{format_number(needed, lang, 2)}\xa0{WORDS[lang]['pp']}" in text
    assert ("må verdien" if lang == "nb" else "must") not in text


@pytest.mark.parametrize("lang", LANGS)
def test_an_adopted_target_is_not_called_a_proposal(lang: str) -> None:
    ind = make_indicator("percent", "increase", target=80.0, status="adopted")
    text = explain.sentence(ind, assess(ind, line(50.0, 60.0)), lang)
    assert t("target.adopted", lang) in text and WORDS[lang]["proposal"] not in text


@pytest.mark.parametrize("lang", LANGS)
def test_calculation_keeps_relative_rates_and_adds_points_and_age(lang: str) -> None:
    ind = make_indicator("percent", "increase", target=80.0)
    a = assess(ind, line(50.0, 60.0, 2012, 2017))
    assert a.stale  # 2022 − 2017 > 3
    rows = dict(explain.calculation_rows(ind, a, lang).itertuples(index=False))
    assert rows[t("explain.row.change", lang)] == f"+{format_number(2.0, lang, 2)}\xa0{WORDS[lang]['pp']}"
    needed = (80.0 - 50.0) / (TARGET_YEAR - 2012)
    assert rows[t("explain.row.needed_change", lang)].startswith(f"+{format_number(needed, lang, 2)}")
    assert "%" in rows[t("explain.row.observed", lang)]  # the method's relative growth stays here
    age = rows[t("explain.row.age", lang)]
    assert "2017" in age and ("For gamle tall" if lang == "nb" else "too old") in age
    fresh = assess(ind, line(50.0, 60.0, 2016, 2021))
    age = dict(explain.calculation_rows(ind, fresh, lang).itertuples(index=False))[
        t("explain.row.age", lang)]
    assert "2021" in age and not age.startswith("For gamle") and not age.startswith("Figures too")


def test_school_year_is_named_as_the_reader_knows_it() -> None:
    ind = make_indicator("percent", "decrease").model_copy(update={"frequency": "school_year"})
    text = explain.sentence(ind, assess(ind, line(5.0, 4.0, 2012, 2019)), "nb")
    assert "Fra 2011/12 til 2018/19" in text


@pytest.mark.parametrize("lang", LANGS)
def test_points_that_look_fast_enough_but_are_not_say_why(lang: str) -> None:
    # Falling 2 points a year toward 20 % reaches it on a straight line, but the method asks for
    # the relative fall that gets there, which is faster early on: the sentence says so.
    ind = make_indicator("percent", "decrease", target=20.0)
    a = assess(ind, line(50.0, 40.0))
    assert a.status == "moderate_progress"
    text = explain.sentence(ind, a, lang)
    assert f"−{format_number(2.0, lang, 2)}\xa0{WORDS[lang]['pp']}" in text
    assert ("relativ vekst" if lang == "nb" else "relative growth") in text
    assert WORDS[lang]["too_slow"]["moderate_progress"] in text
