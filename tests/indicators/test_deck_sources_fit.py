"""The deck's Kilder slide: every source and the method note stay above the footer, measured
with Liberation Sans (Arial's metrics, LibreOffice's stand-in for it) as a renderer wraps them."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import duckdb
from PIL import ImageFont
from pptx import Presentation
from pptx.util import Emu, Pt

from indicators import deck
from indicators.model import PlanModel

FONTS = Path("/usr/share/fonts/truetype/liberation")  # Debian's fonts-liberation (chromium's)
POINT = 12700  # EMU


def font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), size=size * 10)  # tenths of a point


def paragraph_height(paragraph: object, width: float) -> float:
    """Points a paragraph takes when its runs are wrapped word by word at `width` points."""
    words = [(word, run.font.size.pt, bool(run.font.bold))
             for run in paragraph.runs for word in run.text.split(" ") if word]
    lines, used, tallest, height = 0, 0.0, 0.0, 0.0
    for word, size, bold in words:
        wide = font(size, bold).getlength(word + " ") / 10
        if used and used + wide > width:
            height += tallest * 1.2
            lines, used, tallest = lines + 1, 0.0, 0.0
        used, tallest = used + wide, max(tallest, size)
    return height + tallest * 1.2


def test_every_source_and_the_note_end_above_the_footer(
        model: PlanModel, fixture_con: duckdb.DuckDBPyConnection) -> None:
    prs = Presentation(io.BytesIO(deck.build_deck(model, fixture_con, today=date(2026, 12, 2))))
    slide = prs.slides[-1]
    assert slide.shapes.title.text == "Kilder"
    boxes = sorted((s for s in slide.shapes if s.has_text_frame and s.text_frame.text
                    and s.shape_id != slide.shapes.title.shape_id), key=lambda s: s.top)
    sources, footer = boxes[0], boxes[-1]
    assert footer.text_frame.text.startswith("Næringsmål Akershus")
    frame = sources.text_frame
    assert len(frame.paragraphs) > 10  # the deck of every goal: many sources and the note
    width = (sources.width - (frame.margin_left or 0) - (frame.margin_right or 0)) / POINT
    height = sum(paragraph_height(p, width) + (p.space_before or Pt(0)).pt
                 for p in frame.paragraphs) + ((frame.margin_top or 0) + (frame.margin_bottom
                                                                          or 0)) / POINT
    text_bottom = Emu(sources.top + int(height * POINT))
    assert text_bottom <= sources.top + sources.height <= footer.top, (
        f"the text ends at {text_bottom.inches:.2f} in, the footer starts at "
        f"{Emu(footer.top).inches:.2f} in")
    # Still a readable size, not shrunk away.
    assert min(r.font.size.pt for p in frame.paragraphs for r in p.runs) >= 10
