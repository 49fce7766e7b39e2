"""What the pages show, as plain data: indicator summaries and readable tables (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from indicators import canonical
from indicators.canonical import Row, missing, records
from indicators.charts import ChartText, ValueCard
from indicators.charts.common import LINE_CHARS
from indicators.i18n import (
    MISSING,
    first_upper,
    format_change,
    format_date,
    format_period,
    format_value,
    t,
    t_n,
    unit_label,
)
from indicators.model import Indicator, PlanModel
from indicators.periods import parse_period
from indicators.progress import Assessment


@dataclass(frozen=True)
class Summary:
    """An indicator's latest headline value and where it comes from."""

    indicator: Indicator
    region_code: str
    period: str | None
    value: float | None
    previous_period: str | None
    previous_value: float | None
    updated: date | None  # hentet: when the figures came into the dashboard
    note: str
    source: str
    published: date | None = None  # publisert: when the source published them, where known

    @property
    def has_data(self) -> bool:
        return self.period is not None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous_value is None:
            return None
        return self.value - self.previous_value


def headline_pairs(model: PlanModel) -> list[tuple[str, str]]:
    """(indicator, headline region) for every indicator: what Oversikt asks the store for."""
    return [(i.id, i.headline_region) for i in model.indicators]


def summaries(model: PlanModel, latest: pd.DataFrame | None) -> dict[str, Summary]:
    """Each indicator's summary from the store's `latest` frame (absent rows mean no data)."""
    rows = {} if latest is None else {str(r["indicator_id"]): r for r in records(latest)}
    out = {}
    for indicator in model.indicators:
        row = rows.get(indicator.id)
        out[indicator.id] = _summary(indicator, row)
    return out


def _summary(indicator: Indicator, row: Row | None) -> Summary:
    if row is None:
        return Summary(indicator, indicator.headline_region, None, None, None, None,
                       indicator.source.updated, "", "")
    previous = None if missing(row["previous_value"]) else float(row["previous_value"])
    previous_period = None if missing(row["previous_period"]) else str(row["previous_period"])
    # "Hentet": when the figures were fetched from the source (the model says so for the
    # shipped files), or when a planner last imported new figures, whichever is later.
    imported = None if missing(row["imported_at"]) else pd.Timestamp(row["imported_at"]).date()
    known = [d for d in (imported, indicator.source.updated) if d is not None]
    updated = max(known) if known else None
    return Summary(indicator, row["region_code"], row["period"], float(row["value"]),
                   previous_period, previous, updated, row["note"] or "", row["source"] or "",
                   _published(indicator, row))


def _published(indicator: Indicator, row: Row) -> date | None:
    """When the source published the latest figure: SSB's `updated` for a figure fetched from
    SSB, the model's date for a shipped file, else unknown (a planner's file does not say)."""
    stamp = row.get("published")
    if isinstance(stamp, str) and stamp:
        try:
            return datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
        except ValueError:
            return None
    kind = row.get("import_kind")
    return indicator.source.published if missing(kind) or kind == "build" else None


def source_text(indicator: Indicator, lang: str) -> str:
    """`Kilde: SSB, tabell 11713` — the credit and the table, as printed under every number."""
    table = indicator.source.table
    # The model keeps the credit as the source asks for it ("Kilde: SSB"); English pages say
    # "Source:" in front of the same name.
    name = indicator.source.credit.removeprefix("Kilde:").strip()
    credit = f"{t('source.prefix', lang)}: {name}"
    return f"{credit}, {t('source.table', lang)} {table}" if table else credit


def summary_row(model: PlanModel, s: Summary, a: Assessment | None, lang: str) -> dict[str, str | None]:
    """One readable row of the Oversikt table."""
    return {
        "id": s.indicator.id,
        "name": s.indicator.name.get(lang),
        "value": value_text(s, lang),
        "period": format_period(s.period, lang) if s.period else "",
        "region": model.region_name(s.region_code, lang),
        "change": change_text(s, lang),
        "status": a.status if a else None,
        # Beside a rated status that rests on old figures, say so: it is not counted in the goal.
        "status_note": t("rows.stale", lang, period=format_period(s.period, lang))
        if a is not None and a.stale and a.score is not None and s.period else "",
        "source": source_text(s.indicator, lang),
        # The period has its own column ("Tall for"); the other two dates go with the source.
        "dates": dates_text(s, lang, parts=("published", "fetched")),
    }


