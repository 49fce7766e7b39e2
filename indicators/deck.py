"""The briefing deck: a 16:9 PowerPoint with the vision, each goal, each indicator and the sources.

Charts are native PowerPoint charts (editable, their numbers in the embedded sheet are the stored
values); the municipal map is drawn as PowerPoint shapes, one per municipality.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import cast

import duckdb
import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.chart.data import ChartData, XyChartData, XyDataPoint, XySeriesData
from pptx.chart.series import XySeries
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PresentationObject
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.shapetree import GroupShapes
from pptx.slide import Slide
from pptx.table import _Cell
from pptx.text.text import Font, TextFrame, _Paragraph
from pptx.util import Emu, Inches, Length, Pt

from indicators import briefing, comments, county_rank, explain, export, store, style, views
from indicators import funding as fund
from indicators.charts import BreakMark, ValueCard, regional
from indicators.charts.common import with_x
from indicators.charts.funding import ASSESSED_COLOUR
from indicators.i18n import (
    UNIT_DECIMALS,
    first_upper,
    format_date,
    format_period,
    format_value,
    quoted,
    t,
)
from indicators.model import Goal, Indicator, PlanModel
from indicators.progress import Assessment
from indicators.verdict import RollupText

Progress = briefing.Progress

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
FONT = "Arial"  # on every office PC; LibreOffice substitutes Liberation Sans (same metrics)
# python-pptx 1.0 leaves RGBColor's constructors unannotated; these names give them their types.
_hex_colour: Callable[[str], RGBColor] = RGBColor.from_string
_rgb: Callable[[int, int, int], RGBColor] = RGBColor
_xy_chart_data: Callable[[], XyChartData] = XyChartData  # unannotated too

BLUE = _hex_colour(style.PRIMARY[1:])
TEXT = _hex_colour(style.TEXT[1:])
MUTED = _hex_colour(style.MUTED_TEXT[1:])
GRID = _hex_colour(style.GRID[1:])
BAND = _rgb(0xEE, 0xF2, 0xF8)
DASHES = [MSO_LINE_DASH_STYLE.SOLID, MSO_LINE_DASH_STYLE.DASH, MSO_LINE_DASH_STYLE.ROUND_DOT]
# The locale prefix makes LibreOffice write a decimal comma in Norwegian whatever the machine's
# locale; PowerPoint shows the reader's own separators either way.
LOCALE_CODE = {"nb": "[$-414]", "en": "[$-809]"}
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"


@dataclass
class Deck:
    """A presentation being built, with what every slide's footer needs."""

    prs: PresentationObject
    lang: str
    today: date

    def slide(self, title: str | None) -> Slide:
        """A new slide with the "Title Only" layout (slide titles are what screen readers list)."""
        layout = self.prs.slide_layouts[5 if title is not None else 6]
        slide: Slide = self.prs.slides.add_slide(layout)  # `slides` is unannotated
        if title is not None:
            shape = slide.shapes.title
            assert shape is not None  # layout 5 ("Title Only") has a title placeholder
            shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.3), \
                Emu(WIDTH - 2 * MARGIN), Inches(0.9)
            _text(shape.text_frame, title, 28, bold=True, colour=BLUE)
            shape.text_frame.margin_left = shape.text_frame.margin_right = 0
            shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            shape.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        self._footer(slide)
        return slide

    def _footer(self, slide: Slide) -> None:
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(0), Emu(HEIGHT - Inches(0.12)), WIDTH,
                                      Inches(0.12))
        band.fill.solid()
        band.fill.fore_color.rgb = BLUE
        band.line.fill.background()
        footer = t("deck.footer", self.lang, date=format_date(self.today, self.lang),
                   n=len(self.prs.slides))
        box = _box(slide, MARGIN, HEIGHT - Inches(0.5), WIDTH - 2 * MARGIN, Inches(0.3))
        _text(box, footer, 10, colour=MUTED)


# ---- text helpers -------------------------------------------------------------------------------


def _text(frame: TextFrame, text: str, size: float, bold: bool = False, italic: bool = False,
          colour: RGBColor = TEXT) -> _Paragraph:
    """Replace a text frame's text with one run in the deck's font."""
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    for extra in frame.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    paragraph.text = ""
    run = paragraph.add_run()
    run.text = text
    _font(run.font, size, bold, italic, colour)
    return paragraph


def _font(font: Font, size: float, bold: bool = False, italic: bool = False,
          colour: RGBColor = TEXT) -> None:
    font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
    font.color.rgb = colour


def _new_paragraph(frame: TextFrame) -> _Paragraph:
    add: Callable[[], _Paragraph] = frame.add_paragraph  # unannotated in python-pptx 1.0
    return add()


def _add_paragraph(frame: TextFrame, text: str, size: float, bold: bool = False,
                   italic: bool = False, colour: RGBColor = TEXT, space_before: float = 6) -> _Paragraph:
    paragraph = _new_paragraph(frame)
    paragraph.space_before = Pt(space_before)
    run = paragraph.add_run()
    run.text = text
    _font(run.font, size, bold, italic, colour)
    return paragraph


def _set_notes(slide: Slide, text: str) -> None:
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None  # the default notes master has a body placeholder
    frame.text = text


def _box(slide: Slide, left: int, top: int, width: int, height: int) -> TextFrame:
    frame: TextFrame = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width),
                                                Emu(height)).text_frame  # text_frame: unannotated
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Emu(0)
    return frame


def _status_runs(paragraph: _Paragraph, status: str, lang: str, size: float,
                 label: str | None = None) -> None:
    """Glyph and label in the status colour: shape and text, never colour alone."""
    spec = style.STATUS_STYLE[status]
    colour = _hex_colour(spec["colour"][1:])
    run = paragraph.add_run()
    run.text = f"{spec['glyph']} {label or t(f'status.{status}', lang)}"
    _font(run.font, size, bold=True, colour=colour)


