"""Beside the target on the Indikator page: is it realistic? And the rule on the Metode page.

The figures are made here: 1D-01 (target 85 % by 2030 in config/goals.yaml) rising 0.2 points
a year in the old county and 0.4 in Oslo, 2009–2019. Reaching 85 from 72 needs 1.18 points a
year, three times the best five years the data shows: urealistisk.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.build import build
from indicators.model import load_model
from tests.pages.conftest import page_opener

ROOT = Path(__file__).resolve().parents[2]
HEADER = "indicator_id,region_code,period,value,unit,series,note,source"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("feasibility") / "data"
    (folder / "observations").mkdir(parents=True)
    rows = [f"1D-01,{code},{y},{start + step * (y - 2009):.1f},percent,,,Test"
            for code, start, step in (("02", 70.0, 0.2), ("03", 60.0, 0.4))
            for y in range(2009, 2020)]
    (folder / "observations" / "1D-01.csv").write_text("\n".join([HEADER, *rows]) + "\n", "utf-8")
    path = folder / "dashboard.duckdb"
    assert build(load_model(ROOT / "config" / "goals.yaml"), folder, path).ok
    return path


def test_the_target_is_judged_beside_it(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_opener(db, monkeypatch)("app_pages/indikator.py", id="1D-01")
    markdown = [m.value for m in at.markdown]
    heading = markdown.index("**Er målet realistisk?**")
    assert markdown[heading + 1] == ":red-badge[:material/block: Urealistisk]"
    sentence = next(c.value for c in at.caption if c.value.startswith("Målet krever"))
    assert sentence.startswith("Målet krever +1,18\xa0prosentpoeng per år fra 2019 (72,0\xa0%) "
                               "til 2030 (85,0\xa0%).")
    assert "median på +0,30\xa0prosentpoeng per år" in sentence
    assert "beste endring på +0,40\xa0prosentpoeng per år" in sentence
    assert "12 perioder på 5 år uten brudd i 2 områder" in sentence
    assert any(link.proto.label == "Slik vurderes et mål" for link in at.get("page_link"))


def test_in_english(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_opener(db, monkeypatch)("app_pages/indikator.py", id="1D-01", lang="en")
    assert ":red-badge[:material/block: Unrealistic]" in [m.value for m in at.markdown]
    assert any(c.value.startswith("The target needs +1.18\xa0percentage points per year")
               for c in at.caption)


def test_an_indicator_without_a_target_has_no_judgement(db: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_opener(db, monkeypatch)("app_pages/indikator.py", id="1D-03")
    assert "**Er målet realistisk?**" not in [m.value for m in at.markdown]


def test_metode_states_the_rule(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_opener(db, monkeypatch)("app_pages/metode.py")
    assert "Er et mål realistisk?" in [h.value for h in at.header]
    rule = next(m.value for m in at.markdown if "Krevd endring ikke større enn medianen" in m.value)
    for words in ("**realistisk**", "**ambisiøst**", "**urealistisk**", "**for lite data**",
                  "Færre enn 5 perioder på 5 år", "krysser et brudd", "prosentpoeng per år"):
        assert words in rule, words
