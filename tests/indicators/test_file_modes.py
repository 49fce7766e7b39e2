"""Item 8 of issue 14: an import keeps the database's and the written-back files' permissions
(an app running as another user must still read them), and new files follow the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from indicators import importing, store, writeback
from indicators.build import build
from indicators.model import load_model

ROOT = Path(__file__).resolve().parents[2]
UPLOAD = b"indicator_id,region_code,period,value\n2B-04,32,2026M03,2.5\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def site(built_repo: Path) -> Path:
    """config/ and data/ with a database built in data/, as `make run` leaves them."""
    return built_repo


def test_a_new_database_follows_the_umask(tmp_path: Path, umask_027: None) -> None:
    db = tmp_path / "dashboard.duckdb"
    assert build(load_model(ROOT / "config" / "goals.yaml"), ROOT / "data", db).ok
    assert mode(db) == 0o640  # 0o666 & ~0o027, not mkstemp's 0o600


@pytest.mark.parametrize("wanted", [0o644, 0o664, 0o640])
def test_an_import_and_its_write_back_keep_the_modes(site: Path, wanted: int) -> None:
    db = site / "data" / "dashboard.duckdb"
    csv = site / "data" / "observations" / "2B-04.csv"
    os.chmod(db, wanted)
    os.chmod(csv, wanted)
    model = load_model(site / "config" / "goals.yaml")
    pending = importing.check(UPLOAD, "2B-04.csv", model, db)
    done = importing.commit(pending, db, model, "kari")
    assert csv in done.files  # the file was rewritten …
    assert (mode(db), mode(csv)) == (wanted, wanted)  # … and kept its permissions
    importing.undo(db, model, done.import_id, "kari")
    assert (mode(db), mode(csv)) == (wanted, wanted)


def test_a_new_written_back_file_follows_the_umask(site: Path, umask_027: None) -> None:
    db = site / "data" / "dashboard.duckdb"
    model = load_model(site / "config" / "goals.yaml")
    target = writeback.observation_file(site / "data", "2B-04")
    target.unlink()
    frame = pd.DataFrame([{"indicator_id": "2B-04", "region_code": "32", "period": "2026M03",
                           "year": 2026, "freq": "M", "sub": 3, "value": 2.5, "status": None,
                           "series": "", "note": "", "source": "", "line": 2}])
    store.import_observations(db, frame, file_name="x.csv", sha256="x")
    writeback.write_back(db, site / "data", model, ["2B-04"])
    assert mode(target) == 0o640
