"""Mine oppgaver: behind the planner log-in, the planner's own late and due tasks, then all of them.

The site is made here: 1D-01 with figures to 2019 (old county 02) and an owner in a copy of the
config; 2B-04 with one recent month. What is late follows from the config's lag, not a date.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators import explain, store, workflow
from indicators.build import build
from indicators.model import load_model
from tests.pages.conftest import all_text

ROOT = Path(__file__).resolve().parents[2]
KARI, OLA = "kari.nordmann@akershusfk.no", "ola.hansen@akershusfk.no"
OIDC = {"auth": {"redirect_uri": "http://localhost:8680/oauth2callback", "cookie_secret": "x",
                 "client_id": "x", "client_secret": "x",
                 "server_metadata_url": "https://login.example.no/.well-known/openid-configuration"}}
HEADER = "indicator_id,region_code,period,value,unit,series,note,source"


def make_site(folder: Path) -> Path:
    """config/ with Kari as 1D-01's owner, data/ with 1D-01 to 2019, a database, an allow-list."""
    shutil.copytree(ROOT / "config", folder / "config")
    goals = folder / "config" / "goals.yaml"
    goals.write_text(goals.read_text("utf-8").replace(
        "  - id: 1D-01\n", f"  - id: 1D-01\n    owner: {{name: Kari Nordmann, email: {KARI}}}\n", 1),
        "utf-8")
    observations = folder / "data" / "observations"
    observations.mkdir(parents=True)
    rows = [f"1D-01,02,{y},{70 + y - 2010},percent,,,Test" for y in range(2010, 2020)]
    (observations / "1D-01.csv").write_text("\n".join([HEADER, *rows]) + "\n", "utf-8")
    assert build(load_model(goals), folder / "data", folder / "data" / "dashboard.duckdb").ok
    (folder / "access.yaml").write_text(f"planners:\n  - {KARI}\n  - {OLA}\n", "utf-8")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("tasks_site"))


