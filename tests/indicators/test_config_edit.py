"""Editing the plan model file from the app: only the changed lines change, a broken edit writes
nothing, every edit is in the history, and undo gives the file back byte for byte."""

from __future__ import annotations

import difflib
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from indicators import config_edit, store, workflow
from indicators.model import load_model, validate_config
from indicators.plan_edit import TargetEdit, edit_target
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
# A small plan model written the way planners write goals.yaml: comments above and beside keys, a
# flow list wrapped by hand, `null`, quoted codes and a blank line between entries.
MODEL = """\
# The plan model for the test. Comments must survive every edit.
vision: {nb: Visjon, en: Vision}
goals:
  - id: G1
    name: {nb: Mål, en: Goal}
    text: {nb: Målet i sin helhet., en: The whole goal.}
    indicators: [X-01,
                 X-02]
themes: []
focus_areas:
  - {id: omrade, name: {nb: Område, en: Area}, goals: [G1]}
schemes: []
indicators:
  - id: X-01
    name: {nb: Andel, en: Share}
    definition: {nb: En andel., en: A share.}
    unit: percent
    direction: increase
    frequency: annual
    headline_region: "32"
    source:
      organisation: SSB
      table: null
      credit: "Kilde: SSB"
    target:
      value: 80
      year: 2030
      status: proposed  # a proposal until the county council adopts it
      note: {nb: 'Forslag, ikke vedtatt', en: 'Proposal, not adopted'}
    # Why the data look as they do: a comment that belongs to this indicator.
    data_note:
      nb: Tall fra SSB.
      en: Figures from SSB.

  # --- the second indicator ---
  - id: X-02
    name: {nb: Antall, en: Count}
    definition: {nb: Et antall., en: A count.}
    unit: count
    direction: none
    frequency: monthly
    headline_region: "3201"
    source: {organisation: NAV, credit: "Kilde: NAV"}
"""
ADOPT = TargetEdit(80, 2030, case="PS 12/2026", decided=date(2026, 3, 12))


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """goals.yaml (MODEL) beside the fixtures' regions.yaml, and where the database goes."""
    config = tmp_path / "config"
    config.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "model" / "regions.yaml", config / "regions.yaml")
    (config / "goals.yaml").write_text(MODEL, "utf-8")
    assert validate_config(config / "goals.yaml") == []
    return config / "goals.yaml", tmp_path / "data" / "dashboard.duckdb"


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines `git diff` would show removed and added."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def history(db: Path) -> list[tuple]:
    con = store.connect(db)
    try:
        frame = store.history(con)
    finally:
        con.close()
    frame = frame[["id", "kind", "user_name", "file_name", "undo_of"]].astype(object)
    return list(frame.where(frame.notna(), None).itertuples(index=False, name=None))


def test_adopting_a_target_changes_only_its_lines(site: tuple[Path, Path]) -> None:
    config, db = site
    import_id = edit_target(config, db, "X-01", ADOPT, user="Kari Nordmann",
                            summary="X-01: mål vedtatt")
    text = config.read_text("utf-8")
    assert changed_lines(MODEL, text) == (
        ["      status: proposed  # a proposal until the county council adopts it"],
        # The comment keeps its column.
        ["      status: adopted   # a proposal until the county council adopts it",
         "      decision:", "        case: PS 12/2026", "        date: 2026-03-12"])
    target = load_model(config).indicator("X-01").target
    assert target.adopted and target.decision.case == "PS 12/2026"
    assert target.decision.date == date(2026, 3, 12)
    assert history(db) == [(import_id, "config", "Kari Nordmann", "goals.yaml: X-01: mål vedtatt",
                            None)]


def test_a_new_key_stays_inside_its_entry_above_the_blank_line(site: tuple[Path, Path]) -> None:
    config, db = site

    def owner(doc: object) -> None:
        config_edit.put(config_edit.find(doc, "indicators", "X-01"), "limit", 95)

    config_edit.edit(config, db, owner, user="Kari", summary="X-01: grense")
    text = config.read_text("utf-8")
    assert "      en: Figures from SSB.\n    limit: 95\n\n  # --- the second indicator ---\n" in text
    assert changed_lines(MODEL, text) == ([], ["    limit: 95"])


def test_an_invalid_edit_is_refused_and_writes_nothing(site: tuple[Path, Path]) -> None:
    config, db = site
    before = config.stat()
    with pytest.raises(config_edit.ConfigEditError) as refused:
        edit_target(config, db, "X-01", TargetEdit(80, 230), user="Kari", summary="typo")
    message = refused.value.message("en")
    assert "the plan file would have 1 errors" in message
    assert "target year 230 is not between 2000 and 2100" in message
    assert "goals.yaml" in message and ".tmp" not in message  # named as the planner knows it
    assert config.read_text("utf-8") == MODEL
    assert config.stat().st_mtime_ns == before.st_mtime_ns
    assert not db.exists() or history(db) == []
    assert sorted(p.name for p in config.parent.iterdir()) == ["goals.yaml", "regions.yaml"]