def change_text(s: Summary, lang: str) -> str:
    """`+0,1 prosentpoeng fra januar 2025 (samme måned året før)`, `+46 tusen kr fra 2018`, or ''
    when there is nothing to compare with. Months and quarters are compared with the same month
    or quarter a year earlier (store.latest), so a season never passes for a change."""
    if s.change is None or s.previous_period is None:  # (change is None without a previous)
        return ""
    return since_text(s.indicator, s.change, s.previous_period, lang, s.period)


def since_text(indicator: Indicator, change: float, since: str, lang: str,
               now: str | None = None) -> str:
    """A change since a period, said the same way on every page and in every chart summary;
    across a break in the series (between `since` and `now`) no change is given, only why."""
    if now is not None and crosses_break(indicator, since, now):
        return t("change.break", lang, period=format_period(since, lang))
    sub = "M" if "M" in since else "K" if "K" in since else ""
    key = {"M": "change.since_month", "K": "change.since_quarter"}.get(sub, "change.since")
    return t(key, lang, change=format_change(change, indicator.unit, lang,
                                             word=indicator.word(lang)),
             period=format_period(since, lang))


def _months(period: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The first and last month a period covers, as (year, month): a school year runs from
    August to June, a year from January to December."""
    p = parse_period(period)
    if p is None:
        return None
    if p.freq == "M" and p.sub is not None:
        return (p.year, p.sub), (p.year, p.sub)
    if p.freq == "Q" and p.sub is not None:
        return (p.year, 3 * p.sub - 2), (p.year, 3 * p.sub)
    if p.freq == "SY":  # placed at its end year
        return (p.year - 1, 8), (p.year, 6)
    return (p.year, 1), (p.year, 12)


def crosses_break(indicator: Indicator, before: str, after: str) -> bool:
    """True when the series changed definition after `before` began and by the end of `after`:
    the two figures were measured differently, so their difference is no change."""
    first, last = _months(before), _months(after)
    if first is None or last is None:
        return False
    starts = [span[0] for b in indicator.breaks if (span := _months(b.period)) is not None]
    return any(first[0] < start <= last[1] for start in starts)


def value_text(s: Summary, lang: str) -> str:
    """The latest value with its unit (`2,6 %`, `10 299 personer`), or that there is none."""
    if not s.has_data:
        return t("value.missing", lang)
    return format_value(s.value, s.indicator.unit, lang, word=s.indicator.word(lang))


def unit_text(indicator: Indicator, lang: str) -> str:
    """The unit as a reader says it, with what a count counts: `prosent`, `antall personer`
    (`number of people`)."""
    word = indicator.word(lang)
    return t("unit.count.of", lang, word=word) if word else unit_label(indicator.unit, lang)


def period_text(s: Summary, lang: str) -> str:
    return format_period(s.period, lang) if s.period else ""


# ---- the three dates of a figure (progress-method.md, "Dates, always three kinds") ---------------

DATE_PARTS = ("period", "published", "fetched")


def date_parts(s: Summary, lang: str, period: str | None = None, unknown: bool = True,
               parts: tuple[str, ...] = DATE_PARTS, length: str = "long") -> list[str]:
    """`Tall for januar 2026`, `publisert 5. februar 2026`, `hentet 26. november 2026`.

    Tall for: the period the figure describes (`period`, else the latest); publisert: when
    the source published it (only for the latest period; `unknown` says so when not known);
    hentet: when it came into the dashboard. Empty when there is no figure to date.
    `length="medium"` abbreviates the months (`26. nov. 2026`), for a chart's source line.
    """
    shown = period or s.period
    if shown is None:
        return []
    words = {"period": t("dates.period", lang, period=period_words(shown, lang))}
    if s.published and shown == s.period:
        words["published"] = t("dates.published", lang,
                               date=format_date(s.published, lang, length))
    elif unknown:
        words["published"] = t("dates.published_unknown", lang)
    if s.updated:
        words["fetched"] = t("dates.fetched", lang, date=format_date(s.updated, lang, length))
    return [words[p] for p in parts if p in words]


def dates_text(s: Summary, lang: str, period: str | None = None, unknown: bool = True,
               parts: tuple[str, ...] = DATE_PARTS, length: str = "long") -> str:
    """`Tall for januar 2026 · publiseringsdato ukjent · hentet 26. november 2026`: the one
    text that dates a figure, wherever it is shown ('' when there is no figure)."""
    return " · ".join(date_parts(s, lang, period, unknown, parts, length))


def period_words(period: str, lang: str) -> str:
    """A period as it follows "Tall for": `januar 2026`, `2019`, `skoleåret 2018/19`."""
    if "/" in period:
        return t("dates.school_year", lang, period=format_period(period, lang))
    return format_period(period, lang)


def dates_rows(s: Summary, lang: str, made: date) -> tuple[str, list[tuple[str, str]]]:
    """A file's "Om tallene" sheet: the indicator, its source and the three dates, and when
    the file was made (a sheet name and rows of field and text)."""
    unknown = t("dates.sheet.unknown", lang)
    indicator = s.indicator
    return t("dates.sheet", lang), [
        (t("dates.sheet.indicator", lang), f"{indicator.id} {indicator.name.get(lang)}"),
        (t("dates.sheet.source", lang), source_text(indicator, lang)),
        (t("dates.sheet.period", lang), period_words(s.period, lang) if s.period else MISSING),
        (t("dates.sheet.published", lang), format_date(s.published, lang) if s.published
         else unknown),
        (t("dates.sheet.fetched", lang), format_date(s.updated, lang) if s.updated else unknown),
        (t("dates.sheet.made", lang), format_date(made, lang)),
    ]


SOURCE_LINE_WIDTH = LINE_CHARS  # characters: what fits under a chart on a 360 px wide phone


def wrap_parts(text: str, width: int = SOURCE_LINE_WIDTH, sep: str = " · ") -> str:
    """The parts of `a · b · c` on as few lines (joined by a newline) as keep each within width."""
    lines: list[str] = []
    for part in text.split(sep):
        if lines and len(lines[-1]) + len(sep) + len(part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return "\n".join(lines)


# ---- the Indikator page: trend, tables, metadata -----------------------------------------------

COMPARISON = ("03", "0")  # Oslo and Hele landet beside the headline region


def page_regions(model: PlanModel, indicator: Indicator, extra: list[str] | None = None) -> list[str]:
    """The areas an indicator page shows: the headline area, Oslo and Norway, Akershus'
    municipalities, and any `extra` areas a chart was asked to compare with.

    Pages, embeds and decks read only these, so they cost the same however many other areas the
    database holds.
    """
    return list(dict.fromkeys([indicator.headline_region, *COMPARISON,
                               *(r.code for r in model.municipalities()), *(extra or [])]))


@dataclass(frozen=True)
class TrendData:
    frame: pd.DataFrame  # headline series of the shown regions
    names: dict[str, str]  # region code → name, headline first


def trend_data(model: PlanModel, indicator: Indicator, frame: pd.DataFrame,
               lang: str = "nb") -> TrendData:
    """The headline region against Oslo and Norway, headline series only."""
    codes = [indicator.headline_region, *[c for c in COMPARISON if c != indicator.headline_region]]
    rows = frame[frame["region_code"].isin(codes) & (frame["series"] == "")]
    present = set(rows["region_code"])
    names = {c: model.region_name(c, lang) for c in codes if c in present}
    return TrendData(rows, names)


def chart_text(indicator: Indicator, s: Summary, span: str, lang: str,
               title: str | None = None, period: str | None = None) -> ChartText:
    """Title, unit + period span, and the source line with the figures' dates (of `period`
    when the chart shows another period than the latest, e.g. a municipal map), wrapped on
    lines short enough for a phone (a newline between lines)."""
    subtitle = " · ".join(p for p in (first_upper(unit_text(indicator, lang)), span) if p)
    # Short enough for a phone: an unknown publication date is left out (the pages say it),
    # and the months are abbreviated.
    dates = dates_text(s, lang, period, unknown=False, length="medium") or MISSING
    line = t("chart.source_line", lang, source=source_text(indicator, lang), dates=dates)
    return ChartText(title or indicator.name.get(lang), subtitle, wrap_parts(line))


def trend_span(trend: TrendData, lang: str) -> str:
    """`januar 2011–januar 2026`: the periods a trend chart covers."""
    periods = trend.frame.sort_values(["year", "sub"])["period"]
    if periods.empty:
        return ""
    return f"{format_period(periods.iloc[0], lang)}–{format_period(periods.iloc[-1], lang)}"


def trend_table(trend: TrendData, unit: str, lang: str) -> pd.DataFrame:
    """The chart's numbers as a table: one row per period, one column per region."""
    periods = trend.frame.sort_values(["year", "sub"])["period"].drop_duplicates()
    # One index level: with several, dropna=False would make every year × month × period row.
    table = trend.frame.pivot_table(index="period", columns="region_code", values="value",
                                    aggfunc="first", dropna=False).reindex(periods)
    out = pd.DataFrame({t("col.period", lang): [format_period(p, lang) for p in periods]})
    for code, name in trend.names.items():
        values = table[code] if code in table else [None] * len(table)
        out[name] = [format_value(v, unit, lang) for v in values]
    return out


