"""Every page of dashboard.PAGES opens in a real browser without an error and draws its charts."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from indicators.i18n import format_value, t

ROOT = Path(__file__).resolve().parents[2]

# Pages known to draw charts when opened without parameters; any other page is still checked
# for charts that fail to draw.
MIN_CHARTS = {"delmal": 1, "indikator": 1, "tilskudd": 1, "tidslinje": 1}

pytestmark = pytest.mark.e2e


def test_page_loads_without_errors(visits, app_page) -> None:
    visit = visits(app_page.path)
    assert not visit.errors, "\n---\n".join(visit.errors)
    title = t(app_page.title_key, "nb")
    assert title in visit.text  # the navigation shows it
    assert visit.title.startswith(title), visit.title  # the browser tab names the page (WCAG 2.4.2)
    assert visit.drawn == visit.charts, f"{visit.charts - visit.drawn} chart(s) did not draw"
    assert visit.drawn >= MIN_CHARTS.get(app_page.url_path, 0)


def test_indicator_page_shows_latest_value(visits) -> None:
    visit = visits("indikator", id="2B-04")
    assert not visit.errors, "\n---\n".join(visit.errors)
    text = visit.text
    assert "2B-04 Registrerte helt ledige" in text
    # Akershus' latest month in the shipped file, whichever month the last update brought.
    with (ROOT / "data" / "observations" / "2B-04.csv").open(encoding="utf-8") as file:
        latest = max((r for r in csv.DictReader(file) if r["region_code"] == "32"),
                     key=lambda r: r["period"])
    assert format_value(float(latest["value"]), "percent", "nb").replace("\xa0", " ") in text
    assert visit.drawn >= 1


def test_back_button_returns_to_the_view_before(tab) -> None:
    """A reader picks another indicator, follows the link to its goal, and presses Back twice:
    each time the page shows the view before and the address says so (a widget that kept its
    own value would show the last indicator and write it back into the address)."""
    page = tab.open("indikator", id="1D-01")
    page.get_by_label(t("indicator.choose", "nb"), exact=True).click()
    page.get_by_role("option", name=re.compile(r"^2B-04 ")).click()
    page.wait_for_url(re.compile(r"id=2B-04"))
    expect(page.get_by_role("heading", name=re.compile(r"^2B-04 "))).to_be_visible()
    tab.wait_ready()
    page.get_by_role("link", name=re.compile(r"^Delmål 2B: ")).click()
    page.wait_for_url(re.compile(r"/delmal\b"))
    tab.wait_ready()

    page.go_back()
    expect(page.get_by_role("heading", name=re.compile(r"^2B-04 "))).to_be_visible()
    tab.wait_ready()
    assert "id=2B-04" in page.url, page.url
    page.go_back()
    expect(page.get_by_role("heading", name=re.compile(r"^1D-01 "))).to_be_visible()
    tab.wait_ready()
    assert "id=1D-01" in page.url, page.url