# ---- the slides ---------------------------------------------------------------------------------


def title_slide(deck: Deck, model: PlanModel, goals: list[Goal],
                latest: list[views.Summary] | None = None) -> None:
    lang = deck.lang
    slide = deck.slide(None)
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(0), Emu(0), WIDTH, Inches(0.35))
    band.fill.solid()
    band.fill.fore_color.rgb = BLUE
    band.line.fill.background()
    title = slide.shapes.add_textbox(MARGIN, Inches(1.4), Emu(WIDTH - 2 * MARGIN), Inches(1.2))
    # The deck's title is a real title placeholder nowhere; name it for the outline view.
    title.name = "Title"
    _text(title.text_frame, t("app.title", lang), 44, bold=True, colour=BLUE)
    _add_paragraph(title.text_frame, briefing.scope(model, goals, lang), 24, colour=TEXT,
                   space_before=8)
    vision = _box(slide, MARGIN, Inches(3.3), Inches(10.5), Inches(1.6))
    _text(vision, t("vision.label", lang), 14, bold=True, colour=MUTED)
    _add_paragraph(vision, quoted(model.vision.get(lang), lang), 26, italic=True, space_before=4)
    when = _box(slide, MARGIN, Inches(5.3), Inches(10.5), Inches(0.9))
    # What the figures are for, not the day the deck was made (that comes second, and says so).
    figures = briefing.figures_for(latest or [], lang)
    _text(when, figures or t("deck.made", lang, date=format_date(deck.today, lang)), 16)
    if figures:
        _add_paragraph(when, t("deck.made", lang, date=format_date(deck.today, lang)), 14,
                       colour=MUTED, space_before=2)
    _add_paragraph(when, t("deck.organisation", lang), 16, bold=True, colour=BLUE, space_before=2)


def goal_slide(deck: Deck, goal: Goal, verdict: RollupText, rows: list[dict[str, str | None]],
               assessments: dict[str, Assessment]) -> None:
    lang = deck.lang
    slide = deck.slide(t("goal.heading", lang, id=goal.id, name=goal.name.get(lang)))
    quote = _box(slide, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(1.2))
    _text(quote, quoted(goal.text.get(lang), lang), 22, italic=True)
    line = _box(slide, MARGIN, Inches(2.4), WIDTH - 2 * MARGIN, Inches(1.0))
    paragraph = line.paragraphs[0]
    _status_runs(paragraph, verdict.status, lang, 18, verdict.label)
    run = paragraph.add_run()
    run.text = " — " + verdict.basis_with_ids()
    _font(run.font, 16, colour=TEXT)
    if verdict.left_out:
        _add_paragraph(line, verdict.left_out_sentence(), 11, colour=MUTED, space_before=4)
    _indicator_table(slide, rows, assessments, lang, top=Inches(3.5))


TABLE_COLUMNS = (("col.indicator", 4.8), ("col.value", 1.9), ("dates.col.period", 1.8),
                 ("col.status", 3.833))


def _indicator_table(slide: Slide, rows: list[dict[str, str | None]], assessments: dict[str, Assessment],
                     lang: str, top: int) -> None:
    """Each indicator of the goal: latest value, its period and status (a native table)."""
    height = Inches(0.4) * (len(rows) + 1)
    shape = slide.shapes.add_table(len(rows) + 1, len(TABLE_COLUMNS), MARGIN, Emu(top),
                                   Emu(WIDTH - 2 * MARGIN), Emu(height))
    table = shape.table
    for index, (key, inches) in enumerate(TABLE_COLUMNS):
        table.columns[index].width = Inches(inches)
        _cell(table.cell(0, index), t(key, lang), bold=True, colour=_rgb(255, 255, 255),
              fill=BLUE)
    for r, row in enumerate(rows, start=1):
        fill = BAND if r % 2 == 0 else _rgb(255, 255, 255)
        _cell(table.cell(r, 0), f"{row['id']} {row['name']}", fill=fill)
        _cell(table.cell(r, 1), row["value"] or "", fill=fill)
        _cell(table.cell(r, 2), row["period"] or "", fill=fill)
        cell = table.cell(r, 3)
        _cell(cell, "", fill=fill)
        _status_runs(cell.text_frame.paragraphs[0], assessments[row["id"] or ""].status, lang, 13)
        note = row.get("status_note")
        if note:
            paragraph = _new_paragraph(cell.text_frame)
            paragraph.text = note
            paragraph.runs[0].font.size = Pt(10)


def _cell(cell: _Cell, text: str, bold: bool = False, colour: RGBColor = TEXT,
          fill: RGBColor | None = None) -> None:
    _text(cell.text_frame, text, 13, bold=bold, colour=colour)
    cell.margin_top = cell.margin_bottom = Inches(0.04)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    if fill is not None:
        cell.fill.solid()  # type: ignore[no-untyped-call]  # FillFormat.solid: unannotated
        cell.fill.fore_color.rgb = fill


CHART_BOX = (MARGIN, Inches(1.65), Inches(8.4), Inches(4.95))
PANEL_LEFT, PANEL_WIDTH = Inches(9.2), Inches(3.65)


