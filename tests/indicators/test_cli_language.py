"""`--lang en` gives whole English sentences, also from `validate` and `sync` (they once mixed
bokmål templates with English words: «2025» er a year, men 2B-06 har tall per quarter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators import cli
from tests.conftest import copy_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = copy_repo(tmp_path)
    # A quarterly indicator given a plain year: the reader refuses the row.
    (repo / "data" / "observations" / "2B-06.csv").write_text(
        "indicator_id,region_code,period,value\n2B-06,32,2024,1\n", "utf-8")
    return repo


@pytest.mark.parametrize("command", ["validate", "sync"])
def test_problems_are_in_the_chosen_language(repo: Path, command: str,
                                             capsys: pytest.CaptureFixture) -> None:
    code = cli.main([command, "--lang", "en", "--config", str(repo / "config" / "goals.yaml"),
                     "--db", str(repo / "data" / "dashboard.duckdb")])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 1
    assert "2B-06.csv:2" in text and "quarter" in text
    assert " er et " not in text and " har tall " not in text and "kvartal" not in text
