"""The briefing as an A4 PDF for a political meeting: HTML made here, printed by WeasyPrint as a
tagged PDF/UA document (language, headings, alt text), with each chart embedded as SVG so it
stays vector.

The content is the deck's (indicators/briefing.py): the cover says what the figures are for,
each goal is quoted with its verdict and what it rests on, each indicator has the page's chart,
its key figures, the three dates, the planner's comment and the source; the method and the
sources close it.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from datetime import date
from types import ModuleType

import duckdb
from markdown_it import MarkdownIt

from indicators import briefing, explain, export, method_text, style, views
from indicators.briefing import Briefing
from indicators.comments import Comment, byline
from indicators.i18n import format_date, format_list, quoted, t, t_n
from indicators.model import Goal, Indicator, PlanModel

Progress = briefing.Progress
PRESET = "a4"  # export.PRESETS: the chart's size in CSS pixels before it is fitted to the column
PDF_VARIANT = "pdf/ua-1"  # tagged, with the document's language and title (WeasyPrint ≥ 57)
_markdown = MarkdownIt("commonmark", {"html": False})


class PdfUnavailable(RuntimeError):
    """WeasyPrint, or the Pango library it prints with, is not installed here."""


def _weasyprint() -> ModuleType:
    # Imported late: the core loads where WeasyPrint (or Pango) is missing; only the PDF needs it.
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    module: ModuleType = weasyprint  # no stubs: mypy sees the import as Any
    return module


def available() -> bool:
    """Whether a PDF can be printed on this machine."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def build_pdf(model: PlanModel, con: duckdb.DuckDBPyConnection, goals: list[str] | None = None,
              indicators: list[str] | None = None, regions: list[str] | None = None,
              lang: str = "nb", progress: Progress | None = None,
              today: date | None = None) -> bytes:
    """The briefing as PDF bytes: goals (default all), limited to `indicators` when given;
    `regions`: the areas each chart compares with (default the page's: Oslo and Norway);
    progress(done, total, what) after the cover, each indicator and the printing."""
    shown = briefing.gather(model, con, goals, indicators, regions, lang)
    page = briefing_html(model, shown, lang, today or date.today(), regions, progress)
    return render(page)


def render(page: str) -> bytes:
    """Print an HTML document as a tagged PDF/UA file."""
    weasyprint = _weasyprint()
    pdf: bytes = weasyprint.HTML(string=page).write_pdf(pdf_variant=PDF_VARIANT)  # untyped library
    return pdf


def briefing_html(model: PlanModel, shown: Briefing, lang: str, today: date,
                  regions: list[str] | None = None, progress: Progress | None = None) -> str:
    """The whole document as HTML (A4 print CSS included)."""
    step = briefing.counter(progress, 2 + len(shown.loaded))

    body = [_cover(model, shown, lang, today)]
    step(t("briefing.step_cover", lang))
    for goal in shown.goals:
        body.append(_goal(model, shown, goal, lang, regions, today, step))
    body.append(_closing(shown, lang))
    step(t("briefing.step_pdf", lang))
    title = f"{t('app.title', lang)} — {briefing.scope(model, shown.goals, lang)}"
    return _document(title, "\n".join(body), lang, today)


def _document(title: str, body: str, lang: str, today: date) -> str:
    meta = (f'<meta name="author" content="{_e(t("deck.organisation", lang))}">'
            f'<meta name="dcterms.created" content="{today.isoformat()}">')
    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title>{meta}<style>{_css(lang, today)}</style></head>"
            f"<body>{body}</body></html>")


# ---- the cover -----------------------------------------------------------------------------------