def trend_summary(model: PlanModel, indicator: Indicator, trend: TrendData, lang: str) -> str:
    """One sentence a screen-reader user gets instead of the picture."""
    rows = trend.frame[(trend.frame["region_code"] == indicator.headline_region)
                       & trend.frame["value"].notna()]
    if rows.empty:
        return ""
    last = rows.iloc[-1]
    region = trend.names.get(indicator.headline_region, indicator.headline_region)
    value = format_value(float(last["value"]), indicator.unit, lang, word=indicator.word(lang))
    # Compared as the page's headline is (store.latest): a month or quarter with the same one a
    # year earlier, a year (or school year) with the one before it.
    if pd.isna(last["sub"]):
        before = rows.iloc[-2:-1]
    else:
        before = rows[(rows["year"] == last["year"] - 1) & (rows["sub"] == last["sub"])]
    if before.empty:
        return t("chart.line_summary_single", lang, region=region, value=value,
                 period=format_period(last["period"], lang))
    change = float(last["value"]) - float(before.iloc[-1]["value"])
    return t("chart.line_summary", lang, region=region, value=value,
             period=format_period(last["period"], lang),
             change=since_text(indicator, change, before.iloc[-1]["period"], lang,
                               last["period"]))


def one_value(model: PlanModel, indicator: Indicator, frame: pd.DataFrame,
              lang: str) -> ValueCard | None:
    """The headline series' only figure when it has exactly one: a value to show, not a line
    of one point (progress-method.md, "Words agree with numbers"). None when it has more or none."""
    rows = frame[(frame["region_code"] == indicator.headline_region) & (frame["series"] == "")
                 & frame["value"].notna()]
    if len(rows) != 1:
        return None
    row = rows.iloc[0]
    place = f"{model.region_name(indicator.headline_region, lang)} · {format_period(row['period'], lang)}"
    return ValueCard(t("indicator.one_value", lang),
                     format_value(float(row["value"]), indicator.unit, lang, word=indicator.word(lang)),
                     place, source_text(indicator, lang), t("deck.single_value", lang))


