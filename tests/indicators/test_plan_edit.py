"""Editing plan tables in place: a milestone's status, an action item's progress, a grant's focus
area. Each is checked like a file, stored with its history, written back to data/<table>.csv
changing only its own line, and undone exactly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indicators import store, workflow
from indicators.build import build
from indicators.model import PlanModel, load_model
from indicators.plan_edit import PlanEditError, add_row, edit_row, grant_key, stored_texts
from tests.conftest import FIXTURE_DATA, copy_repo

# Written in the planners' order (not sorted): a change must not re-sort the file.
MILESTONES = """\
id,start,end,kind,status,owner,title_nb,title_en,description_nb,description_en
vedtak,2025-06-01,2025-06-30,decision,planned,Fylkestinget,Vedtak,Decision,,
planprogram,2025-01-01,2025-06-30,phase,planned,AFK,Planprogram,Planning programme,"Formål, fremdrift",
"""
GRANTS = """\
year,scheme_id,recipient,project,municipality_code,focus_area_id,amount_nok_million,description,focus_area_basis
2024,nui,,Prosjekt B,,vekstbedrifter,1.5,Beskrivelse B,assessed
2024,fib,Firma A,,3201,,,Beskrivelse A,assessed
"""


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, PlanModel]:
    """A copy of config/ and the test data set, with plan tables written by the test, built."""
    repo = copy_repo(tmp_path, FIXTURE_DATA)
    (repo / "data" / "milestones.csv").write_text(MILESTONES, "utf-8")
    (repo / "data" / "grants.csv").write_text(GRANTS, "utf-8")
    (repo / "data" / "actions.csv").unlink()  # no action items yet: a test adds the first
    model = load_model(repo / "config" / "goals.yaml")
    db = repo / "data" / "dashboard.duckdb"
    assert build(model, repo / "data", db).ok
    return db, model


def lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines()


def test_a_milestone_marked_done_changes_its_own_line_and_is_undone(site) -> None:
    db, model = site
    path = db.parent / "milestones.csv"
    before = path.read_bytes()
    done = edit_row(db, model, "milestones", {"id": "planprogram"}, {"status": "done"},
                    user="Kari", summary="planprogram: gjennomført")
    assert done.files == [path]
    assert lines(path) == [*MILESTONES.splitlines()[:2], MILESTONES.splitlines()[2].replace(
        ",planned,", ",done,")]
    stored = stored_texts(db, "milestones").set_index("id")
    assert stored.loc["planprogram", "status"] == "done"
    con = store.connect(db)
    try:
        last = store.history(con).iloc[0]
    finally:
        con.close()
    assert (last.kind, last.user_name, last.file_name) == (
        "milestones", "Kari", "milestones.csv: planprogram: gjennomført")
    workflow.undo(db, model, done.import_id, user="Kari")
    assert path.read_bytes() == before
    assert stored_texts(db, "milestones").set_index("id").loc["planprogram", "status"] == "planned"


def test_an_edit_of_a_row_someone_removed_meanwhile_is_refused_in_words(site) -> None:
    # (It raised TypeError: the message's own `key` parameter clashed with the error's key.)
    db, model = site
    with pytest.raises(PlanEditError) as refused:
        edit_row(db, model, "milestones", {"id": "gone"}, {"status": "done"}, user="Kari",
                 summary="x")
    assert refused.value.text("en").startswith("Could not find the row (id gone) in milestones")
    assert refused.value.text("nb").startswith("Fant ikke raden (id gone) i milestones")


def test_an_edit_that_breaks_a_rule_is_refused_with_the_rule(site) -> None:
    db, model = site
    path = db.parent / "milestones.csv"
    with pytest.raises(PlanEditError) as refused:
        edit_row(db, model, "milestones", {"id": "planprogram"},
                 {"start": date(2025, 9, 1)}, user="Kari", summary="x")  # after its end
    assert "breaks the rules" in refused.value.message("en")
    assert "2025-06-30" in refused.value.message("en")  # the reader's message names the dates
    with pytest.raises(PlanEditError):
        edit_row(db, model, "milestones", {"id": "planprogram"}, {"status": "finished"},
                 user="Kari", summary="x")
    assert path.read_text("utf-8") == MILESTONES


def test_an_action_is_added_then_set_to_40_percent(site) -> None:
    db, model = site
    path = db.parent / "actions.csv"
    added = add_row(db, model, "actions", {
        "id": "T-01", "title_nb": "Kompetanseløft", "title_en": "Skills boost",
        "start": date(2026, 1, 1), "end": date(2026, 12, 31), "owner": "Næring",
        "percent_complete": 0, "goal_id": "1D"}, user="Kari", summary="nytt tiltak T-01")
    assert "T-01,Kompetanseløft,Skills boost,2026-01-01,2026-12-31,Næring,0,1D," in \
        path.read_text("utf-8")
    set_to = edit_row(db, model, "actions", {"id": "T-01"},
                      {"percent_complete": 40.0, "note": "Halvveis i vår"}, user="Kari",
                      summary="T-01: 40 %")
    row = stored_texts(db, "actions").set_index("id").loc["T-01"]
    assert (row["percent_complete"], row["note"]) == ("40", "Halvveis i vår")
    with pytest.raises(PlanEditError):  # a second action with the same id
        add_row(db, model, "actions", {"id": "T-01", "title_nb": "Igjen", "start": "2026-01-01",
                                       "end": "2026-02-01", "percent_complete": 0},
                user="Kari", summary="x")
    with pytest.raises(PlanEditError):  # 140 % is not a share of the work
        edit_row(db, model, "actions", {"id": "T-01"}, {"percent_complete": 140}, user="Kari",
                 summary="x")
    workflow.undo(db, model, set_to.import_id, user="Kari")
    assert stored_texts(db, "actions").set_index("id").loc["T-01", "percent_complete"] == "0"
    workflow.undo(db, model, added.import_id, user="Kari")
    assert stored_texts(db, "actions").empty


def test_a_grant_gets_a_focus_area_from_the_source(site) -> None:
    db, model = site
    path = db.parent / "grants.csv"
    row = stored_texts(db, "grants").query("recipient == 'Firma A'").iloc[0]
    done = edit_row(db, model, "grants", grant_key(row),
                    {"focus_area_id": "forskningsbasert-innovasjon", "focus_area_basis": "source"},
                    user="Kari", summary="Firma A: satsingsområde")
    assert lines(path) == [*GRANTS.splitlines()[:2],
                           "2024,fib,Firma A,,3201,forskningsbasert-innovasjon,,Beskrivelse A,"
                           "source"]
    with pytest.raises(PlanEditError):  # "from the source" with no focus area claims a source
        edit_row(db, model, "grants", grant_key(row) | {"recipient": "Firma A"},
                 {"focus_area_id": "", "focus_area_basis": "source"}, user="Kari", summary="x")
    workflow.undo(db, model, done.import_id, user="Kari")
    assert path.read_text("utf-8") == GRANTS


def test_no_edit_without_a_user(site) -> None:
    db, model = site
    for user in (None, ""):
        with pytest.raises(PlanEditError, match="innlogget planlegger"):
            edit_row(db, model, "milestones", {"id": "planprogram"}, {"status": "done"},
                     user=user, summary="x")
    assert (db.parent / "milestones.csv").read_text("utf-8") == MILESTONES