def _cover(model: PlanModel, shown: Briefing, lang: str, today: date) -> str:
    lines = {g.id: t_n("briefing.goal_line", len(shown.ids(g)), lang, goal=_goal_title(g, lang))
             for g in shown.goals}
    goals = "".join(f'<li><a href="#goal-{_e(g)}">{_e(line)}</a></li>' for g, line in lines.items())
    ends = "".join(f'<li><a href="#{anchor}">{_e(t(key, lang))}</a></li>'
                   for anchor, key in (("method", "briefing.method_heading"),
                                       ("sources", "briefing.sources_heading")))
    figures = briefing.figures_for(shown.latest(), lang, "briefing.range")
    return f"""<section class="cover">
<p class="organisation">{_e(t("deck.organisation", lang))}</p>
<h1>{_e(t("app.title", lang))}</h1>
<p class="scope">{_e(briefing.scope(model, shown.goals, lang))}</p>
<p class="subtitle">{_e(t("app.subtitle", lang))}</p>
<p class="label">{_e(t("vision.label", lang))}</p>
<blockquote class="vision"><p>{_e(quoted(model.vision.get(lang), lang))}</p></blockquote>
<h2 class="about">{_e(t("briefing.about_heading", lang))}</h2>
<p>{_e(t("briefing.about_goals", lang))}</p>
<ul class="toc">{goals}{ends}</ul>
{_p(figures)}
<p>{_e(t("briefing.made", lang, date=format_date(today, lang)))}</p>
</section>"""


def _goal_title(goal: Goal, lang: str) -> str:
    return t("goal.heading", lang, id=goal.id, name=goal.name.get(lang))


# ---- a goal and its indicators -------------------------------------------------------------------


def _goal(model: PlanModel, shown: Briefing, goal: Goal, lang: str, regions: list[str] | None,
          today: date, step: Callable[[str], None]) -> str:
    verdict = shown.verdicts[goal.id]
    parts = [f'<section class="goal" id="goal-{_e(goal.id)}">',
             f"<h2>{_e(_goal_title(goal, lang))}</h2>",
             f'<p class="label">{_e(t("goalpage.quote_intro", lang))}</p>',
             f'<blockquote class="goal-text"><p>{_e(quoted(goal.text.get(lang), lang))}</p></blockquote>',
             f'<p class="verdict"><span class="label">{_e(t("briefing.goal_status", lang))}:</span> '
             f"{_status(verdict.status, lang, verdict.label)} — {_e(verdict.basis_with_ids())}</p>",
             _p(verdict.left_out_sentence(), "muted"),
             _goal_table(model, shown, goal, lang)]
    for indicator_id in shown.ids(goal):
        data = shown.loaded[indicator_id]
        parts.append(_indicator(model, data, shown.comment(indicator_id), lang, regions, today))
        step(f"{indicator_id} {data.indicator.name.get(lang)}")
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _goal_table(model: PlanModel, shown: Briefing, goal: Goal, lang: str) -> str:
    """Each shown indicator's latest value, its period and status, as on the deck's goal slide."""
    head = "".join(f'<th scope="col">{_e(t(k, lang))}</th>'
                   for k in ("col.indicator", "col.value", "dates.col.period", "col.status"))
    rows = []
    for i in shown.ids(goal):
        data = shown.loaded[i]
        row = views.summary_row(model, data.summary, data.assessment, lang)
        note = f'<br><span class="muted">{_e(row["status_note"])}</span>' if row["status_note"] else ""
        rows.append(f'<tr><th scope="row"><a href="#ind-{_e(i)}">{_e(i)}</a> {_e(row["name"])}</th>'
                    f'<td>{_e(row["value"])}</td><td>{_e(row["period"])}</td>'
                    f"<td>{_status(data.assessment.status, lang)}{note}</td></tr>")
    return (f'<table class="goal-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _indicator(model: PlanModel, data: export.IndicatorData, comment: Comment | None, lang: str,
               regions: list[str] | None, today: date) -> str:
    indicator = data.indicator
    heading = f'<h3 id="ind-{_e(indicator.id)}">{_e(indicator.id)} {_e(indicator.name.get(lang))}</h3>'
    if not data.summary.has_data:
        return f'<article class="indicator">{heading}{_missing(data, lang, today)}</article>'
    # With a comment the chart is drawn smaller (it is vector: only its text gets smaller), so
    # the indicator still fits on one page.
    css = "indicator with-comment" if comment else "indicator"
    return "\n".join(p for p in (
        f'<article class="{css}">', heading, _key_figures(model, data, lang, today),
        _p(explain.sentence(indicator, data.assessment, lang)),
        # The planner's word on why it moved comes before the chart, next to the figures it
        # explains: where an indicator needs more than a page, the chart is what moves on.
        _comment(comment, lang), _chart(model, data, lang, regions), "</article>") if p)


