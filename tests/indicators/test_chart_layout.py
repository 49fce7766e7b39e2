"""Every text in a chart fits a phone and keeps clear of the others: the layout rules of
charts.common (wrapping by a character budget, the stack under the plot placed in pixels) on
figures built here from small frames; the same distances hold in an exported PNG's size."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from indicators import charts, export
from indicators.charts import common
from indicators.charts.common import (
    AXIS_ROOM,
    LEGEND_CHARS,
    LEGEND_GAP,
    LINE_CHARS,
    MAX_TICKS,
    MODEBAR,
    PAD,
    SOURCE_LINE_PX,
    SUBTITLE_CHARS,
    TITLE_CHARS,
    TITLE_LINE,
    TITLE_Y,
    from_bottom,
)
from indicators.charts.trend import TARGET_CHARS, BreakMark, Overlay
from tests.conftest import obs_frame

LONG_TITLE = "Andel unge mellom 15 og 29 år som verken er i arbeid, utdanning eller opplæring"
LONG_SOURCE = ("Kilde: Statistisk sentralbyrå, tabell 13563, og Utdanningsdirektoratet · "
               "Tall for skoleåret 2023/24 · publisert 14. mars 2025 · hentet 26. nov. 2026 · "
               "Akershus fylkeskommune")
LONG_NOTE = ("Brudd januar 2022: NAV måler nå arbeidsstyrken med registerdata i stedet for "
             "Arbeidskraftundersøkelsen (AKU); andelen før og etter kan ikke sammenlignes.")


def series(first: int, last: int, region: str = "32", start: float = 3.0) -> pd.DataFrame:
    return obs_frame([("T-01", region, str(y), y, "A", None, start + 0.1 * (y - first), None)
                      for y in range(first, last + 1)])


def figure(first: int = 2012, last: int = 2024, source: str = LONG_SOURCE,
           breaks: tuple[int, ...] = (2018, 2022), title: str = LONG_TITLE) -> object:
    """A trend with comparison lines, the method's lines, a target and two breaks."""
    frame = pd.concat([series(first, last), series(first, last, "03", 4.0),
                       series(first, last, "0", 3.5)])
    text = charts.ChartText(title, "Prosent · 2012–2024 · Akershus, Oslo og hele landet", source)
    fig = charts.trend(frame, {"32": "Akershus", "03": "Oslo", "0": "Hele landet"}, "percent",
                       text, "nb")
    labels = {"base": "Basisår 2012", "target": "Mål 2030: 2,0 % (forslag, ikke vedtatt)",
              "required": "Nødvendig utvikling for å nå målet", "projection": "Hvis trenden "
              "fortsetter", "band": "Usikkerhet i trenden (80 %)"}
    overlay = Overlay(labels=labels, base=(first, 3.0), target=(2030, 2.0),
                      required=[(y, 3.0 - (y - first) / (2030 - first)) for y in range(first, 2031)])
    charts.with_overlay(fig, overlay, "percent", "nb")
    marks = [BreakMark(pd.Timestamp(f"{year - 1}-07-01").date(), f"Brudd november {year}",
                       LONG_NOTE) for year in breaks]
    return charts.with_breaks(fig, marks)


def visible(text: str) -> list[str]:
    """The lines of a plotly text as a reader sees them (markup removed)."""
    return [re.sub(r"<[^>]+>", "", line) for line in text.split("<br>")]


def note(fig: object, name: str) -> object:
    return next(a for a in fig.layout.annotations if a.name == name)


def test_long_texts_are_wrapped_within_their_budgets_without_losing_a_word() -> None:
    fig = figure()
    title, *subtitle = fig.layout.title.text.split("<br><span")
    assert all(len(line) <= TITLE_CHARS for line in visible(title))
    assert len(visible(title)) > 1  # the long title is on several lines, none cut
    assert " ".join(visible(title)) == LONG_TITLE
    assert all(len(line) <= SUBTITLE_CHARS for part in subtitle for line in visible("<span" + part))
    # Each break's note and the source line: every word still there, in order.
    for name, original in (("source", LONG_SOURCE), ("notes", f"{LONG_NOTE} {LONG_NOTE}")):
        lines = visible(note(fig, name).text)
        assert all(len(line) <= LINE_CHARS for line in lines), (name, lines)
        assert len(lines) > 1
        assert " ".join(lines).replace(" · ", " ").split() == \
            original.replace(" · ", " ").split()