def indicator_slide(deck: Deck, model: PlanModel, data: export.IndicatorData,
                    regions: list[str] | None, comment: comments.Comment | None = None,
                    rank: county_rank.CountyRank | None = None) -> None:
    lang = deck.lang
    indicator = data.indicator
    slide = deck.slide(f"{indicator.id} {indicator.name.get(lang)}")
    trend = export.trend_rows(model, data, lang, _regions(indicator, regions))
    points = int(trend.frame["value"].notna().sum())
    if points == 0:
        _no_data(slide, data, lang)
    else:
        sub = _box(slide, MARGIN, Inches(1.2), Inches(8.4), Inches(0.4))
        subtitle = " · ".join(p for p in (first_upper(views.unit_text(indicator, lang)),
                                           _span(trend, lang)) if p)
        _text(sub, subtitle, 14, colour=MUTED)
        card = views.one_value(model, indicator, data.frame, lang)
        if points > 1 and (card is None or indicator.headline_region not in trend.names):
            native_chart(slide, trend, data, lang, CHART_BOX)
        else:  # one number is not a trend: the value in words instead of a lone dot
            _value_card(slide, card, indicator, lang)
        _panel(slide, model, data, lang, rank)
    _source_line(slide, data, lang)
    _notes(slide, data, lang, comment)


def _value_card(slide: Slide, card: ValueCard | None, indicator: Indicator, lang: str) -> None:
    """Where the chart would be: "Bare én måling", the value, its area and period, its source."""
    left, top, width, height = MARGIN, Inches(1.9), Inches(8.0), Inches(4.4)
    back = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    back.fill.solid()
    back.fill.fore_color.rgb = BAND
    back.line.fill.background()
    back.shadow.inherit = False
    frame = _box(slide, left + Inches(0.4), top + Inches(0.3), width - Inches(0.8),
                 height - Inches(0.6))
    if card is None:
        _text(frame, t("deck.single_value", lang), 18, colour=MUTED)
    else:
        _text(frame, card.heading, 20, bold=True, colour=MUTED)
        _add_paragraph(frame, card.value, 54, bold=True, colour=BLUE, space_before=4)
        _add_paragraph(frame, card.place, 20, space_before=2)
        _add_paragraph(frame, card.source, 14, colour=MUTED, space_before=10)
        _add_paragraph(frame, card.note, 14, colour=MUTED, space_before=4)
    _add_paragraph(frame, f"{t('indicator.definition', lang)}: {indicator.definition.get(lang)}",
                   14, space_before=16)


# Absolute amounts of the whole country dwarf a county's line; rates compare across areas.
ABSOLUTE_UNITS = {"count", "thousand_persons", "nok_million"}


def _regions(indicator: Indicator, regions: list[str] | None) -> list[str]:
    """The headline region first, then the comparison regions: the chosen ones, by default
    Oslo and Norway (only Oslo for absolute amounts)."""
    if regions is None:
        regions = [c for c in views.COMPARISON
                   if not (indicator.unit in ABSOLUTE_UNITS and c == "0")]
    return [indicator.headline_region, *[r for r in regions if r != indicator.headline_region]]


def _span(trend: views.TrendData, lang: str) -> str:
    """`januar 2011–januar 2026`, or one period when there is only one."""
    span = views.trend_span(trend, lang)
    first, _, last = span.partition("–")
    return first if first == last else span


def _panel(slide: Slide, model: PlanModel, data: export.IndicatorData, lang: str,
           rank: county_rank.CountyRank | None = None) -> None:
    """Status, latest value, change, Akershus's place among the counties and target beside
    the chart."""
    s, a, indicator = data.summary, data.assessment, data.indicator
    frame = _box(slide, PANEL_LEFT, Inches(1.3), PANEL_WIDTH, Inches(5.2))
    frame.paragraphs[0].text = ""
    _status_runs(frame.paragraphs[0], a.status, lang, 18)
    if s.has_data:
        region = model.region_name(s.region_code, lang)
        _add_paragraph(frame, t("indicator.latest", lang, region=region,
                                period=views.period_text(s, lang)), 13, colour=MUTED,
                       space_before=14)
        _add_paragraph(frame, views.value_text(s, lang), 34, bold=True, colour=BLUE,
                       space_before=0)
        change = views.change_text(s, lang)
        if change:
            _add_paragraph(frame, change, 13, space_before=2)
    if rank is not None:
        _add_paragraph(frame, rank.text(lang), 13, bold=True, space_before=6)
    if indicator.target:
        _add_paragraph(frame, explain.target_label(indicator, lang), 14, bold=True,
                       space_before=12)
    _add_paragraph(frame, explain.sentence(indicator, a, lang), 13, space_before=12)


def _no_data(slide: Slide, data: export.IndicatorData, lang: str) -> None:
    indicator = data.indicator
    frame = _box(slide, MARGIN, Inches(1.5), Inches(11), Inches(4.5))
    frame.paragraphs[0].text = ""
    _status_runs(frame.paragraphs[0], data.assessment.status, lang, 18)
    _add_paragraph(frame, t("indicator.no_data", lang), 18, space_before=14)
    _add_paragraph(frame, indicator.definition.get(lang), 14, space_before=14)
    if indicator.data_note:
        _add_paragraph(frame, f"{t('indicator.what_missing', lang)}: "
                              f"{indicator.data_note.get(lang)}", 14, space_before=10)


def _source_line(slide: Slide, data: export.IndicatorData, lang: str,
                 period: str | None = None) -> None:
    """The same line as under the page's chart: source, the figures' dates (of `period` when
    the slide shows another period than the latest), the county's name; on one line here."""
    text = views.chart_text(data.indicator, data.summary, "", lang,
                            period=period).source_line.replace("\n", " · ")
    frame = _box(slide, MARGIN, Inches(6.62), WIDTH - 2 * MARGIN, Inches(0.35))
    _text(frame, text, 12, colour=MUTED)