def _key_figures(model: PlanModel, data: export.IndicatorData, lang: str, today: date) -> str:
    """Value, change, target, status, the three dates, when the next figures are due, the source."""
    s, indicator = data.summary, data.indicator
    region = model.region_name(s.region_code, lang)
    next_text, late = explain.freshness(indicator, s.period, today, lang,
                                        model.region(s.region_code))
    rows = [
        (t("indicator.latest", lang, region=region, period=views.period_text(s, lang)),
         f'<strong class="value">{_e(views.value_text(s, lang))}</strong>'),
        (t("briefing.change", lang), _e(views.change_text(s, lang))),
        (t("briefing.target", lang), _e(explain.target_label(indicator, lang)
                                         if indicator.target else t("briefing.no_target", lang))
         if indicator.direction != "none" else ""),
        (t("col.status", lang), _status(data.assessment.status, lang)),
        (t("briefing.dates", lang), _e(views.dates_text(s, lang))),
        # "Neste oppdatering ventet: mars 2026" is a label's text on the page; here a sentence.
        (t("briefing.next", lang), _e(f"{next_text}. {late}" if late else next_text)),
        (t("briefing.source", lang), _source(indicator, lang)),
    ]
    cells = "".join(f'<tr><th scope="row">{_e(label)}</th><td>{content}</td></tr>'
                    for label, content in rows if content)
    return f'<table class="key"><caption>{_e(t("briefing.key_figures", lang))}</caption>{cells}</table>'


def _source(indicator: Indicator, lang: str) -> str:
    """`Kilde: NAV, tabell X` with the licence and a link to the source's page."""
    source = indicator.source
    text = _e(views.source_text(indicator, lang) + (f" ({source.licence})" if source.licence else ""))
    if source.url:
        text += f' — <a href="{_e(source.url)}">{_e(source.url)}</a>'
    return text


def _chart(model: PlanModel, data: export.IndicatorData, lang: str, regions: list[str] | None) -> str:
    """The Indikator page's figure as vectors with a sentence for screen readers; one value as a
    card (a line of one point says nothing)."""
    indicator = data.indicator
    card = views.one_value(model, indicator, data.frame, lang)
    trend = export.trend_rows(model, data, lang, regions)
    if card is not None and indicator.headline_region in trend.names:
        return (f'<div class="card"><p class="label">{_e(card.heading)}</p>'
                f'<p class="card-value">{_e(card.value)}</p><p>{_e(card.place)}</p>'
                f'<p class="muted">{_e(card.note)}</p></div>')
    if int(trend.frame["value"].notna().sum()) == 0:
        return ""
    alt = " ".join(p for p in (t("briefing.chart_alt", lang, name=indicator.name.get(lang),
                                 span=views.trend_span(trend, lang),
                                 regions=format_list(list(trend.names.values()), lang)),
                               views.trend_summary(model, indicator, trend, lang)) if p)
    try:
        svg = export.to_svg(export.trend_figure(model, data, lang, regions), PRESET)
    except export.ExportUnavailable:
        return _p(t("briefing.no_chart", lang), "muted")
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return f'<figure class="chart"><img src="{source}" alt="{_e(alt)}"></figure>'


