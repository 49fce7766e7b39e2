"""Synthetic data for the benchmarks, written only under bench/.work/ (never data/ or the shipped db).

The ×100 scale: every Norwegian municipality (357, as in 2024), 50 indicators, 30 years of monthly
data (1996M01–2025M12) for each municipality, county and the country: ≈ 6.7 million observations.
The plan model is the shipped one with 33 extra indicators, every indicator made monthly; regions
are the shipped ones plus made-up municipalities for the counties the shipped file does not list.
Values are random walks inside each unit's range, seeded, so every run makes the same files.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
X100 = WORK / "x100"
MUNICIPALITIES = 357
INDICATORS_PER_GOAL = {"1D": 16, "2A": 17, "2B": 17}  # 50 in all
YEARS = range(1996, 2026)
# Counties of 2024 besides Oslo (03) and Akershus (32), whose municipalities are made up here.
OTHER_COUNTIES = ["11", "15", "18", "31", "33", "34", "39", "40", "42", "46", "50", "55", "56"]


def periods() -> list[str]:
    return [f"{year}M{month:02d}" for year in YEARS for month in range(1, 13)]


def _regions(shipped: dict) -> tuple[dict, list[str]]:
    """The shipped regions plus made-up ones; and every current code that gets data."""
    regions = copy.deepcopy(shipped["regions"])
    current = [r["code"] for r in regions if "valid_to" not in r]
    municipalities = sum(1 for r in regions if r["level"] == "municipality" and "valid_to" not in r)
    per_county, extra = divmod(MUNICIPALITIES - municipalities, len(OTHER_COUNTIES))
    for i, county in enumerate(OTHER_COUNTIES):
        regions.append({"code": county, "name": f"Fylke {county} (syntetisk)", "level": "county",
                        "parent": "0"})
        for n in range(1, per_county + (1 if i < extra else 0) + 1):
            code = f"{county}{n:02d}"
            regions.append({"code": code, "name": f"Kommune {code} (syntetisk)",
                            "level": "municipality", "parent": county})
    current = [r["code"] for r in regions if "valid_to" not in r]
    return {"regions": regions}, current


def _goals(shipped: dict) -> dict:
    """The shipped plan with 50 indicators, all monthly, none fetched from SSB."""
    goals = copy.deepcopy(shipped)
    by_id = {i["id"]: i for i in goals["indicators"]}
    for indicator in goals["indicators"]:
        # Data is made for today's areas only, so every headline is today's Akershus (32).
        indicator["headline_region"] = "32"
        indicator["frequency"] = "monthly"
        indicator.pop("ssb", None)
        indicator.pop("base_year", None)
    for goal in goals["goals"]:
        template = by_id[goal["indicators"][0]]
        for n in range(len(goal["indicators"]) + 1, INDICATORS_PER_GOAL[goal["id"]] + 1):
            made = copy.deepcopy(template)
            made["id"] = f"{goal['id']}-{n:02d}"
            made["name"] = {"nb": f"Syntetisk indikator {made['id']}",
                            "en": f"Synthetic indicator {made['id']}"}
            made.pop("target", None)
            goal["indicators"].append(made["id"])
            goals["indicators"].append(made)
    return goals


def _series(rng: np.random.Generator, unit: str, regions: int, months: int) -> np.ndarray:
    """One random walk per region, kept inside the unit's allowed range."""
    start = rng.uniform(5, 60, size=(regions, 1))
    steps = rng.normal(0, 0.4, size=(regions, months))
    values = np.abs(start + np.cumsum(steps, axis=1))
    return np.round(np.minimum(values, 100.0) if unit == "percent" else values, 1)


def _observations(goals: dict, codes: list[str], folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2025)
    months = periods()
    total = 0
    for indicator in goals["indicators"]:
        values = _series(rng, indicator["unit"], len(codes), len(months))
        frame = pd.DataFrame({
            "indicator_id": indicator["id"],
            "region_code": np.repeat(codes, len(months)),
            "period": np.tile(months, len(codes)),
            "value": values.ravel(),
        })
        frame.to_csv(folder / f"{indicator['id']}.csv", index=False)
        total += len(frame)
    return total


def make_x100(target: Path = X100, force: bool = False) -> Path:
    """Write the ×100 config/ and data/ under `target` (kept between runs unless `force`)."""
    done = target / ".complete"
    if done.exists() and not force:
        return target
    shutil.rmtree(target, ignore_errors=True)
    (target / "config").mkdir(parents=True)
    shipped_goals = yaml.safe_load((ROOT / "config/goals.yaml").read_text(encoding="utf-8"))
    shipped_regions = yaml.safe_load((ROOT / "config/regions.yaml").read_text(encoding="utf-8"))
    regions, codes = _regions(shipped_regions)
    goals = _goals(shipped_goals)
    for name, content in (("goals.yaml", goals), ("regions.yaml", regions)):
        (target / "config" / name).write_text(yaml.safe_dump(content, allow_unicode=True,
                                                             sort_keys=False), encoding="utf-8")
    (target / "data").mkdir()
    for plan_file in ("funding.csv", "grants.csv", "milestones.csv", "actions.csv"):
        shutil.copy(ROOT / "data" / plan_file, target / "data" / plan_file)
    total = _observations(goals, codes, target / "data" / "observations")
    done.write_text(f"{total}\n")
    return target


def million_row_file(path: Path) -> Path:
    """A 1,000,000-row planner file (semicolons, decimal commas) for shipped indicator 2B-04.

    2B-04 (unemployment, monthly, percent) has only so many months and municipalities, so the
    rows spread over breakdown series: 21 municipalities × 181 months × 264 series, cut to
    exactly 1,000,000.
    """
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    codes = [f"32{n:02d}" for n in (1, 3, 5, 7, 9, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32,
                                     34, 36, 38, 40, 42)]
    months = [f"{y}M{m:02d}" for y in range(2011, 2027) for m in range(1, 13)][:181]
    rows = 1_000_000
    series_count = -(-rows // (len(codes) * len(months)))
    rng = np.random.default_rng(9)
    frame = pd.DataFrame({
        "indikator": "2B-04",
        "region": np.tile(np.repeat(codes, len(months)), series_count)[:rows],
        "periode": np.tile(months, len(codes) * series_count)[:rows],
        "serie": np.repeat([f"s{n:03d}" for n in range(series_count)],
                           len(codes) * len(months))[:rows],
        "verdi": np.round(rng.uniform(0.5, 9.5, rows), 1),
    })
    frame["verdi"] = frame["verdi"].map(lambda v: f"{v:.1f}".replace(".", ","))
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


if __name__ == "__main__":
    out = make_x100(force=True)
    print(f"×100 data: {out} ({(out / '.complete').read_text().strip()} observations)")
