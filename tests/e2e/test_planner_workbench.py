"""The planner's workbench in a real browser: upload a grants file, adopt the 2B-04 target with
its case number, see both saved to the files, and take both back with Angre."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from indicators.access import hash_password
from indicators.build import build
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA
from tests.e2e.conftest import READY_TIMEOUT_MS, ROOT, VIEWPORT, AppTab, running_app

pytestmark = pytest.mark.e2e

PASSWORD = "riktig hest batteri"
GRANTS = ("year,scheme_id,recipient,project,municipality_code,focus_area_id,amount_nok_million,"
          "description,focus_area_basis\n"
          "2024,nui,,Prosjekt B,,vekstbedrifter,,Beskrivelse B.,assessed\n")
NEW_GRANT = "2024,nui,Kjeller Innovasjon AS,Romfartsinkubator,3205,inkubatorer,1.2,Inkubator.,source\n"


@dataclass(frozen=True)
class Site:
    url: str
    config: Path
    data: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`streamlit run` on a writable copy of config/ and the test data set, with a grants file of
    its own and a planner password in a temp secrets file."""
    folder = tmp_path_factory.mktemp("workbench")
    shutil.copytree(ROOT / "config", folder / "config")
    shutil.copytree(FIXTURE_DATA, folder / "data",
                    ignore=shutil.ignore_patterns("*.duckdb*", "*.lock", "*.tmp"))
    (folder / "data" / "grants.csv").write_text(GRANTS, "utf-8")
    db = folder / "data" / "dashboard.duckdb"
    assert build(load_model(folder / "config" / "goals.yaml"), folder / "data", db).ok
    secrets = folder / "secrets.toml"
    secrets.write_text(f'planner_password_scrypt = "{hash_password(PASSWORD)}"\n', "utf-8")
    env = {"DASHBOARD_DATA": str(folder / "data"),
           "DASHBOARD_CONFIG": str(folder / "config" / "goals.yaml")}
    with running_app(db, folder / "streamlit.log", ("--secrets.files", str(secrets)), env) as url:
        yield Site(url, folder / "config" / "goals.yaml", folder / "data")


def test_upload_grants_adopt_a_target_and_undo_both(browser: Browser, site: Site,
                                                    tmp_path: Path) -> None:
    config_before = site.config.read_bytes()
    upload = tmp_path / "grants.csv"  # by its name: the grants table
    upload.write_text(GRANTS + NEW_GRANT, "utf-8")
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    context.set_default_timeout(READY_TIMEOUT_MS)
    tab = AppTab(context.new_page(), site.url)
    page = tab.page
    try:
        tab.open()  # a fresh server's first visit must be the default page (see test_upload.py)
        tab.open("oppdater")
        page.get_by_label("Navnet ditt").fill("Kari Nordmann")
        page.get_by_label("Planleggerpassord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_text("Logget inn som Kari Nordmann").wait_for()

        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
        page.get_by_text("Dette vil endres i tilskuddene (grants.csv)").wait_for()
        page.get_by_role("button", name="Lagre 1 endring").click()
        page.get_by_text(re.compile(r"Import \d+ er lagret")).wait_for()
        tab.wait_ready()
        assert (site.data / "grants.csv").read_text("utf-8") == GRANTS + NEW_GRANT

        page.get_by_label("Indikator", exact=True).click()
        page.get_by_role("option", name=re.compile(r"^2B-04 ")).click()
        tab.wait_ready()
        page.get_by_label("Saksnummer i fylkestinget").fill("PS 12/2026")
        page.get_by_role("spinbutton", name="day, Vedtaksdato").click()
        page.keyboard.type("12032026")
        page.get_by_role("button", name="Lagre målet").click()
        page.get_by_text("Lagret: 2B-04").wait_for()
        tab.wait_ready()
        tab.screenshot("workbench-adopted")
        assert "decision:\n        case: PS 12/2026\n        date: 2026-03-12\n" in \
            site.config.read_text("utf-8")
        assert "vedtatt 12. mars 2026, sak PS 12/2026" in page.inner_text('[data-testid="stMain"]')

        for _ in range(2):  # Angre, newest first: the target, then the grants file
            page.get_by_role("button", name="Angre", exact=True).first.click()
            page.get_by_role("button", name="Ja, angre").click()
            page.get_by_text("er angret").wait_for()
            tab.wait_ready()
        assert site.config.read_bytes() == config_before
        assert (site.data / "grants.csv").read_text("utf-8") == GRANTS
    finally:
        context.close()