def _comment(comment: Comment | None, lang: str) -> str:
    if comment is None:
        return ""
    return (f'<aside class="comment"><h4>{_e(t("briefing.comment_heading", lang))}</h4>'
            f'<p class="muted">{_e(byline(comment, lang))}</p>'
            f"<blockquote><p>{_e(quoted(comment.text, lang))}</p></blockquote></aside>")


def _missing(data: export.IndicatorData, lang: str, today: date) -> str:
    """No figures yet: shown as missing, with what is missing and what it takes to get it."""
    indicator = data.indicator
    rows = [(t("col.status", lang), _status(data.assessment.status, lang)),
            (t("indicator.definition", lang), _e(indicator.definition.get(lang))),
            (t("indicator.what_missing", lang),
             _e(indicator.data_note.get(lang)) if indicator.data_note else ""),
            (t("briefing.source", lang), _source(indicator, lang))]
    cells = "".join(f'<tr><th scope="row">{_e(label)}</th><td>{content}</td></tr>'
                    for label, content in rows if content)
    return (f'<div class="missing"><p class="missing-head">{_e(t("briefing.missing", lang))}: '
            f'{_e(t("indicator.no_data", lang))}</p>'
            f'<table class="key">{cells}</table>{_p(t("briefing.missing_how", lang))}</div>')


def _status(status: str, lang: str, label: str | None = None) -> str:
    """Shape, words and colour together: never colour alone."""
    spec = style.STATUS_STYLE[status]
    return (f'<span class="status" style="color:{spec["colour"]}">{spec["glyph"]} '
            f'{_e(label or t(f"status.{status}", lang))}</span>')


# ---- method and sources --------------------------------------------------------------------------


def _closing(shown: Briefing, lang: str) -> str:
    statuses = "".join(f"<li>{_status(s, lang)}</li>" for s in style.STATUS_STYLE)
    opening, *parts = method_text.summary(lang)  # the Metode page's texts, shared with publish
    method = [
        *(_md(text) for text in opening.paragraphs),
        f'<p>{_e(t("briefing.statuses", lang))}</p><ul class="statuses">{statuses}</ul>',
        *(html for part in parts for html in (f"<h3>{_e(part.heading)}</h3>",
                                               *(_md(text) for text in part.paragraphs))),
        _p(t("briefing.method_more", lang)),
    ]
    sources = "".join(
        f"<li>{_e(text)}" + (f' — <a href="{_e(url)}">{_e(url)}</a>' if url else "")
        + f' <span class="muted">— {_e(t("deck.used_by", lang, ids=", ".join(ids)))}</span></li>'
        for (text, url), ids in briefing.sources(list(shown.loaded.values()), lang).items())
    return f"""<section class="closing" id="method">
<h2>{_e(t("briefing.method_heading", lang))}</h2>
{"".join(method)}
</section>
<section class="closing" id="sources">
<h2>{_e(t("briefing.sources_heading", lang))}</h2>
<p>{_e(t("briefing.sources_intro", lang))}</p>
<ul class="sources">{sources}</ul>
<p>{_e(t("briefing.method_sources", lang))}</p>
{_md(t("method.sources.body", lang))}
</section>"""


# ---- HTML helpers and the print style ------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _p(text: str, css: str = "") -> str:
    """A paragraph of plain text ('' for no text)."""
    if not text:
        return ""
    return f'<p class="{css}">{_e(text)}</p>' if css else f"<p>{_e(text)}</p>"


def _md(text: str) -> str:
    """A locale text written in Markdown (bold, lists, links) as HTML."""
    rendered: str = _markdown.render(text)  # markdown-it annotates render() as Any
    return rendered


