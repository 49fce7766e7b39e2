"""The language switch in a real browser: English text, `lang=en` in the URL, kept across pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from indicators.i18n import t

pytestmark = pytest.mark.e2e

LANG_EN = re.compile(r"[?&]lang=en\b")


def nav_link(page: Page, key: str, lang: str):
    return page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=t(key, lang), exact=True)


def assert_english(page: Page) -> None:
    expect(nav_link(page, "nav.overview", "en")).to_be_visible()
    expect(nav_link(page, "nav.overview", "nb")).to_have_count(0)
    assert page.evaluate("document.documentElement.lang") == "en"


def test_switch_to_english(tab) -> None:
    page = tab.open()
    expect(page.get_by_role("heading", name=t("app.title", "nb"))).to_be_visible()
    page.locator('[data-testid="stSidebar"] [role="radiogroup"] label').filter(
        has_text=t("lang.en", "nb")).click()
    page.wait_for_url(LANG_EN)
    expect(page.get_by_role("heading", name=t("app.title", "en"))).to_be_visible()
    tab.wait_ready()
    assert_english(page)
    goal_heading = page.get_by_role("heading", name=re.compile(r"^Goal \w+: "))
    expect(goal_heading.first).to_be_visible()


def test_english_url_opens_in_english(tab) -> None:
    page = tab.open("", lang="en")
    expect(page.get_by_role("heading", name=t("app.title", "en"))).to_be_visible()
    assert_english(page)
    assert LANG_EN.search(page.url)


def test_changing_page_keeps_english(tab) -> None:
    page = tab.open("", lang="en")
    nav_link(page, "nav.indicator", "en").click()
    page.wait_for_url(re.compile(r"/indikator\b"))
    expect(page.get_by_label(t("indicator.choose", "en"))).to_be_visible()
    tab.wait_ready()
    assert_english(page)
    assert LANG_EN.search(page.url), page.url
