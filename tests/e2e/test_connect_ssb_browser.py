"""Koble til SSB in a real browser: a planner connects 2A-03 to a table found by searching a
stand-in SSB (PxWebApi v2 shapes, on 127.0.0.1), previews, saves, fetches, and sees the figures
and Akershus's rank among the counties on the indicator page. A visitor who is not logged in
never sees the flow."""

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
from tests.indicators.sources.fou_table import TABLE, fou_standin
from tests.indicators.sources.standin import StandIn, serve

pytestmark = pytest.mark.e2e

PASSWORD = "riktig hest batteri"
MAIN = '[data-testid="stMain"]'


@dataclass(frozen=True)
class Site:
    url: str
    config: Path
    ssb: StandIn


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`streamlit run` on a writable copy of config/ and the test data set, a planner password,
    and SSB at a stand-in server ($SSB_API_URL)."""
    folder = tmp_path_factory.mktemp("ssb_connect")
    shutil.copytree(ROOT / "config", folder / "config")
    shutil.copytree(FIXTURE_DATA, folder / "data",
                    ignore=shutil.ignore_patterns("*.duckdb*", "*.lock", "*.tmp"))
    db = folder / "data" / "dashboard.duckdb"
    assert build(load_model(folder / "config" / "goals.yaml"), folder / "data", db).ok
    secrets = folder / "secrets.toml"
    secrets.write_text(f'planner_password_scrypt = "{hash_password(PASSWORD)}"\n', "utf-8")
    with serve(fou_standin()) as ssb:
        env = {"DASHBOARD_DATA": str(folder / "data"),
               "DASHBOARD_CONFIG": str(folder / "config" / "goals.yaml"), "SSB_API_URL": ssb.url}
        with running_app(db, folder / "streamlit.log", ("--secrets.files", str(secrets)),
                         env) as url:
            yield Site(url, folder / "config" / "goals.yaml", ssb)


def new_tab(browser: Browser, site: Site) -> AppTab:
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    context.set_default_timeout(READY_TIMEOUT_MS)
    return AppTab(context.new_page(), site.url)


def choose(tab: AppTab, label: str, typed: str) -> None:
    """Pick a selectbox option by typing its start: the filtered list draws it for certain (a
    long list may not have drawn an option further down yet)."""
    tab.page.get_by_label(label).click()
    tab.page.keyboard.type(typed)
    option = tab.page.get_by_role("option", name=re.compile(f"^{re.escape(typed)}"))
    option.first.wait_for()
    # Enter picks the focused match: a click can miss while the filtered list is redrawn.
    tab.page.keyboard.press("Enter")
    tab.wait_ready()


def test_a_visitor_who_is_not_logged_in_cannot_see_the_flow(browser: Browser, site: Site) -> None:
    tab = new_tab(browser, site)
    try:
        tab.open()
        page = tab.open("oppdater")
        page.get_by_label("Planleggerpassord").wait_for()
        text = page.inner_text(MAIN)
        assert "Koble til SSB" not in text and "Søk i SSB" not in text
        assert page.get_by_role("button", name="Søk i SSB").count() == 0
    finally:
        tab.page.context.close()


def test_a_planner_connects_an_indicator_and_its_figures_appear_on_its_page(
        browser: Browser, site: Site) -> None:
    before = site.config.read_text("utf-8")
    tab = new_tab(browser, site)
    page = tab.page
    try:
        tab.open()
        tab.open("oppdater")
        page.get_by_label("Navnet ditt").fill("Kari Nordmann")
        page.get_by_label("Planleggerpassord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_text("Logget inn som Kari Nordmann").wait_for()
        tab.wait_ready()  # the run after logging in draws the planner's forms: not before them

        choose(tab, "Indikator som skal kobles", "2A-03")
        page.get_by_label("Søk etter tabell (ord eller tabellnummer)").fill("FoU næringslivet")
        page.get_by_role("button", name="Søk i SSB").click()
        page.get_by_label("Innhold (statistikkvariabel)").wait_for()
        tab.wait_ready()
        choose(tab, "Sektor (sektor)", "NAER")
        page.get_by_text("Hent også alle fylkene").click()
        tab.wait_ready()

        page.get_by_role("button", name="Forhåndsvis tallene").click()
        page.get_by_text(f"Dette ville blitt hentet fra tabell {TABLE}").wait_for()
        tab.wait_ready()
        preview = page.inner_text(MAIN).replace("\xa0", " ")
        assert "9 500,5 mill. kr" in preview and "21 000 mill. kr" in preview
        assert site.config.read_text("utf-8") == before  # a preview writes nothing
        tab.screenshot("ssb-connect-preview")

        page.get_by_role("button", name="Lagre koblingen for 2A-03").click()
        page.get_by_text(f"Lagret: 2A-03 er koblet til SSB-tabell {TABLE}").wait_for()
        tab.wait_ready()
        saved = load_model(site.config).indicator("2A-03").ssb
        assert saved.table == TABLE and saved.selection["Sektor"] == "NAER"

        page.get_by_role("button", name="Hent tallene for 2A-03 fra SSB nå").click()
        page.get_by_text(re.compile(r"Hentet 2A-03 fra SSB: \d+ nye")).wait_for()
        tab.wait_ready()
        page.get_by_role("link", name="Se 2A-03").click()
        page.get_by_text("Nr. 3 av 15 fylker i 2025 (høyest er best)").wait_for()
        tab.wait_ready()
        shown = page.inner_text(MAIN).replace("\xa0", " ")
        assert "9 500,5 mill. kr" in shown
        assert not tab.errors()
        tab.screenshot("ssb-connect-indicator")
    finally:
        tab.page.context.close()
