"""Debian's Chromium as Playwright starts it here: for browser tests, screenshots and benchmarks.

Never `playwright install`: it downloads a browser (docs/architecture.md). Without the
background-networking flags Chromium keeps trying to reach Google's hosts, which this machine's
closed network refuses.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch(playwright: Playwright) -> Browser:
    """Headless Debian Chromium."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
