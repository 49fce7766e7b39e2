"""Charts and tables are built once and shared by every reader (ui/built.py): a new import and
the reader's language must still show at once, as if each page were built afresh."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators import store
from indicators.build import build
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA, ROOT
from tests.pages.conftest import page_opener


@pytest.fixture
def site_db(tmp_path: Path) -> Path:
    """The test data set built into a database of this test's own, so it may be written to."""
    path = tmp_path / "dashboard.duckdb"
    assert build(load_model(ROOT / "config" / "goals.yaml"), FIXTURE_DATA, path).ok
    return path


def month(value: float) -> pd.DataFrame:
    """Akershus' registered unemployment (2B-04) for February 2026, after the data set's last month."""
    return pd.DataFrame([{"indicator_id": "2B-04", "region_code": "32", "period": "2026M02",
                          "year": 2026, "freq": "M", "sub": 2, "value": value, "status": None,
                          "series": "", "note": "", "source": "NAV", "line": 2}])


def charts(at) -> list[dict]:
    """Each chart on the page as the figure JSON the browser gets."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def numbers(array: object) -> list[float]:
    """A trace's values: Plotly sends numeric arrays as base64 (`{"dtype", "bdata"}`)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return [float(v) for v in array]


def akershus_values(fig: dict) -> list[float]:
    return [v for trace in fig["data"] if trace.get("name") == "Akershus" for v in numbers(trace["y"])]


def title(fig: dict) -> str:
    return fig["layout"]["title"]["text"]


def names(fig: dict) -> list[str]:
    return [trace.get("name") for trace in fig["data"]]


def test_an_import_shows_in_the_charts_at_once(site_db: Path, monkeypatch) -> None:
    open_page = page_opener(site_db, monkeypatch)
    trend = charts(open_page("app_pages/indikator.py", id="2B-04"))[0]
    spark_before = charts(open_page("app_pages/delmal.py", goal="2B"))
    assert 7.5 not in akershus_values(trend)
    store.import_observations(site_db, month(7.5), file_name="februar.csv", sha256="februar")
    # The next reader, on the same server, gets the figures with February in them.
    at = open_page("app_pages/indikator.py", id="2B-04")
    trend = charts(at)[0]
    assert akershus_values(trend)[-1] == 7.5
    assert "februar 2026" in title(trend)
    assert at.metric[0].value == "7,5\xa0%"
    sparks = charts(open_page("app_pages/delmal.py", goal="2B"))
    assert [numbers(s["data"][0]["y"]) for s in sparks] != [numbers(s["data"][0]["y"])
                                                            for s in spark_before]
    assert any(numbers(s["data"][0]["y"])[-1] == 7.5 for s in sparks)


def test_each_reader_gets_the_charts_in_their_own_language(open_fixture_page) -> None:
    nb = charts(open_fixture_page("app_pages/indikator.py", id="2B-04"))
    en = charts(open_fixture_page("app_pages/indikator.py", id="2B-04", lang="en"))
    again = charts(open_fixture_page("app_pages/indikator.py", id="2B-04"))
    assert [title(f) for f in nb] == [title(f) for f in again]
    assert "Registered fully unemployed" in title(en[0])
    assert "Norway" in names(en[0]) and "Hele landet" in names(again[0])
    # The map of another period is another figure, not the first one shown again.
    march = charts(open_fixture_page("app_pages/indikator.py", id="2B-04", periode="2022M03"))
    assert "mars 2022" in title(march[1]) and "mars 2022" not in title(nb[1])
