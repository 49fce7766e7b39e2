"""What a phone needs that Streamlit does not do itself: wide tables as stacked cards, formulas that fit.

Streamlit cannot tell the server how wide the reader's screen is, so every page sends one layout
and the browser adapts it with CSS: below PHONE_MAX px a card table shows each row as a card,
its first cell as the card's heading and every other cell named by its column. A page that
sends two versions puts them in containers keyed `wide_only_…` and `phone_only_…`: the screen's
width shows one of them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st

from indicators.style import GRID

PHONE_MAX = 640  # px: below this a table of several text columns no longer fits side by side

# The table keeps its roles when CSS makes its parts blocks (browsers may drop a table's
# semantics then), so a screen reader still hears "row 3, Status: …". The column headings stay
# for screen readers, out of sight; each cell shows its column's name instead (data-label).
_CSS = f"""
<style>
@media (max-width: {PHONE_MAX}px) {{
  table.cards, table.cards tbody, table.cards tr, table.cards td {{
    display: block !important; width: 100% !important; box-sizing: border-box;
  }}
  table.cards {{ border: none !important; }}
  table.cards thead, table.cards thead th {{
    position: absolute !important; width: 1px !important; height: 1px; overflow: hidden;
    clip-path: inset(50%); white-space: nowrap; padding: 0 !important; border: 0 !important;
  }}
  table.cards tr {{
    border: 1px solid {GRID} !important; border-radius: 0.5rem; padding: 0.5rem 0.75rem;
    margin-bottom: 0.75rem;
  }}
  table.cards td {{ border: none !important; padding: 0.1rem 0 !important; }}
  table.cards td:first-child {{ font-weight: 600; padding-bottom: 0.3rem !important; }}
  table.cards td[data-label]::before {{ content: attr(data-label) ": "; font-weight: 600; }}
  table.cards td:empty {{ display: none !important; }}
  table.cards td {{ overflow-wrap: anywhere; }}
  [class*="st-key-wide_only"] {{ display: none !important; }}
  /* Display formulas smaller, so the widest (the score's four cases) fits a 360 px screen. */
  .katex-display > .katex {{ font-size: 0.85em; }}
}}
@media (min-width: {PHONE_MAX + 1}px) {{
  [class*="st-key-phone_only"] {{ display: none !important; }}
}}
/* A formula is not a scrolling box, which a keyboard could not reach (axe
   scrollable-region-focusable): every formula fits the page, and a formula of several lines
   overflowed its box by a pixel or two. */
.katex-display {{ overflow: visible !important; }}
/* A metric's change ("+0,1 prosentpoeng fra januar 2025 (samme måned året før)") wraps rather
   than ending in "…" on a narrow screen. */
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto !important;
}}
</style>
"""


def apply() -> None:
    """The phone layout's CSS, once per run (dashboard.py), before the page runs."""
    st.html(_CSS)  # style-only: Streamlit puts it where it takes no space


def card_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table that a phone shows as one card per row, for st.markdown(unsafe_allow_html).

    Cells are HTML (escape text with `html.escape`); the first column heads each card. A row
    a line and no blank line, so markdown takes it whole as HTML and reads nothing inside it;
    the spaces around each cell's text keep its words apart in the page's source text.
    """
    head = "".join(f'<th role="columnheader" scope="col"> {html.escape(h)} </th>' for h in headers)
    body = []
    for row in rows:
        cells = [f'<td role="cell"> {row[0]} </td>']
        # A cell that names itself ("Kilde: NAV") is not labelled twice.
        cells += ['<td role="cell"></td>' if not c else
                  f'<td role="cell"> {c} </td>' if c.startswith(f"{h}:") else
                  f'<td role="cell" data-label="{html.escape(h, quote=True)}"> {c} </td>'
                  for h, c in zip(headers[1:], row[1:], strict=True)]
        body.append(f'<tr role="row">{"".join(cells)}</tr>')
    return "\n".join([f'<table class="cards" role="table"><thead role="rowgroup"><tr role="row">'
                      f'{head}</tr></thead><tbody role="rowgroup">', *body, "</tbody></table>"])


def frame_cards(frame: pd.DataFrame) -> None:
    """A table of text (from files: shown as text, never markup) as cards on a phone."""
    rows = [["" if pd.isna(v) else html.escape(str(v)).replace("\n", "<br>") for v in row]
            for row in frame.itertuples(index=False)]
    st.markdown(card_table([str(c) for c in frame.columns], rows), unsafe_allow_html=True)