def _notes(slide: Slide, data: export.IndicatorData, lang: str,
           comment: comments.Comment | None = None) -> None:
    """Speaker notes: the method in a sentence and every number behind the status, after the
    planner's comment on the latest period (why it moved), when there is one."""
    indicator, a = data.indicator, data.assessment
    lines = [comments.note_text(comment, lang), ""] if comment else []
    lines += [explain.sentence(indicator, a, lang), ""]
    rows = explain.calculation_rows(indicator, a, lang)
    lines += [f"{field}: {content}" for field, content in rows.itertuples(index=False)]
    lines += ["", f"{t('indicator.definition', lang)}: {indicator.definition.get(lang)}"]
    lines += [mark.note for mark in explain.break_marks(indicator, data.frame, lang)]
    if indicator.data_note:
        lines.append(f"{t('indicator.what_missing', lang)}: {indicator.data_note.get(lang)}")
    _set_notes(slide, "\n".join(lines))


# ---- the native chart ---------------------------------------------------------------------------


def native_chart(slide: Slide, trend: views.TrendData, data: export.IndicatorData, lang: str,
                 box: tuple[Length, Length, Length, Length]) -> Chart:
    """Lines per region as an XY chart: x is the period's place in years, y the stored value."""
    indicator = data.indicator
    unit = indicator.unit
    chart_data = _xy_chart_data()
    label_format = _number_format(unit, lang)
    regions = _series_rows(trend)
    for code, rows in regions:
        _add_series(chart_data, trend.names.get(code, code), label_format,
                    [(x, float(y)) for x, y in zip(rows["xpos"], rows["value"], strict=True)])
    extra = _overlay_series(chart_data, data, lang, label_format, trend)
    marks = _break_series(chart_data, data, lang, label_format, trend, regions)
    kind = XL_CHART_TYPE.XY_SCATTER_LINES if max(len(r) for _, r in regions) <= 30 else \
        XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS
    # python-pptx 1.0 annotates add_chart as taking category data and returning the chart; it
    # takes any chart data and returns the graphic frame that holds the chart.
    frame = cast(GraphicFrame, slide.shapes.add_chart(kind, *box, cast(ChartData, chart_data)))
    chart = frame.chart
    _style_chart(chart, trend, data, lang, regions, extra)
    _style_breaks(chart, marks, first=len(regions) + len(extra))
    return chart


def _series_rows(trend: views.TrendData) -> list[tuple[str, pd.DataFrame]]:
    data = with_x(trend.frame[trend.frame["value"].notna()])
    data["xpos"] = [_xpos(x) for x in data["x"]]
    order = [c for c in trend.names if c in set(data["region_code"])]
    return [(c, data[data["region_code"] == c].sort_values("xpos")) for c in order]


def _add_series(chart_data: XyChartData, name: str, number_format: str,
                points: Iterable[tuple[float, float]]) -> None:
    """A series of (x, y) points, drawn straight (python-pptx writes XY series unsmoothed).
    python-pptx 1.0 leaves its chart data unannotated, so the methods get their types here."""
    add: Callable[..., XySeriesData] = chart_data.add_series
    series = add(name, number_format=number_format)
    add_point: Callable[[float, float], XyDataPoint] = series.add_data_point
    for x, y in points:
        add_point(x, y)


def _xpos(day: date) -> float:
    """A date as a decimal year, so months sit between the year ticks."""
    return round(day.year + (day.month - 1) / 12, 4)


def _overlay_series(chart_data: XyChartData, data: export.IndicatorData, lang: str,
                    label_format: str, trend: views.TrendData) -> list[str]:
    """The required path and the target, as on the page (assessed indicators only)."""
    indicator = data.indicator
    if indicator.direction == "none" or indicator.headline_region not in trend.names:
        return []
    overlay = explain.overlay(indicator, data.frame, data.assessment, lang)
    offset = 0.5 if overlay.mid_year else 0.0
    kinds = []
    if overlay.required:
        _add_series(chart_data, overlay.labels["required"], label_format,
                    [(year + offset, value) for year, value in overlay.required])
        kinds.append("required")
    if overlay.target is not None:
        _add_series(chart_data, overlay.labels["target"], label_format,
                    [(overlay.target[0] + offset, overlay.target[1])])
        kinds.append("target")
    return kinds


def _break_series(chart_data: XyChartData, data: export.IndicatorData, lang: str,
                  label_format: str, trend: views.TrendData,
                  regions: list[tuple[str, pd.DataFrame]]) -> list[BreakMark]:
    """Each break in the shown periods as a vertical line: two points at the break, from the
    lowest to the highest value drawn (from 0 for a share, as the axis starts there)."""
    marks = explain.break_marks(data.indicator, trend.frame, lang)
    if not marks:
        return []
    ys = [float(y) for _, rows in regions for y in rows["value"]]
    target = data.indicator.target
    if target and data.indicator.direction != "none":
        ys.append(target.value)
    low, high = (0.0 if min(ys) >= 0 and data.indicator.unit == "percent" else min(ys)), max(ys)
    for index, mark in enumerate(marks):
        x = _xpos(mark.x)
        # The middle point carries the label: each further break's label a row lower, so close
        # ones stay apart.
        _add_series(chart_data, mark.label, label_format,
                    [(x, low), (x, high - (high - low) * 0.07 * index), (x, high)])
    return marks


