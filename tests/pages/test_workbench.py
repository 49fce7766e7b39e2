"""The planner's workbench on Oppdater data: plan files uploaded like figures, and a target, a
milestone and an action item changed in place; each shows on the reading pages at once, is in the
import log and is undone by Angre. Nobody without a log-in sees any of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators import store
from indicators.build import build
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA
from tests.pages.conftest import all_text

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "kari.nordmann@example.no"
OIDC = {"auth": {"redirect_uri": "http://localhost:8613/oauth2callback", "cookie_secret": "x",
                 "client_id": "x", "client_secret": "x",
                 "server_metadata_url": "https://login.example.no/.well-known/openid-configuration"}}
PLANNER = {"is_logged_in": True, "email": EMAIL, "name": "Kari"}
MILESTONES = """\
id,start,end,kind,status,owner,title_nb,title_en,description_nb,description_en
planprogram,2025-01-01,2025-06-30,phase,planned,Fylkeskommunen,Planprogram,Planning programme,,
vedtak,2025-06-01,2025-06-30,decision,planned,Fylkestinget,Vedtak om planen,Decision,,
"""
# A planner's grants file: semicolons, Norwegian headers and Windows-1252, as Excel saves it.
GRANTS_FILE = ("år;ordning;mottaker;prosjekt;kommune;satsingsområde;beløp;beskrivelse;grunnlag\n"
               "2024;nui;Kjeller Innovasjon AS;Romfartsinkubator;3205;inkubatorer;1,2;"
               "Inkubator på Kjeller.;kilde\n").encode("cp1252")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """config/ and the test data set with a timeline of its own, built, and an allow-list."""
    folder = tmp_path_factory.mktemp("workbench")
    shutil.copytree(ROOT / "config", folder / "config")
    shutil.copytree(FIXTURE_DATA, folder / "data",
                    ignore=shutil.ignore_patterns("*.duckdb*", "*.lock", "*.tmp"))
    (folder / "data" / "milestones.csv").write_text(MILESTONES, "utf-8")
    for name in ("grants.csv", "actions.csv"):  # none yet: the tests upload and add the first
        (folder / "data" / name).unlink()
    assert build(load_model(folder / "config" / "goals.yaml"), folder / "data",
                 folder / "data" / "dashboard.duckdb").ok
    (folder / "access.yaml").write_text(f"planners:\n  - {EMAIL}\n", "utf-8")
    return folder


@pytest.fixture
def site(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy that the app reads and writes: its own config/ too, never the repo's."""
    site = tmp_path / "site"
    shutil.copytree(template, site)
    monkeypatch.setenv("DASHBOARD_DB", str(site / "data" / "dashboard.duckdb"))
    monkeypatch.setenv("DASHBOARD_CONFIG", str(site / "config" / "goals.yaml"))
    monkeypatch.setenv("DASHBOARD_ACCESS", str(site / "access.yaml"))
    monkeypatch.delenv("DASHBOARD_DATA", raising=False)
    return site


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def open_page(site: Path) -> Callable[..., AppTest]:
    def _open(page: str = "app_pages/oppdater.py", secrets: dict | None = None,
              user: dict | None = None, **params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.secrets.update(OIDC if secrets is None else secrets)
        if user is not None:
            at.user = user
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(page)
        return run(at)
    return _open


def plain(text: str) -> str:
    """Text with its no-break spaces (2,0 %) as spaces."""
    return text.replace("\xa0", " ")


def press(at: AppTest, label: str) -> AppTest:
    """Click the first button with this label (form submit buttons too)."""
    [b for b in at.button if b.label == label][0].click()
    return run(at)


def submit(at: AppTest, form: str) -> AppTest:
    """Click the submit button of one form (several forms share the label "Lagre endringen")."""
    [b for b in at.button if b.proto.form_id == form][0].click()
    return run(at)


def history(site: Path) -> list[tuple]:
    con = store.connect(site / "data" / "dashboard.duckdb")
    try:
        frame = store.history(con)
    finally:
        con.close()
    return [(r.kind, r.user_name, r.file_name) for r in frame[frame["kind"] != "build"]
            .itertuples()]


WORKBENCH_KEYS = ("wb_", "update_file_kind", "download_grants")


@pytest.mark.parametrize("secrets, user", [
    ({"unrelated": "x"}, None),  # updating not switched on
    ({"planner_password_scrypt": "scrypt$x"}, None),  # a password set, nobody logged in
    (OIDC, {"is_logged_in": False}),
    (OIDC, {"is_logged_in": True, "email": "ola@example.no"}),  # not on the allow-list
])
def test_anonymous_sessions_see_no_edit_widgets(open_page, site: Path, secrets, user) -> None:
    at = open_page(secrets=secrets, user=user)
    keys = [w.key or "" for kind in ("selectbox", "text_input", "number_input", "date_input",
                                     "radio", "button", "checkbox")
            for w in getattr(at, kind)]
    assert not [k for k in keys if k.startswith(WORKBENCH_KEYS)]
    assert "Endre planen" not in [h.value for h in at.header]
    assert "Lagre målet" not in [b.label for b in at.button]


def test_a_grants_file_is_previewed_saved_shown_and_undone(open_page, site: Path) -> None:
    at = open_page(user=PLANNER)
    at.file_uploader[0].set_value(("tilskudd 2024.csv", GRANTS_FILE, "text/csv"))
    run(at)
    assert "Filen tilskudd 2024.csv ble ikke lest inn" in at.error[0].value  # read as figures
    at.selectbox(key="update_file_kind").set_value("grants")
    run(at)
    text = all_text(at)
    assert "Dette vil endres i tilskuddene (tilskudd 2024.csv)" in text
    assert "Romfartsinkubator" in text and "Nye rader (1)" in text
    assert not (site / "data" / "grants.csv").exists()  # the preview wrote nothing
    press(at, "Lagre 1 endring")
    assert "2024,nui,Kjeller Innovasjon AS,Romfartsinkubator,3205,inkubatorer,1.2," \
        "Inkubator på Kjeller.,source" in (site / "data" / "grants.csv").read_text("utf-8")
    assert "Se tilskuddene" in [p.proto.label for p in at.get("page_link")]
    funding = open_page("app_pages/tilskudd.py")
    assert "Romfartsinkubator" in all_text(funding)
    assert history(site) == [("grants", "kari.nordmann@example.no", "tilskudd 2024.csv")]
    press(at, "Angre")
    press(at, "Ja, angre")
    assert not (site / "data" / "grants.csv").exists()  # as before the upload: there was none
    assert "Romfartsinkubator" not in all_text(open_page("app_pages/tilskudd.py"))


def test_adopting_a_target_shows_on_the_reading_pages_and_angre_takes_it_back(
        open_page, site: Path) -> None:
    config = site / "config" / "goals.yaml"
    before = config.read_bytes()
    at = open_page(user=PLANNER)
    at.selectbox(key="wb_target_id").set_value("2B-04")
    run(at)
    at.text_input(key="wb_target_case_2B-04").input("PS 12/2026")
    at.date_input(key="wb_target_date_2B-04").set_value(date(2026, 3, 12))
    press(at, "Lagre målet")
    assert "Lagret: 2B-04: mål 2,0 % i 2030 vedtatt (sak PS 12/2026)" in plain(at.success[0].value)
    assert "status: adopted\n      decision:\n        case: PS 12/2026\n" \
           "        date: 2026-03-12\n" in config.read_text("utf-8")
    shown = "Mål 2030: 2,0 % (vedtatt 12. mars 2026, sak PS 12/2026)"
    assert shown in plain(all_text(open_page("app_pages/indikator.py", id="2B-04")))
    assert shown in plain(all_text(open_page("app_pages/delmal.py", goal="2B")))
    english = all_text(open_page("app_pages/indikator.py", id="2B-04", lang="en"))
    assert "(adopted 12 March 2026, case PS 12/2026)" in english
    assert [(k, u, plain(f)) for k, u, f in history(site)] == [
        ("config", "kari.nordmann@example.no",
         "goals.yaml: 2B-04: mål 2,0 % i 2030 vedtatt (sak PS 12/2026)")]
    press(at, "Angre")
    assert "Planfilen blir nøyaktig som den var før endringen" in at.warning[0].value
    press(at, "Ja, angre")
    assert config.read_bytes() == before
    assert "forslag, ikke vedtatt" in all_text(open_page("app_pages/indikator.py", id="2B-04"))


def test_an_adoption_without_its_date_is_refused(open_page, site: Path) -> None:
    config = site / "config" / "goals.yaml"
    before = config.read_bytes()
    at = open_page(user=PLANNER, lang="en")
    at.selectbox(key="wb_target_id").set_value("2B-04")
    run(at)
    at.text_input(key="wb_target_case_2B-04").input("PS 12/2026")
    press(at, "Save the target")
    assert at.error[0].value == ("An adopted target needs both the case number and the date of "
                                 "the decision.")
    assert config.read_bytes() == before and history(site) == []


def test_the_planprogram_is_marked_done_and_an_action_set_to_40_percent(open_page,
                                                                        site: Path) -> None:
    at = open_page(user=PLANNER)
    at.selectbox(key="wb_milestone_id").set_value("planprogram")
    run(at)
    at.selectbox(key="wb_milestone_status_planprogram").set_value("done")
    submit(at, "wb_milestone_planprogram")
    assert "planprogram,2025-01-01,2025-06-30,phase,done," in \
        (site / "data" / "milestones.csv").read_text("utf-8")
    # No action items yet: the planner adds the first, then reports progress on it.
    at.text_input(key="wb_new_id").input("T-01")
    at.text_input(key="wb_new_title_nb").input("Kompetanseløft")
    at.date_input(key="wb_new_start").set_value(date(2026, 1, 1))
    at.date_input(key="wb_new_end").set_value(date(2026, 12, 31))
    press(at, "Legg til tiltaket")
    assert at.text_input(key="wb_new_id").value == ""  # an empty form for the next one
    at.number_input(key="wb_action_percent_T-01").set_value(40.0)
    submit(at, "wb_action_T-01")
    assert "Lagret: T-01: 40 % fullført" in plain(at.success[0].value)
    timeline = all_text(open_page("app_pages/tidslinje.py"))
    assert "Kompetanseløft" in timeline and "40 %" in plain(timeline)
    assert [h[0] for h in history(site)] == ["actions", "actions", "milestones"]
    for _ in range(3):  # Angre, newest first, until nothing is left to undo
        press(at, "Angre")
        press(at, "Ja, angre")
    assert (site / "data" / "milestones.csv").read_text("utf-8") == MILESTONES
    assert "Kompetanseløft" not in all_text(open_page("app_pages/tidslinje.py"))
