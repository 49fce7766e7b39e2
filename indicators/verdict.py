"""A roll-up in words: its status, what it rests on, and every member it leaves out and why.

The one place that says this; Oversikt, Delmål, Plantema, the deck and the CLI all use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.i18n import format_list, format_period, t
from indicators.model import PlanModel
from indicators.progress import Assessment, Rollup

# Why a member has no score, where the method's reason (progress.REASONS) has words of its own;
# the other reasons (signs, target year) are "cannot be computed by the method".
_NO_SCORE = ("no_data", "break", "too_few_years", "no_base", "duplicate_year", "duplicate_period",
             "unreadable")


@dataclass(frozen=True)
class Entry:
    """One member: its id, its name and, for a member left out, why in plain words."""

    id: str
    name: str
    reason: str  # counted: the member's status key; left out: its key in progress.EXCLUSIONS
    why: str  # counted: the status in words (lower case); left out: the reason in words


@dataclass(frozen=True)
class RollupText:
    """What a reader is told about a roll-up."""

    status: str  # the status key (icon and colour come from style.STATUS_STYLE)
    label: str  # "Foreløpig: Forverring", "På rett spor", "Ikke nok data"
    basis: str  # "bygger på 1 av 4 indikatorer", or why nothing could be counted
    provisional: bool
    counted: tuple[Entry, ...]
    left_out: tuple[Entry, ...]
    lang: str

    def basis_with_ids(self) -> str:
        """`bygger på 2 av 4 indikatorer: 1D-02 og 2B-04` (plain text, where names are beside)."""
        ids = format_list([e.id for e in self.counted], self.lang)
        return f"{self.basis}: {ids}" if ids else self.basis

    def line(self) -> str:
        """`Foreløpig: Forverring — bygger på 1 av 4 indikatorer: 1D-02` (plain text)."""
        return f"{self.label} — {self.basis_with_ids()}"

    def left_out_sentence(self) -> str:
        """`Ikke regnet med i statusen: 1D-01 og 1D-03 – gjelder …; 1D-05 – ingen tall ennå.`

        Members with the same reason share it, so a slide or a terminal line stays short.
        """
        if not self.left_out:
            return ""
        groups: dict[str, list[str]] = {}
        for entry in self.left_out:
            groups.setdefault(entry.why, []).append(entry.id)
        parts = [f"{format_list(ids, self.lang)} – {why}" for why, ids in groups.items()]
        return f"{t('rollup.left_out', self.lang)}: {'; '.join(parts)}."


def rollup_text(model: PlanModel, rollup: Rollup, assessments: dict[str, Assessment],
                lang: str) -> RollupText:
    """The roll-up in words, from its counted and excluded members (progress-method.md)."""
    counted = tuple(Entry(i, _name(model, i, lang), assessments[i].status,
                          t(f"status.{assessments[i].status}", lang).lower())
                    for i in rollup.counted)
    left_out = tuple(Entry(i, _name(model, i, lang), reason,
                           why_left_out(model, i, reason, assessments[i], lang))
                     for i, reason in rollup.excluded.items())
    label = t(f"status.{rollup.status}", lang)
    if rollup.provisional:
        label = t("rollup.provisional", lang, status=label)
    return RollupText(rollup.status, label, _basis(rollup, lang), rollup.provisional, counted,
                      left_out, lang)


def why_left_out(model: PlanModel, indicator_id: str, reason: str, assessment: Assessment,
                 lang: str) -> str:
    """Why a member does not count, in words a politician understands."""
    if reason == "other_area":
        region = model.region_name(model.known_indicator(indicator_id).headline_region, lang)
        return t("rollup.why.other_area", lang, region=region)
    if reason == "stale":
        return t("rollup.why.stale", lang, year=assessment.current_year)
    if reason == "no_data":
        kind = assessment.reason or "no_data"
        kind = kind if kind in _NO_SCORE else "not_computable"
        if kind == "break":
            return t("rollup.why.break", lang, when=_break_when(model, indicator_id, assessment, lang))
        return t(f"rollup.why.{kind}", lang)
    return t(f"rollup.why.{reason}", lang)


def _break_when(model: PlanModel, indicator_id: str, assessment: Assessment, lang: str) -> str:
    """The break as the source names it (`2018/19`, `januar 2022`), not only its year."""
    for item in model.known_indicator(indicator_id).breaks:
        if item.year == assessment.break_year:
            return format_period(item.period, lang)
    return str(assessment.break_year)


def _basis(rollup: Rollup, lang: str) -> str:
    n, m = rollup.n_counted, rollup.n_assessed
    if n:
        noun = t("rollup.noun_one" if m == 1 else "rollup.noun_many", lang)
        return t("rollup.basis", lang, n=n, m=m, noun=noun)
    if m == 0:
        return t("rollup.none_assessed", lang)
    return t("rollup.none_one", lang) if m == 1 else t("rollup.none_many", lang, m=m)


def _name(model: PlanModel, indicator_id: str, lang: str) -> str:
    indicator = model.indicator(indicator_id)
    return indicator.name.get(lang) if indicator else indicator_id