def _style_breaks(chart: Chart, marks: list[BreakMark], first: int) -> None:
    """Dashed grey lines labelled at their top; left out of the legend, the label says it."""
    series = list(chart.plots[0].series)[first:first + len(marks)]
    for one, mark in zip(series, marks, strict=True):
        one.format.line.color.rgb = MUTED
        one.format.line.width = Pt(1.5)
        one.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        one.marker.style = XL_MARKER_STYLE.NONE
        label = one.points[1].data_label  # the middle point (_break_series)
        _text(label.text_frame, mark.label, 11, colour=MUTED)
        # The latest break's label to the right of its line, earlier ones to the left: a
        # label never runs into the next break's line.
        last = mark is marks[-1]
        label.position = XL_LABEL_POSITION.RIGHT if last else XL_LABEL_POSITION.LEFT
    legend = chart.legend._element
    after = legend.find(f"{{{C_NS}}}legendPos")
    for index in range(first + len(marks) - 1, first - 1, -1):
        entry = etree.SubElement(legend, f"{{{C_NS}}}legendEntry")
        etree.SubElement(entry, f"{{{C_NS}}}idx").set("val", str(index))
        etree.SubElement(entry, f"{{{C_NS}}}delete").set("val", "1")
        legend.remove(entry)
        # CT_Legend wants its legendEntry elements right after legendPos.
        (after.addnext(entry) if after is not None else legend.insert(0, entry))


def _number_format(unit: str, lang: str) -> str:
    """An Excel number format with the unit: `#,##0.0" %"`. Office shows it with the reader's
    own separators (decimal comma on a Norwegian PC)."""
    decimals = UNIT_DECIMALS.get(unit, 1)
    code = "#,##0" + ("." + "0" * decimals if decimals else "")
    suffix = t(f"unit.{unit}.suffix", lang)
    return LOCALE_CODE[lang] + (f'{code}" {suffix}"' if suffix else code)


def _style_chart(chart: Chart, trend: views.TrendData, data: export.IndicatorData, lang: str,
                 regions: list[tuple[str, pd.DataFrame]], extra: list[str]) -> None:
    chart.font.name, chart.font.size = FONT, Pt(12)
    chart.font.color.rgb = TEXT
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)
    plot_series = list(chart.plots[0].series)
    for index, (code, rows) in enumerate(regions):
        _style_line(plot_series[index], style.region_colour(code, index), 3.0 if index == 0 else 2.0,
                    DASHES[min(index, 2)], markers=len(rows) <= 30)
    _last_value_label(plot_series[0], len(regions[0][1]), room_right="target" in extra)
    rest = plot_series[len(regions):len(regions) + len(extra)]
    for series, kind in zip(rest, extra, strict=True):
        _style_overlay(series, kind, data, lang)
    _axes(chart, regions, data, lang)
    _set_language(chart, lang)


def _style_line(series: XySeries, colour: str, width: float, dash: MSO_LINE_DASH_STYLE,
                markers: bool) -> None:
    line = series.format.line
    line.color.rgb = _hex_colour(colour[1:])
    line.width = Pt(width)
    line.dash_style = dash
    marker = series.marker
    if markers:
        marker.style, marker.size = XL_MARKER_STYLE.CIRCLE, 6
        marker.format.fill.solid()
        marker.format.fill.fore_color.rgb = _hex_colour(colour[1:])
        marker.format.line.color.rgb = _hex_colour(colour[1:])
    else:
        marker.style = XL_MARKER_STYLE.NONE


def _last_value_label(series: XySeries, n: int, room_right: bool) -> None:
    """The headline's latest value written at its end: the number a reader looks for first."""
    label = series.points[n - 1].data_label
    label.show_value = True
    label.position = XL_LABEL_POSITION.RIGHT if room_right else XL_LABEL_POSITION.ABOVE
    label.font.size, label.font.bold = Pt(13), True
    label.font.color.rgb = BLUE


def _style_overlay(series: XySeries, kind: str, data: export.IndicatorData, lang: str) -> None:
    colour = _hex_colour(style.TARGET_COLOUR[1:])
    if kind == "required":
        series.format.line.color.rgb = colour
        series.format.line.width = Pt(2)
        series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        series.marker.style = XL_MARKER_STYLE.NONE
        return
    series.format.line.fill.background()
    series.marker.style, series.marker.size = XL_MARKER_STYLE.DIAMOND, 13
    series.marker.format.fill.solid()
    series.marker.format.fill.fore_color.rgb = colour
    series.marker.format.line.color.rgb = colour
    label = series.points[0].data_label
    target = data.indicator.target
    assert target is not None  # a "target" series is drawn only for an indicator with one
    _text(label.text_frame, t("target.label", lang, year=target.year,
                              value=format_value(target.value, data.indicator.unit, lang)),
          12, bold=True, colour=colour)
    label.position = XL_LABEL_POSITION.ABOVE


def _axes(chart: Chart, regions: list[tuple[str, pd.DataFrame]], data: export.IndicatorData,
          lang: str) -> None:
    x_axis, y_axis = chart.category_axis, chart.value_axis
    xs = [x for _, rows in regions for x in rows["xpos"]]
    target = data.indicator.target
    last = max(xs + ([target.year + 0.5] if target and data.indicator.direction != "none" else []))
    first = math.floor(min(xs))
    x_axis.minimum_scale = first
    x_axis.maximum_scale = max(math.ceil(last), first + 1)
    span = x_axis.maximum_scale - first
    x_axis.major_unit = 1 if span <= 10 else (2 if span <= 20 else 5)
    x_axis.tick_labels.number_format, x_axis.tick_labels.number_format_is_linked = "0", False
    x_axis.has_major_gridlines = False
    # Labels at the bottom edge even when values go below zero.
    x_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    x_axis.format.line.color.rgb = MUTED
    y_axis.has_major_gridlines = True
    y_axis.major_gridlines.format.line.color.rgb = GRID
    y_axis.format.line.fill.background()
    ys = [y for _, rows in regions for y in rows["value"]]
    y_axis.tick_labels.number_format_is_linked = False
    y_axis.tick_labels.number_format = LOCALE_CODE[lang] + (
        "#,##0" if max(abs(v) for v in ys) >= 100 else "General")
    if min(ys) >= 0 and data.indicator.unit == "percent":
        y_axis.minimum_scale = 0


