"""The history names every kind of change in the reader's language, never by its internal key."""

import pandas as pd
import pytest

from indicators import importing, store
from indicators.i18n import catalogue
from indicators.ingest.tables import SPECS


def _history(kinds: list[str]) -> pd.DataFrame:
    return pd.DataFrame({
        "id": range(1, len(kinds) + 1), "imported_at": pd.Timestamp("2026-12-02 10:00"),
        "user_name": "planner", "kind": kinds, "file_name": "x.csv", "added": 1, "changed": 0,
        "unchanged": 0, "removed": 0, "undo_of": None, "undone_by": None})


KINDS = [*SPECS, store.CONFIG_KIND, "app", "undo"]


def test_every_plan_table_and_the_plan_model_have_a_norwegian_name():
    shown = importing.history_table(_history(KINDS), "nb").iloc[:, 3].tolist()
    assert not [(kind, name) for kind, name in zip(KINDS, shown, strict=True) if kind == name]
    assert len(set(shown)) == len(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_an_english_name(kind):
    assert f"update.kind.{kind}" in catalogue()
    assert catalogue()[f"update.kind.{kind}"]["en"].strip()


def test_comments_are_named_in_norwegian():
    shown = importing.history_table(_history(["comments"]), "nb").iloc[0, 3]
    assert shown == "kommentarer"