def test_wrap_keeps_parts_whole_and_breaks_only_what_is_too_long() -> None:
    assert common.wrap("Kilde: NAV · Tall for 2024 · hentet i dag", 26) == \
        ["Kilde: NAV · Tall for 2024", "hentet i dag"]
    assert common.wrap("a\nb", 10) == ["a", "b"]
    lines = common.wrap(LONG_NOTE, 40)
    assert all(len(line) <= 40 for line in lines) and " ".join(lines) == LONG_NOTE
    marked = "<span style='color:red'>■</span> " + "x " * 40
    assert common.wrap(marked, 20) == [marked]  # its author wrapped a line with markup


def test_source_notes_legend_and_axis_are_stacked_bottom_up_without_overlap() -> None:
    fig = figure()
    height = fig.layout.height
    source, notes = note(fig, "source"), note(fig, "notes")
    source_top = from_bottom(fig, source) + SOURCE_LINE_PX * len(visible(source.text))
    notes_top = from_bottom(fig, notes) + SOURCE_LINE_PX * len(visible(notes.text))
    assert from_bottom(fig, source) == pytest.approx(PAD)  # at the bottom edge
    assert from_bottom(fig, notes) >= source_top  # the notes on top of the source line
    legend_bottom = fig.layout.legend.y * height
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.yref == "container"
    assert legend_bottom >= notes_top + LEGEND_GAP - 1  # the legend above the notes
    # Where no legend makes room (plotly adds its rows on top), the axis' labels still have
    # room between the plot and the notes.
    assert fig.layout.margin.b >= notes_top + AXIS_ROOM
    # The notes start near the figure's left edge whatever the plot's margin, so a line of
    # LINE_CHARS fits a phone; they are placed from the plot's top, which a legend never moves.
    for each in (source, notes):
        assert each.xref == "paper" and each.x == 0 and each.xanchor == "left"
        assert fig.layout.margin.l + each.xshift == common.EDGE
        assert each.yref == "paper" and each.y == 1 and each.yanchor == "bottom"


def test_title_sits_below_the_toolbar_band_and_above_the_plot() -> None:
    fig = figure()
    title_lines = fig.layout.title.text.count("<br>") + 1
    assert fig.layout.title.yref == "container" and fig.layout.title.yanchor == "top"
    assert (1 - fig.layout.title.y) * fig.layout.height == pytest.approx(TITLE_Y)
    assert MODEBAR + TITLE_LINE * title_lines <= fig.layout.margin.t
    short = figure(title="Ledighet")
    # A title on more lines makes the figure taller, not the plot smaller.
    assert fig.layout.height - fig.layout.margin.t == short.layout.height - short.layout.margin.t


@pytest.mark.parametrize("preset", list(export.PRESETS))
def test_an_exported_size_keeps_every_distance_from_the_bottom_edge(preset: str) -> None:
    fig = figure()
    width, height = export.PRESETS[preset]
    out = export.sized(fig, width, height)
    for name in ("source", "notes"):
        assert from_bottom(out, note(out, name)) == pytest.approx(from_bottom(fig, note(fig, name)))
    assert out.layout.legend.y * height == pytest.approx(fig.layout.legend.y * fig.layout.height)
    assert (1 - out.layout.title.y) * height == pytest.approx(TITLE_Y)


@pytest.mark.parametrize(("first", "last"), [(2021, 2024), (2011, 2026), (1990, 2024)])
def test_few_year_labels_and_one_under_the_points(first: int, last: int) -> None:
    fig = figure(first, last, breaks=())
    axis = fig.layout.xaxis
    step = int(axis.dtick[1:]) // 12
    start, end = (pd.Timestamp(v) for v in axis.range)
    ticks = [y for y in range(start.year, end.year + 1)
             if y % step == 0 and start <= pd.Timestamp(f"{y}-01-01") <= end]
    assert 2 <= len(ticks) <= MAX_TICKS
    assert any(first <= y <= last for y in ticks)  # a year is written under the series itself
    # The target at 2030 is inside the range with room for its star.
    assert end > pd.Timestamp("2030-01-01")