def test_a_decision_on_a_proposed_target_is_invalid(site: tuple[Path, Path]) -> None:
    config, db = site

    def contradiction(doc: object) -> None:
        target = config_edit.find(doc, "indicators", "X-01")["target"]
        config_edit.put(target, "decision", {"case": "PS 1/2026", "date": date(2026, 1, 5)})

    with pytest.raises(config_edit.ConfigEditError, match="vedtak hører til et vedtatt mål"):
        config_edit.edit(config, db, contradiction, user="Kari", summary="x")
    assert config.read_text("utf-8") == MODEL


def test_a_change_to_a_line_wrapped_by_hand_is_refused(site: tuple[Path, Path]) -> None:
    config, db = site

    def wrapped(doc: object) -> None:
        doc["goals"][0]["indicators"].append("X-03")

    with pytest.raises(config_edit.ConfigEditError) as refused:
        config_edit.edit(config, db, wrapped, user="Kari", summary="x")
    assert "Make the change by hand" in refused.value.message("en")
    assert config.read_text("utf-8") == MODEL


def test_without_a_user_nothing_is_changed(site: tuple[Path, Path]) -> None:
    config, db = site
    for user in (None, "", "  "):
        with pytest.raises(config_edit.ConfigEditError) as refused:
            edit_target(config, db, "X-01", ADOPT, user=user, summary="x")
        assert "only a logged-in planner" in refused.value.message("en")
    assert config.read_text("utf-8") == MODEL


def test_undo_gives_the_file_back_byte_for_byte_with_its_mode(site: tuple[Path, Path]) -> None:
    config, db = site
    raw = MODEL.replace("\n", "\r\n").encode("utf-8")  # even Windows line ends come back
    config.write_bytes(raw)
    os.chmod(config, 0o640)
    first = edit_target(config, db, "X-01", ADOPT, user="Kari", summary="vedtatt")
    edited = config.read_bytes()
    assert b"status: adopted" in edited and edited.count(b"\n") == edited.count(b"\r\n")
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    done = workflow.undo(db, load_model(config), first, user="Ola", config=config)
    assert config.read_bytes() == raw
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert done.files == [config]
    assert [(r[0], r[1], r[4]) for r in history(db)] == [(done.import_id, "undo", first),
                                                         (first, "config", None)]


def test_undo_is_refused_after_a_hand_edit(site: tuple[Path, Path]) -> None:
    config, db = site
    first = edit_target(config, db, "X-01", ADOPT, user="Kari", summary="vedtatt")
    edited = config.read_text("utf-8") + "# A planner's own comment\n"
    config.write_text(edited, "utf-8")
    with pytest.raises(config_edit.ConfigEditError) as refused:
        workflow.undo(db, load_model(config), first, user="Kari", config=config)
    assert refused.value.message("nb") == (
        f"Endring {first} kan ikke angres: goals.yaml er endret etter den (for hånd eller av en "
        "senere endring), og angringen ville slettet det. Angre de senere endringene først, "
        "eller rett filen for hånd.")
    assert config.read_text("utf-8") == edited
    assert [r[1] for r in history(db)] == ["config"]  # no undo recorded


def test_later_edits_are_undone_in_turn(site: tuple[Path, Path]) -> None:
    config, db = site
    first = edit_target(config, db, "X-01", TargetEdit(85, 2030), user="Kari", summary="85")
    second = edit_target(config, db, "X-01", ADOPT, user="Kari", summary="vedtatt")
    model = load_model(config)
    with pytest.raises(config_edit.ConfigEditError):  # the second still stands
        workflow.undo(db, model, first, user="Kari", config=config)
    workflow.undo(db, model, second, user="Kari", config=config)
    workflow.undo(db, model, first, user="Kari", config=config)
    assert config.read_text("utf-8") == MODEL


def test_the_command_line_lists_and_undoes_a_change(site: tuple[Path, Path]) -> None:
    config, db = site
    first = edit_target(config, db, "X-01", ADOPT, user="Kari", summary="X-01 vedtatt")
    where = ("--db", str(db), "--config", str(config))
    listed = run_cli("history", *where)
    assert "goals.yaml: X-01 vedtatt" in listed.stdout and " config " in listed.stdout
    undone = run_cli("undo", str(first), *where)
    assert undone.returncode == 0, undone.stderr
    assert config.read_text("utf-8") == MODEL


@pytest.mark.parametrize("step", ["edit", "undo"])
def test_when_the_history_record_does_not_land_the_file_is_as_it_was(
        site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """The file is written inside the history's transaction; if the commit then fails (a full
    disk, a killed writer) the file must not show a change the history does not know."""
    config, db = site
    if step == "undo":
        first = edit_target(config, db, "X-01", ADOPT, user="Kari", summary="vedtatt")
    before, records = config.read_bytes(), history(db) if db.exists() else []
    real = store.transaction

    @contextmanager
    def failing_commit(path: Path) -> Iterator[object]:
        with real(path) as con:
            yield con
            raise OSError("disk full")  # inside the real transaction: it rolls back

    monkeypatch.setattr(config_edit.store, "transaction", failing_commit)
    with pytest.raises(OSError, match="disk full"):
        if step == "edit":
            edit_target(config, db, "X-01", ADOPT, user="Kari", summary="vedtatt")
        else:
            config_edit.undo(config, db, first, user="Ola")
    assert config.read_bytes() == before
    assert (history(db) if db.exists() else []) == records