def observation_table(model: PlanModel, frame: pd.DataFrame, unit: str, lang: str) -> pd.DataFrame:
    """Every stored observation, readable: area, period, value (or its SSB symbol), note, source."""
    return pd.DataFrame({
        t("col.region", lang): frame["region_code"].map(
            {c: model.region_name(c, lang) for c in frame["region_code"].unique()}),
        t("col.period", lang): [format_period(p, lang) for p in frame["period"]],
        t("col.figure", lang): [symbol_or_value(v, s, unit, lang)
                               for v, s in zip(frame["value"], frame["status"], strict=True)],
        t("col.series", lang): frame["series"],
        t("col.note", lang): frame["note"],
        t("col.source", lang): frame["source"],
    })


def symbol_or_value(value: float | None, status: object, unit: str, lang: str) -> str:
    """A value, or for a missing one the SSB symbol and what it means."""
    if isinstance(status, str) and status != "-":
        return f"{status} ({t(f'symbol.{SYMBOL_KEYS[status]}', lang)})"
    return format_value(value, unit, lang)


SYMBOL_KEYS = {"..": "missing", ".": "not_applicable", ":": "suppressed", "-": "nil"}


def observations_csv(frame: pd.DataFrame, indicator: Indicator) -> str:
    """The indicator's stored figures in the canonical CSV format (imports back unchanged)."""
    return canonical.to_csv(frame, {indicator.id: indicator.unit})