def test_the_target_label_is_short_lines_ending_at_its_star() -> None:
    fig = figure()
    label = next(a for a in fig.layout.annotations if "Mål 2030" in (a.text or ""))
    assert all(len(line) <= TARGET_CHARS for line in visible(label.text))
    assert label.xref == "x" and label.xanchor == "right" and label.xshift < 0
    star = next(t for t in fig.data if t.marker.symbol == "star")
    assert pd.Timestamp(label.x) == pd.Timestamp(star.x[0]) and label.y == star.y[0]
    # The target lies below the lines here: its label goes above the star, away from the edge.
    assert label.yanchor == "bottom"


def test_break_labels_stay_inside_the_plot_of_a_phone() -> None:
    fig = figure(last=2026, breaks=(2014, 2026))
    labels = [a for a in fig.layout.annotations if (a.text or "").startswith("Brudd nov")]
    early, late = labels
    assert early.xanchor == "left"  # plenty of room on the right of an early break
    assert late.xanchor == "right"  # near the end: written to the left of its line
    assert late.yshift < early.yshift  # a row lower, never on the same line


def test_a_long_legend_entry_is_on_two_lines() -> None:
    text = charts.ChartText("T", "S", "Kilde: NAV")
    frame = pd.concat([series(2015, 2020), series(2015, 2020, "03")])
    long = "Akershus fylkeskommune (fylkesinndeling før 2020, tall fra SSB)"
    fig = charts.trend(frame, {"32": long, "03": "Oslo"}, "percent", text, "nb")
    names = [t.name for t in fig.data]
    assert all(len(line) <= LEGEND_CHARS for n in names for line in n.split("<br>"))
    assert names[0].replace("<br>", " ") == long


def test_beside_horizontal_bars_the_source_ends_at_the_right_edge() -> None:
    """Category labels move the plot's left edge by their length, which the server cannot know:
    the source line is then placed from the right edge, where nothing moves it."""
    fig = charts.ranked_bars(pd.concat([series(2024, 2024), series(2024, 2024, "03")]),
                             {"32": "Akershus", "03": "Oslo"}, "percent",
                             charts.ChartText("T", "S", LONG_SOURCE), "nb")
    source = note(fig, "source")
    assert source.x == 1 and source.xanchor == "right"
    assert fig.layout.margin.r - source.xshift == common.EDGE
    assert all(len(line) <= LINE_CHARS for line in visible(source.text))


@pytest.mark.parametrize(("lang", "written"), [("nb", "300 000"), ("en", "300,000")])
def test_large_axis_numbers_are_written_out_in_the_readers_format(lang: str, written: str) -> None:
    """Plotly's own `300k` is an English abbreviation: the axis says `300 000` (nb), `300,000`."""
    frame = obs_frame([("T-01", "32", str(y), y, "A", None, 290_000 + 5_000 * (y - 2018), None)
                       for y in range(2018, 2025)])
    fig = charts.trend(frame, {"32": "Akershus"}, "count",
                       charts.ChartText("Sysselsatte", "Personer", "Kilde: SSB"), lang)
    ticks = re.findall(r'class="ytick"><text[^>]*>([^<]+)<', export.to_svg_at(fig, 390).decode())
    assert written in ticks and not any(tick.endswith("k") for tick in ticks), ticks


def test_bar_names_stand_whole_above_their_bars_from_the_left_edge() -> None:
    """Beside the bars a long name lost its first words at a phone's left edge ("ntreprenørskap,
    inkludering"): above them it starts at the plot's edge, in lines that fit a phone."""
    names = {"a": "Sosialt entreprenørskap, inkludering og mangfold", "b": "Reiseliv"}
    table = pd.DataFrame({"scheme_id": ["a", "b"], "applied_nok_million": [50.0, 1.6],
                          "granted_nok_million": [20.0, 1.4]})
    fig = charts.scheme_bars(table, names, charts.ChartText("T", "S", LONG_SOURCE), "nb")
    assert fig.layout.yaxis.showticklabels is False
    labels = [a for a in fig.layout.annotations if a.name == "bar_label"]
    assert sorted(" ".join(visible(a.text)) for a in labels) == sorted(names.values())
    for label in labels:
        assert (label.xref, label.x, label.xanchor) == ("paper", 0, "left")
        assert all(len(line) <= common.BAR_LABEL_CHARS for line in visible(label.text))
    # Room after the longest bar for its value ("50 mill. kr", ~70 px) on a 320 px wide plot.
    assert fig.layout.xaxis.range[1] >= 50 * 1.4
