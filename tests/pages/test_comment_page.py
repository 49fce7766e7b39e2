"""The comment on an indicator's latest period, on the Indikator page: asked for when the status
is Forverring, written by a logged-in planner, shown as plain text with author and date, in the
history and undone by Angre. The test data set gives 2B-04 (Akershus) the status Forverring."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators import workflow
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA
from tests.pages.conftest import all_text, planner_site_template, shown_statuses, use_planner_site

ROOT = Path(__file__).resolve().parents[2]
KARI = "kari.nordmann@akershusfk.no"
OIDC = {"auth": {"redirect_uri": "http://localhost:8680/oauth2callback", "cookie_secret": "x",
                 "client_id": "x", "client_secret": "x",
                 "server_metadata_url": "https://login.example.no/.well-known/openid-configuration"}}
WHY = "Permitteringer i bygg og anlegg. Se *NAV* [her](http://example.com) ![x](http://x/y.png)"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return planner_site_template(tmp_path_factory.mktemp("comment_site"), KARI, FIXTURE_DATA)


@pytest.fixture
def site(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_planner_site(template, tmp_path, monkeypatch)


def open_indicator(planner: bool, lang: str = "nb") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets.update(OIDC)
    if planner:
        at.user = {"is_logged_in": True, "email": KARI, "name": "Kari Nordmann"}
    at.query_params["id"] = "2B-04"
    at.query_params["lang"] = lang
    at.switch_page("app_pages/indikator.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_forverring_asks_for_a_comment_and_a_planner_writes_one(site: Path) -> None:
    db = site / "data" / "dashboard.duckdb"
    assert shown_statuses(db)["2B-04"] == "deterioration"
    at = open_indicator(planner=True)
    assert "Kommentar" in [s.value for s in at.subheader]
    assert any(w.value.startswith("Statusen er Forverring, og ingen har forklart hvorfor")
               for w in at.warning)
    assert "Ingen kommentar til januar 2026 ennå." in [c.value for c in at.caption]
    at.text_area[0].input(WHY)
    at.button(key="FormSubmitter:comment_2B-04-Lagre kommentaren").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success[0].value.startswith("Kommentaren er lagret (endring ")
    # With author and date, as plain text: no link, no image, no emphasis is made of it.
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Kommentar til januar 2026 — Kari Nordmann, ") for c in captions)
    shown = next(m for m in at.markdown if "Permitteringer" in m.value)
    assert shown.value.startswith("Permitteringer i bygg og anlegg. Se \\*NAV\\* \\[her\\]")
    assert not any(w.value.startswith("Statusen er Forverring") for w in at.warning)
    # In the file under data/, and in the history as an import Angre can undo.
    text = (site / "data" / "comments.csv").read_text("utf-8")
    assert text.startswith("indicator_id,period,text,author,at\n2B-04,2026M01,Permitteringer")
    history = open_update_history()
    assert "comments.csv: 2B-04: kommentar til januar 2026" in history


def open_update_history() -> str:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.secrets.update(OIDC)
    at.user = {"is_logged_in": True, "email": KARI, "name": "Kari Nordmann"}
    at.switch_page("app_pages/oppdater.py")
    at.run()
    return all_text(at)


def test_undo_takes_the_comment_away_again(site: Path) -> None:
    db = site / "data" / "dashboard.duckdb"
    at = open_indicator(planner=True)
    at.text_area[0].input("Sesongvariasjon.")
    at.button(key="FormSubmitter:comment_2B-04-Lagre kommentaren").click()
    at.run()
    import_id = int(at.success[0].value.split("endring ")[1].rstrip(")."))
    workflow.undo(db, load_model(ROOT / "config" / "goals.yaml"), import_id, user="Kari")
    again = open_indicator(planner=False)
    assert "Sesongvariasjon." not in all_text(again)
    assert "Ingen kommentar til januar 2026 ennå." in [c.value for c in again.caption]
    # The test data set has no comments.csv: the comment made it, and its undo takes it away.
    assert not (site / "data" / "comments.csv").exists()


def test_anonymous_readers_see_the_ask_but_cannot_write(site: Path) -> None:
    at = open_indicator(planner=False)
    assert any(w.value.startswith("Statusen er Forverring") for w in at.warning)
    assert not at.text_area
    assert "Logg inn som planlegger for å skrive en kommentar." in [i.value for i in at.info]
    assert any("Logg inn" in b.label for b in at.button)


def test_in_english(site: Path) -> None:
    at = open_indicator(planner=True, lang="en")
    assert "Comment" in [s.value for s in at.subheader]
    assert any(w.value.startswith("The status is Deterioration") for w in at.warning)
    assert at.text_area[0].label == "Comment on January 2026"


def test_without_any_planner_log_in_set_up_readers_see_no_write_box(site: Path) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["id"] = "2B-04"
    at.switch_page("app_pages/indikator.py")
    at.run()
    assert not at.exception
    assert "Skriv en kommentar (planleggere)" not in [e.label for e in at.expander]
    assert any(w.value.startswith("Statusen er Forverring") for w in at.warning)
