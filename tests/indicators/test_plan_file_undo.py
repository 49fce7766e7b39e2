"""Angre puts data/ back as it was: a plan file that the undone change made from nothing goes
again, and a header-only file that was there stays, byte for byte."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indicators import comments, workflow, writeback
from indicators.model import PlanModel


@pytest.fixture
def repo(built_fixture_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(writeback.DATA_ENV, raising=False)
    return built_fixture_repo


def comment_and_undo(repo: Path, model: PlanModel) -> None:
    db = repo / "data" / "dashboard.duckdb"
    done = comments.add(db, model, "2B-04", "2026M01", "Permitteringene økte.", "Kari Nordmann",
                        at=date(2026, 12, 2))
    assert (repo / "data" / "comments.csv").read_text("utf-8").endswith(
        "2B-04,2026M01,Permitteringene økte.,Kari Nordmann,2026-12-02\n")
    workflow.undo(db, model, done.import_id, user="Kari Nordmann")


def test_a_comments_file_made_by_the_first_comment_goes_when_it_is_undone(
        repo: Path, model: PlanModel) -> None:
    assert not (repo / "data" / "comments.csv").exists()  # the test data set has none
    comment_and_undo(repo, model)
    assert not (repo / "data" / "comments.csv").exists()


def test_a_header_only_comments_file_comes_back_as_it_was(repo: Path, model: PlanModel) -> None:
    header = b"indicator_id,period,text,author,at\n"
    (repo / "data" / "comments.csv").write_bytes(header)
    comment_and_undo(repo, model)
    assert (repo / "data" / "comments.csv").read_bytes() == header
