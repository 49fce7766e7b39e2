"""The indicator catalogue as data: one row per indicator, filters, and readable column names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from indicators.i18n import MISSING, format_period, t
from indicators.model import Indicator, PlanModel
from indicators.progress import Assessment
from indicators.style import STATUS_STYLE
from indicators.views import Summary, dates_text, unit_text

# Shown columns, in order, with the text key of each heading.
COLUMNS: dict[str, str] = {
    "id": "catalogue.col.id",
    "name": "col.indicator",
    "goal": "catalogue.col.goal",
    "status": "col.status",
    "regions": "catalogue.col.regions",
    "first_period": "catalogue.col.first_period",
    "last_period": "catalogue.col.last_period",
    "dates": "dates.col.dates",
    "source": "col.source",
    "unit": "indicator.unit",
    "frequency": "indicator.frequency",
    "themes": "catalogue.col.themes",
}
# Kept beside the shown columns so the filters work on ids, not on translated text.
KEYS = ["goal_id", "theme_ids", "status_key", "has_data"]

# Regions named in the coverage column, in this order; municipalities are counted instead.
REGION_ORDER = ("32", "02", "30", "03", "0")


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the catalogue to (empty means no narrowing)."""

    text: str = ""
    goals: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    with_data: bool = False


def catalogue_table(model: PlanModel, coverage: pd.DataFrame | None,
                    assessments: Mapping[str, Assessment], lang: str = "nb",
                    summaries: Mapping[str, Summary] | None = None) -> pd.DataFrame:
    """Every indicator with its goal, themes, source, data coverage and status.

    `coverage` is the store's coverage frame (one row per indicator with data); `summaries`
    (views.summaries) date each indicator's latest figure: Tall for, publisert, hentet.
    """
    rows = {} if coverage is None else {str(r["indicator_id"]): r for _, r in coverage.iterrows()}
    records = [_record(model, i, rows.get(i.id), assessments.get(i.id), lang,
                       (summaries or {}).get(i.id)) for i in model.indicators]
    return pd.DataFrame(records, columns=[*COLUMNS, *KEYS])


def _record(model: PlanModel, indicator: Indicator, cover: pd.Series | None,
            assessment: Assessment | None, lang: str,
            summary: Summary | None) -> dict[str, str | bool | tuple[str, ...]]:
    goal = model.goal_of(indicator.id)
    themes = model.themes_of(indicator.id)
    status = assessment.status if assessment else "not_available"
    codes = str(cover["region_codes"]).split(",") if cover is not None else []
    return {
        "id": indicator.id,
        "name": indicator.name.get(lang),
        "goal": goal.id,
        "themes": ", ".join(theme.name.get(lang) for theme in themes),
        "source": source_label(indicator, lang),
        "unit": unit_text(indicator, lang),
        "frequency": t(f"frequency.{indicator.frequency}", lang),
        "regions": regions_text(model, codes, lang),
        "first_period": format_period(str(cover["first_period"]), lang) if cover is not None
        else MISSING,
        "last_period": format_period(str(cover["last_period"]), lang) if cover is not None
        else MISSING,
        "status": status_label(status, lang),
        "dates": (dates_text(summary, lang) if summary else "") or MISSING,
        "goal_id": goal.id,
        "theme_ids": tuple(theme.id for theme in themes),
        "status_key": status,
        "has_data": cover is not None,
    }


def source_label(indicator: Indicator, lang: str) -> str:
    """`SSB, tabell 11713` — the organisation and its table, in the reader's language."""
    source = indicator.source
    return f"{source.organisation}, {t('source.table', lang)} {source.table}" if source.table \
        else source.organisation


def status_label(status: str, lang: str) -> str:
    """`▼ Forverring`: the status's shape and its words, readable in a plain table cell."""
    return f"{STATUS_STYLE[status]['glyph']} {t(f'status.{status}', lang)}"


def regions_text(model: PlanModel, codes: Iterable[str], lang: str) -> str:
    """`Akershus, Oslo, Hele landet + 21 kommuner`: counties named, municipalities counted."""
    codes = [c for c in codes if c]
    if not codes:
        return MISSING
    municipal = {c for c in codes if (r := model.region(c)) is not None and r.level == "municipality"}
    named = [c for c in codes if c not in municipal]
    rank = {code: n for n, code in enumerate(REGION_ORDER)}
    named.sort(key=lambda c: (rank.get(c, len(rank)), c))
    text = ", ".join(model.region_name(c, lang) for c in named)
    if municipal:
        count = t("catalogue.municipalities", lang, n=len(municipal)) if len(municipal) > 1 \
            else t("catalogue.municipality", lang)
        text = f"{text} + {count}" if text else count
    return text


def filter_table(table: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows that match every filter; the text matches any shown column, ignoring case."""
    keep = pd.Series(True, index=table.index)
    if filters.text.strip():
        needle = filters.text.strip().casefold()
        shown = table[list(COLUMNS)].astype(str).agg(" ".join, axis=1).str.casefold()
        keep &= shown.str.contains(needle, regex=False)
    if filters.goals:
        keep &= table["goal_id"].isin(filters.goals)
    if filters.themes:
        keep &= table["theme_ids"].map(lambda ids: bool(set(ids) & set(filters.themes)))
    if filters.statuses:
        keep &= table["status_key"].isin(filters.statuses)
    if filters.with_data:
        keep &= table["has_data"].astype(bool)
    return table[keep]


def readable(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The shown columns only, with headings in the reader's language (also what the CSV holds)."""
    return table[list(COLUMNS)].rename(columns={k: t(v, lang) for k, v in COLUMNS.items()})


def to_csv(table: pd.DataFrame) -> str:
    """A readable table as CSV for a spreadsheet: UTF-8 with a byte-order mark, comma-separated."""
    # The mark makes Excel read æ, ø and å correctly when the file is opened by double-click.
    return "\ufeff" + table.to_csv(index=False, lineterminator="\n")
