"""The timeline as planners change it: a target year where one target is adopted and the others
are proposals says which is adopted; an action item's percentages are written per language."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd

from indicators import timeline
from indicators.model import load_model

ROOT = Path(__file__).resolve().parents[2]


def test_an_adopted_target_is_named_as_adopted_beside_the_proposals(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    goals = tmp_path / "config" / "goals.yaml"
    text = goals.read_text("utf-8")
    at = text.index("  - id: 2B-04\n")
    status = text.index("      status: proposed\n", at)
    goals.write_text(text[:status] + "      status: adopted\n"
                     + text[status + len("      status: proposed\n"):], "utf-8")
    model = load_model(goals)
    assert model.indicator("2B-04").target.adopted and not model.indicator("1D-01").target.adopted
    [year] = [i for i in timeline.target_items(model, "nb") if i.start.year == 2030]
    assert year.status == "proposed"  # three of the four are still proposals
    assert "2B-04 Registrerte helt ledige (vedtatt)" in year.description
    assert "1D-01 Fullført og bestått videregående opplæring innen fem år (forslag, ikke " \
           "vedtatt)" in year.description
    [english] = [i for i in timeline.target_items(model, "en") if i.start.year == 2030]
    assert "2B-04 Registered fully unemployed (adopted)" in english.description


def test_an_action_items_percentages_are_written_as_each_language_writes_them() -> None:
    actions = pd.DataFrame([{"id": "T-01", "title_nb": "Kartlegge", "title_en": "Map",
                             "start": date(2025, 1, 1), "end": date(2026, 12, 31),
                             "owner": "Kari", "percent_complete": 40.0, "note": ""}])
    items = timeline.action_items(actions, date(2026, 1, 1), "en")
    english = timeline.action_rows(items, "en")
    assert (english["Complete"][0], english["Expected now"][0]) == ("40%", "50%")
    norsk = timeline.action_rows(items, "nb")
    assert (norsk["Fullført"][0], norsk["Forventet nå"][0]) == ("40\xa0%", "50\xa0%")
