"""How a status was reached, in words and numbers, and the method's lines for the indicator chart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from indicators import progress
from indicators.assessment import headline_points
from indicators.charts import BreakMark, Overlay, with_x, x_date
from indicators.i18n import (
    UNIT_DECIMALS,
    format_change,
    format_date,
    format_number,
    format_percent,
    format_period,
    format_value,
    t,
)
from indicators.model import Indicator, Region, Target
from indicators.periods import parse_period
from indicators.progress import Assessment
from indicators.views import period_words

SUB_ANNUAL = {"monthly", "quarterly"}


def target_state(target: Target, lang: str) -> str:
    """`forslag, ikke vedtatt`, `vedtatt`, or `vedtatt 12. mars 2026, sak PS 12/2026` when the
    model holds the decision."""
    if target.adopted and target.decision is not None:
        return t("target.adopted_decision", lang, date=format_date(target.decision.date, lang),
                 case=target.decision.case)
    return t(f"target.{target.status}", lang)


def target_label(indicator: Indicator, lang: str, decision: bool = True) -> str:
    """`Mål 2030: 2,0 % (forslag, ikke vedtatt)` — a proposal is always marked as one; with
    `decision` False an adopted target says only `vedtatt`, not the date and case number."""
    target = indicator.target
    if target is None:
        return ""
    state = target_state(target, lang) if decision else t(f"target.{target.status}", lang)
    value = format_value(target.value, indicator.unit, lang)
    return f"{t('target.label', lang, year=target.year, value=value)} ({state})"


def overlay(indicator: Indicator, frame: pd.DataFrame, a: Assessment, lang: str) -> Overlay:
    """The base point, target, required path and projection for the headline series."""
    labels = {"base": t("explain.base_point", lang, year=a.base_year or ""),
              "target": target_label(indicator, lang),
              # Beside the star: the state alone ("vedtatt"); the decision's date and case number
              # are in the legend and the hover (wrapped in the plot, "sak PS 12/2026" broke).
              "target_short": target_label(indicator, lang, decision=False),
              "required": t("explain.required_path", lang),
              "projection": t("explain.projection", lang),
              "band": t("explain.band", lang)}
    target = indicator.target
    try:
        points = headline_points(indicator, frame)
    except progress.SeriesError:
        points = []  # a year given twice: the status says so, and no trend is drawn
    end_year = target.year if target else (max((y for y, _ in points), default=0) + 5)
    # The base point and the path from it belong to a status; with none (too few years after a
    # break, no data, context only) the chart would mark a base nothing was measured from.
    rated = a.base_year is not None and a.status not in ("not_available", "not_assessed")
    # A rated status has both its base year and value; the checks only tell the type checker.
    base = ((a.base_year, a.base_value)
            if rated and a.base_year is not None and a.base_value is not None else None)
    path = []
    if target and base:
        path = progress.required_path(*base, target.value, target.year)
    return Overlay(
        labels=labels, mid_year=indicator.frequency in SUB_ANNUAL,
        base=base,
        target=(target.year, target.value) if target else None, required=path,
        projection=_clipped(progress.projection(points, end_year, since=_fit_from(indicator, points)),
                            indicator) if points else None)


def _fit_from(indicator: Indicator, points: list[progress.Point]) -> int | None:
    """The latest break year within the series: the projection is not fitted across a break.

    It is the assessment's break_year whenever the break moved the base, and it also keeps a
    break after a configured base year out of the fitted points.
    """
    last = max((year for year, _ in points), default=None)
    return None if last is None else max((b for b in indicator.break_years() if b <= last),
                                         default=None)


def break_marks(indicator: Indicator, frame: pd.DataFrame, lang: str) -> list[BreakMark]:
    """Each break of the indicator that falls inside the shown periods, as the chart marks it."""
    data = frame[frame["value"].notna()]
    if data.empty or not indicator.breaks:
        return []
    xs = with_x(data)["x"]
    first, last = min(xs), max(xs)
    marks = []
    for brk in indicator.breaks:
        period = parse_period(brk.period)
        if period is None:
            continue
        at = x_date(period.year, period.freq, period.sub)
        if not first < at <= last:
            continue  # nothing on one side of it: no line to draw
        # Half a period before the first value after the break: between the old and the new.
        months = {"M": 1, "Q": 3}.get(period.freq, 12)
        shown = format_period(period.canonical, lang)
        marks.append(BreakMark(x=at - timedelta(days=round(30.4 * months / 2)),
                               label=t("chart.break_label", lang, period=shown),
                               note=t("chart.break_note", lang, period=shown,
                                      note=brk.note.get(lang).strip())))
    return marks


def _clipped(p: progress.Projection | None, indicator: Indicator) -> progress.Projection | None:
    """A projection kept inside what the indicator can take (a share never goes below 0 %)."""
    if p is None:
        return None
    low, high = indicator.allowed_range()

    def clip(values: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(min(max(v, low if low is not None else v), high if high is not None else v)
                     for v in values)

    return replace(p, values=clip(p.values), lower=clip(p.lower), upper=clip(p.upper))


def calculation_rows(indicator: Indicator, a: Assessment, lang: str) -> pd.DataFrame:
    """The numbers that made the status, each with what it means."""
    unit = indicator.unit
    rows = [
        (t("explain.row.base", lang), _year_value(indicator, a.base_year, a.base_value, lang)),
        (t("explain.row.current", lang),
         _year_value(indicator, a.current_year, a.current_value, lang)),
    ]
    if a.break_year is not None:
        rows.append((t("explain.row.break", lang), _break_row(indicator, a, lang)))
    if a.current_year is not None:
        rows.append((t("explain.row.age", lang), _age_row(indicator, a, lang)))
    rows += [
        (t("explain.row.change", lang), format_per_year(change_per_year(a), unit, lang)),
        (t("explain.row.observed", lang), _growth(a.cagr, lang)),
    ]
    if indicator.target:
        rows.append((t("explain.row.target", lang), target_label(indicator, lang)))
        rows.append((t("explain.row.needed_change", lang),
                     format_per_year(needed_per_year(indicator, a), unit, lang)))
        rows.append((t("explain.row.required", lang), _growth(a.required_growth, lang)))
    if indicator.limit is not None and not indicator.target:
        rows.append((t("explain.row.limit", lang), format_value(indicator.limit, unit, lang)))
        rows.append((t("explain.row.coefficient", lang), _plain(a.coefficient, lang, 3)))
    high, med, low = a.thresholds
    rows += [
        (t("explain.row.progress_value", lang), _plain(a.progress_value, lang, 3)),
        (t("explain.row.thresholds", lang), t("explain.thresholds", lang, high=_plain(high, lang, 4),
                                               med=_plain(med, lang, 4), low=_plain(low, lang, 0))),
        (t("explain.row.score", lang), _plain(a.score, lang, 2)),
        (t("explain.row.status", lang), t(f"status.{a.status}", lang)),
    ]
    return pd.DataFrame(rows, columns=[t("col.field", lang), t("col.content", lang)])


def sentence(indicator: Indicator, a: Assessment, lang: str) -> str:
    """The status explained in words that agree with its numbers (progress-method.md).

    The one place that builds this text (Indikator page, Delmål cards, deck): which way the
    series moved and whether that is the right way for the indicator, the plain change per
    year (percentage points for a percent) beside the change the target needs, the base year,
    the break that moved it, and the target. The method's relative growth rates stay in
    `calculation_rows`.
    """
    # The verdict first; why the comparison starts where it does (a break) comes after it.
    if a.status == "target_achieved":
        parts = [_moved(indicator, a, lang), _achieved(indicator, a, lang),
                 _break_text(indicator, a, lang)]
    elif a.reason or a.status in ("not_available", "not_assessed"):
        parts = [_why_not(indicator, a, lang)]
    else:
        parts = [_moved(indicator, a, lang), _needed(indicator, a, lang),
                 _verdict(indicator, a, lang), _pace_note(indicator, a, lang),
                 _break_text(indicator, a, lang)]
    return " ".join(p for p in parts if p)


def stale_badge(a: Assessment, lang: str) -> str | None:
    """On old figures a status names their years: "På rett spor i 2005–2006 (for gamle tall)";
    None when the status needs no such label (the Indikator page and the static pages)."""
    rated = a.status not in (None, "not_available", "not_assessed")
    if not (a.stale and rated and a.base_year and a.base_year < (a.current_year or 0)):
        return None
    return t("status.stale_badge", lang, status=t(f"status.{a.status}", lang),
             start=a.base_year, end=a.current_year)


def change_per_year(a: Assessment) -> float | None:
    """(y_cur − y_base) / (t_cur − t_base): the plain change per year, in the indicator's unit
    (percentage points for a percent), never a relative rate."""
    if a.base_year is None or a.current_year is None or a.current_year == a.base_year:
        return None
    if a.current_value is None or a.base_value is None:  # a year always comes with its value
        return None
    return (a.current_value - a.base_value) / (a.current_year - a.base_year)


def needed_per_year(indicator: Indicator, a: Assessment) -> float | None:
    """(target − y_base) / (target_year − t_base): the plain change per year the target needs."""
    target = indicator.target
    if target is None or a.base_year is None or target.year <= a.base_year or a.base_value is None:
        return None
    return (target.value - a.base_value) / (target.year - a.base_year)


def per_year_decimals(x: float, unit: str) -> int:
    """Decimals for a change per year: two for percentage points, else the unit's own, with one
    more for a small change so that it is not shown as 0."""
    if unit == "percent":
        return 2
    decimals = UNIT_DECIMALS.get(unit, 1)
    return decimals + 1 if abs(x) < 10 else decimals


def format_per_year(x: float | None, unit: str, lang: str) -> str:
    """`+0,20 prosentpoeng per år`, `−27 tusen kr per år`."""
    if x is None:
        return "–"
    return t("explain.per_year", lang,
             rate=format_change(x, unit, lang, per_year_decimals(x, unit)))


def _amount(x: float, unit: str, lang: str) -> str:
    """A change per year without its sign (`0,16 prosentpoeng`), for "opp/ned …"."""
    return format_change(abs(x), unit, lang, per_year_decimals(x, unit)).lstrip("+±")


def _target_phrase(indicator: Indicator, target: Target, lang: str) -> str:
    """`målet på 2,0 % i 2030 (forslag, ikke vedtatt)`: a proposal is always marked as one."""
    return t("sentence.target", lang, value=format_value(target.value, indicator.unit, lang),
             year=target.year, state=t(f"target.{target.status}", lang))


def year_text(indicator: Indicator, year: int | None) -> str:
    """A year of the method's yearly axis as the reader knows it: a school year (placed at its
    end year) as `2018/19`."""
    if year is None:
        return "–"
    if indicator.frequency == "school_year":
        return f"{year - 1}/{year % 100:02d}"
    return str(year)


def _better(indicator: Indicator, lang: str) -> str:
    return t(f"direction.{indicator.direction}", lang)


def _way(indicator: Indicator, a: Assessment) -> int:
    """+1 when the series moved the way the indicator wants, −1 the other way, 0 not at all."""
    delta = change_per_year(a) or 0.0
    sign = (delta > 0) - (delta < 0)
    return sign * progress.DIRECTIONS.get(indicator.direction, 0)


def _moved(indicator: Indicator, a: Assessment, lang: str) -> str:
    change = change_per_year(a)
    if change is None:
        return ""
    unit = indicator.unit
    values = {"base_year": year_text(indicator, a.base_year),
              "current_year": year_text(indicator, a.current_year),
              "base": format_value(a.base_value, unit, lang, word=indicator.word(lang)),
              "current": format_value(a.current_value, unit, lang, word=indicator.word(lang))}
    key = "flat" if change == 0 else ("up" if change > 0 else "down")
    return t(f"sentence.moved.{key}", lang, change=format_per_year(change, unit, lang), **values)


def _needed(indicator: Indicator, a: Assessment, lang: str) -> str:
    needed = needed_per_year(indicator, a)
    if needed is None or indicator.target is None:  # needed is None without a target
        return ""
    target = _target_phrase(indicator, indicator.target, lang)
    base_year = year_text(indicator, a.base_year)
    if needed == 0:
        return t("sentence.needed.same", lang, base_year=base_year, target=target)
    if needed * progress.DIRECTIONS[indicator.direction] > 0:
        key = "sentence.needed.up" if needed > 0 else "sentence.needed.down"
        return t(key, lang, target=target, base_year=base_year,
                 amount=_amount(needed, indicator.unit, lang))
    # A target on the worse side of the base value (e.g. a cap above today's level): say the
    # path plainly, without calling it an improvement.
    return t("sentence.needed.path", lang, target=target, base_year=base_year,
             change=format_per_year(needed, indicator.unit, lang))


def _verdict(indicator: Indicator, a: Assessment, lang: str) -> str:
    """`Lavere er bedre, så det går feil vei. Derfor: forverring.` — words that fit the status."""
    way = _way(indicator, a)
    better = _better(indicator, lang)
    if way > 0:
        text = t("sentence.way.right", lang, better=better)
        kind = "target" if a.method == 2 else "no_target"
        if a.status in ("on_track", "moderate_progress", "limited_progress"):
            text += t(f"sentence.pace.{a.status}.{kind}", lang)
    elif way < 0:
        text = t("sentence.way.wrong", lang, better=better)
    else:
        text = t("sentence.way.flat", lang)
    return t("sentence.status", lang, way=text, status=t(f"status.{a.status}", lang).lower())


def _pace_note(indicator: Indicator, a: Assessment, lang: str) -> str:
    """When the change per year in the unit and the method's relative growth disagree on
    "fast enough" (a target below a falling value needs ever smaller steps in points, e.g.),
    say that the status follows the relative growth, so the sentence does not contradict itself.
    """
    change, needed = change_per_year(a), needed_per_year(indicator, a)
    if (a.method != 2 or a.status not in ("on_track", "moderate_progress", "limited_progress")
            or not change or not needed or change * needed <= 0
            or needed * progress.DIRECTIONS[indicator.direction] <= 0):
        return ""
    fast_enough_in_points = change / needed >= progress.METHOD2_THRESHOLDS[0]
    if fast_enough_in_points == (a.status == "on_track"):
        return ""
    key = "sentence.pace_note.enough" if a.status == "on_track" else "sentence.pace_note.too_low"
    return t(key, lang)


def _achieved(indicator: Indicator, a: Assessment, lang: str) -> str:
    target = indicator.target
    current = a.current_value
    if target is None or current is None:  # an achieved target exists and has been measured
        return ""
    key = "equal" if current == target.value else ("above" if current > target.value else "below")
    text = t(f"sentence.achieved.{key}", lang, current=format_value(current, indicator.unit, lang),
             current_year=year_text(indicator, a.current_year),
             target=_target_phrase(indicator, target, lang))
    if _way(indicator, a) < 0:
        text += " " + t("sentence.achieved.wrong_way", lang,
                        base_year=year_text(indicator, a.base_year),
                        better_lower=_better(indicator, lang).lower())
    return text


def _break(indicator: Indicator, a: Assessment, lang: str) -> tuple[str, str]:
    """The break that moved the base: its period as a reader says it, and its note ("" if none)."""
    brk = next((b for b in indicator.breaks if b.year == a.break_year), None)
    if brk is None:
        return year_text(indicator, a.break_year), ""
    note = brk.note.get(lang).strip()
    return format_period(brk.period, lang), note if note.endswith((".", "!", "?")) else note + "."


def _break_text(indicator: Indicator, a: Assessment, lang: str) -> str:
    """`Vi måler fra 2022 fordi serien har et brudd i januar 2022: <note>`, or, with too few
    years after it, `Serien har et brudd i …: <note> Etter bruddet finnes det bare tall for 2022.`
    """
    if a.break_year is None:
        return ""
    period, note = _break(indicator, a, lang)
    if a.base_year is None or a.current_year is None or a.current_year <= a.base_year:
        head = (t("sentence.break", lang, period=period, note=note) if note
                else t("sentence.break.plain", lang, period=period))
        year = a.current_year if a.current_year is not None else a.break_year
        return f"{head} {t('sentence.break.only', lang, year=year_text(indicator, year))}"
    key = "sentence.break.measure_from" if note else "sentence.break.measure_from_plain"
    return t(key, lang, year=year_text(indicator, a.base_year), period=period, note=note)


def _why_not(indicator: Indicator, a: Assessment, lang: str) -> str:
    """Why there is no status, with what there is to go on."""
    reason = a.reason or ("context" if a.status == "not_assessed" else "no_data")
    if reason in ("duplicate_year", "duplicate_period") and a.problem_year is not None:
        return t(f"sentence.{reason}", lang, year=year_text(indicator, a.problem_year))
    text = t(f"reason.{reason}", lang)
    unit = indicator.unit
    if reason == "break":
        return f"{text} {_break_text(indicator, a, lang)}"
    if reason == "too_few_years" and a.current_year is not None:
        return f"{text} " + t("sentence.only_year", lang,
                              year=year_text(indicator, a.current_year))
    if reason == "no_base" and indicator.base_year and a.current_year is not None:
        return f"{text} " + t("sentence.no_base", lang,
                              base_year=year_text(indicator, indicator.base_year),
                              current_year=year_text(indicator, a.current_year))
    if reason == "sign_change" and a.base_year is not None:
        return f"{text} " + t("sentence.sign_values", lang,
                              base_year=year_text(indicator, a.base_year),
                              current_year=year_text(indicator, a.current_year),
                              base=format_value(a.base_value, unit, lang),
                              current=format_value(a.current_value, unit, lang))
    return text


def _break_row(indicator: Indicator, a: Assessment, lang: str) -> str:
    period, note = _break(indicator, a, lang)
    year = a.base_year if a.base_year is not None else a.break_year
    return t("explain.break_value", lang, brk=f"{period}: {note}" if note else f"{period}.",
             year=year_text(indicator, year))


def _age_row(indicator: Indicator, a: Assessment, lang: str) -> str:
    key = "explain.age.stale" if a.stale else "explain.age.fresh"
    return t(key, lang, year=year_text(indicator, a.current_year), n=indicator.stale_after_years)


def _year_value(indicator: Indicator, year: int | None, value: float | None, lang: str) -> str:
    if year is None:
        return "–"
    return (f"{format_value(value, indicator.unit, lang, word=indicator.word(lang))} "
            f"({year_text(indicator, year)})")


def _growth(rate: float | None, lang: str) -> str:
    return format_growth(rate, lang)


def format_growth(rate: float | None, lang: str, signed: bool = False) -> str:
    """A relative growth rate per year: `3,71 % per år`; `signed`: `+3,71 % per år`, `−1,20 % …`
    (beside other changes, where the sign says which way)."""
    if rate is None:
        return "–"
    text = format_percent(abs(rate) * 100 if signed else rate * 100, lang, 2)
    if signed:
        text = ("−" if round(rate * 100, 2) < 0 else "+" if round(rate * 100, 2) > 0 else "±") + text
    return t("explain.per_year", lang, rate=text)


def _plain(x: float | None, lang: str, decimals: int) -> str:
    return "–" if x is None else format_number(x, lang, decimals)


# ---- freshness: is the figure as new as it should be? -------------------------------------------

MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "annual": 12, "school_year": 12}


def next_update_due(indicator: Indicator, last_year: int | None, last_sub: int | None,
                    freq: str | None) -> date | None:
    """When the period after the latest one should be published (end of it + the usual lag)."""
    months = MONTHS_PER_PERIOD.get(indicator.frequency)
    if last_year is None or months is None or indicator.source.lag_months is None:
        return None
    # The month in which the latest period ends: Dec for years, the month itself, the quarter's end.
    end_month = {"M": last_sub, "Q": (last_sub or 4) * 3}.get(freq or "", 12) or 12
    # School years (placed at their end year) end in June.
    if indicator.frequency == "school_year":
        end_month = 6
    total = last_year * 12 + (end_month - 1) + months + indicator.source.lag_months
    return date(total // 12, total % 12 + 1, 1)


def freshness_text(due: date | None, today: date, lang: str) -> tuple[str, bool]:
    """`Neste oppdatering ventet: mars 2026` and whether it is overdue (forsinket): the due
    date is only known to the month, so the figures are late once that whole month has passed."""
    if due is None:
        return t("explain.next_update_unknown", lang), False
    month = format_period(f"{due.year}M{due.month:02d}", lang)
    return t("explain.next_update", lang, date=month), is_overdue(due, today)


def is_overdue(due: date, today: date) -> bool:
    """The figures due in `due`'s month are late once that whole month has passed."""
    return today >= date(due.year + due.month // 12, due.month % 12 + 1, 1)


def freshness(indicator: Indicator, period: str | None, today: date,
              lang: str, region: Region | None = None) -> tuple[str, str]:
    """For the latest `period`: `Neste oppdatering ventet: mars 2026`, and when that month
    has passed, a sentence saying which figures are late ('' when they are not).

    For an area that no longer exists (`region` with `valid_to`, e.g. the pre-2020 county) no
    figures will come: it says so, and nothing is late."""
    if region is not None and region.historical:
        return t("explain.discontinued", lang, region=region.name.get(lang),
                 year=region.valid_to), ""
    parsed = parse_period(period) if period else None
    if period is None or parsed is None:
        return t("explain.next_update_unknown", lang), ""
    due = next_update_due(indicator, parsed.year, parsed.sub, parsed.freq)
    text, overdue = freshness_text(due, today, lang)
    following = next_period(period)
    if not overdue or following is None or due is None:  # overdue only with a due date
        return text, ""
    return text, t("explain.overdue_help", lang, period=period_words(following, lang),
                   due=format_period(f"{due.year}M{due.month:02d}", lang))


def next_period(period: str) -> str | None:
    """The canonical period after `period`: 2019 → 2020, 2026M01 → 2026M02, 2024K4 → 2025K1,
    2018/19 → 2019/20 (None for text that is no period)."""
    p = parse_period(period)
    if p is None:
        return None
    if p.freq == "M" and p.sub is not None:  # a month and a quarter always have their number
        month = p.year * 12 + p.sub  # the next month, counted from year 0
        return f"{month // 12}M{month % 12 + 1:02d}"
    if p.freq == "Q" and p.sub is not None:
        return f"{p.year + p.sub // 4}K{p.sub % 4 + 1}"
    if p.freq == "SY":  # placed at its end year
        return f"{p.year}/{(p.year + 1) % 100:02d}"
    return str(p.year + 1)
