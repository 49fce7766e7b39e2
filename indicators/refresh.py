"""`refresh`: the job (cron) that refreshes every ready SSB indicator and says what changed.

One import per table through workflow.fetch (history, undo, write-back), exactly as `fetch ssb`
and the app's button; the summary is short plain text, fit for an e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from indicators import canonical, store, workflow
from indicators import fetch as fetcher
from indicators.i18n import format_date, format_number, format_percent, t, t_n
from indicators.model import Indicator, PlanModel
from indicators.sources.ssb import SsbClient

# Exit codes for cron: 0 done (changed or not), 1 some indicator or table failed (the rest was
# saved), 2 usage (the command line), 3 SSB could not be reached (nothing changed; try later).
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
SHOWN_CHANGES = 12  # value lines per table in the summary; the rest is counted


@dataclass
class TableRefresh:
    """One table's import, and the refresh of the same table before it."""

    imported: fetcher.Imported
    previous_at: pd.Timestamp | None = None
    previous_published: str | None = None


@dataclass
class Refresh:
    """What a refresh did."""

    tables: list[TableRefresh] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    awaiting: list[Indicator] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed else EXIT_OK


def run(db: Path, model: PlanModel, *, client: SsbClient | None = None, user: str | None = None,
        back: workflow.WriteBack | None = None, lang: str = "nb") -> Refresh:
    """Fetch every ready SSB indicator and import each table (SsbUnavailable propagates)."""
    before = _last_refreshes(db)
    chosen = fetcher.ssb_indicators(model)
    out = Refresh(awaiting=fetcher.awaiting_check(model))
    if not chosen:
        return out
    fetched = fetcher.fetch(model, chosen, client, lang=lang)
    imported, done = workflow.fetch(db, model, fetched, user=user or "refresh",
                                    back=back or workflow.WriteBack())
    out.failed = dict(fetched.failed)
    out.notes = [f.line_text(lang) for f in fetched.flags]
    out.files = done.files
    for item in imported:
        at, published = before.get(item.table.file_name, (None, None))
        out.tables.append(TableRefresh(item, at, published))
    return out


def _last_refreshes(db: Path) -> dict[str, tuple[pd.Timestamp, str | None]]:
    """file name (ssb-<table>.csv) -> (when, SSB's update time) of its latest import in force."""
    if not db.exists():
        return {}
    with store.reading(db) as con:
        history, meta = store.history(con), store.meta(con)
    rows = history[(history["kind"] == fetcher.KIND) & history["undone_by"].isna()]
    out: dict[str, tuple[pd.Timestamp, str | None]] = {}
    for row in canonical.records(rows):  # newest first: keep the first seen per file
        out.setdefault(row["file_name"], (row["imported_at"],
                                          meta.get(f"{store.PUBLISHED_KEY}{row['id']}")))
    return out


def summary(refresh: Refresh, model: PlanModel, lang: str = "nb") -> str:
    """Plain text: per table what changed since the last refresh, then failures and waiting blocks."""
    lines = []
    for table in refresh.tables:
        lines += _table_lines(table, model, lang)
    if not refresh.tables and not refresh.failed:
        lines.append(t("refresh.nothing", lang))
    lines += [t("ssb.failed", lang, id=k, reason=v) for k, v in refresh.failed.items()]
    if refresh.awaiting:
        lines.append(t("ssb.awaiting", lang, ids=", ".join(i.id for i in refresh.awaiting)))
    lines += [t("update.wrote_file", lang, file=p) for p in refresh.files]
    return "\n".join(lines)


def _table_lines(table: TableRefresh, model: PlanModel, lang: str) -> list[str]:
    item, r = table.imported, table.imported.result
    fetched = item.table
    when = (t("refresh.previous", lang, at=format_date(table.previous_at, lang),
              published=_date(table.previous_published, lang))
            if table.previous_at is not None else t("refresh.first", lang))
    new_version = (table.previous_published is not None and fetched.published is not None
                   and fetched.published != table.previous_published)
    head = t("refresh.table", lang, table=fetched.table, published=_date(fetched.published, lang),
             ids=", ".join(fetched.indicators), when=when)
    lines = [head + (" " + t("refresh.new_version", lang) if new_version else "")]
    counts = t("refresh.counts", lang, id=r.import_id, added=r.added, changed=r.changed,
               unchanged=r.unchanged)
    lines.append("  " + counts)
    moved = r.diff[r.diff["action"].isin(["added", "changed"])]
    # Country and counties before municipalities (regions.yaml order), so the head says most.
    rank = {region.code: n for n, region in enumerate(model.regions)}
    moved = moved.assign(_rank=moved["region_code"].map(rank).fillna(len(rank))).sort_values(
        ["indicator_id", "series", "_rank", "period"], kind="stable")
    for row in canonical.records(moved.head(SHOWN_CHANGES)):
        lines.append("  " + _change_line(row, model, lang))
    if len(moved) > SHOWN_CHANGES:
        lines.append("  " + t_n("refresh.more", len(moved) - SHOWN_CHANGES, lang))
    return lines


def _change_line(row: canonical.Row, model: PlanModel, lang: str) -> str:
    """One row of an import's diff (store.ImportResult.diff) as a line of the summary."""
    where = f"{row['indicator_id']} {model.region_name(row['region_code'], lang)} {row['period']}"
    if row["series"]:
        where += f" ({row['series']})"
    unit = model.known_indicator(row["indicator_id"]).unit
    new = _number(row["new_value"], row["new_status"], unit, lang)
    if row["action"] == "added":
        return t("refresh.added", lang, where=where, new=new)
    return t("refresh.changed", lang, where=where, new=new,
             old=_number(row["old_value"], row["old_status"], unit, lang))


def _number(value: float | None, status: object, unit: str, lang: str) -> str:
    """The value in the reader's format with all its decimals (a change in the second decimal
    must show), or SSB's symbol."""
    text = canonical.number_text(value, status if isinstance(status, str) else None)
    if text in ("..", ".", ":", "-"):
        return text
    decimals = min(len(text.partition(".")[2]), 4)
    if unit == "percent":
        return format_percent(value, lang, decimals)
    return format_number(value, lang, decimals)


def _date(iso: str | None, lang: str) -> str:
    return format_date(iso, lang) if iso else t("ssb.unknown_time", lang)


def refreshed_table(model: PlanModel, refreshes: pd.DataFrame | None, lang: str = "nb"
                    ) -> pd.DataFrame:
    """Per SSB-connected indicator: when it was last refreshed, from which table and SSB update,
    and whether its block is fetched or awaits a check (the update page's table)."""
    found = ({} if refreshes is None or refreshes.empty
             else {r["indicator_id"]: r for r in canonical.records(refreshes)})
    rows = []
    for indicator in model.indicators:
        ssb = indicator.ssb
        if ssb is None:
            continue
        hit = found.get(indicator.id)
        rows.append({
            t("refresh.col.indicator", lang): f"{indicator.id} {indicator.name.get(lang)}",
            t("refresh.col.refreshed", lang): (format_date(hit["imported_at"], lang)
                                               if hit is not None else t("refresh.never", lang)),
            t("refresh.col.version", lang): (
                t("refresh.version", lang,
                  table=hit["file_name"].removeprefix("ssb-").removesuffix(".csv"),
                  published=_date(hit["published"] if isinstance(hit["published"], str) else None,
                                  lang))
                if hit is not None else t("refresh.col.table", lang, table=ssb.table)),
            t("refresh.col.block", lang): (t("refresh.ready", lang) if ssb.ready
                                           else t("refresh.awaits", lang)),
        })
    return pd.DataFrame(rows)
