"""How a status was reached, in words and numbers, and the method's lines for the indicator chart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from indicators import progress
from indicators.assessment import headline
from indicators.charts import Overlay
from indicators.i18n import format_date, format_number, format_percent, format_value, t
from indicators.model import Indicator
from indicators.progress import Assessment

SUB_ANNUAL = {"monthly", "quarterly"}


def target_label(indicator: Indicator, lang: str) -> str:
    """`Mål 2030: 2,0 % (forslag, ikke vedtatt)` — a proposal is always marked as one."""
    target = indicator.target
    if target is None:
        return ""
    state = t(f"target.{target.status}", lang)
    value = format_value(target.value, indicator.unit, lang)
    return f"{t('target.label', lang, year=target.year, value=value)} ({state})"


def overlay(indicator: Indicator, frame: pd.DataFrame, a: Assessment, lang: str) -> Overlay:
    """The base point, target, required path and projection for the headline series."""
    labels = {"base": t("explain.base_point", lang, year=a.base_year or ""),
              "target": target_label(indicator, lang),
              "required": t("explain.required_path", lang),
              "projection": t("explain.projection", lang),
              "band": t("explain.band", lang)}
    target = indicator.target
    points = progress.annual_points(headline(indicator, frame)) if len(frame) else []
    end_year = target.year if target else (max((y for y, _ in points), default=0) + 5)
    path = []
    if target and a.base_year is not None and a.status != "not_available":
        path = progress.required_path(a.base_year, a.base_value, target.value, target.year)
    return Overlay(
        labels=labels, mid_year=indicator.frequency in SUB_ANNUAL,
        base=(a.base_year, a.base_value) if a.base_year is not None else None,
        target=(target.year, target.value) if target else None, required=path,
        projection=_clipped(progress.projection(points, end_year), indicator) if points else None)


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
        (t("explain.row.base", lang), _year_value(a.base_year, a.base_value, unit, lang)),
        (t("explain.row.current", lang), _year_value(a.current_year, a.current_value, unit, lang)),
        (t("explain.row.observed", lang), _growth(a.cagr, lang)),
    ]
    if indicator.target:
        rows.append((t("explain.row.target", lang), target_label(indicator, lang)))
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
    """The method in one sentence for this indicator (or why it could not be applied)."""
    if a.reason:
        return t(f"reason.{a.reason}", lang)
    if a.status == "target_achieved":
        return t("explain.sentence.achieved", lang, target=target_label(indicator, lang))
    key = "explain.sentence.target" if a.method == 2 else "explain.sentence.no_target"
    return t(key, lang, base_year=a.base_year, current_year=a.current_year,
             observed=_growth(a.cagr, lang), required=_growth(a.required_growth, lang),
             status=t(f"status.{a.status}", lang).lower())


def _year_value(year: int | None, value: float | None, unit: str, lang: str) -> str:
    return "–" if year is None else f"{format_value(value, unit, lang)} ({year})"


def _growth(rate: float | None, lang: str) -> str:
    if rate is None:
        return "–"
    return t("explain.per_year", lang, rate=format_percent(rate * 100, lang, 2))


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
    """`Neste oppdatering ventet: 1. mars 2026` and whether it is overdue (forsinket)."""
    if due is None:
        return t("explain.next_update_unknown", lang), False
    return t("explain.next_update", lang, date=format_date(due, lang)), due < today
