"""`--lang en` gives whole English sentences, also from `validate` and `sync` (they once mixed
bokmål templates with English words: «2025» er a year, men 2B-06 har tall per quarter)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicators import cli
from tests.conftest import copy_repo

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "model"


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


@pytest.mark.parametrize(("lang", "said"), [
    (None, "goals.yaml:{line}:indicators[0].target.year: målåret 230 er ikke mellom 2000 og 2100"),
    ("en", "goals.yaml:{line}:indicators[0].target.year: target year 230 is not between 2000 and 2100"),
])
def test_a_plan_model_problem_is_in_bokmal_unless_english_is_asked_for(
        tmp_path: Path, lang: str | None, said: str, capsys: pytest.CaptureFixture) -> None:
    # The invented model of tests/fixtures/model, its one target's year made a typo.
    for name in ("valid.yaml", "regions.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    goals = (tmp_path / "valid.yaml").rename(tmp_path / "goals.yaml")
    lines = goals.read_text("utf-8").splitlines()
    line = next(n for n, x in enumerate(lines, 1) if x.strip() == "year: 2030")
    goals.write_text("\n".join(lines).replace("year: 2030", "year: 230") + "\n", "utf-8")
    code = cli.main(["validate", *(["--lang", lang] if lang else []), "--config", str(goals)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{goals.parent}/{said.format(line=line)}" in out.splitlines()
