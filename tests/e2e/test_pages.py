"""Every page of dashboard.PAGES opens in a real browser without an error and draws its charts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import Page

from indicators.i18n import format_value, t

ROOT = Path(__file__).resolve().parents[2]

# Pages known to draw charts when opened without parameters; any other page is still checked
# for charts that fail to draw.
MIN_CHARTS = {"delmal": 1, "indikator": 1, "tilskudd": 1, "tidslinje": 1}

pytestmark = pytest.mark.e2e


def visible_text(page: Page) -> str:
    # babel puts no-break spaces in numbers ("2,6 %"); compare with ordinary spaces.
    return page.inner_text('[data-testid="stApp"]').replace("\u00a0", " ").replace("\u202f", " ")


def test_page_loads_without_errors(tab, app_page) -> None:
    page = tab.open(app_page.path)
    tab.screenshot(f"page-{app_page.url_path}-nb")
    assert not tab.errors(), "\n---\n".join(tab.errors())
    title = t(app_page.title_key, "nb")
    assert title in visible_text(page)  # the navigation shows it
    assert page.title().startswith(title), page.title()  # the browser tab names the page (WCAG 2.4.2)
    containers = page.locator('[data-testid="stPlotlyChart"]').count()
    drawn = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').count()
    assert drawn == containers, f"{containers - drawn} chart(s) did not draw"
    assert drawn >= MIN_CHARTS.get(app_page.url_path, 0)


def test_indicator_page_shows_latest_value(tab) -> None:
    page = tab.open("indikator", id="2B-04")
    tab.screenshot("indikator-2B-04")
    assert not tab.errors(), "\n---\n".join(tab.errors())
    text = visible_text(page)
    assert "2B-04 Registrerte helt ledige" in text
    # Akershus' latest month in the shipped file, whichever month the last update brought.
    with (ROOT / "data" / "observations" / "2B-04.csv").open(encoding="utf-8") as file:
        latest = max((r for r in csv.DictReader(file) if r["region_code"] == "32"),
                     key=lambda r: r["period"])
    assert format_value(float(latest["value"]), "percent", "nb").replace("\xa0", " ") in text
    assert page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').count() >= 1
