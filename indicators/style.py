"""The one visual language: colours, status icons and chart fonts, shared by pages, exports and decks."""

from __future__ import annotations

# Okabe–Ito based palette: separable for colour-blind readers; every line colour has ≥ 3:1
# contrast against white (WCAG 1.4.11), text colours ≥ 4.5:1.
PRIMARY = "#1D4F91"
TEXT = "#111111"  # = textColor in .streamlit/config.toml
MUTED_TEXT = "#4A4F55"  # 8:1 on white
GRID = "#D9DDE3"
BACKGROUND = "#FFFFFF"
FONT = "DejaVu Sans, Arial, sans-serif"

REGION_COLOURS = {
    "32": "#1D4F91",  # Akershus: the county's own line, strongest
    "02": "#1D4F91",  # the pre-2020 county takes Akershus' place where it is the headline
    "03": "#B45F06",  # Oslo: dark orange, 4.6:1
    "0": "#4A4F55",   # Hele landet: dark grey
}
SERIES_COLOURS = ["#1D4F91", "#B45F06", "#4A4F55", "#007A5A", "#A8326E", "#6A4C93"]
TARGET_COLOUR = "#007A5A"  # green-teal, 5.3:1
PROJECTION_COLOUR = "#6A4C93"
PROJECTION_BAND = "rgba(106, 76, 147, 0.15)"
SEQUENTIAL_SCALE = ["#DCE6F2", "#9DB9DC", "#5B86C0", "#1D4F91", "#0B2A55"]
MISSING_FILL = "#EEEEEE"

# Status: colour + shape + text label (the label comes from i18n: status.<key>). Colours pass
# 4.5:1 against white; the glyph (in DejaVu Sans, so it prints in images and slides too) and the
# Material icon differ per status, so colour is never alone.
STATUS_STYLE: dict[str, dict[str, str]] = {
    "target_achieved": {"glyph": "★", "colour": "#00703C", "icon": ":material/verified:", "symbol": "star"},
    "on_track": {"glyph": "●", "colour": "#007A5A", "icon": ":material/check_circle:", "symbol": "circle"},
    "moderate_progress": {"glyph": "▲", "colour": "#8A6D00", "icon": ":material/trending_up:",
                          "symbol": "triangle-up"},
    "limited_progress": {"glyph": "◆", "colour": "#B45F06", "icon": ":material/trending_flat:",
                         "symbol": "diamond"},
    "deterioration": {"glyph": "▼", "colour": "#B3261E", "icon": ":material/trending_down:",
                      "symbol": "triangle-down"},
    "not_available": {"glyph": "○", "colour": "#5F6368", "icon": ":material/help:", "symbol": "circle-open"},
    "not_assessed": {"glyph": "□", "colour": "#5F6368", "icon": ":material/info:", "symbol": "square-open"},
}


def region_colour(code: str, index: int = 0) -> str:
    """The colour of a region's line: fixed for the headline regions, else from the palette."""
    return REGION_COLOURS.get(code, SERIES_COLOURS[index % len(SERIES_COLOURS)])
