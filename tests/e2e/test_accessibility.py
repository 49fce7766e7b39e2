"""axe-core (WCAG 2.1 A and AA rules) on every page in both languages: no serious or critical issue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from indicators.i18n import t

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
RUN_AXE = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                            resultTypes: ["violations"]});
    return {version: axe.version, violations: result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                                  summary: n.failureSummary}))}))};
}"""

# axe leaves text it cannot place on a background "incomplete" (e.g. the sidebar, which other
# layers overlap), and Streamlit greys captions with `opacity`: measure those ourselves.
CAPTION_CONTRAST = """() => {
    const rgba = (c) => { const v = c.match(/[\\d.]+/g).map(Number); return v.length === 3 ? [...v, 1] : v; };
    const channel = (v) => (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const low = [];
    for (const box of document.querySelectorAll('[data-testid="stCaptionContainer"]')) {
        if (!box.getClientRects().length) continue;
        let alpha = rgba(getComputedStyle(box).color)[3];
        let bg = null;
        for (let n = box; n; n = n.parentElement) {
            const style = getComputedStyle(n);
            alpha *= Number(style.opacity);
            const colour = rgba(style.backgroundColor);
            if (!bg && colour[3] > 0) bg = colour;
        }
        bg = bg || [255, 255, 255, 1];
        const text = rgba(getComputedStyle(box).color);
        const fg = text.slice(0, 3).map((v, i) => v * alpha + bg[i] * (1 - alpha));
        const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < 4.5) low.push(`${ratio.toFixed(2)}:1 ${box.innerText.slice(0, 60)}`);
    }
    return low;
}"""


def run_axe(page: Page, axe_script: Path) -> dict:
    page.add_script_tag(path=str(axe_script))
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def open_expanders(tab) -> None:
    """Open every expander a reader can reach, so "show the figures as a table" is checked too."""
    # Expanders in a tab that is not shown are inert: a reader cannot open them, so neither do we.
    tab.page.evaluate("""() => {
        const closed = '[data-testid="stExpander"] details:not([open]) > summary';
        for (const summary of document.querySelectorAll(closed)) {
            if (!summary.closest('[inert]') && summary.getClientRects().length) summary.click();
        }
    }""")
    tab.wait_ready()


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}\n      {n['html']}\n      {n['summary']}" for n in v["nodes"]]
    return "\n".join(lines)


def check_axe(tab, name: str, axe_script: Path, shots_dir: Path) -> None:
    """Run axe on the open page; fail on serious or critical violations, keep a report of all."""
    assert not tab.errors(), "\n---\n".join(tab.errors())  # else axe would judge an error page
    open_expanders(tab)
    result = run_axe(tab.page, axe_script)
    # Kept for the accessibility statement: all findings, minor ones included.
    (shots_dir / f"axe-{name}.json").write_text(json.dumps(result, indent=1))
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    print(describe(result["violations"]))
    assert not blocking, f"axe {result['version']} on {name}:\n{describe(blocking)}"
    low = tab.page.evaluate(CAPTION_CONTRAST)
    assert not low, "captions below 4.5:1 (WCAG 1.4.3):\n" + "\n".join(low)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_serious_axe_violations(visits, app_page, lang: str, axe_script: Path,
                                  shots_dir: Path) -> None:
    tab = visits.open(app_page.path, lang=lang)
    tab.screenshot(f"page-{app_page.url_path}-{lang}")
    check_axe(tab, f"{app_page.url_path}-{lang}", axe_script, shots_dir)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_embedded_chart_has_no_serious_axe_violations(tab, lang: str, axe_script: Path,
                                                      shots_dir: Path) -> None:
    """The chart page for iframes is not in the navigation, so it is not in dashboard.PAGES."""
    tab.open("embed", indikator="2B-04", lang=lang)
    assert tab.page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').count() == 1
    check_axe(tab, f"embed-{lang}", axe_script, shots_dir)


def test_document_language_follows_the_reader(visits) -> None:
    """<html lang> says which voice a screen reader uses (WCAG 3.1.1)."""
    assert visits("", lang="en").lang == "en"
    assert visits("").lang == "nb"


FOCUSED = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    return {tag: e.tagName, testid: e.getAttribute("data-testid"),
            text: (e.getAttribute("aria-label") || e.innerText).trim().slice(0, 60),
            in_main: Boolean(e.closest('[data-testid="stMain"]')),
            in_radio: Boolean(e.closest('[data-testid="stSidebar"] [role="radiogroup"]')),
            outline: style.outlineStyle, visible: e.getBoundingClientRect().width > 0};
}"""


def tab_until(page: Page, wanted: str, limit: int = 40) -> dict:
    """Press Tab until the focused element has `wanted` set (e.g. in_radio); fail after `limit`."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused[wanted]:
            return focused
        seen.append(focused)
    raise AssertionError(f"no {wanted} after {limit} Tabs: {seen}")


def test_keyboard_skip_link_focus_ring_and_no_trap(tab) -> None:
    """First Tab: a skip link in the reader's language, to the page; then Tab reaches every part
    of a full page (charts, tabs, the data grid) and comes back round (WCAG 2.4.1, 2.4.7, 2.1.2)."""
    page = tab.open("indikator", id="2B-04")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert (first["testid"], first["text"]) == ("stSkipToContent", t("a11y.skip_to_main", "nb")), first
    page.keyboard.press("Tab")
    nav = page.evaluate(FOCUSED)
    assert nav["testid"] == "stSidebarNavLink" and nav["outline"] != "none", nav
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["testid"] == "stMain"
    control = tab_until(page, "visible")  # the next stop is the page's own first control
    assert control["in_main"], control
    stops = [control]
    while stops[-1]["testid"] != "stSkipToContent":
        assert len(stops) < 200, f"focus never came back round: {stops[-5:]}"
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    assert sum(stop["in_main"] for stop in stops) >= 10, stops


def test_keyboard_switches_language(tab) -> None:
    """The language radio is reachable with Tab and changes with an arrow key."""
    page = tab.open()
    tab_until(page, "in_radio")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"[?&]lang=en\b"))
    expect(page.get_by_role("heading", name=t("app.title", "en"))).to_be_visible()
