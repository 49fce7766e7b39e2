"""Akershus among the counties: its rank among today's counties in the latest period, read with
the indicator's direction ("nr. 3 av 15 fylker i 2025 (høyest er best)").

Only counties of today's division are ranked (regions.yaml: level county, no valid_to), so a
figure stored under an old-division code (02 Akershus before 2020, 30 Viken …) is never ranked
against today's counties: their areas differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.i18n import format_period, t
from indicators.model import Indicator, PlanModel

MIN_COUNTIES = 10  # fewer counties with a figure than this is no ranking among "the counties"


def current_counties(model: PlanModel) -> list[str]:
    """Today's county codes, in config order (the 15 of the 2024 division)."""
    return [r.code for r in model.regions if r.level == "county" and not r.historical]


@dataclass(frozen=True)
class CountyRank:
    """The headline region's place among the counties with a figure in `period` (1 = best; for
    an indicator with no better direction, 1 = highest)."""

    rank: int
    of: int
    period: str
    direction: str
    shared: bool = False  # another county has the same value

    def text(self, lang: str = "nb") -> str:
        place = t("county_rank.place_shared" if self.shared else "county_rank.place", lang,
                  rank=self.rank, of=self.of, period=format_period(self.period, lang))
        return f"{place} ({t(f'county_rank.direction.{self.direction}', lang)})"


def rank(model: PlanModel, indicator: Indicator, rows: pd.DataFrame | None) -> CountyRank | None:
    """The rank in the latest period in which the headline region has a figure, or None when it
    is no county of today's division or fewer than MIN_COUNTIES counties have a figure then.

    `rows`: stored observations (store.observations) for the counties; only the headline series
    counts.
    """
    counties = current_counties(model)
    region = indicator.headline_region
    if rows is None or rows.empty or region not in counties:
        return None
    rows = rows[rows["region_code"].isin(counties) & (rows["series"] == "")
                & rows["value"].notna()]
    mine = rows[rows["region_code"] == region]
    if mine.empty:
        return None
    latest = mine.sort_values(["year", "sub"], na_position="first").iloc[-1]
    same = rows[rows["period"] == latest["period"]].drop_duplicates("region_code")
    if len(same) < MIN_COUNTIES:
        return None
    value = latest["value"]
    lower_first = indicator.direction == "decrease"
    better = int((same["value"] < value).sum() if lower_first else (same["value"] > value).sum())
    ties = int((same["value"] == value).sum()) > 1
    return CountyRank(better + 1, len(same), str(latest["period"]), indicator.direction, ties)
