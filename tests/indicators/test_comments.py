"""A comment per period: kept through the store (history, undo), in data/comments.csv (read back
by build and sync), and in the deck's speaker notes. The data set is the test one (fixtures)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation

from indicators import comments, store, workflow
from indicators.build import build, sync
from indicators.deck import build_deck
from indicators.model import PlanModel

WHY = "Hvorfor gikk ledigheten opp? Permitteringer i bygg; se *NAV* [lenke](http://x)"
HEADER = "indicator_id,period,text,author,at\n"


@pytest.fixture
def site(built_fixture_repo: Path) -> Path:
    """The test data set, built, with an empty comments file (written back to on each comment)."""
    (built_fixture_repo / "data" / "comments.csv").write_text(HEADER, "utf-8")
    return built_fixture_repo


def test_a_comment_is_kept_written_back_and_undone_exactly(site: Path, model: PlanModel) -> None:
    db, file = site / "data" / "dashboard.duckdb", site / "data" / "comments.csv"
    done = comments.add(db, model, "2B-04", "2026M01", WHY, "Kari  Nordmann", at=date(2026, 12, 2))
    assert done.files == [file]
    assert file.read_text("utf-8") == HEADER + f"2B-04,2026M01,{WHY},Kari Nordmann,2026-12-02\n"
    con = store.connect(db)
    try:
        kept = comments.of(store.comments(con, "2B-04"), "2B-04", "2026M01")
        record = store.history(con).iloc[0]
    finally:
        con.close()
    assert kept == comments.Comment("2B-04", "2026M01", WHY, "Kari Nordmann", date(2026, 12, 2))
    assert (record["kind"], record["user_name"], record["added"]) == ("comments", "Kari Nordmann", 1)
    assert record["file_name"] == "comments.csv: 2B-04: kommentar til januar 2026"
    # A second comment on the period replaces the first; the same text again changes nothing.
    again = comments.add(db, model, "2B-04", "2026M01", WHY, "Kari Nordmann", at=date(2026, 12, 2))
    assert again.import_id is None and again.files == []
    second = comments.add(db, model, "2B-04", "2026M01", "Ny forklaring.", "Ola", at=date(2026, 12, 3))
    assert file.read_text("utf-8") == HEADER + "2B-04,2026M01,Ny forklaring.,Ola,2026-12-03\n"
    workflow.undo(db, model, second.import_id, user="Ola")
    assert "Kari Nordmann" in file.read_text("utf-8")
    workflow.undo(db, model, done.import_id, user="Kari")
    assert file.read_text("utf-8") == HEADER  # exactly as shipped


def test_build_and_sync_read_the_file(site: Path, model: PlanModel) -> None:
    db, file = site / "data" / "dashboard.duckdb", site / "data" / "comments.csv"
    file.write_text(HEADER + "2B-04,2026M1,Sesong.,Kari,02.12.2026\n", "utf-8")
    report = sync(model, site / "data", db)
    assert report.action == "imported"
    con = store.connect(db)
    try:
        frame = store.comments(con)
    finally:
        con.close()
    # The period and the date are kept in their canonical forms.
    assert comments.of(frame, "2B-04", "2026M01").at == date(2026, 12, 2)
    rebuilt = site / "rebuilt.duckdb"
    assert build(model, site / "data", rebuilt).ok
    con = store.connect(rebuilt)
    try:
        assert len(store.comments(con)) == 1
    finally:
        con.close()


@pytest.mark.parametrize(("indicator", "period", "text", "author", "key"), [
    ("9Z-99", "2026M01", "Tekst", "Kari", "comments.error.indicator"),
    ("2B-04", "januar", "Tekst", "Kari", "comments.error.period"),
    ("2B-04", "2026M01", "   ", "Kari", "comments.error.empty"),
    ("2B-04", "2026M01", "x" * 1001, "Kari", "tables.error.comment_too_long"),
    ("2B-04", "2026M01", "Tekst", " ", "comments.error.author"),
])
def test_a_comment_that_cannot_be_kept_is_refused_and_nothing_written(
        site: Path, model: PlanModel, indicator: str, period: str, text: str, author: str,
        key: str) -> None:
    db = site / "data" / "dashboard.duckdb"
    before = db.read_bytes()
    with pytest.raises(comments.CommentError) as error:
        comments.add(db, model, indicator, period, text, author)
    assert error.value.key == key and error.value.message("en")
    assert db.read_bytes() == before


def test_a_bad_comments_file_is_refused_line_by_line(site: Path, model: PlanModel) -> None:
    file = site / "data" / "comments.csv"
    file.write_text(HEADER + "2B-99,2026M01,Tekst,Kari,2026-12-02\n"
                    "2B-04,januar,Tekst,Kari,2026-12-02\n", "utf-8")
    report = sync(model, site / "data", site / "data" / "dashboard.duckdb")
    assert report.action == "kept"
    assert any("comments.csv:2:indicator_id" in p and "2B-99" in p for p in report.problems)
    assert any("comments.csv:3:period" in p and "januar" in p for p in report.problems)


def test_the_comment_is_in_the_speaker_notes(site: Path, model: PlanModel) -> None:
    db = site / "data" / "dashboard.duckdb"
    comments.add(db, model, "2B-04", "2026M01", WHY, "Kari Nordmann", at=date(2026, 12, 2))
    con = store.connect(db)
    try:
        deck = Presentation(io.BytesIO(build_deck(model, con, goals=["2B"], indicators=["2B-04"],
                                                  funding=False)))
    finally:
        con.close()
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides
             if s.has_notes_slide and s.notes_slide.notes_text_frame.text.startswith("Kommentar")]
    assert notes == [notes[0]]
    assert notes[0].startswith(f"Kommentar til januar 2026 — Kari Nordmann, 2. desember 2026: «{WHY}»")