def _set_language(chart: Chart, lang: str) -> None:
    """Mark the chart's text as Norwegian (or English), so spelling and formats follow it."""
    space = chart._chartSpace
    if space.find(f"{{{C_NS}}}lang") is None:
        node = etree.SubElement(space, f"{{{C_NS}}}lang")
        node.set("val", "nb-NO" if lang == "nb" else "en-GB")
        # CT_ChartSpace wants <c:lang> before <c:chart> (after an optional <c:date1904>).
        first = space.find(f"{{{C_NS}}}date1904")
        space.remove(node)
        (first.addnext(node) if first is not None else space.insert(0, node))


# ---- maps: the municipalities as native shapes ------------------------------------------------

MAP_BOX = (Inches(5.6), Inches(5.4))  # the map's width and height on the slide
LEGEND_ROW = Inches(0.36)


@dataclass(frozen=True)
class MunicipalMap:
    """A municipal map for a slide: the period's figures and the words that go with it."""

    data: export.IndicatorData
    period: str
    title: str
    summary: str
    rows: pd.DataFrame  # region_code, value: the municipalities' figures for the period
    names: dict[str, str]
    note: str = ""  # "Kommunetallene går til oktober 2022; fylket har tall til januar 2026"

    @property
    def indicator(self) -> Indicator:
        return self.data.indicator


def municipal_map(model: PlanModel, data: export.IndicatorData, lang: str) -> MunicipalMap | None:
    """The municipalities in the latest period, as on the page's map (None: no municipal figures)."""
    periods = views.municipal_periods(model, data.frame)
    if not periods:
        return None
    period = periods[0]
    rows = views.municipal_rows(model, data.frame, period)
    names = views.municipal_names(model, lang)
    indicator = data.indicator
    title = t("regional.map_title", lang, name=indicator.name.get(lang),
              period=format_period(period, lang))
    summary = views.municipal_summary(rows, names, indicator.unit, period, lang,
                                      word=indicator.word(lang))
    note = views.municipal_period_note(period, data.summary.period, lang)
    return MunicipalMap(data, period, title, summary, rows, names, note)


def map_slide(deck: Deck, municipal: MunicipalMap) -> None:
    """A slide with the map drawn as PowerPoint shapes (editable, sharp at any size, no browser
    needed), its legend, and its summary beside it and in the notes."""
    lang, indicator = deck.lang, municipal.indicator
    slide = deck.slide(t("deck.map_title", lang, id=indicator.id, name=indicator.name.get(lang),
                         period=format_period(municipal.period, lang)))
    areas = regional.map_areas(municipal.rows, indicator.unit, lang)
    group = slide.shapes.add_group_shape()
    _draw_areas(group.shapes, areas, municipal, lang, MARGIN, Inches(1.4))
    group.name = municipal.title
    # The map's alternative text: what it says, for screen readers.
    # python-pptx types the child-element descriptor as a union with itself: it is the element.
    group._element.nvGrpSpPr.cNvPr.set("descr", municipal.summary)  # type: ignore[union-attr]
    legend_left = MARGIN + MAP_BOX[0] + Inches(0.2)
    bottom = _legend(slide, areas, legend_left, Inches(1.6))
    side = _box(slide, legend_left, bottom + Inches(0.3), WIDTH - MARGIN - legend_left, Inches(2.5))
    if municipal.note:  # the map is older than the county's figure: say so first
        _text(side, municipal.note, 16, bold=True)
        _add_paragraph(side, municipal.summary, 16, space_before=10)
    else:
        _text(side, municipal.summary, 16)
    _source_line(slide, municipal.data, lang, municipal.period)
    _set_notes(slide, " ".join(
        p for p in (municipal.note, municipal.summary) if p))


def _draw_areas(shapes: GroupShapes, areas: list[regional.MapArea], municipal: MunicipalMap, lang: str,
                left: int, top: int) -> None:
    """Each municipality as a filled freeform, named with its name and value."""
    (west, south), (east, north) = regional.bounds()
    width, height = MAP_BOX
    # EMU per degree of longitude; latitude is stretched as on the page's map.
    scale = min(width / (east - west), height / ((north - south) * regional.LATITUDE_STRETCH))

    def point(lon: float, lat: float) -> tuple[int, int]:
        return (round(left + (lon - west) * scale),
                round(top + (north - lat) * scale * regional.LATITUDE_STRETCH))

    for area in areas:
        first, *others = area.rings
        builder = shapes.build_freeform(*point(*first[0]))
        builder.add_line_segments([point(*p) for p in first[1:]], close=True)
        for ring in others:
            builder.move_to(*point(*ring[0]))
            builder.add_line_segments([point(*p) for p in ring[1:]], close=True)
        shape = builder.convert_to_shape()
        shape.fill.solid()
        shape.fill.fore_color.rgb = _hex_colour(area.fill.lstrip("#"))
        shape.line.color.rgb = _hex_colour(style.MUTED_TEXT.lstrip("#"))
        shape.line.width = Pt(0.5)
        shape.shadow.inherit = False  # flat, as on the page
        shape.name = (f"{municipal.names.get(area.code, area.code)}: "
                      f"{format_value(area.value, municipal.indicator.unit, lang)}")


