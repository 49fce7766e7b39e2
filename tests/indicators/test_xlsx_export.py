"""The Excel download: numbers stay numbers, formula-like text is neutralised, CSV stays exact."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from indicators import canonical, store
from indicators.build import build
from indicators.importing import check
from indicators.model import PlanModel
from indicators.xlsx_export import neutralise, to_xlsx

ROOT = Path(__file__).resolve().parents[2]


def frame(notes: list[str], values: list[float], statuses: list[str | None]) -> pd.DataFrame:
    n = len(notes)
    return pd.DataFrame({"indicator_id": ["2B-04"] * n, "region_code": ["32"] * n,
                         "period": [f"2025M{m:02d}" for m in range(1, n + 1)],
                         "value": values, "status": statuses, "series": [""] * n,
                         "note": notes, "source": [""] * n})


@pytest.mark.parametrize(("text", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+47 123", "'+47 123"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("Ås", "Ås"),
    ("3 = 3", "3 = 3")])
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_workbook_cells() -> None:
    data = frame(["=1+1", "Ås", "", "@x"], [2.5, 0.0, math.nan, 3.0], [None, "-", "..", None])
    sheet = load_workbook(io.BytesIO(to_xlsx(data, {"2B-04": "percent"}, "2B-04"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "2B-04" and list(rows[0]) == canonical.HEADER
    assert [r[3] for r in rows[1:]] == [2.5, "-", "..", 3]  # numbers stay numbers
    assert [r[6] for r in rows[1:]] == ["'=1+1", "Ås", None, "'@x"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_csv_keeps_the_exact_text_xlsx_does_not() -> None:
    data = frame(["=1+1"], [2.5], [None])
    assert "2B-04,32,2025M01,2.5,percent,,=1+1,\n" in canonical.to_csv(data, {"2B-04": "percent"})


def test_the_xlsx_of_shipped_data_imports_back_without_changes(model: PlanModel,
                                                               tmp_path: Path) -> None:
    shipped_db = tmp_path / "d.duckdb"
    assert build(model, ROOT / "data", shipped_db).ok
    con = store.connect(shipped_db)
    try:
        stored = store.all_observations(con, "2B-04")
    finally:
        con.close()
    pending = check(to_xlsx(stored, {"2B-04": "percent"}, "2B-04"), "2B-04.xlsx", model,
                    shipped_db)
    assert pending.read.ok, [str(e) for e in pending.read.errors]
    assert pending.changes == 0 and pending.preview.unchanged == len(stored)
