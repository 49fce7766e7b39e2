"""Take screenshots of app pages in headless Debian Chromium: `python tools/screenshot.py URL OUT.png`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: find `tools`

from playwright.sync_api import sync_playwright  # noqa: E402

from tools.chromium import launch  # noqa: E402


def shoot(url: str, out: str, height: int = 2400, width: int = 1400) -> None:
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector("[data-testid='stAppViewContainer']")
        page.wait_for_timeout(int(os.environ.get("SHOT_WAIT", "4000")))
        page.screenshot(path=out)
        browser.close()


if __name__ == "__main__":
    shoot(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:]))
