"""ui/data.query: a page names the store function itself; each query and its arguments are
cached apart, per database version, so a new import shows at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators import store
from indicators.build import build
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA, ROOT, obs_frame
from ui import data


@pytest.fixture
def site_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test data set built into a database of this test's own, the one the app reads."""
    path = tmp_path / "dashboard.duckdb"
    assert build(load_model(ROOT / "config" / "goals.yaml"), FIXTURE_DATA, path).ok
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def test_two_queries_with_the_same_arguments_get_their_own_answers(site_db: Path) -> None:
    history, coverage = data.query(store.history), data.query(store.coverage)
    assert "file_name" in history and "indicator_id" not in history
    assert "indicator_id" in coverage and "file_name" not in coverage
    funding, grants = data.query(store.read_table, "funding"), data.query(store.read_table, "grants")
    assert list(funding.columns) == store.TABLE_COLUMNS["funding"]
    assert list(grants.columns) == store.TABLE_COLUMNS["grants"]


def test_a_new_import_shows_at_once(site_db: Path) -> None:
    before = data.query(store.latest, [("2B-04", "32")])
    row = ("2B-04", "32", "2099M01", 2099, "M", 1, 12.5, None)
    store.import_observations(site_db, obs_frame([row]), file_name="x.csv", sha256="0" * 64,
                              user="test")
    after = data.query(store.latest, [("2B-04", "32")])
    assert before.loc[0, "period"] != "2099M01"
    assert (after.loc[0, "period"], after.loc[0, "value"]) == ("2099M01", 12.5)


def test_no_database_yet_gives_nothing_to_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "none.duckdb"))
    assert data.query(store.latest, [("2B-04", "32")]) is None
