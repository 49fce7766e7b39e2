"""The progress method applied to the model: each indicator's headline series, goals, themes, areas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from indicators import progress
from indicators.model import Indicator, PlanModel
from indicators.progress import Assessment, Member, Rollup


def headline(indicator: Indicator, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the status is computed on: the headline region, the headline series."""
    mask = (frame["region_code"] == indicator.headline_region) & (frame["series"] == "")
    return frame[mask]


def headline_points(indicator: Indicator, frame: pd.DataFrame) -> list[progress.Point]:
    """The headline series as one value per year; raises progress.SeriesError when the stored
    rows give a year (or a month) twice."""
    return progress.annual_points(headline(indicator, frame)) if len(frame) else []


def assess_indicator(indicator: Indicator, frame: pd.DataFrame,
                     as_of: date | None = None) -> Assessment:
    """The status of one indicator from its observations (any regions; the headline is picked).

    `as_of` is "today" for the staleness rule (None: today). Stored rows the method cannot use
    (a year given twice) never raise: the indicator is then not available, with the reason.
    """
    try:
        points = headline_points(indicator, frame)
    except progress.SeriesError as error:
        status = "not_assessed" if indicator.direction == "none" else "not_available"
        method = 2 if indicator.target else 1
        return Assessment(status=status, reason=error.reason, problem_year=error.year,
                          method=method, thresholds=progress.METHOD2_THRESHOLDS if method == 2
                          else progress.METHOD1_THRESHOLDS)
    target = indicator.target
    return progress.assess(
        points, indicator.direction, base_year=indicator.base_year,
        target=target.value if target else None, target_year=target.year if target else None,
        limit=indicator.limit, breaks=indicator.break_years(), as_of=as_of,
        stale_after=indicator.stale_after_years,
    )


@dataclass(frozen=True)
class GroupStatus:
    """A roll-up with the indicators that made it."""

    id: str
    rollup: Rollup
    members: tuple[str, ...]


def assess_all(model: PlanModel, frames: dict[str, pd.DataFrame],
               as_of: date | None = None) -> dict[str, Assessment]:
    """Every indicator's assessment; `frames` maps id → its observations (missing = no data)."""
    empty = pd.DataFrame(columns=["region_code", "series", "year", "freq", "sub", "value"])
    return {i.id: assess_indicator(i, frames.get(i.id, empty), as_of) for i in model.indicators}


def group_rollup(model: PlanModel, assessments: dict[str, Assessment],
                 members: list[str]) -> Rollup:
    """The roll-up of the given indicators: each counted only if progress-method.md allows it."""
    return progress.rollup(
        Member(m, assessments[m], model.known_indicator(m).headline_region) for m in members)


def rollups(model: PlanModel, assessments: dict[str, Assessment]) -> dict[str, list[GroupStatus]]:
    """Roll-ups for goals, plan themes and focus areas (focus areas through their goals)."""
    def group(group_id: str, members: list[str]) -> GroupStatus:
        return GroupStatus(group_id, group_rollup(model, assessments, members), tuple(members))

    goal_members = {g.id: list(g.indicators) for g in model.goals}
    areas = []
    for area in model.focus_areas:
        members = [m for goal_id in area.goals for m in goal_members.get(goal_id, [])]
        areas.append(group(area.id, list(dict.fromkeys(members))))
    return {
        "goal": [group(g.id, goal_members[g.id]) for g in model.goals],
        "theme": [group(t.id, list(t.indicators)) for t in model.themes],
        "focus_area": areas,
    }


def progress_records(model: PlanModel, assessments: dict[str, Assessment]) -> list[dict[str, Any]]:
    """One flat record per indicator, as `progress --json` prints them (data-formats.md); Any:
    a JSON value."""
    records = []
    for indicator in model.indicators:
        a = assessments[indicator.id]
        target = indicator.target
        records.append({
            "indicator_id": indicator.id, "goal_id": model.goal_of(indicator.id).id,
            "region_code": indicator.headline_region, "status": a.status, "score": a.score,
            "progress_value": a.progress_value, "base_year": a.base_year,
            "base_value": a.base_value, "current_year": a.current_year,
            "current_value": a.current_value, "target": target.value if target else None,
            "target_year": target.year if target else None,
            "target_status": target.status if target else None, "reason": a.reason,
            "method": a.method, "break_year": a.break_year, "stale": a.stale,
            "problem_year": a.problem_year,
        })
    return records


def rollup_records(model: PlanModel, assessments: dict[str, Assessment]) -> list[dict[str, Any]]:
    """One flat record per roll-up (goal, plan theme, focus area) for `progress --json`."""
    records = []
    for level, groups in rollups(model, assessments).items():
        for group in groups:
            r = group.rollup
            records.append({"level": level, "id": group.id, "status": r.status, "score": r.score,
                            "provisional": r.provisional, "counted": list(r.counted),
                            "excluded": r.excluded, "counts": r.counts,
                            "members": list(group.members)})
    return records