@pytest.fixture
def open_tasks(site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DASHBOARD_DB", str(site / "data" / "dashboard.duckdb"))
    monkeypatch.setenv("DASHBOARD_CONFIG", str(site / "config" / "goals.yaml"))
    monkeypatch.setenv("DASHBOARD_ACCESS", str(site / "access.yaml"))
    monkeypatch.delenv("DASHBOARD_DATA", raising=False)

    def _open(email: str | None = None, lang: str = "nb") -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.secrets.update(OIDC)
        if email:
            at.user = {"is_logged_in": True, "email": email, "name": email.split(".")[0]}
        at.query_params["lang"] = lang
        at.switch_page("app_pages/oppgaver.py")
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return _open


def links(at: AppTest) -> list[tuple[str, dict[str, str]]]:
    return [(e.proto.label, dict(p.split("=") for p in e.proto.query_string.split("&")))
            for e in at.get("page_link")]


def test_1d01_with_figures_from_2019_is_overdue_for_its_owner(site: Path, open_tasks) -> None:
    indicator = load_model(site / "config" / "goals.yaml").indicator("1D-01")
    assert explain.is_overdue(explain.next_update_due(indicator, 2019, None, "A"), date.today())
    at = open_tasks(KARI)
    assert [h.value for h in at.header] == ["Tildelt deg", "Alle oppgaver",
                                          "Ansvarlig for en indikator"]
    markdown = [m.value for m in at.markdown]
    # Her own card: the state as a badge (shape and word), the indicator, why, and the link.
    card = markdown.index("**1D-01 Fullført og bestått videregående opplæring innen fem år**")
    assert markdown[card - 1] == ":red-badge[:material/schedule: Forsinket]"
    assert "siste tall: 2019" in at.caption[1].value and "ikke finnes lenger" in at.caption[1].value
    assert links(at) == [("Legg inn nye tall", {"nye_tall": "1D-01", "lang": "nb"})]


def test_another_planner_has_none_of_their_own_but_sees_all(open_tasks) -> None:
    at = open_tasks(OLA)
    assert "Du har ingen oppgaver" in at.info[0].value
    overview = "\n".join(m.value for m in at.markdown)
    # Kari's 1D-01 is in the overview under her name, linked to the update page in the same tab.
    assert at.subheader[0].value.startswith("Kari Nordmann")
    assert 'href="oppdater?nye_tall=1D-01&amp;lang=nb" target="_self"' in overview
    # Indicators without an owner are listed, with no figures yet.
    assert "Uten ansvarlig" in [s.value for s in at.subheader]
    assert "Ingen tall ennå" in overview
    counts = {m.label: m.value for m in at.metric}
    assert counts["Forsinket"] == "1"


def test_anonymous_sees_the_log_in_and_no_tasks(open_tasks) -> None:
    at = open_tasks(None)
    text = all_text(at)
    assert "1D-01" not in text and "1D\\-01" not in text
    assert not at.header and not at.metric
    assert [i.value for i in at.info] == ["Logg inn som planlegger for å se oppgavene dine."]
    assert any("Logg inn" in b.label for b in at.button)


def test_in_english(open_tasks) -> None:
    at = open_tasks(KARI, "en")
    assert [h.value for h in at.header] == ["Assigned to you", "All tasks",
                                          "Owner of an indicator"]
    assert "latest figures: 2019" in all_text(at)
    assert links(at) == [("Add new figures", {"nye_tall": "1D-01", "lang": "en"})]


def test_the_link_opens_oppdater_with_the_indicator_chosen(site: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(site / "data" / "dashboard.duckdb"))
    monkeypatch.setenv("DASHBOARD_CONFIG", str(site / "config" / "goals.yaml"))
    monkeypatch.setenv("DASHBOARD_ACCESS", str(site / "access.yaml"))

    def oppdater_as_kari(param: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.secrets.update(OIDC)
        at.user = {"is_logged_in": True, "email": KARI, "name": "Kari"}
        at.query_params[param] = "1D-01"
        at.switch_page("app_pages/oppdater.py")
        at.run()
        return at

    at = oppdater_as_kari("nye_tall")
    assert not at.exception
    assert at.selectbox(key="update_indicator").value == "1D-01"
    # Without the link the fallback indicator is not chosen for the planner (the download's
    # own ?id does not choose it either).
    plain = oppdater_as_kari("id")
    assert plain.selectbox(key="update_indicator").value == ""


@pytest.fixture
def own_site(site: Path, tmp_path: Path) -> Path:
    """A writable copy of the site: assigning an owner rewrites its config and database."""
    copy = tmp_path / "own"
    shutil.copytree(site, copy)
    return copy


def open_as(site: Path, email: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB", str(site / "data" / "dashboard.duckdb"))
    monkeypatch.setenv("DASHBOARD_CONFIG", str(site / "config" / "goals.yaml"))
    monkeypatch.setenv("DASHBOARD_ACCESS", str(site / "access.yaml"))
    monkeypatch.delenv("DASHBOARD_DATA", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets.update(OIDC)
    at.user = {"is_logged_in": True, "email": email, "name": "Ola"}
    at.switch_page("app_pages/oppgaver.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_planner_assigns_an_owner_and_angre_puts_the_file_back(
        own_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    goals = own_site / "config" / "goals.yaml"
    before = goals.read_bytes()
    at = open_as(own_site, OLA, monkeypatch)
    at.selectbox(key="owner_indicator").select("1D-02").run()
    at.text_input[0].input("Ola Hansen")
    at.text_input[1].input(OLA)
    at.button(key="FormSubmitter:owner_1D-02-Lagre ansvarlig").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success[0].value == "Lagret: 1D-02: ansvarlig Ola Hansen."
    # Exactly the owner block was added to the plan file, inside 1D-02's entry.
    added = [line for line in goals.read_text("utf-8").splitlines()
             if line not in before.decode("utf-8").splitlines()]
    assert added == ["    owner:", "      name: Ola Hansen", f"      email: {OLA}"]
    assert load_model(goals).indicator("1D-02").owner.email == OLA
    # His task (no figures yet) is his now.
    assert "**1D-02 Unge 15–29 år utenfor arbeid, utdanning og opplæring (NEET)**" in \
        [m.value for m in at.markdown]
    con = store.connect(own_site / "data" / "dashboard.duckdb")
    try:
        record = store.history(con).iloc[0]
    finally:
        con.close()
    assert (record["kind"], record["user_name"]) == ("config", OLA)
    workflow.undo(own_site / "data" / "dashboard.duckdb", load_model(goals), int(record["id"]),
                  user=OLA, config=goals)
    assert goals.read_bytes() == before


def test_an_owner_without_a_real_address_is_refused(own_site: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    goals = own_site / "config" / "goals.yaml"
    before = goals.read_bytes()
    at = open_as(own_site, OLA, monkeypatch)
    at.text_input[0].input("Ola Hansen")
    at.text_input[1].input("ola.hansen")
    at.button(key="FormSubmitter:owner_1D-01-Lagre ansvarlig").click().run()
    assert "er ikke en e-postadresse" in at.error[0].value
    assert goals.read_bytes() == before