def _css(lang: str, today: date) -> str:
    footer = t("briefing.footer", lang, date=format_date(today, lang)).replace('"', "'")
    page, of = t("briefing.page", lang), t("briefing.page_of", lang)
    return f"""
@page {{
  size: A4; margin: 18mm 18mm 20mm 18mm;
  @bottom-left {{ content: "{footer}"; font-size: 8pt; color: {style.MUTED_TEXT}; }}
  @bottom-right {{ content: "{page} " counter(page) " {of} " counter(pages); font-size: 8pt;
                   color: {style.MUTED_TEXT}; }}
}}
html {{ font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9.5pt;
        line-height: 1.4; color: {style.TEXT}; }}
h1, h2, h3, h4 {{ color: {style.PRIMARY}; line-height: 1.2; break-after: avoid; }}
h1 {{ font-size: 26pt; margin: 0 0 3mm; }}
h2 {{ font-size: 16pt; margin: 0 0 3mm; }}
h3 {{ font-size: 12.5pt; margin: 6mm 0 2mm; padding-top: 3mm; border-top: 1pt solid {style.GRID}; }}
h4 {{ font-size: 10pt; margin: 0 0 1mm; }}
p {{ margin: 0 0 2.5mm; }}
a {{ color: {style.PRIMARY}; text-decoration: none; overflow-wrap: anywhere; }}
.muted {{ color: {style.MUTED_TEXT}; }}
.label {{ color: {style.MUTED_TEXT}; font-weight: bold; margin-bottom: 1mm; }}
.status {{ font-weight: bold; }}
blockquote {{ margin: 0 0 3mm; padding-left: 4mm; border-left: 2.5pt solid {style.PRIMARY};
              font-style: italic; }}
.cover {{ padding-top: 25mm; }}
.cover .organisation {{ color: {style.PRIMARY}; font-weight: bold; font-size: 11pt; }}
.cover .scope {{ font-size: 16pt; margin-bottom: 4mm; }}
.cover .subtitle {{ margin-bottom: 10mm; }}
.cover .vision {{ font-size: 15pt; margin-bottom: 12mm; }}
.cover .about {{ font-size: 13pt; }}
.toc {{ padding-left: 5mm; margin: 0 0 5mm; }}
.toc li {{ margin-bottom: 1.5mm; }}
.toc a::after {{ content: " · {page} " target-counter(attr(href), page); color: {style.MUTED_TEXT}; }}
section.goal, section.closing {{ break-before: page; }}
.goal-text {{ font-size: 12pt; }}
.verdict {{ font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 0 0 3mm; }}
th, td {{ text-align: left; vertical-align: top; padding: 1.2mm 2mm;
          border-bottom: 0.5pt solid {style.GRID}; }}
thead th {{ background: {style.PRIMARY}; color: #ffffff; }}
tr {{ break-inside: avoid; }}
table.key th {{ width: 32%; font-weight: normal; color: {style.MUTED_TEXT}; }}
table.key caption {{ text-align: left; font-weight: bold; color: {style.MUTED_TEXT};
                     padding-bottom: 1mm; }}
.value {{ font-size: 13pt; color: {style.PRIMARY}; }}
article.indicator {{ break-inside: avoid; }}
figure.chart {{ margin: 2mm 0 3mm; break-inside: avoid; }}
figure.chart img {{ width: 100%; }}
.with-comment figure.chart {{ text-align: center; }}
.with-comment figure.chart img {{ width: 80%; }}
.card {{ background: #EEF2F8; padding: 4mm 5mm; margin: 0 0 3mm; break-inside: avoid; }}
.card-value {{ font-size: 22pt; font-weight: bold; color: {style.PRIMARY}; margin: 0 0 1mm; }}
.comment {{ background: #EEF2F8; padding: 3mm 4mm; margin: 0 0 3mm; break-inside: avoid; }}
.comment blockquote {{ margin: 0; }}
.missing {{ border: 1pt dashed {style.MUTED_TEXT}; padding: 3mm 4mm; }}
.missing-head {{ font-weight: bold; }}
.statuses {{ list-style: none; padding-left: 0; }}
.sources li {{ margin-bottom: 2mm; }}
"""