def _legend(slide: Slide, areas: list[regional.MapArea], left: int, top: int) -> int:
    """The classes, lowest first and "no figure" last, as swatch + words; returns its bottom."""
    classes = sorted({(a.rank if a.rank >= 0 else 99, a.fill, a.label) for a in areas})
    for row, (_, fill, label) in enumerate(classes):
        y = top + row * LEGEND_ROW
        swatch = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(left), Emu(y + Inches(0.05)), Inches(0.3),
                                        Inches(0.22))
        swatch.fill.solid()
        swatch.fill.fore_color.rgb = _hex_colour(fill.lstrip("#"))
        swatch.line.color.rgb = _hex_colour(style.MUTED_TEXT.lstrip("#"))
        swatch.line.width = Pt(0.5)
        swatch.shadow.inherit = False
        _text(_box(slide, left + Inches(0.4), y, Inches(3.0), LEGEND_ROW), label, 14)
    return top + len(classes) * LEGEND_ROW


# ---- grants: the schemes' totals, and the focus areas we placed the named projects on ----------

FUNDING_SLIDES = 2


def funding_data(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame, int] | None:
    """Scheme totals, grants and the latest year they cover; None when there are none."""
    funding, grants = store.read_table(con, "funding"), store.read_table(con, "grants")
    found = fund.years(funding, grants)
    return (funding, grants, found[0]) if found else None


def funding_slides(deck: Deck, model: PlanModel, funding: pd.DataFrame, grants: pd.DataFrame,
                   year: int) -> None:
    """Two slides: what each scheme granted (the source's figures), then the focus areas with
    each link's basis, how the amounts were derived, and a source line naming our assessment."""
    lang = deck.lang
    year_funding, year_grants = funding[funding["year"] == year], grants[grants["year"] == year]
    slide = deck.slide(t("funding.year_heading", lang, year=year))
    if not year_funding.empty:
        intro = _box(slide, MARGIN, Inches(1.25), WIDTH - 2 * MARGIN, Inches(0.8))
        _text(intro, fund.totals_sentence(model, funding, year, lang), 16)
        shown = fund.scheme_display(model, fund.scheme_table(model, year_funding), lang)
        shown = shown.drop(columns=[t("funding.col.year", lang), t("funding.col.note", lang)])
        _plain_table(slide, shown, Inches(2.2), [3.6] + [8.733 / 5] * 5, Inches(0.5))
        rule = _box(slide, MARGIN, Inches(2.4) + Inches(0.5) * (len(shown) + 1),
                    WIDTH - 2 * MARGIN, Inches(0.4))
        _text(rule, t("funding.rate_rule", lang), 12, colour=MUTED)
    _funding_source(slide, fund.source_line(funding, lang))

    slide = deck.slide(t("funding.basis.deck_title", lang, year=year))
    rollup = fund.focus_area_rollup(model, year_grants)
    table = fund.focus_display(model, rollup[rollup["projects"] > 0], lang)
    row = Inches(min(0.5, 4.0 / (len(table) + 1)))
    shape = _plain_table(slide, table, Inches(1.3), [3.4, 2.8, 1.2, 1.1, 3.833], row)
    basis_column = list(table.columns).index(t("funding.basis.col", lang))
    assessed = fund.basis_text(fund.ASSESSED, lang)
    for r, text in enumerate(table.iloc[:, basis_column], start=1):
        if assessed in text:  # the same words as on the page, in the charts' assessed colour
            _font(shape.table.cell(r, basis_column).text_frame.paragraphs[0].runs[0].font, 12,
                  italic=True, colour=_hex_colour(ASSESSED_COLOUR[1:]))
    note = _box(slide, MARGIN, Inches(1.45) + row * (len(table) + 1), WIDTH - 2 * MARGIN,
                Inches(1.2))
    projects = fund.count_text(fund.year_totals(funding, year)["projects"].value, lang)
    _text(note, " ".join(p for p in (
        t("funding.focus_intro", lang, listed=len(year_grants), total=projects),
        fund.basis_sentence(year_grants, lang)) if p), 14)
    _add_paragraph(note, fund.flow_note(year_grants, "amount", lang), 14, colour=MUTED)
    _funding_source(slide, fund.source_line(funding, lang, fund.any_assessed(year_grants)))
    _set_notes(slide, "\n".join(
        [fund.flow_note(year_grants, "projects", lang), t("funding.flow_rule", lang)]))


def _plain_table(slide: Slide, table: pd.DataFrame, top: int, inches: list[float],
                 row: int) -> GraphicFrame:
    """A display table as a native table across the slide (column widths in inches, summing
    to 12.333), header in the deck's blue."""
    shape = slide.shapes.add_table(len(table) + 1, len(table.columns), MARGIN, Emu(top),
                                   Emu(WIDTH - 2 * MARGIN), Emu(row * (len(table) + 1)))
    for c, name in enumerate(table.columns):
        shape.table.columns[c].width = Inches(inches[c])
        _cell(shape.table.cell(0, c), str(name), bold=True, colour=_rgb(255, 255, 255),
              fill=BLUE)
    for r, values in enumerate(table.itertuples(index=False), start=1):
        shape.table.rows[r].height = row
        fill = BAND if r % 2 == 0 else _rgb(255, 255, 255)
        for c, value in enumerate(values):
            _cell(shape.table.cell(r, c), str(value), fill=fill)
            _font(shape.table.cell(r, c).text_frame.paragraphs[0].runs[0].font, 12)
    return shape


def _funding_source(slide: Slide, text: str) -> None:
    _text(_box(slide, MARGIN, Inches(6.55), WIDTH - 2 * MARGIN, Inches(0.4)), text, 12,
          colour=MUTED)


# ---- sources --------------------------------------------------------------------------------------


# The sources' type sizes (the source, the rest of its line), largest first: the largest whose
# text fits above the footer is used. Fourteen sources at 16/14 pt ran into the footer.
SOURCE_SIZES = ((16, 14), (14, 12), (12, 11), (11, 10), (10, 9))
CHAR_EM = 0.55  # an average Arial character's width in em, erring wide so the text surely fits
LINE_EM = 1.2  # a line's height in em (PowerPoint's single spacing)


