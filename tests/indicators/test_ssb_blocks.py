"""The ssb: blocks written from the evidence: which are fetched by default, a block whose codes
are not known yet, and 1D-01's cohorts under the county code of their own time."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators import cli, fetch, store
from indicators.model import load_model
from tests.indicators.sources.standin import Seen, StandIn, dataset, serve


@pytest.fixture
def repo(built_fixture_repo: Path) -> Path:
    return built_fixture_repo


def run(repo: Path, url: str, monkeypatch: pytest.MonkeyPatch, *ids: str) -> int:
    monkeypatch.setenv("SSB_API_URL", url)
    return cli.main(["fetch", "ssb", *ids, "--no-write-back", "--db", str(repo / "data" / "dashboard.duckdb"),
                     "--config", str(repo / "config" / "goals.yaml")])


def rows(repo: Path, indicator: str) -> dict[tuple[str, str, str], float]:
    con = store.connect(repo / "data" / "dashboard.duckdb")
    try:
        frame = store.all_observations(con, indicator)
    finally:
        con.close()
    return {(r.region_code, r.period, r.series): r.value for r in frame.itertuples()}


def test_at_least_eight_indicators_have_a_block_and_each_says_what_it_rests_on(model: object) -> None:
    blocks = {i.id: i.ssb for i in model.indicators if i.ssb is not None}
    assert len(blocks) >= 8
    for indicator_id, spec in blocks.items():
        # Ready blocks say what verified them; the others say what is still unknown.
        assert (spec.verified and spec.verified_by) or spec.needs_check, indicator_id


def test_a_fetch_of_all_leaves_blocks_awaiting_a_check_and_says_which(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    model = load_model(repo / "config" / "goals.yaml")
    waiting = [i.id for i in fetch.awaiting_check(model)]
    ready = [i.id for i in fetch.ssb_indicators(model)]
    assert waiting and not set(waiting) & set(ready)
    standin = StandIn()
    with serve(standin) as ssb:
        run(repo, ssb.url, monkeypatch)
    err = capsys.readouterr().err
    assert "Venter på sjekk" in err and all(i in err for i in waiting)
    asked = {s.path.split("/")[-2] for s in standin.seen}
    assert asked == {model.indicator(i).ssb.table for i in ready}


def test_a_block_without_its_contents_code_is_refused_with_the_way_out(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    standin = StandIn()
    with serve(standin) as ssb:
        assert run(repo, ssb.url, monkeypatch, "1D-05") == 1
    err = capsys.readouterr().err
    assert "1D-05 ble ikke hentet" in err and "contents" in err and "ssb check" in err
    assert standin.seen == []  # nothing was asked of SSB with a guessed code


def completion(request: Seen) -> dict:
    """14867 giving each cohort under the county code of its time — and, as a slip, an old-county
    figure for a cohort that started after 02 was gone."""
    sel = request.selection()
    periods = ["2012-2018", "2019-2025", "2021-2027"]
    values = {("02", "2012-2018"): 25.0, ("02", "2021-2027"): 99.0, ("30", "2019-2025"): 20.0,
              ("30", "2021-2027"): 22.0, ("0", "2012-2018"): 24.0, ("03", "2012-2018"): 26.0}

    def cell(Region: str, Tid: str, FullforingVGO: str, **_: str) -> object:  # noqa: N803
        value = values.get((Region, Tid))
        return None if value is None else {"1a": value, "2a": 10.0, "4b": 1.0}[FullforingVGO]

    return dataset([("Region", sel["Region"]), ("UtdProgram", sel["UtdProgram"]),
                    ("Kjonn", sel["Kjonn"]), ("FullforingVGO", sel["FullforingVGO"]),
                    ("ContentsCode", sel["ContentsCode"]), ("Tid", periods)], cell)


def test_completion_cohorts_keep_the_county_code_of_their_time(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(StandIn(tables={"14867": completion})) as ssb:
        assert run(repo, ssb.url, monkeypatch, "1D-01") == 0
    series = load_model(repo / "config" / "goals.yaml").indicator("1D-01").ssb.series
    got = rows(repo, "1D-01")
    # 1a + 2a + 4b per start year, each under the county code valid then, in its own series.
    assert got[("02", "2012", series)] == 25.0 + 11
    assert got[("30", "2019", series)] == 20.0 + 11
    assert got[("30", "2021", series)] == 22.0 + 11
    assert got[("0", "2012", series)] == 24.0 + 11
    assert ("02", "2021", series) not in got  # old Akershus was gone by 2021
    assert not [key for key in got if key[2] == ""]  # nothing joined the IMDi headline
