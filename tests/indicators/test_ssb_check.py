"""`ssb check`, `ssb describe`, `ssb search` and `validate --online` against a PxWebApi v2 stand-in
that answers metadata, codelist and search requests in v2's documented shapes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indicators import cli, fetch
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA, copy_repo
from tests.indicators.sources.standin import (
    Dim,
    StandIn,
    closed_port,
    codelist,
    metadata,
    serve,
    table_entry,
)

MUNICIPALITIES = [f"32{n:02d}" for n in (1, 3, 5, 7, 9, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30,
                                         32, 34, 36, 38, 40, 42)]
LABEL = "Personer 15-29 år utenfor arbeid, utdanning og arbeidsmarkedstiltak"


def neet_standin() -> StandIn:
    """Table 13556 as the stand-in describes it: variables, codelists and contents with units."""
    counties = {"31": "Østfold", "32": "Akershus", "33": "Buskerud", "03": "Oslo"}
    dims = [
        Dim("Region", {"0": "Hele landet", **counties, **{m: f"kommune {m}" for m in MUNICIPALITIES}},
            label="region", codelists=["agg_KommGjeldende", "agg_FylkerGjeldende", "vs_Landet"]),
        Dim("HovArbStyrkStatus", {"TOT": "I alt", "NEET": "Utenfor"}, label="status",
            codelists=["vs_ArbStatus2018niva4"]),
        Dim("Alder", {"15-29": "15-29 år", "30-61": "30-61 år"}, label="alder"),
        Dim("Kjonn", {"0": "Begge kjønn", "1": "Menn", "2": "Kvinner"}, label="kjønn",
            elimination=True),
        Dim("ContentsCode", {"Bosatte": "Bosatte", "BosatteProsent": "Bosatte, prosent"},
            label="statistikkvariabel", units={"Bosatte": ("personer", 0),
                                               "BosatteProsent": ("prosent", 1)}),
        Dim("Tid", {"2021": "2021", "2024": "2024"}, label="år"),
    ]
    return StandIn(
        meta={"13556": metadata("13556", LABEL, dims)},
        codelists={"agg_FylkerGjeldende": codelist("agg_FylkerGjeldende", counties),
                   "agg_KommGjeldende": codelist("agg_KommGjeldende",
                                                 {m: m for m in MUNICIPALITIES}),
                   "vs_Landet": codelist("vs_Landet", {"0": "Hele landet"}),
                   "vs_ArbStatus2018niva4": codelist("vs_ArbStatus2018niva4",
                                                     {"TOT": "I alt", "NEET": "Utenfor"})},
        catalogue=[table_entry("13556", LABEL, variables=["region", "alder"]),
                   table_entry("09429", "Personer 16 år og over, etter utdanningsnivå")])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path, FIXTURE_DATA)


def goals(repo: Path) -> Path:
    return repo / "config" / "goals.yaml"


def edit_block(repo: Path, old: str, new: str) -> None:
    text = goals(repo).read_text(encoding="utf-8")
    start = text.index("      table: \"13556\"")
    block = text[start:text.index("  - id: 1D-03", start)]
    assert old in block
    goals(repo).write_text(text.replace(block, block.replace(old, new)), encoding="utf-8")


def run(repo: Path, url: str, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setenv("SSB_API_URL", url)
    # The copy's own database (never built here, so --record writes the file directly; built in
    # test_ssb_check_record.py), never the checkout's data/dashboard.duckdb.
    return cli.main([*argv, "--config", str(goals(repo)), "--data", str(repo / "data"),
                     "--db", str(repo / "data" / "dashboard.duckdb")])


def test_a_wrong_contents_code_and_region_code_are_named_with_the_nearest_valid_ones(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    edit_block(repo, "contents: BosatteProsent", "contents: BosattProsent")
    edit_block(repo, '{codes: ["32", "03"], codelist: agg_FylkerGjeldende}',
               '{codes: ["23", "03"], codelist: agg_FylkerGjeldende}')
    with serve(neet_standin()) as ssb:
        assert run(repo, ssb.url, monkeypatch, "ssb", "check", "1D-02") == 1
    out = capsys.readouterr().out
    assert "1D-02 · tabell 13556" in out and "2 ting finnes ikke" in out
    [contents] = [line for line in out.splitlines() if line.strip().startswith("contents:")]
    assert "«BosattProsent»" in contents and "nærmeste: BosatteProsent" in contents
    [region] = [line for line in out.splitlines() if "regions[1].codes" in line]
    assert "«23»" in region and "agg_FylkerGjeldende" in region and "32" in region


def test_a_wrong_codelist_and_a_variable_left_out_are_reported(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    edit_block(repo, "codelists: {HovArbStyrkStatus: vs_ArbStatus2018niva4}",
               "codelists: {HovArbStyrkStatus: vs_ArbStatus2018}")
    edit_block(repo, 'Alder: "15-29", ', "")
    with serve(neet_standin()) as ssb:
        assert run(repo, ssb.url, monkeypatch, "ssb", "check", "1D-02") == 1
    out = capsys.readouterr().out
    assert "kodelisten «vs_ArbStatus2018» finnes ikke" in out and "vs_ArbStatus2018niva4" in out
    assert "variabelen Alder kan ikke utelates" in out and "15-29 (15-29 år)" in out


def test_a_block_that_passes_is_recorded_as_verified_and_then_fetched_by_default(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    edit_block(repo, "verified: 2026-12-02", "needs_check: \"the test says so\"")
    edit_block(repo, "verified_by:", "# verified_by:")
    assert "1D-02" not in [i.id for i in fetch.ssb_indicators(load_model(goals(repo)))]
    before = goals(repo).read_text(encoding="utf-8")
    with serve(neet_standin()) as ssb:
        assert run(repo, ssb.url, monkeypatch, "ssb", "check", "1D-02", "--record") == 0
    out = capsys.readouterr().out
    assert "i orden" in out and f"verified: {date.today().isoformat()}" in out
    after = goals(repo).read_text(encoding="utf-8")
    # Only lines were added: every comment and every other line of the file is still there.
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert [line.split(":")[0].strip() for line in added] == ["verified", "verified_by"]
    spec = load_model(goals(repo)).indicator("1D-02").ssb
    assert spec.verified == date.today() and "13556/metadata" in spec.verified_by
    assert "1D-02" in [i.id for i in fetch.ssb_indicators(load_model(goals(repo)))]


def test_validate_online_runs_the_check(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture) -> None:
    edit_block(repo, "contents: BosatteProsent", "contents: Bosatteprosent")
    standin = neet_standin()
    with serve(standin) as ssb:
        assert run(repo, ssb.url, monkeypatch, "validate", "--online") == 1
    out = capsys.readouterr().out
    assert "«Bosatteprosent»" in out and "BosatteProsent" in out
    assert any(s.path.endswith("/tables/13556/metadata") for s in standin.seen)


def test_describe_gives_variables_codelists_units_and_the_last_update(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    with serve(neet_standin()) as ssb:
        assert run(repo, ssb.url, monkeypatch, "ssb", "describe", "13556") == 0
    out = capsys.readouterr().out
    assert f"Tabell 13556: 13556: {LABEL}" in out
    assert "Publisert av SSB: 2025-06-12" in out
    assert "BosatteProsent  Bosatte, prosent  [enhet: prosent (1)]" in out
    assert "kodelister: agg_KommGjeldende" in out and "Kjonn «kjønn» — 3 koder, kan utelates" in out


def test_search_lists_the_matching_tables(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture) -> None:
    with serve(neet_standin()) as ssb:
        assert run(repo, ssb.url, monkeypatch, "ssb", "search", "utdanningsnivå", "16") == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("09429  09429: Personer 16 år og over")


def test_check_without_ssb_says_so_in_one_sentence(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture) -> None:
    url = f"http://127.0.0.1:{closed_port()}/api/pxwebapi/v2"
    before = goals(repo).read_text(encoding="utf-8")
    assert run(repo, url, monkeypatch, "ssb", "check", "1D-02", "--record") == 1
    err = capsys.readouterr().err.strip()
    assert "Fikk ikke svar fra SSB" in err and "\n" not in err
    assert goals(repo).read_text(encoding="utf-8") == before


def test_a_block_awaiting_its_contents_code_is_shown_the_codes_the_table_has(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """1D-05 ships without its contents code: the check lists the table's, with their labels."""
    dims = [Dim("Region", {"0": "Hele landet", "32": "Akershus", "03": "Oslo",
                           **{m: m for m in MUNICIPALITIES}},
                codelists=["agg_FylkerGjeldende", "agg_KommGjeldende", "vs_Landet"]),
            Dim("Kjonn", {"0": "Begge kjønn"}, elimination=True),
            Dim("Alder", {"15-74": "15-74 år"}),
            Dim("ContentsCode", {"SysselProsent": "Sysselsatte i prosent av befolkningen"},
                units={"SysselProsent": ("prosent", 1)}),
            Dim("Tid", {"2024": "2024"})]
    standin = StandIn(meta={"06445": metadata("06445", "Sysselsatte", dims)},
                      codelists={"agg_FylkerGjeldende": codelist("agg_FylkerGjeldende",
                                                                 {"32": "Akershus", "03": "Oslo"}),
                                 "agg_KommGjeldende": codelist("agg_KommGjeldende",
                                                               {m: m for m in MUNICIPALITIES}),
                                 "vs_Landet": codelist("vs_Landet", {"0": "Hele landet"})})
    with serve(standin) as ssb:
        assert run(repo, ssb.url, monkeypatch, "ssb", "check", "1D-05") == 1
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.strip().startswith("contents:")]
    assert "ikke fylt inn ennå" in line
    assert "SysselProsent (Sysselsatte i prosent av befolkningen)" in line
    assert "Venter på sjekk: the contents code" in out
