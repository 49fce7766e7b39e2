"""The static bundle, `python -m indicators publish OUT/`: pages that work without JavaScript, an
embeddable chart per indicator, and the figures as open data (CSV, JSON, datapackage.json).

Any web server or CDN serves it; nothing runs for a reader. Every text comes from the functions
the app's pages use (views, explain, verdict) and every chart is export.trend_figure, drawn as SVG
for the pages and by plotly.js (one shared copy in assets/) for the embeds. The bundle is written
to a folder beside OUT and swapped in whole, so a reader never sees half of one. Drawing is the
slow part, so each SVG is kept in a cache beside OUT, keyed by the figure: a republish after an
import draws only the charts that changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly
import plotly.graph_objects as go
import plotly.io as pio
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from indicators import comments, explain, export, method_text, store, style, views
from indicators.assessment import rollups
from indicators.catalogue import source_label
from indicators.i18n import (
    LANGUAGES,
    format_date,
    format_list,
    format_period,
    format_value,
    quoted,
    t,
)
from indicators.model import Goal, Indicator, PlanModel
from indicators.verdict import RollupText, rollup_text

TEMPLATES = Path(__file__).parent / "templates" / "publish"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
ROOTS = {"nb": "", "en": "en/"}  # where each language's pages live in the bundle
WIDE, NARROW = 960, 360  # CSS px: the chart's width on a screen and on a phone (site.css swaps)
PACKAGE = "naeringsmal-akershus"
MARK = "datapackage.json"  # a folder with this file is a bundle publish may replace
LICENCES = {"CC BY 4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
            "NLOD 2.0": ("NLOD-2.0", "https://data.norge.no/nlod/no/2.0")}


class PublishError(RuntimeError):
    """The bundle cannot be written where it was asked for."""


@dataclass
class Published:
    """A finished bundle: where, how many pages and charts, what could not be drawn."""

    out: Path
    pages: int = 0
    charts: int = 0
    drawn: int = 0  # charts drawn this time (the rest came from the cache)
    problems: list[str] = field(default_factory=list)


def publish(model: PlanModel, db_path: Path, out: Path, *, base_url: str = "",
            lang: str = "nb", today: date | None = None) -> Published:
    """Write the whole bundle for the database at `db_path` into `out`, replacing what is there.

    `base_url` (where the bundle will be served) makes the embed codes whole addresses.
    Refuses a folder that holds something else than an earlier bundle."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARK).exists())):
        raise PublishError(t("publish.not_a_bundle", lang, out=out))
    with _locked(out):
        new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            new.chmod(0o755)  # mkdtemp makes it private; a web server must read it
            with store.reading(db_path) as con:
                done = Bundle(model, con, new, _cache(out), base_url, today or date.today()).write()
            _swap(new, out)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
    done.out = out
    return done


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """One publish of a folder at a time (two imports in the app a moment apart)."""
    with open(out.with_name(f".{out.name}.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _swap(new: Path, out: Path) -> None:
    """Put `new` where `out` is: in one step on Linux (renameat2 RENAME_EXCHANGE), elsewhere in
    two renames a moment apart (a reader may miss the folder, never see half of it)."""
    if not out.exists():
        new.rename(out)
        return
    if _exchange(new, out):
        shutil.rmtree(new)  # it holds the old bundle now
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    out.rename(old)
    new.rename(out)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


def _cache(out: Path) -> Path:
    return out.with_name(f".{out.name}.svg-cache")


# ---- what the pages say: the app's own words, as plain data --------------------------------------


def md(text: str) -> Markup:
    """The markdown the locale texts use (`**bold**`), as safe HTML."""
    return Markup(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", str(escape(text))))


_markdown = MarkdownIt("commonmark", {"html": False})  # no HTML in the texts: its output is safe


def markdown(text: str) -> Markup:
    """A locale text written in Markdown (paragraphs, lists, links), as the Metode page has it."""
    return Markup(_markdown.render(text))


def link_word(text: Markup, word: str, url: str) -> Markup:
    """`text` with its last `word` made a link to `url` ("se siden Metode"), or the link after it
    when the word is not there."""
    word_html = str(escape(word))
    at = text.rfind(word_html)
    link = Markup('<a href="{}">{}</a>').format(url, word)
    if at < 0:
        return Markup("{} ({})").format(text, link)
    return Markup(text[:at] + link + text[at + len(word_html):])


def status_html(status: str | None, lang: str, label: str | None = None) -> Markup:
    """A status as shape + text + colour (never colour alone), as on the app's pages."""
    if status is None:
        return Markup("")
    spec = style.STATUS_STYLE[status]
    return Markup('<span class="status" style="color:{}"><span aria-hidden="true">{}</span> {}'
                  "</span>").format(spec["colour"], spec["glyph"],
                                    label or t(f"status.{status}", lang))


@dataclass(frozen=True)
class Table:
    """A table for a page: caption, headings, rows of text; the first cell of a row heads it."""

    caption: str
    headings: list[str]
    rows: list[list[str]]


def frame_table(frame: pd.DataFrame, caption: str) -> Table:
    cells = [["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)]
    return Table(caption, [str(c) for c in frame.columns], cells)


@dataclass
class Chart:
    """One indicator's trend in one language: the figure, its SVGs and its words."""

    fig: go.Figure
    summary: str  # one sentence instead of the picture
    table: Table | None  # the same numbers (None for a one-value card)
    card: Any = None  # charts.ValueCard when the series has one value
    wide: Markup | None = None
    narrow: Markup | None = None
    notes: list[str] = field(default_factory=list)
    plain: dict[str, Any] = field(default_factory=dict)  # fig as plotly JSON, made once


class Bundle:
    """Writes one bundle into a folder: pages in both languages, embeds, data, assets."""

    def __init__(self, model: PlanModel, con: duckdb.DuckDBPyConnection, folder: Path,
                 cache: Path, base_url: str, today: date) -> None:
        self.model, self.con, self.folder, self.cache = model, con, folder, cache
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        self.today = today
        self.made = datetime.now().astimezone().replace(microsecond=0)
        self.data = {i.id: export.load_indicator(model, con, i.id) for i in model.indicators}
        self.assessments = {k: d.assessment for k, d in self.data.items()}
        self.goals = {g.id: g for g in rollups(model, self.assessments)["goal"]}
        self.comments = store.comments(con)
        self.report = Published(folder)
        self.used: set[str] = set()
        self.stored: dict[str, bool] = {}  # indicator id → has stored figures
        self.images = export.images_available()
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                               trim_blocks=True, lstrip_blocks=True)

    def write(self) -> Published:
        assets = self.folder / "assets"
        assets.mkdir()
        shutil.copyfile(PLOTLY_JS, assets / "plotly.min.js")
        shutil.copyfile(TEMPLATES / "site.css", assets / "site.css")
        for lang in LANGUAGES:
            self.pages(lang)
        self.open_data()
        self._prune_cache()
        return self.report

    # ---- pages ----------------------------------------------------------------------------------

    def pages(self, lang: str) -> None:
        verdicts = {g.id: rollup_text(self.model, self.goals[g.id].rollup, self.assessments, lang)
                    for g in self.model.goals}
        self.render(lang, "index.html", "index.html",
                    vision=quoted(self.model.vision.get(lang), lang), goals=[
            self.goal_block(goal, verdicts[goal.id], lang) for goal in self.model.goals])
        for goal in self.model.goals:
            self.render(lang, f"delmal/{goal.id}.html", "goal.html",
                        goal=self.goal_block(goal, verdicts[goal.id], lang))
        opening, *parts = method_text.summary(lang)
        self.render(lang, "metode.html", "method.html", opening=opening,
                    parts=[*parts, method_text.sources(lang)], statuses=list(style.STATUS_STYLE))
        for indicator in self.model.indicators:
            chart = self.chart(indicator, lang)
            self.render(lang, f"indikator/{indicator.id}.html", "indicator.html",
                        **self.indicator_page(indicator, chart, lang))
            self.render(lang, f"embed/{indicator.id}.html", "embed.html", indicator=indicator,
                        chart=chart, plot=self.plot(indicator, chart))

    def render(self, lang: str, path: str, template: str, **context: Any) -> None:
        here = ROOTS[lang] + path
        other = "en" if lang == "nb" else "nb"

        def href(target: str, shared: bool = False) -> str:
            """A link from this page to `target` (in this language, or `shared` by both)."""
            return posixpath.relpath(target if shared else ROOTS[lang] + target,
                                     posixpath.dirname(here) or ".")

        page = self.env.get_template(template).render(
            lang=lang, other=other, here=path, href=href,
            other_href=posixpath.relpath(ROOTS[other] + path, posixpath.dirname(here) or "."),
            t=lambda key, **params: t(key, lang, **params), md=md, markdown=markdown,
            method_link=lambda text: link_word(md(text), t("nav.method", lang),
                                               href("metode.html")),
            counted=lambda verdict: self.counted(verdict, lang, href),
            status=lambda s, label=None: status_html(s, lang, label),
            made=format_date(self.made.date(), lang), base_url=self.base_url,
            goal_list=self.model.goals, **context)
        target = self.folder / here
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        self.report.pages += 1

    def goal_block(self, goal: Goal, verdict: RollupText, lang: str) -> dict[str, Any]:
        """A goal as Oversikt and Delmål show it: the quote, the verdict, its indicators."""
        indicators = [self.model.indicator(i) for i in goal.indicators]
        rows = [views.summary_row(self.model, self.data[i.id].summary, self.assessments[i.id], lang)
                for i in indicators if i is not None]
        with_data = sum(self.data[i.id].summary.has_data for i in indicators if i is not None)
        return {"goal": goal, "heading": t("goal.heading", lang, id=goal.id, name=goal.name.get(lang)),
                "text": goal.text.get(lang), "verdict": verdict, "rows": rows,
                "cards": [self.card(i, lang) for i in indicators if i is not None],
                "themes": [th.name.get(lang) for th in self.model.themes if goal.id in th.goals],
                "count": t(f"goal.data_count.{'one' if len(indicators) == 1 else 'other'}", lang,
                           with_data=with_data, n=len(indicators))}

    @staticmethod
    def counted(verdict: RollupText, lang: str, href: Callable[[str], str]) -> Markup:
        """`2B-04 Registrerte helt ledige (forverring)`, each linked, as the app lists them."""
        links = [Markup('<a href="{}">{} {}</a> ({})').format(
            href(f"indikator/{e.id}.html"), e.id, e.name, e.why) for e in verdict.counted]
        return Markup(format_list([str(link) for link in links], lang))

    def card(self, indicator: Indicator, lang: str) -> dict[str, Any]:
        """One indicator on a goal page: status, value, change, target, source and dates."""
        data, a = self.data[indicator.id], self.assessments[indicator.id]
        s = data.summary
        target = ""
        if indicator.target is not None:
            text = t("target.label", lang, year=indicator.target.year,
                     value=format_value(indicator.target.value, indicator.unit, lang))
            target = t("goalpage.target", lang, target=text,
                       status=explain.target_state(indicator.target, lang))
        source = views.source_text(indicator, lang)
        return {"indicator": indicator, "name": indicator.name.get(lang), "assessment": a,
                "value": views.value_text(s, lang) if s.has_data else "",
                "place": " · ".join(p for p in (
                    f"{self.model.region_name(s.region_code, lang)}, {views.period_text(s, lang)}",
                    views.change_text(s, lang)) if p) if s.has_data else "",
                "why": explain.sentence(indicator, a, lang)
                if s.has_data and a.status == "not_available" and a.reason else "",
                "no_data": "" if s.has_data else " ".join(
                    [t("goalpage.no_data", lang)]
                    + ([indicator.data_note.get(lang)] if indicator.data_note else [])),
                "target": target,
                "source": t("goalpage.source", lang, source=source,
                            dates=views.dates_text(s, lang)) if s.has_data else source}

    def indicator_page(self, indicator: Indicator, chart: Chart | None,
                       lang: str) -> dict[str, Any]:
        data, a = self.data[indicator.id], self.assessments[indicator.id]
        s = data.summary
        goal = self.model.goal_of(indicator.id)
        comment = comments.of(self.comments, indicator.id, s.period)
        due, late = explain.freshness(indicator, s.period, self.today, lang,
                                      self.model.region(s.region_code))
        calc = explain.calculation_rows(indicator, a, lang)
        about = views.metadata_table(indicator, s, lang)
        return {
            "indicator": indicator, "name": indicator.name.get(lang), "goal": goal,
            "summary": s, "assessment": a, "chart": chart,
            "latest_label": t("indicator.latest", lang,
                              region=self.model.region_name(s.region_code, lang),
                              period=views.period_text(s, lang)),
            "value": views.value_text(s, lang), "change": views.change_text(s, lang),
            "dates": views.date_parts(s, lang), "dates_text": views.dates_text(s, lang),
            "status_label": explain.stale_badge(a, lang),
            "sentence": explain.sentence(indicator, a, lang),
            "target": explain.target_label(indicator, lang),
            "stale": t("indicator.stale", lang, period=views.period_text(s, lang)
                       or a.current_year) if a.stale else "",
            "old_county": t("indicator.headline_02", lang)
            if indicator.headline_region == "02" else "",
            "comment": (comments.byline(comment, lang), comment.text) if comment else None,
            "calculation": frame_table(calc, t("explain.heading", lang)),
            "about": frame_table(about, t("indicator.about_heading", lang)),
            "unit": views.unit_text(indicator, lang),
            "source": source_label(indicator, lang), "source_url": indicator.source.url,
            "freshness": due, "late": late,
            "data_note": indicator.data_note.get(lang) if indicator.data_note else "",
            "embed_code": self.embed_code(indicator, lang),
            "municipal": self.municipal(indicator, lang),
        }

    def municipal(self, indicator: Indicator, lang: str) -> dict[str, Any] | None:
        """The newest period's figures for Akershus' municipalities, as the page's table shows
        them, with the note when they stop before the county's (None when there are none)."""
        data = self.data[indicator.id]
        periods = views.municipal_periods(self.model, data.frame)
        if not periods:
            return None
        period, names = periods[0], views.municipal_names(self.model, lang)
        rows = views.municipal_rows(self.model, data.frame, period)
        title = t("regional.map_title", lang, name=indicator.name.get(lang),
                  period=format_period(period, lang))
        return {"note": views.municipal_period_note(period, data.summary.period, lang),
                "summary": views.municipal_summary(rows, names, indicator.unit, period, lang,
                                                   word=indicator.word(lang)),
                "table": frame_table(views.municipal_table(rows, names, indicator.unit, lang),
                                     title)}

    def embed_code(self, indicator: Indicator, lang: str) -> str:
        """The iframe a web editor pastes on another site: a whole address when the bundle's is
        known (--base-url, $DASHBOARD_PUBLISH_URL), else one with a placeholder to replace
        (the page says so): a path from the site's root would be right only at the root."""
        base = self.base_url or t("publish.embed_placeholder", lang) + "/"
        src = f"{base}{ROOTS[lang]}embed/{indicator.id}.html"
        title = t("publish.embed_title", lang, name=indicator.name.get(lang))
        return (f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" height="620" '
                f'style="border:0" loading="lazy"></iframe>')

    # ---- charts ---------------------------------------------------------------------------------

    def chart(self, indicator: Indicator, lang: str) -> Chart | None:
        """The Indikator page's trend figure, drawn wide and narrow, with its table and summary."""
        data = self.data[indicator.id]
        trend = export.trend_rows(self.model, data, lang)
        if trend.frame["value"].notna().sum() == 0:
            return None
        fig = export.trend_figure(self.model, data, lang)
        card = views.one_value(self.model, indicator, data.frame, lang)
        notes = []
        if indicator.frequency in explain.SUB_ANNUAL and data.assessment.status != "not_assessed":
            notes.append(t("explain.annual_means", lang))
        if any(trace.name == t("explain.projection", lang) for trace in fig.data):
            notes.append(t("explain.projection_note", lang))
        chart = Chart(fig, views.trend_summary(self.model, indicator, trend, lang),
                      None if card else frame_table(views.trend_table(trend, indicator.unit, lang),
                                                    t("publish.table_caption", lang)),
                      card, notes=notes)
        # plotly copies the whole figure each time it is asked for it as data: asked once here,
        # for the cache keys of both drawings and for the embed.
        chart.plain = fig.to_plotly_json()
        if card is None:
            payload = json.dumps(chart.plain, sort_keys=True, default=str)
            chart.wide = self.svg(fig, WIDE, f"{indicator.id}-{lang}-w", payload)
            chart.narrow = self.svg(fig, NARROW, f"{indicator.id}-{lang}-n", payload)
        return chart

    def svg(self, fig: go.Figure, width: int, key: str, payload: str) -> Markup | None:
        """The figure as inline SVG at `width`, from the cache when the same figure (`payload`,
        its JSON) was drawn."""
        if not self.images:
            self._problem(t("export.no_browser", "en"))
            return None
        digest = hashlib.sha256(f"{plotly.__version__}|{width}|{payload}".encode()).hexdigest()
        cached = self.cache / f"{digest}.svg"
        self.used.add(cached.name)
        if cached.exists():
            svg = cached.read_bytes()
        else:
            try:
                svg = export.to_svg_at(fig, width)
            except export.ExportUnavailable as error:
                self._problem(str(error))
                return None
            self.cache.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(svg)
            self.report.drawn += 1
        self.report.charts += 1
        return inline_svg(svg.decode("utf-8"), key)

    def plot(self, indicator: Indicator, chart: Chart | None) -> Markup:
        """The embed's figure: a div and plotly's own call, run by the shared assets/plotly.min.js."""
        if chart is None:
            return Markup("")
        return Markup(pio.to_html(
            chart.plain, validate=False, full_html=False, include_plotlyjs=False,
            div_id=f"chart-{indicator.id}",
            default_width="100%", default_height=f"{int(chart.fig.layout.height or 540)}px",
            config={"displaylogo": False, "responsive": True}))

    def _problem(self, text: str) -> None:
        if text not in self.report.problems:
            self.report.problems.append(text)

    def _prune_cache(self) -> None:
        """Drop drawings no page uses any more, so the cache holds one bundle's worth."""
        if self.cache.is_dir():
            for path in self.cache.glob("*.svg"):
                if path.name not in self.used:
                    path.unlink(missing_ok=True)

    # ---- open data ------------------------------------------------------------------------------

    def open_data(self) -> None:
        folder = self.folder / "data"
        folder.mkdir()
        regions = pd.DataFrame([{"code": r.code, "name_nb": r.name.nb, "name_en": r.name.en,
                                 "level": r.level, "parent": r.parent or ""}
                                for r in self.model.regions])
        regions.to_csv(folder / "regions.csv", index=False, lineterminator="\n")
        entries = []
        for indicator in self.model.indicators:
            frame = store.all_observations(self.con, indicator.id)
            self.stored[indicator.id] = not frame.empty
            (folder / f"{indicator.id}.csv").write_text(
                views.observations_csv(frame, indicator), encoding="utf-8")
            entry = self.entry(indicator)
            entries.append(entry)
            _write_json(folder / f"{indicator.id}.json",
                        {"indicator": entry, "observations": observation_records(frame, indicator)})
        _write_json(self.folder / "catalogue.json", {
            "title": {lang: t("app.title", lang) for lang in LANGUAGES},
            "made": self.made.isoformat(), "indicators": entries})
        _write_json(self.folder / "datapackage.json", self.datapackage())

    def entry(self, indicator: Indicator) -> dict[str, Any]:
        """One indicator in the catalogue: its words in both languages, status, dates, links."""
        data, a = self.data[indicator.id], self.assessments[indicator.id]
        s, source, target = data.summary, indicator.source, indicator.target
        goal = self.model.goal_of(indicator.id)
        return {
            "id": indicator.id,
            "name": {lang: indicator.name.get(lang) for lang in LANGUAGES},
            "goal": goal.id if goal else None,
            "unit": indicator.unit, "frequency": indicator.frequency,
            "direction": indicator.direction, "headline_region": indicator.headline_region,
            "status": a.status,
            "verdict": {lang: explain.sentence(indicator, a, lang) for lang in LANGUAGES},
            "latest": {"region_code": s.region_code, "period": s.period, "value": s.value}
            if s.has_data else None,
            "dates": {"period": s.period, "published": _iso(s.published),
                      "fetched": _iso(s.updated)},
            "target": {"value": target.value, "year": target.year, "status": target.status}
            if target else None,
            "source": {"organisation": source.organisation, "table": source.table,
                       "url": source.url, "credit": source.credit, "licence": source.licence},
            "links": {"page": {lang: f"{ROOTS[lang]}indikator/{indicator.id}.html"
                               for lang in LANGUAGES},
                      "embed": {lang: f"{ROOTS[lang]}embed/{indicator.id}.html"
                                for lang in LANGUAGES},
                      "csv": f"data/{indicator.id}.csv", "json": f"data/{indicator.id}.json"},
        }

    def datapackage(self) -> dict[str, Any]:
        """Every data file described (Frictionless Data Package), so a tool reads it unaided."""
        package: dict[str, Any] = {
            "name": PACKAGE, "title": t("publish.package_title", "nb"),
            "description": t("publish.package_description", "nb"),
            "created": self.made.isoformat(), "keywords": ["Akershus", "næringspolitikk",
                                                           "indikatorer"],
            "resources": [_regions_resource(), _catalogue_resource()],
        }
        if self.base_url:
            package["homepage"] = self.base_url
        for indicator in self.model.indicators:
            package["resources"] += indicator_resources(indicator, self.stored[indicator.id])
        return package


def inline_svg(svg: str, key: str) -> Markup:
    """A drawn SVG fit for a page: sized by CSS, named by the figure's summary, its ids unique."""
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    uid = re.search(r'id="defs-([0-9a-z]+)"', svg)
    if uid:
        svg = svg.replace(uid[1], re.sub(r"[^A-Za-z0-9-]", "", key))
    svg = re.sub(r'^<svg class="main-svg"', '<svg class="chart-svg" role="img" focusable="false"'
                 f' aria-labelledby="summary-{key.rsplit("-", 1)[0]}"', svg, count=1)
    return Markup(re.sub(r' (width|height)="[\d.]+"', "", svg, count=2))


def observation_records(frame: pd.DataFrame, indicator: Indicator) -> list[dict[str, Any]]:
    """The stored figures as JSON rows: a missing value is null, with its SSB symbol."""
    records = []
    for row in frame.to_dict("records"):
        value, status = row["value"], row["status"]
        records.append({"indicator_id": row["indicator_id"], "region_code": row["region_code"],
                        "period": row["period"], "value": None if pd.isna(value) else float(value),
                        "status": None if pd.isna(status) else str(status),
                        "unit": indicator.unit, "series": row["series"] or "",
                        "note": row["note"] or "", "source": row["source"] or ""})
    return records


OBSERVATION_FIELDS = [
    ("indicator_id", "string", "Indikatorens id"),
    ("region_code", "string", "Områdets kode (data/regions.csv)"),
    ("period", "string", "Perioden: 2025, 2025M01 (måned), 2025K1 (kvartal), 2018/19 (skoleår)"),
    ("value", "number", "Verdien i enheten (unit)"),
    ("unit", "string", "Enheten: percent, count, nok_million, nok_thousand, thousand_persons"),
    ("series", "string", "Delserie (tom for hovedserien)"),
    ("note", "string", "Merknad"),
    ("source", "string", "Kilden til raden, der den avviker fra indikatorens"),
]


def _fields(rows: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [{"name": n, "type": kind, "description": text} for n, kind, text in rows]


def indicator_resources(indicator: Indicator, has_data: bool) -> list[dict[str, Any]]:
    """The indicator's CSV (canonical format) and JSON, with schemas and their source.

    A JSON file without figures has no rows for a table reader to find: it is described as
    plain JSON until it has some."""
    source = indicator.source
    common: dict[str, Any] = {
        "title": indicator.name.nb, "description": indicator.definition.nb, "type": "table",
        "encoding": "utf-8",
        "sources": [{"title": source.credit, **({"path": source.url} if source.url else {})}]}
    if source.licence in LICENCES:
        name, path = LICENCES[source.licence]
        common["licenses"] = [{"name": name, "path": path, "title": source.licence}]
    keys = [{"fields": ["region_code"], "reference": {"resource": "regions", "fields": ["code"]}}]
    slug = indicator.id.lower()
    json_table = {
        "dialect": {"json": {"property": "observations", "keyed": True}},
        "schema": {"fields": _fields([*OBSERVATION_FIELDS[:4],
                                      ("status", "string", "SSB-symbolet der verdien mangler"),
                                      *OBSERVATION_FIELDS[4:]]), "foreignKeys": keys}}
    return [
        {"name": slug, "path": f"data/{indicator.id}.csv", "format": "csv", "mediatype": "text/csv",
         **common, "schema": {"fields": _fields(OBSERVATION_FIELDS),
                              "missingValues": ["", "..", ".", ":", "-"], "foreignKeys": keys}},
        {"name": f"{slug}-json", "path": f"data/{indicator.id}.json", "format": "json",
         "mediatype": "application/json", **common, **(json_table if has_data else
                                                         {"type": "json"})},
    ]


def _regions_resource() -> dict[str, Any]:
    return {"name": "regions", "path": "data/regions.csv", "format": "csv", "mediatype": "text/csv",
            "type": "table", "encoding": "utf-8", "title": t("publish.resource_regions", "nb"),
            "schema": {"fields": _fields([
                ("code", "string", "Kode (SSB)"), ("name_nb", "string", "Navn på bokmål"),
                ("name_en", "string", "Navn på engelsk"),
                ("level", "string", "Nivå: country, county, municipality"),
                ("parent", "string", "Koden til fylket en kommune ligger i")]),
                "missingValues": [""], "primaryKey": ["code"]}}


# The catalogue's fields in the order each entry has them (Bundle.entry): JSON rows are read
# by position against the schema.
CATALOGUE_FIELDS = [("id", "string"), ("name", "object"), ("goal", "string"), ("unit", "string"),
                    ("frequency", "string"), ("direction", "string"),
                    ("headline_region", "string"), ("status", "string"), ("verdict", "object"),
                    ("latest", "object"), ("dates", "object"), ("target", "object"),
                    ("source", "object"), ("links", "object")]


def _catalogue_resource() -> dict[str, Any]:
    return {"name": "catalogue", "path": "catalogue.json", "format": "json",
            "mediatype": "application/json", "type": "table", "encoding": "utf-8",
            "title": t("publish.resource_catalogue", "nb"),
            "dialect": {"json": {"property": "indicators", "keyed": True}},
            "schema": {"fields": [{"name": n, "type": kind} for n, kind in CATALOGUE_FIELDS],
                       "primaryKey": ["id"]}}


def _write_json(path: Path, content: object) -> None:
    path.write_text(json.dumps(content, ensure_ascii=False, indent=1, default=str) + "\n",
                    encoding="utf-8")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None

