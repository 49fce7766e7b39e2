"""Accessibility fixes Streamlit does not make itself: page language, skip link, focus, scrolling tables."""

from __future__ import annotations

import json

import streamlit as st

from indicators.i18n import t
from indicators.style import PRIMARY

# BCP 47 codes for <html lang>: Streamlit's index.html always says "en", so a screen reader would
# read the Norwegian pages with an English voice (WCAG 3.1.1).
HTML_LANG = {"nb": "nb", "en": "en"}

# Runs in the app's own document (st.html is not iframed). Streamlit already renders a skip link
# to the main area as the first focusable element, but always in English: give it the reader's
# language. A table wider than the page scrolls sideways, and a keyboard can only scroll what it
# can focus (WCAG 2.1.1; axe `scrollable-region-focusable`): Streamlit makes such a table
# focusable only when it has a fixed size, so make every overflowing one a named, focusable region.
_SCRIPT = """
<span id="a11y-hook"></span>
<style>[data-testid="stElementContainer"]:has(#a11y-hook) { display: none; }</style>
<script>
(() => {
  const cfg = %s;
  window.__a11yConfig = cfg;
  document.documentElement.lang = cfg.lang;
  const relabel = () => {
    const link = document.querySelector('[data-testid="stSkipToContent"]');
    if (link && link.textContent !== cfg.skip) link.textContent = cfg.skip;
  };
  const focusableScrollers = () => {
    const { table } = window.__a11yConfig;
    for (const box of document.querySelectorAll('[data-testid="stTable"] > div')) {
      const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
      if (scrolls && box.getAttribute("tabindex") === null) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
      }
      if (box.getAttribute("role") === "region") box.setAttribute("aria-label", table);
    }
  };
  relabel();
  focusableScrollers();
  if (window.__a11yObserver) return;
  // Streamlit re-renders all the time: re-check after each burst of changes, once per frame.
  let queued = false;
  const check = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; relabel(); focusableScrollers(); });
  };
  window.__a11yObserver = new MutationObserver(check);
  window.__a11yObserver.observe(document.body, { childList: true, subtree: true });
  window.addEventListener("resize", check);
})();
</script>
"""


# Streamlit marks a focused navigation or page link only by a pale background (about 1.1:1):
# keyboard users need a clear ring (WCAG 2.4.7), in the primary colour (8.4:1 on white).
_FOCUS_CSS = f"""
<style>
a:focus-visible, summary:focus-visible, [data-testid="stTable"] > div:focus-visible {{
  outline: 2px solid {PRIMARY} !important;
  outline-offset: 2px;
}}
</style>
"""


def apply(lang: str) -> None:
    """Set <html lang>, translate the skip link, show focus, open wide tables to the keyboard.

    Call once per run, from dashboard.py, before the page runs."""
    config = {"lang": HTML_LANG.get(lang, "nb"), "skip": t("a11y.skip_to_main", lang),
              "table": t("a11y.scroll_table", lang)}
    st.html(_FOCUS_CSS)  # style-only: Streamlit puts it where it takes no space
    # In the main area, not the sidebar, so embedded pages (which have none) get it too; the
    # element hides its own container, so it leaves no gap at the top of the page.
    st.html(_SCRIPT % json.dumps(config), unsafe_allow_javascript=True)
