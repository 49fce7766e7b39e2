"""What a briefing shows, shared by the PowerPoint deck and the PDF: the chosen goals and their
indicators' figures, each goal's verdict, the planners' comments, the cover's "figures for" line
and the list of sources. One place assembles it, so the deck and the PDF say the same thing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from indicators import comments, export, store, views
from indicators.assessment import rollups
from indicators.i18n import t
from indicators.model import Goal, PlanModel
from indicators.periods import parse_period
from indicators.verdict import RollupText, rollup_text

# The deck's and the PDF's progress: (steps done, steps in all, what is being done now).
Progress = Callable[[int, int, str], None]


def counter(progress: Progress | None, total: int) -> Callable[[str], None]:
    """A step function that counts the steps done and tells `progress` (when given) each one."""
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, what)

    return step


@dataclass(frozen=True)
class Briefing:
    """The goals and indicators a briefing shows, with everything read from the store."""

    goals: list[Goal]  # the chosen goals that keep at least one chosen indicator, in plan order
    loaded: dict[str, export.IndicatorData]  # indicator id → its figures and assessment
    verdicts: dict[str, RollupText]  # goal id → its roll-up in words (over all its indicators)
    said: pd.DataFrame | None  # the planners' comments (store.comments)

    def ids(self, goal: Goal) -> list[str]:
        """The goal's indicators that the briefing shows, in the plan's order."""
        return [i for i in goal.indicators if i in self.loaded]

    def comment(self, indicator_id: str) -> comments.Comment | None:
        """The planner's comment on the indicator's latest period, if there is one."""
        return comments.of(self.said, indicator_id, self.loaded[indicator_id].summary.period)

    def latest(self) -> list[views.Summary]:
        return [d.summary for d in self.loaded.values()]


def gather(model: PlanModel, con: duckdb.DuckDBPyConnection, goals: list[str] | None = None,
           indicators: list[str] | None = None, regions: list[str] | None = None,
           lang: str = "nb") -> Briefing:
    """Read and assess what a briefing of `goals` (default all) shows, limited to `indicators`
    when given; `regions` are extra areas to read beside each indicator's own."""
    chosen = [g for g in model.goals if goals is None or g.id in goals]
    wanted = {i for g in chosen for i in g.indicators}
    if indicators is not None:
        wanted &= set(indicators)
    # A goal none of whose indicators were chosen is left out.
    chosen = [g for g in chosen if wanted & set(g.indicators)]
    loaded = {i: export.load_indicator(model, con, i, regions) for i in sorted(wanted)}
    # A goal's verdict rests on all its indicators, whichever of them are shown.
    assessed = {i.id: loaded[i.id].assessment if i.id in loaded
                else export.load_indicator(model, con, i.id).assessment for i in model.indicators}
    verdicts = {g.id: rollup_text(model, g.rollup, assessed, lang)
                for g in rollups(model, assessed)["goal"]}
    return Briefing(chosen, loaded, verdicts, store.comments(con))


def scope(model: PlanModel, goals: list[Goal], lang: str) -> str:
    """`Status for delmålene`, or `Status for delmål 2B` when only some are shown."""
    if len(goals) == len(model.goals):
        return t("deck.scope_all", lang)
    return t("deck.scope_goals", lang, goals=", ".join(g.id for g in goals))


def figures_for(latest: list[views.Summary], lang: str, range_key: str = "dates.deck.range") -> str:
    """`Tall for januar 2026`, or the oldest and newest latest period when they differ (in the
    words of `range_key`, which says where each figure's own period is given)."""
    found = {}
    for s in latest:
        if s.period and (p := parse_period(s.period)) is not None:
            # Ordered by the month each period ends in (a school year at its end year ends in June).
            found[s.period] = (p.year, {"M": p.sub, "Q": 3 * (p.sub or 4), "SY": 6}.get(p.freq, 12))
    if not found:
        return ""
    ordered = sorted(found, key=lambda period: found[period])
    if len(ordered) == 1:
        return t("dates.period", lang, period=views.period_words(ordered[0], lang))
    return t(range_key, lang, first=views.period_words(ordered[0], lang),
             last=views.period_words(ordered[-1], lang))


def sources(shown: list[export.IndicatorData], lang: str) -> dict[tuple[str, str], list[str]]:
    """(`Kilde: SSB, tabell 11713 (CC BY 4.0, hentet 26. november 2026)`, its address) → ids."""
    found: dict[tuple[str, str], list[str]] = {}
    for data in shown:
        source = data.indicator.source
        text = views.source_text(data.indicator, lang)
        dates = views.date_parts(data.summary, lang, unknown=False, parts=("published", "fetched"))
        details = [d for d in (source.licence, *dates) if d]
        if details:
            text += f" ({', '.join(details)})"
        found.setdefault((text, source.url or ""), []).append(data.indicator.id)
    return found
