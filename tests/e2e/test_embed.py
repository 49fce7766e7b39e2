"""The embed view in a real browser, alone and inside an iframe, and links that reopen a view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import READY_TIMEOUT_MS, SHOTS, VIEWPORT, AppTab

pytestmark = pytest.mark.e2e

IFRAME = {"width": 800, "height": 500}
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg'


@pytest.fixture(scope="module", autouse=True)
def warm(browser: Browser, app_url: str) -> None:
    """Open the app's root once, so the embed tests start from a warm server."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(READY_TIMEOUT_MS)
    AppTab(context.new_page(), app_url).open()
    context.close()


def assert_chart_only(page) -> None:
    """One drawn chart that carries its title and source, and no navigation around it."""
    expect(page.locator(CHART).first).to_be_attached()
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
    drawn = page.locator('[data-testid="stPlotlyChart"]').inner_html()
    for text in ("Registrerte helt ledige", "Kilde: NAV", "Akershus fylkeskommune"):
        assert text in drawn, text
    for chrome in ("stSidebar", "stSidebarNav", "stSidebarCollapsedControl",
                   "stExpandSidebarButton"):
        box = page.locator(f'[data-testid="{chrome}"]')
        assert box.count() == 0 or not box.first.is_visible(), chrome
    assert page.locator('[data-testid="stException"], [role="dialog"]').count() == 0


@pytest.mark.parametrize("embed", [False, True], ids=["plain", "embed-true"])
def test_embed_view_is_the_chart_alone(tab: AppTab, embed: bool) -> None:
    tab.page.set_viewport_size(IFRAME)
    params = {"indikator": "2B-04", "region": "32", **({"embed": "true"} if embed else {})}
    page = tab.open("embed", **params)
    assert_chart_only(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"embed-800x500{'-embed-true' if embed else ''}.png"))


def test_embed_view_inside_an_iframe(browser: Browser, app_url: str) -> None:
    """As on the county's web pages: an iframe of another page, 800 × 500."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(READY_TIMEOUT_MS)
    page = context.new_page()
    src = f"{app_url}/embed?indikator=2B-04&region=32&embed=true"
    page.set_content(f'<html lang="nb"><body><h1>Akershus fylkeskommune</h1>'
                     f'<iframe title="Registrerte helt ledige" src="{src}" width="800" height="500">'
                     f"</iframe></body></html>")
    frame = page.frame_locator("iframe")
    expect(frame.locator(CHART).first).to_be_attached()
    nav = frame.locator('[data-testid="stSidebarNav"]')
    assert nav.count() == 0 or not nav.first.is_visible()
    assert "Kilde: NAV" in frame.locator('[data-testid="stPlotlyChart"]').first.inner_html()
    context.close()


def test_a_copied_link_reopens_the_view(tab: AppTab, browser: Browser, app_url: str) -> None:
    """Choose an indicator and the language in the page; the address bar then reopens both."""
    page = tab.open("indikator", id="2B-04")
    page.locator('[data-testid="stSidebar"] [role="radiogroup"] label').filter(
        has_text="English").click()
    page.wait_for_url(re.compile(r"[?&]lang=en\b"))
    expect(page.locator("h1").first).to_contain_text("2B-04 Registered fully unemployed")
    tab.wait_ready()
    assert re.search(r"[?&]lang=en\b", page.url) and "id=2B-04" in page.url
    copied = page.url
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(READY_TIMEOUT_MS)
    fresh = AppTab(context.new_page(), app_url)
    fresh.page.goto(copied)
    fresh.wait_ready()
    expect(fresh.page.locator("h1").first).to_contain_text("2B-04 Registered fully unemployed")
    context.close()
