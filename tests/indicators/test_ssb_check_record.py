"""`ssb check --record` with a built database: the verified date lands in the block through
config_edit, so it stands in the history under the planner's name and `undo` takes it back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indicators import build, cli, store
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA, copy_repo
from tests.indicators.sources.standin import serve
from tests.indicators.test_ssb_check import edit_block, goals, neet_standin


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_repo(tmp_path, FIXTURE_DATA)
    assert build.build(load_model(goals(root)), root / "data", root / "data" / "dashboard.duckdb").ok
    return root


def run(repo: Path, *argv: str) -> int:
    return cli.main([*argv, "--config", str(goals(repo)), "--data", str(repo / "data"),
                     "--db", str(repo / "data" / "dashboard.duckdb")])


def test_a_recorded_pass_is_in_the_history_and_undone_byte_for_byte(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    edit_block(repo, "verified: 2026-12-02", 'needs_check: "the test says so"')
    edit_block(repo, "verified_by:", "# verified_by:")
    before = goals(repo).read_bytes()
    with serve(neet_standin()) as ssb:
        monkeypatch.setenv("SSB_API_URL", ssb.url)
        assert run(repo, "ssb", "check", "1D-02", "--record", "--user", "Kari") == 0
    assert f"verified: {date.today().isoformat()}" in capsys.readouterr().out
    assert load_model(goals(repo)).indicator("1D-02").ssb.verified == date.today()
    con = store.connect(repo / "data" / "dashboard.duckdb", read_only=True)
    try:
        history = store.history(con)
    finally:
        con.close()
    latest = history.iloc[0]
    assert latest["kind"] == store.CONFIG_KIND and latest["user_name"] == "Kari"
    assert run(repo, "undo", str(int(latest["id"])), "--user", "Kari") == 0
    assert goals(repo).read_bytes() == before
