"""`python -m indicators refresh`, the cron job: one import per table, what changed since the last
refresh in plain text, and exit codes a scheduler can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators import cli, store
from tests.conftest import exported_csv, run_cli
from tests.indicators.sources.standin import Seen, StandIn, closed_port, dataset, serve

ROOT = Path(__file__).resolve().parents[2]


class Neet:
    """13556 whose figures and `updated` a test can change between two refreshes."""

    def __init__(self) -> None:
        self.updated, self.akershus = "2025-06-12T06:00:00Z", 9.5

    def __call__(self, request: Seen) -> dict:
        sel = request.selection()
        regions = ["0"] if sel["Region"] == ["*"] else sel["Region"]
        values = {"0": 11.0, "32": self.akershus, "03": 12.0}
        return dataset([("Region", regions), ("ContentsCode", sel["ContentsCode"]),
                        ("Tid", ["2024"])], lambda Region, **_: values.get(Region, 7.0),  # noqa: N803
                       updated=self.updated)


@pytest.fixture
def repo(built_fixture_repo: Path) -> Path:
    return built_fixture_repo


def refresh(repo: Path, url: str, monkeypatch: pytest.MonkeyPatch, *extra: str) -> int:
    monkeypatch.setenv("SSB_API_URL", url)
    return cli.main(["refresh", "--db", str(repo / "data" / "dashboard.duckdb"),
                     "--config", str(repo / "config" / "goals.yaml"), *extra])


def test_refresh_imports_each_table_once_and_says_what_changed_since_last_time(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    table = Neet()
    with serve(StandIn(tables={"13556": table})) as ssb:
        assert refresh(repo, ssb.url, monkeypatch) == 0
        first = capsys.readouterr().out
        table.updated, table.akershus = "2025-12-01T06:00:00Z", 9.75
        assert refresh(repo, ssb.url, monkeypatch) == 0
        second = capsys.readouterr().out
    assert "SSB tabell 13556" in first and "første henting" in first
    assert "ny: 1D-02 Akershus 2024 = 9,5\xa0%" in first
    # The second run names the previous refresh and SSB's new version, and the one changed figure.
    assert "forrige henting" in second and "12. juni 2025" in second
    assert "SSB har publisert nye tall siden sist" in second
    assert "endret: 1D-02 Akershus 2024 9,5\xa0% → 9,75\xa0%" in second
    assert "ny:" not in second  # nothing else moved
    assert "Venter på sjekk" in second and "2B-06" in second  # blocks awaiting a check are named
    con = store.connect(repo / "data" / "dashboard.duckdb")
    try:
        imports = store.history(con)
        refreshed = store.source_refreshes(con)
    finally:
        con.close()
    ssb_imports = imports[imports["kind"] == "ssb"]
    assert list(ssb_imports["file_name"]) == ["ssb-13556.csv", "ssb-13556.csv"]
    assert set(ssb_imports["user_name"]) == {"refresh"}
    # The data file was rewritten like any import (the database lives in data/).
    text = (repo / "data" / "observations" / "1D-02.csv").read_text(encoding="utf-8")
    assert "1D-02,32,2024,9.75,percent,,," in text.splitlines()
    # Oppdater reads from here: the latest refresh per indicator and SSB's version.
    row = refreshed.set_index("indicator_id").loc["1D-02"]
    assert row["published"] == "2025-12-01T06:00:00Z" and row["file_name"] == "ssb-13556.csv"


def test_a_failing_table_gives_exit_code_1_and_the_rest_is_saved(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    goals = repo / "config" / "goals.yaml"
    text = goals.read_text(encoding="utf-8")
    # 2B-06 made ready (as `ssb check --record` would), but SSB has no such table here.
    goals.write_text(text.replace('      needs_check: "agg_KommFylker (F-32, F-03) and vs_Landet on '
                                  'table 01223 (proven on 07459, 13563 and 13556 only)"\n', ""),
                     encoding="utf-8")
    with serve(StandIn(tables={"13556": Neet()})) as ssb:
        assert refresh(repo, ssb.url, monkeypatch) == 1
    out = capsys.readouterr().out
    assert "2B-06 ble ikke hentet" in out and "HTTP 404" in out
    assert "ny: 1D-02 Akershus 2024 = 9,5\xa0%" in out


def test_unreachable_ssb_exits_3_and_changes_nothing(repo: Path) -> None:
    db = repo / "data" / "dashboard.duckdb"
    before = exported_csv(db)
    result = run_cli("refresh", "--db", str(db), "--config", str(repo / "config" / "goals.yaml"),
                     env={"SSB_API_URL": f"http://127.0.0.1:{closed_port()}/api/pxwebapi/v2"})
    assert result.returncode == 3
    assert "Fikk ikke svar fra SSB" in result.stderr and result.stdout == ""
    assert exported_csv(db) == before
