"""One Issue type: a file's problems, a fetch's notes and the store's refusals are a locale key
with parameters, worded in the reader's language by `text(lang)` (issue 18, item 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicators import comments, config_edit, health, plan_edit, store
from indicators.i18n import catalogue
from indicators.issues import Issue
from indicators.model import ModelError, validate_config
from tests.conftest import obs_frame

ROOT = Path(__file__).resolve().parents[2]
# Where an issue is made in the core, the key is a literal of one of these families.
ISSUE_KEY = re.compile(r"""["']((?:ingest|tables)\.(?:error|warning)\.[a-z_]+|store\.error\.[a-z_]+"""
                       r"""|ssb\.flag\.[a-z_]+|config_edit\.error\.[a-z_]+|workbench\.error\.[a-z_]+"""
                       r"""|config\.problem\.[a-z_]+|comments\.error\.[a-z_]+)["']""")


def _issue_keys() -> set[str]:
    keys = set()
    for path in (ROOT / "indicators").rglob("*.py"):
        keys |= set(ISSUE_KEY.findall(path.read_text("utf-8")))
    # Chosen at run time: a storage failure's kind names its key, a health problem's kind its
    # own, and a config reference to nothing known has a twin that names the nearest (_close).
    return (keys | {f"store.error.{kind}" for kind in store.STORAGE_KINDS}
            | {f"health.planner.{kind}" for kind in health.KINDS}
            | {f"{k}_close" for k in keys if k.startswith("config.problem.unknown_")})


def test_every_issue_key_the_code_uses_has_bokmal_and_english() -> None:
    keys = _issue_keys()
    # The scan sees the store's refusals, the readers' problems and the fetch notes.
    assert {"store.error.locked", "store.error.already_undone", "ingest.error.not_a_number",
            "tables.error.duplicate", "ssb.flag.conflict", "config.problem.no_goal",
            "config.problem.unknown_region_close", "comments.error.empty"} <= keys
    texts = catalogue()
    # A counted text is there as its two forms (key.one, key.other), which t() picks between.
    forms = {k: [k] if k in texts else [f"{k}.one", f"{k}.other"] for k in keys}
    missing = sorted(k for k, found in forms.items()
                     if not all(texts.get(f, {}).get("nb") and texts[f].get("en") for f in found))
    assert not missing


def _row(period: str, value: float) -> tuple:
    return ("1D-01", "32", period, int(period[-4:]), "MY" if "-" in period else "A", None, value,
            None)


def _import(db: Path, rows: list[tuple]) -> store.ImportResult:
    return store.import_observations(db, obs_frame(rows), file_name="f.csv", sha256="0" * 64,
                                     user="test")


def test_a_period_clash_is_worded_in_the_readers_language_at_the_same_place(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    _import(db, [_row("2021", 4.0)])
    with pytest.raises(store.PeriodClash) as refused:
        _import(db, [_row("2020", 3.0), _row("2019-2021", 5.0)])
    nb, en = refused.value.text("nb"), refused.value.text("en")
    assert nb.startswith("f.csv:3:period: Perioden 2019-2021 havner på samme år som 2021")
    assert en.startswith("f.csv:3:period: The period 2019-2021 falls on the same year as 2021")
    assert str(refused.value) == nb  # logs keep the bokmål text


def test_an_undo_refusal_is_english_for_an_english_reader(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    first = _import(db, [_row("2021", 4.0)])
    undo_id = store.undo(db, first.import_id)
    with pytest.raises(store.StoreError) as refused:
        store.undo(db, first.import_id)
    assert refused.value.text("en") == f"Import {first.import_id} has already been undone (by {undo_id})."
    assert refused.value.text("nb") == f"Import {first.import_id} er allerede angret (av {undo_id})."


def test_an_issue_says_where_only_what_is_known() -> None:
    issue = Issue.of("store.error.no_such_import", id=7)
    assert issue.line_text("en") == "Import 7 does not exist."
    placed = Issue.of("store.error.no_such_import", file="a.csv", line=3, column="verdi", id=7)
    assert placed.line_text("nb") == "a.csv:3:verdi: Import 7 finnes ikke."


def test_a_refused_comment_carries_its_issue() -> None:
    refused = comments.CommentError("comments.error.period", period="januar")
    assert refused.issue == Issue.of("comments.error.period", period="januar")
    assert refused.message("en") == '"januar" is not a period.'
    assert str(refused) == refused.text("nb") == "«januar» er ikke en periode."


def test_a_health_problem_is_an_issue_that_readers_never_see_a_file_in() -> None:
    problem = health.Problem("read_only", "/srv/data/dashboard.duckdb")
    assert problem.issue.key == "health.planner.read_only"
    assert problem.message("en", "planner") == problem.issue.text("en")
    assert "/srv/data/dashboard.duckdb" in problem.issue.text("nb")
    assert "/srv" not in problem.message("nb") and "/srv" not in problem.message("en")


def test_a_broken_config_is_told_in_the_readers_language(tmp_path: Path) -> None:
    (tmp_path / "regions.yaml").write_text("regions: []\n", "utf-8")
    goals = tmp_path / "goals.yaml"
    goals.write_text("vision: {nb: a, en: b}\ngoals: []\nindicators: []\nvision: {nb: c, en: d}\n",
                     "utf-8")
    problem = health.from_error(ModelError(validate_config(goals)))
    assert problem is not None and problem.kind == "config_broken"
    assert "goals.yaml:4:vision: key 'vision' appears twice" in problem.message("en", "planner")
    assert "goals.yaml:4:vision: nøkkelen «vision» står to ganger" in problem.message("nb", "cli")
    assert problem.message("en") == problem.message("en", "reader")  # no file, no detail


def test_both_edit_refusals_are_one_kind_of_error() -> None:
    found = Issue.of("tables.error.duplicate", file="actions.csv", line=3, column="id", what="id a",
                     first_line=2)
    for error_type, placed in ((config_edit.ConfigEditError, True), (plan_edit.PlanEditError, False)):
        refused = error_type("workbench.error.rejected", [found])
        assert isinstance(refused, store.EditError) and isinstance(refused, store.StoreError)
        assert refused.key == "workbench.error.rejected" and refused.problems == [found]
        first, problem = refused.text("en").split("\n")
        assert first == Issue.of("workbench.error.rejected").text("en")
        assert problem == "- " + (found.line_text("en") if placed else found.text("en"))
