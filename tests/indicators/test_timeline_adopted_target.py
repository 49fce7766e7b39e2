"""A target year where one target is adopted and the others are proposals: the year is still
"proposed" on the timeline, and its description says which target is adopted."""

from __future__ import annotations

import shutil
from pathlib import Path

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