def _text_height(entries: list[tuple[str, str]], note: str, sizes: tuple[float, float],
                 width: int) -> float:
    """The estimated height in points of the sources (bold part, rest) and the note below them,
    wrapped to `width` (EMU), at `sizes`."""
    big, small = sizes
    room = width / 12700  # EMU per point

    def lines(points: float) -> int:
        return max(1, math.ceil(points / room))

    height = 0.0
    for index, (bold, rest) in enumerate(entries):
        wide = (len(bold) * big + len(rest) * small) * CHAR_EM
        height += lines(wide) * LINE_EM * big + (0 if index == 0 else 0.6 * small)
    return height + 1.6 * small + lines(len(note) * small * CHAR_EM) * LINE_EM * small


def sources_slide(deck: Deck, model: PlanModel, shown: list[export.IndicatorData]) -> None:
    """Every source behind the deck's numbers, with its table, address (a link), licence, date;
    in the largest type that keeps them all above the footer."""
    lang = deck.lang
    slide = deck.slide(t("deck.sources_title", lang))
    top, bottom = Inches(1.3), HEIGHT - Inches(0.6)  # the footer's line starts at 0.5 in
    frame = _box(slide, MARGIN, top, WIDTH - 2 * MARGIN, bottom - top)
    frame.margin_top = frame.margin_bottom = Emu(0)
    frame.paragraphs[0].text = ""
    entries = [(text, f" – {url}" if url else "", url,
                f" — {t('deck.used_by', lang, ids=', '.join(ids))}")
               for (text, url), ids in briefing.sources(shown, lang).items()]
    note = t("deck.method_note", lang)
    widths = [(text, link + used) for text, link, _, used in entries]
    big, small = next((sizes for sizes in SOURCE_SIZES
                       if _text_height(widths, note, sizes, WIDTH - 2 * MARGIN)
                       <= (bottom - top) / 12700), SOURCE_SIZES[-1])
    for index, (text, link, url, used) in enumerate(entries):
        paragraph = frame.paragraphs[0] if index == 0 else _new_paragraph(frame)
        paragraph.space_before = Pt(0 if index == 0 else 0.6 * small)
        run = paragraph.add_run()
        run.text = text
        _font(run.font, big, bold=True)
        if url:
            run = paragraph.add_run()
            run.text = link
            _font(run.font, small, colour=BLUE)
            run.hyperlink.address = url
        run = paragraph.add_run()
        run.text = used
        _font(run.font, small, colour=MUTED)
    _add_paragraph(frame, note, small, colour=MUTED, space_before=1.6 * small)


# ---- the whole deck -------------------------------------------------------------------------------

def build_deck(model: PlanModel, con: duckdb.DuckDBPyConnection, goals: list[str] | None = None,
               indicators: list[str] | None = None, regions: list[str] | None = None,
               progress: Progress | None = None, lang: str = "nb", maps: bool = False,
               funding: bool = True,
               today: date | None = None) -> bytes:
    """The briefing deck as .pptx bytes.

    goals: goal ids (default all); indicators: limit to these ids (default all of those goals);
    regions: comparison regions beside each indicator's headline region (default Oslo and
    Norway); maps: add the municipal map, drawn as shapes, where there are municipal figures;
    funding: add the two grant slides (schemes; focus areas with each link's basis) when there
    are grants; progress(done, total, what).
    """
    shown_here = briefing.gather(model, con, goals, indicators, regions, lang)
    chosen_goals, loaded, verdicts = shown_here.goals, shown_here.loaded, shown_here.verdicts
    assessments = {i: d.assessment for i, d in loaded.items()}
    maps_by_id = _maps(model, list(loaded.values()), lang) if maps else {}
    deck = Deck(_presentation(), lang, today or date.today())
    grants = funding_data(con) if funding else None
    total = 2 + len(chosen_goals) + len(loaded) + (FUNDING_SLIDES if grants else 0)
    step = briefing.counter(progress, total)
    title_slide(deck, model, chosen_goals, shown_here.latest())
    step(t("deck.step_title", lang))
    shown: list[export.IndicatorData] = []
    for goal in chosen_goals:
        ids = shown_here.ids(goal)
        rows = [views.summary_row(model, loaded[i].summary, assessments[i], lang) for i in ids]
        goal_slide(deck, goal, verdicts[goal.id], rows, assessments)
        step(t("goal.heading", lang, id=goal.id, name=goal.name.get(lang)))
        for indicator_id in ids:
            data = loaded[indicator_id]
            # The planner's comment goes into the speaker notes.
            place = county_rank.rank(model, data.indicator, store.observations(
                con, indicator_id, county_rank.current_counties(model)))
            indicator_slide(deck, model, data, regions, shown_here.comment(indicator_id), place)
            if indicator_id in maps_by_id:
                map_slide(deck, maps_by_id[indicator_id])
            shown.append(data)
            step(f"{indicator_id} {data.indicator.name.get(lang)}")
    if grants:
        funding_slides(deck, model, *grants)
        step(t("funding.title", lang))
        step(t("funding.focus_heading", lang, year=grants[2]))
    sources_slide(deck, model, shown)
    step(t("deck.sources_title", lang))
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()


def _maps(model: PlanModel, loaded: list[export.IndicatorData], lang: str,
          ) -> dict[str, MunicipalMap]:
    return {p.indicator.id: p for p in (municipal_map(model, data, lang) for data in loaded)
            if p is not None}


def _presentation() -> PresentationObject:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(WIDTH), Emu(HEIGHT)
    return prs
