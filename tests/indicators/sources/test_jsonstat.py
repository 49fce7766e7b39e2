"""parse_jsonstat2: hand-made json-stat2 datasets in the documented format decode cell by cell."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from indicators.sources.ssb import JsonStatError, parse_jsonstat2
from tests.indicators.sources.standin import dataset

REGIONS = ("0", "32", "3201")
TIMES = ("2023", "2024")
CONTENTS = ("Bosatte", "BosatteProsent")


def known(Region: str, Tid: str, ContentsCode: str) -> float:  # noqa: N803 (SSB's dimension ids)
    """A value that tells its own cell: region, year and contents code all show in it."""
    return int(Region) * 1000 + int(Tid) + CONTENTS.index(ContentsCode) / 10


@pytest.mark.parametrize("order", list(itertools.permutations(["Region", "Tid", "ContentsCode"])))
def test_every_dimension_order_gives_the_same_cells(order: tuple[str, ...]) -> None:
    codes = {"Region": REGIONS, "Tid": TIMES, "ContentsCode": CONTENTS}
    frame = parse_jsonstat2(dataset([(d, codes[d]) for d in order], known))
    assert list(frame.columns) == [*order, "value", "status"]
    assert len(frame) == 12
    for row in frame.itertuples(index=False):
        cell = row._asdict()
        assert cell["value"] == known(cell["Region"], cell["Tid"], cell["ContentsCode"])
        assert cell["status"] is None


def test_index_as_a_list_is_read_like_an_object() -> None:
    dims = [("Region", REGIONS), ("Tid", TIMES), ("ContentsCode", CONTENTS)]
    as_list = parse_jsonstat2(dataset(dims, known, index_as_list=True))
    as_object = parse_jsonstat2(dataset(dims, known))
    pd.testing.assert_frame_equal(as_list, as_object)


def test_object_index_in_any_key_order_uses_the_positions() -> None:
    doc = dataset([("Tid", TIMES)], lambda Tid: float(Tid))  # noqa: N803
    doc["dimension"]["Tid"]["category"]["index"] = {"2024": 1, "2023": 0}
    frame = parse_jsonstat2(doc)
    assert frame["Tid"].tolist() == ["2023", "2024"]
    assert frame["value"].tolist() == [2023.0, 2024.0]


def test_the_documented_ssb_example_decodes() -> None:
    """The shape of PxWebApi v2's own example (table 11118): Leveringssektor, Tid, ContentsCode."""
    doc = {
        "version": "2.0", "class": "dataset", "updated": "2024-01-10T07:00:00Z",
        "id": ["Leveringssektor", "Tid", "ContentsCode"], "size": [2, 1, 2],
        "dimension": {
            "Leveringssektor": {"category": {"index": {"B1": 0, "B11": 1}}},
            "Tid": {"category": {"index": {"2023": 0}, "label": {"2023": "2023"}}},
            "ContentsCode": {"category": {"index": {"LevIndAar": 0, "Aarsendring": 1}}},
        },
        "value": [133.3, 5.8, 150, 3.4],
    }
    frame = parse_jsonstat2(doc).set_index(["Leveringssektor", "ContentsCode"])["value"]
    assert frame[("B1", "LevIndAar")] == 133.3
    assert frame[("B1", "Aarsendring")] == 5.8
    assert frame[("B11", "LevIndAar")] == 150.0
    assert frame[("B11", "Aarsendring")] == 3.4


def test_status_symbols_and_missing_cells() -> None:
    def cell(Region: str, Tid: str) -> object:  # noqa: N803
        return {("32", "2023"): (None, ".."), ("32", "2024"): (None, ":"),
                ("3201", "2023"): (0, "-"), ("3201", "2024"): None}.get((Region, Tid), 7.5)

    frame = parse_jsonstat2(dataset([("Region", REGIONS), ("Tid", TIMES)], cell))
    got = {(r.Region, r.Tid): (r.value, r.status) for r in frame.itertuples()}
    assert got[("0", "2023")] == (7.5, None)
    assert math.isnan(got[("32", "2023")][0]) and got[("32", "2023")][1] == ".."
    assert math.isnan(got[("32", "2024")][0]) and got[("32", "2024")][1] == ":"
    assert got[("3201", "2023")] == (0.0, "-")
    assert math.isnan(got[("3201", "2024")][0]) and got[("3201", "2024")][1] is None
    assert frame["value"].dtype == float


def test_status_as_a_list_and_as_one_text() -> None:
    doc = dataset([("Tid", TIMES)], lambda Tid: None)  # noqa: N803
    doc["status"] = ["..", None]
    assert parse_jsonstat2(doc)["status"].tolist() == ["..", None]
    doc["status"] = "."
    assert parse_jsonstat2(doc)["status"].tolist() == [".", "."]


def test_sparse_values_object() -> None:
    doc = dataset([("Region", REGIONS)], lambda Region: None)  # noqa: N803
    doc["value"] = {"1": 12.5}
    frame = parse_jsonstat2(doc)
    assert frame["value"].isna().tolist() == [True, False, True]
    assert frame.loc[1, "value"] == 12.5


def test_a_single_category_may_leave_out_its_index() -> None:
    doc = dataset([("Tid", ("2024",)), ("Region", REGIONS)], lambda Tid, Region: 1.0)  # noqa: N803
    del doc["dimension"]["Tid"]["category"]["index"]
    assert parse_jsonstat2(doc)["Tid"].tolist() == ["2024"] * 3


def test_an_empty_selection_gives_no_rows() -> None:
    doc = dataset([("Region", ()), ("Tid", TIMES)], lambda **_: 1.0)
    frame = parse_jsonstat2(doc)
    assert frame.empty and list(frame.columns) == ["Region", "Tid", "value", "status"]


@pytest.mark.parametrize("break_it, message", [
    (lambda d: d.update(value=[1.0]), "'value' has 1 cells"),
    (lambda d: d.update(size=[3]), "same length"),
    (lambda d: d.update(size=[4, 2]), "has 3 categories but size 4"),
    (lambda d: d.update({"class": "collection"}), "not a json-stat2 dataset"),
    (lambda d: d.update(value=["x"] * 6), "not a number"),
    (lambda d: d.update(status={"9": ".."}), "outside"),
    (lambda d: d["dimension"].pop("Tid"), "dimension 'Tid' has no category"),
])
def test_broken_documents_are_refused_clearly(break_it, message: str) -> None:
    doc = dataset([("Region", REGIONS), ("Tid", TIMES)], lambda **_: 1.0)
    break_it(doc)
    with pytest.raises(JsonStatError, match=message):
        parse_jsonstat2(doc)