def metadata_table(indicator: Indicator, s: Summary, lang: str) -> pd.DataFrame:
    """Definition, unit, frequency, direction, source and licence as a two-column table."""
    source = indicator.source
    link = f"{source.organisation}" + (f", {t('source.table', lang)} {source.table}"
                                       if source.table else "")
    rows = [
        (t("indicator.definition", lang), indicator.definition.get(lang)),
        (t("indicator.unit", lang), unit_text(indicator, lang)),
        (t("indicator.frequency", lang), t(f"frequency.{indicator.frequency}", lang)),
        (t("indicator.direction", lang), t(f"direction.{indicator.direction}", lang)),
        (t("indicator.source_link", lang), link + (f" — {source.url}" if source.url else "")),
        (t("indicator.licence", lang), source.licence or t("indicator.licence_unverified", lang)),
    ]
    if source.note:
        rows.append((t("col.note", lang), source.note.get(lang)))
    return pd.DataFrame(rows, columns=[t("col.field", lang), t("col.content", lang)])


# ---- municipalities -----------------------------------------------------------------------------


def municipal_periods(model: PlanModel, frame: pd.DataFrame) -> list[str]:
    """Periods with figures for Akershus' municipalities, newest first."""
    codes = {r.code for r in model.municipalities()}
    rows = frame[frame["region_code"].isin(codes) & frame["value"].notna() & (frame["series"] == "")]
    ordered = rows.sort_values(["year", "sub"], ascending=False)
    return list(dict.fromkeys(ordered["period"]))


def municipal_period_note(municipal: str | None, county: str | None, lang: str) -> str:
    """`Kommunetallene går til oktober 2022; fylket har tall til januar 2026`, when the newest
    municipal period is not the county's newest; '' when they are the same (or one is unknown)."""
    if not municipal or not county or municipal == county:
        return ""
    return t("regional.period_note", lang, municipal=format_period(municipal, lang),
             county=format_period(county, lang))


def municipal_rows(model: PlanModel, frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """One period's municipal values (headline series)."""
    codes = {r.code for r in model.municipalities()}
    mask = (frame["region_code"].isin(codes) & (frame["period"] == period)
            & frame["value"].notna() & (frame["series"] == ""))
    return frame[mask][["region_code", "period", "value"]]


def municipal_names(model: PlanModel, lang: str) -> dict[str, str]:
    return {r.code: r.name.get(lang) for r in model.municipalities()}


def municipal_table(rows: pd.DataFrame, names: dict[str, str], unit: str, lang: str) -> pd.DataFrame:
    data = rows.sort_values("value", ascending=False)
    return pd.DataFrame({t("col.region", lang): [names.get(c, c) for c in data["region_code"]],
                         t("col.figure", lang): [format_value(v, unit, lang) for v in data["value"]]})


def municipal_summary(rows: pd.DataFrame, names: dict[str, str], unit: str, period: str,
                      lang: str, word: str = "") -> str:
    data = rows.sort_values("value", ascending=False)
    top, bottom = data.iloc[0], data.iloc[-1]
    return t_n("regional.summary", len(data), lang, top=names.get(top["region_code"]),
               top_value=format_value(top["value"], unit, lang, word=word),
               bottom=names.get(bottom["region_code"]),
               bottom_value=format_value(bottom["value"], unit, lang, word=word),
               period=format_period(period, lang))
