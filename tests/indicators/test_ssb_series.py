"""A table with another population is stored as its own series: 09429's persons 16+ never join
the IMDi 30–66 series of 1D-03, whatever years and regions SSB sends."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators import build, cli, store, views
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA, copy_repo
from tests.indicators.sources.standin import Seen, StandIn, dataset, serve

HEADLINE_ROWS = """indicator_id,region_code,period,value,unit,series,note,source
1D-03,02,2019,44.5,percent,,Aldersgruppe antatt 30–66 år,IMDi / SSB
1D-03,3201,2019,60.25,percent,,Aldersgruppe antatt 30–66 år,IMDi / SSB
1D-03,3201,2020,61.5,percent,,Aldersgruppe antatt 30–66 år,IMDi / SSB
1D-03,03,2019,55.75,percent,,Aldersgruppe antatt 30–66 år,IMDi / SSB
1D-03,03,2020,56.5,percent,,Aldersgruppe antatt 30–66 år,IMDi / SSB
"""


def education_16plus(request: Seen) -> dict:
    """09429 answering for the years the IMDi series also has (2020), and a later one."""
    sel = request.selection()
    return dataset([("Region", sel["Region"]), ("Nivaa", sel["Nivaa"]), ("Kjonn", sel["Kjonn"]),
                    ("ContentsCode", sel["ContentsCode"]), ("Tid", ["2020", "2024"])],
                   lambda Nivaa, Tid, **_: {"03a": 20.0, "04a": 10.0}[Nivaa] + (Tid == "2024"))  # noqa: N803


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_repo(tmp_path, FIXTURE_DATA)
    (root / "data" / "observations" / "1D-03.csv").write_text(HEADLINE_ROWS, encoding="utf-8")
    report = build.build(load_model(root / "config" / "goals.yaml"), root / "data",
                         root / "data" / "t.duckdb")
    assert report.ok, report.problems
    return root


def rows(root: Path) -> pd.DataFrame:
    con = store.connect(root / "data" / "t.duckdb")
    try:
        return store.all_observations(con, "1D-03")
    finally:
        con.close()


def test_sixteen_plus_figures_never_join_the_headline_series(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    headline_before = rows(repo).query("series == ''").reset_index(drop=True)
    monkeypatch.setenv("SSB_API_URL", "unused")
    with serve(StandIn(tables={"09429": education_16plus})) as ssb:
        monkeypatch.setenv("SSB_API_URL", ssb.url)
        assert cli.main(["fetch", "ssb", "1D-03", "--no-write-back",
                         "--db", str(repo / "data" / "t.duckdb"),
                         "--config", str(repo / "config" / "goals.yaml")]) == 0
    after = rows(repo)
    # The IMDi values (also 3201 in 2020, a year SSB sent) are exactly as they were.
    pd.testing.assert_frame_equal(after.query("series == ''").reset_index(drop=True),
                                  headline_before)
    sixteen = after[after["series"] != ""]
    assert set(sixteen["series"]) == {"16 år og over"}
    got = {(r.region_code, r.period): r.value for r in sixteen.itertuples()}
    assert got[("3201", "2020")] == 30.0 and got[("32", "2024")] == 32.0
    # The chart's line for Oslo is IMDi's alone: no 16+ figure for 2020 or 2024 in it.
    model = load_model(repo / "config" / "goals.yaml")
    trend = views.trend_data(model, model.indicator("1D-03"), after)
    line = trend.frame[trend.frame["region_code"] == "03"]
    assert list(zip(line["period"], line["value"], strict=True)) == [("2019", 55.75), ("2020", 56.5)]


def test_the_shipped_09429_block_keeps_its_own_series(model: object) -> None:
    """The config itself: 09429 (persons 16+) is never fetched into 1D-03's headline."""
    spec = model.indicator("1D-03").ssb
    assert spec.table == "09429" and spec.series not in ("", None)
