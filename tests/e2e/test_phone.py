"""The reading pages on a phone: 390 × 844 and 360 × 740 in headless Chromium, no sideways scrolling,
the navigation closed on arrival, and axe still without a serious finding.

One browser tab walks every page, so the whole check costs one app start and one page load each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from indicators.model import PlanModel
from tests.e2e.conftest import READY_TIMEOUT_MS, AppTab
from tests.e2e.test_accessibility import check_axe

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}

# How far the page and Streamlit's main block reach sideways, and whether the navigation covers
# the page (Streamlit keeps the sidebar in the document when closed, 0 px wide or moved off).
MEASURE = """() => {
    const doc = document.documentElement;
    const main = document.querySelector('[data-testid="stMain"]');
    const nav = document.querySelector('[data-testid="stSidebar"]');
    const box = nav ? nav.getBoundingClientRect() : null;
    const out = [];
    for (const e of main.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        // What sticks out of the screen, unless it sits in a box the reader scrolls on purpose.
        if (r.width && r.right > doc.clientWidth + 1
                && !e.closest('[data-testid="stTable"] > div, [data-testid="stDataFrame"]')) {
            out.push(`${e.tagName.toLowerCase()} ${(e.textContent || '').trim().slice(0, 40)}`);
        }
    }
    return {page: [doc.scrollWidth, doc.clientWidth], main: [main.scrollWidth, main.clientWidth],
            nav_open: Boolean(box && box.width > 0 && box.right > 0), sticking_out: out.slice(0, 5)};
}"""


def reading_pages(model: PlanModel) -> list[tuple[str, dict[str, str]]]:
    """Every reading page; each goal; the first indicator of each goal and one with a map."""
    indicators = [goal.indicators[0] for goal in model.goals] + ["2B-04"]
    return ([("", {})]
            + [("delmal", {"goal": goal.id}) for goal in model.goals]
            + [("indikator", {"id": i}) for i in dict.fromkeys(indicators)]
            + [(p, {}) for p in ("plantema", "tilskudd", "tidslinje", "katalog", "metode",
                                  "presentasjon")]
            + [("embed", {"indikator": "2B-04"})])


def fits(tab: AppTab, size: dict[str, int]) -> list[str]:
    """What is wrong with the open page at this screen size (nothing: an empty list)."""
    tab.page.set_viewport_size(size)
    tab.page.wait_for_timeout(300)  # Streamlit and plotly lay out again on resize
    seen = tab.page.evaluate(MEASURE)
    wrong = []
    if seen["page"][0] > seen["page"][1] or seen["main"][0] > seen["main"][1]:
        wrong.append(f"{size['width']} px: scrolls sideways (page {seen['page']}, main "
                     f"{seen['main']}): {seen['sticking_out']}")
    if seen["nav_open"]:
        wrong.append(f"{size['width']} px: the navigation covers the page")
    return wrong


def test_reading_pages_fit_a_phone(browser: Browser, warm_app: str, model: PlanModel,
                                   axe_script: Path, shots_dir: Path) -> None:
    context = browser.new_context(viewport=PHONE, locale="nb-NO", is_mobile=True, has_touch=True)
    context.set_default_timeout(READY_TIMEOUT_MS)
    tab = AppTab(context.new_page(), warm_app)
    problems = []
    try:
        for path, params in reading_pages(model):
            name = "-".join(["phone", path or "oversikt", *params.values()])
            tab.open(path, **params)
            tab.page.set_viewport_size(PHONE)
            check_axe(tab, name, axe_script, shots_dir)  # also opens every table alternative
            problems += [f"/{path}{params}: {p}" for size in (PHONE, SMALL_PHONE)
                         for p in fits(tab, size)]
            tab.page.set_viewport_size(PHONE)
            tab.page.screenshot(path=str(shots_dir / f"{name}.png"))
    finally:
        context.close()
    assert not problems, "\n".join(problems)
