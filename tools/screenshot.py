"""Take screenshots of app pages in headless Debian Chromium: `python tools/screenshot.py URL OUT.png`."""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def shoot(url: str, out: str, height: int = 2400, width: int = 1400) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector("[data-testid='stAppViewContainer']")
        page.wait_for_timeout(int(__import__("os").environ.get("SHOT_WAIT", "4000")))
        page.screenshot(path=out)
        browser.close()


if __name__ == "__main__":
    shoot(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:]))
