"""`fetch ssb`: fetch indicators from SSB, check them like a file, import them undoably."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from indicators import canonical, store
from indicators.i18n import t
from indicators.ingest.reader import ReadResult, read_observations
from indicators.issues import Issue, Param
from indicators.model import Codes, Indicator, PlanModel, Region, SsbSource
from indicators.periods import parse_period
from indicators.sources.ssb import JsonStatError, SsbClient, SsbRequestError, parse_jsonstat2

Step = Callable[[float, str], None]  # progress: fraction done, a sentence for the planner
Request = tuple[dict[str, Codes], dict[str, str], dict[str, str]]  # selection, codelists, outputs
KIND = "ssb"
CONTENTS = "ContentsCode"
_PREFIX = re.compile(r"^[KF]-")  # SSB's aggregation codelists write K-3201 and F-32


def _no_step(_fraction: float, _text: str) -> None:
    return None


class FetchError(Exception):
    """An indicator could not be made from what SSB sent (a message for the planner)."""


Flag = Issue  # something about the fetched rows a planner should know (not an error)


def flag(indicator_id: str, key: str, **params: Param) -> Issue:
    """A note (locale key under ssb.flag.) about one indicator's fetched rows, placed at the
    indicator: its line_text(lang) reads `2B-04: …`."""
    return Issue(indicator_id, None, None, key, dict(params), "warning")


@dataclass
class TableFetch:
    """The rows fetched from one SSB table, checked as the file ssb-<table>.csv."""

    table: str
    updated: str
    indicators: list[str]
    read: ReadResult

    @property
    def file_name(self) -> str:
        return f"ssb-{self.table}.csv"

    @property
    def source(self) -> str:
        return f"SSB tabell {self.table}, oppdatert {self.updated}"

    @property
    def published(self) -> str | None:
        """SSB's `updated` as an ISO time (when SSB published the table), None when not sent."""
        try:
            datetime.fromisoformat(self.updated.replace("Z", "+00:00"))
        except ValueError:
            return None
        return self.updated


@dataclass
class Fetched:
    """What a fetch got: checked tables, indicators that failed and why, and notes."""

    tables: list[TableFetch] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # indicator id -> message
    flags: list[Flag] = field(default_factory=list)


@dataclass
class Imported:
    """One table's import (or, for a dry run, what it would change)."""

    table: TableFetch
    result: store.ImportResult


# ---- choosing what to fetch ---------------------------------------------------------------------


def ssb_indicators(model: PlanModel, ids: Sequence[str] | None = None, lang: str = "nb"
                   ) -> list[Indicator]:
    """The indicators to fetch: `ids` (each must exist and have an ssb: block), else every block
    that is ready (`SsbSource.ready`: nothing awaits a check, or `ssb check` has passed it).

    Raises FetchError naming the first id that cannot be fetched.
    """
    if not ids:
        return [i for i in model.indicators if i.ssb is not None and i.ssb.ready]
    chosen = []
    for indicator_id in ids:
        indicator = model.indicator(indicator_id)
        if indicator is None:
            raise FetchError(t("ssb.error.unknown_indicator", lang, id=indicator_id))
        if indicator.ssb is None:
            raise FetchError(t("ssb.error.no_ssb_block", lang, id=indicator_id))
        chosen.append(indicator)
    return chosen


def awaiting_check(model: PlanModel) -> list[Indicator]:
    """Indicators whose ssb: block still says what is unknown (needs_check) and has not passed
    `ssb check`: left out of a fetch of all, so a guessed code never loads figures unseen."""
    return [i for i in model.indicators if i.ssb is not None and not i.ssb.ready]


def _by_table(indicators: Iterable[Indicator]) -> dict[str, list[Indicator]]:
    tables: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        tables.setdefault(_spec(indicator).table, []).append(indicator)
    return tables


def _spec(indicator: Indicator) -> SsbSource:
    """The ssb: block of an indicator chosen for fetching (select() passes on only those with one)."""
    assert indicator.ssb is not None, indicator.id
    return indicator.ssb


# ---- fetching (network only; nothing is written) ------------------------------------------------


def fetch(model: PlanModel, indicators: Sequence[Indicator], client: SsbClient | None = None, *,
          lang: str = "nb", today: date | None = None, step: Step = _no_step) -> Fetched:
    """Fetch and check every table; SsbUnavailable (SSB out of reach) propagates unhandled,
    so a caller writes nothing when any request could not be made."""
    client = client or SsbClient()
    out = Fetched()
    tables = _by_table(indicators)
    for n, (table, members) in enumerate(tables.items()):
        step(n / max(len(tables), 1) * 0.8, t("ssb.step.fetching", lang, table=table))
        rows, updated, done = [], [], []
        for indicator in members:
            try:
                frame, stamp = _indicator_rows(model, indicator, client, out.flags, lang)
            except (FetchError, SsbRequestError, JsonStatError) as error:
                out.failed[indicator.id] = _failure_text(error, table, lang)
                continue
            rows.append(frame)
            updated += stamp
            done.append(indicator.id)
        if done:
            _check_table(model, table, rows, updated, done, out, lang, today)
    step(0.8, t("ssb.step.checked", lang))
    return out


def _failure_text(error: Exception, table: str, lang: str) -> str:
    if isinstance(error, SsbRequestError):
        return t("ssb.error.request", lang, table=table, status=error.status, detail=error.detail)
    if isinstance(error, JsonStatError):
        return t("ssb.error.bad_response", lang, table=table, detail=str(error))
    return str(error)


def _check_table(model: PlanModel, table: str, rows: list[pd.DataFrame], updated: list[str],
                 done: list[str], out: Fetched, lang: str, today: date | None) -> None:
    """Write the table's rows as a canonical CSV and read it back through the file reader, so an
    SSB refresh gets exactly the checks a file import gets."""
    raw = _csv_bytes(pd.concat(rows, ignore_index=True), model)
    stamp = max(updated) if updated else t("ssb.unknown_time", lang)
    read = read_observations(raw, model, name=f"ssb-{table}.csv", lang=lang, today=today)
    if not read.ok:
        issues = "; ".join(f"{i.location()}: {i.message(lang)}" for i in read.errors[:5])
        for indicator_id in done:
            out.failed[indicator_id] = t("ssb.error.rejected", lang, table=table,
                                         count=read.total_errors, issues=issues)
        return
    out.tables.append(TableFetch(table, stamp, done, read))


def _indicator_rows(model: PlanModel, indicator: Indicator, client: SsbClient,
                    flags: list[Flag], lang: str) -> tuple[pd.DataFrame, list[str]]:
    """One indicator's rows (region_code, period, value, status) from its SSB requests."""
    spec = _spec(indicator)
    if spec.missing():
        raise FetchError(t("ssb.error.incomplete", lang, fields=", ".join(spec.missing()),
                           unknown=spec.needs_check or "?"))
    parts, stamps = [], []
    for selection, codelists, output_values in requests(spec):
        doc = client.data(spec.table, selection, codelists, output_values)
        if doc.get("updated"):
            stamps.append(str(doc["updated"]))
        parts.append(compute(parse_jsonstat2(doc), spec, lang))
    placed = _place(model, indicator, pd.concat(parts, ignore_index=True), flags, lang)
    if placed.empty:
        raise FetchError(t("ssb.error.no_cells", lang, table=spec.table))
    return placed, stamps


def requests(spec: SsbSource) -> list[Request]:
    """(selection, codelists, output values) of each request an ssb: block needs."""
    measured = spec.numerator + spec.denominator + spec.parts
    base: dict[str, Codes] = dict(spec.selection)
    if spec.over == CONTENTS and spec.value != "cell":
        base[CONTENTS] = list(dict.fromkeys(measured))
    else:
        assert spec.contents is not None, spec.table  # missing() reports a block without it
        base[CONTENTS] = [spec.contents]
        if spec.value != "cell":
            base[spec.over] = list(dict.fromkeys(measured))
    base.setdefault(spec.time_dimension, "*")  # v2 needs a time selection
    if not spec.regions:
        codelists = dict(spec.codelists)
        if spec.codelist:
            codelists[spec.region_dimension] = spec.codelist
        return [(base, codelists, {})]
    out: list[Request] = []
    for group in spec.regions:
        codelists = dict(spec.codelists)
        if group.codelist:
            codelists[spec.region_dimension] = group.codelist
        values: dict[str, str] = ({spec.region_dimension: group.output_values}
                                  if group.output_values else {})
        out.append(({**base, spec.region_dimension: group.codes}, codelists, values))
    return out


# ---- making the indicator's value from the cells ------------------------------------------------


def compute(cells: pd.DataFrame, spec: SsbSource, lang: str = "nb") -> pd.DataFrame:
    """Columns region, time, value, status: one row per region and period, made as `value` says."""
    keys = [spec.region_dimension, spec.time_dimension]
    for dim in keys:
        if dim not in cells.columns:
            raise FetchError(t("ssb.error.no_dimension", lang, dim=dim, table=spec.table,
                               found=", ".join(_dimensions(cells))))
    if (spec.value == "cell" or spec.over != CONTENTS) and CONTENTS in cells.columns:
        cells = cells[cells[CONTENTS] == spec.contents]
    if spec.value == "cell":
        _single(cells, keys, spec, lang)
        out = cells[keys + ["value", "status"]]
    else:
        out = _combine(cells, keys, spec, lang)
    return out.rename(columns={spec.region_dimension: "region", spec.time_dimension: "time"}
                      ).reset_index(drop=True)


def _single(cells: pd.DataFrame, keys: list[str], spec: SsbSource, lang: str) -> None:
    """The selection must leave one cell per region and period (else which one is meant?)."""
    if cells.duplicated(keys).any():
        extra = [c for c in _dimensions(cells) if c not in keys and cells[c].nunique() > 1]
        first = cells[cells.duplicated(keys, keep=False)].iloc[0]
        raise FetchError(t("ssb.error.several_cells", lang, table=spec.table,
                           region=first[keys[0]], period=first[keys[1]],
                           dimensions=", ".join(extra) or "?"))


def _dimensions(cells: pd.DataFrame) -> list[str]:
    return [str(c) for c in cells.columns if c not in ("value", "status")]


def _combine(cells: pd.DataFrame, keys: list[str], spec: SsbSource, lang: str) -> pd.DataFrame:
    if spec.over not in cells.columns:
        raise FetchError(t("ssb.error.no_dimension", lang, dim=spec.over, table=spec.table,
                           found=", ".join(_dimensions(cells))))
    _single(cells, [*keys, spec.over], spec, lang)
    rows = []
    for key, group in cells.groupby(keys, sort=False):
        by_code = {c: (v, s) for c, v, s in zip(group[spec.over], group["value"],
                                                   group["status"], strict=True)}
        if spec.value == "sum":
            value, status = _total(by_code, spec.parts)
        else:
            value, status = _share(_total(by_code, spec.numerator),
                                   _total(by_code, spec.denominator))
        if status is None:
            value = round(value * spec.value_factor(), 10 if spec.decimals is None
                          else spec.decimals)
        rows.append((*key, value, status))
    out = pd.DataFrame(rows, columns=[*keys, "value", "status"])
    out["status"] = pd.Series([r[-1] for r in rows], dtype=object)  # keep None, not NaN
    return out


def _total(cells: dict[str, tuple[float | None, str | None]], codes: list[str]) -> tuple[float, str | None]:
    """The sum of some cells; missing (with the first missing cell's symbol) if any is missing.
    A nil cell ("-") counts as 0; a missing one is never taken as 0."""
    total = 0.0
    for code in codes:
        if code not in cells:
            return np.nan, ".."
        value, status = cells[code]
        if status == "-":
            continue
        if pd.isna(value):
            return np.nan, status if status in ("..", ".", ":") else ".."
        total += float(value)
    return total, None


def _share(numerator: tuple[float, str | None], denominator: tuple[float, str | None]
           ) -> tuple[float, str | None]:
    for _value, status in (numerator, denominator):
        if status is not None:
            return np.nan, status
    if denominator[0] == 0:
        return np.nan, "."  # a share of nothing is not applicable, not zero
    return numerator[0] / denominator[0], None


# ---- regions and periods ------------------------------------------------------------------------


def _place(model: PlanModel, indicator: Indicator, cells: pd.DataFrame, flags: list[Flag],
           lang: str) -> pd.DataFrame:
    """Rows on today's region codes and canonical periods.

    A renumbered code (3024 -> 3201) takes its 2024 number; a merged or split one is left out
    and flagged (its area differs, so it is never added to another); a code the model does not
    know is left out and counted, and so is a cell SSB has no figure for (nil "-" is 0, kept).
    """
    out = []
    seen: dict[str, dict[str, str | None]] = {"renumbered": {}, "merged": {}, "unknown": {}}
    missing = out_of_time = 0
    for raw, time_code, value, status in cells.itertuples(index=False):
        if pd.isna(value) and status != "-":
            # A cell SSB has no figure for never overwrites a figure from another source.
            missing += 1
            continue
        code, change = region_for(model, str(raw))
        if change is not None:
            seen[change][_PREFIX.sub("", str(raw))] = code
        if code is None or change == "merged":
            continue
        if _spec(indicator).regions_by_period and not _in_force(model, code, str(time_code)):
            out_of_time += 1
            continue
        out.append((indicator.id, code, _period(str(time_code), indicator), value, status,
                    change is None))
    flags += _region_flags(model, indicator.id, seen, lang)
    if missing:
        flags.append(flag(indicator.id, "ssb.flag.missing_skipped", count=missing))
    if out_of_time:
        flags.append(flag(indicator.id, "ssb.flag.out_of_time", count=out_of_time))
    frame = pd.DataFrame(out, columns=["indicator_id", "region_code", "period", "value",
                                       "status", "as_sent"])
    frame.insert(3, "series", _spec(indicator).series)  # never the headline unless the block says so
    return _one_per_key(frame, indicator.id, flags)


def _in_force(model: PlanModel, code: str, time_code: str) -> bool:
    """True when region `code` existed at some time in the period (regions.yaml valid_from and
    valid_to), so a cohort is kept under the county code of its own time and no other."""
    region = model.region(code)
    span = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", time_code.strip())
    if region is None or span is None:
        return True
    first, last = int(span[1]), int(span[2] or span[1])
    return ((region.valid_from is None or last >= region.valid_from)
            and (region.valid_to is None or first <= region.valid_to))


def _region_flags(model: PlanModel, indicator_id: str, seen: dict[str, dict[str, str | None]],
                  lang: str) -> list[Flag]:
    def names(codes: dict[str, str | None]) -> str:
        return ", ".join(f"{old} {model.region_name(old, lang)} → {new or '?'}"
                         for old, new in sorted(codes.items()))

    flags = []
    if seen["renumbered"]:
        flags.append(flag(indicator_id, "ssb.flag.renumbered", codes=names(seen["renumbered"])))
    if seen["merged"]:
        flags.append(flag(indicator_id, "ssb.flag.merged", codes=names(seen["merged"])))
    if seen["unknown"]:
        codes = sorted(seen["unknown"])
        flags.append(flag(indicator_id, "ssb.flag.unknown_regions", count=len(codes),
                          codes=", ".join(codes[:8])))
    return flags


def region_for(model: PlanModel, raw: str) -> tuple[str | None, str | None]:
    """Today's code for an SSB region code and what had to be done to get it: None (the code is
    in use), "renumbered" (a pure renumbering, safe to follow), "merged" (the area changed, so
    the code gives no current region) or "unknown" (not in regions.yaml)."""
    code = _PREFIX.sub("", raw.strip())
    region = model.region(code)
    if region is None:
        return None, "unknown"
    if not (region.historical and region.successor):
        return code, None
    current = model.current_region(code)
    if current is None or _changed_area(model, region):
        return (current.code if current else None), "merged"
    return current.code, "renumbered"


def _changed_area(model: PlanModel, region: Region | None) -> bool:
    """True when any step from `region` to today's code merged or split areas."""
    seen: set[str] = set()
    while region is not None and region.code not in seen:
        if region.change in ("merged", "split"):
            return True
        seen.add(region.code)
        region = model.region(region.successor) if region.successor else None
    return False


def _one_per_key(frame: pd.DataFrame, indicator_id: str, flags: list[Flag]) -> pd.DataFrame:
    """Where an old and a new code gave the same region and period, keep the row SSB sent under
    today's code, and flag it when the two values differ."""
    key = ["region_code", "period"]
    frame = frame.sort_values("as_sent", ascending=False, kind="stable")
    twins = frame[frame.duplicated(key, keep=False)]
    for (region, period), group in twins.groupby(key, sort=False):
        if group["value"].nunique(dropna=False) > 1 or group["status"].nunique(dropna=False) > 1:
            flags.append(flag(indicator_id, "ssb.flag.conflict", region=str(region),
                              period=str(period)))
    return frame.drop_duplicates(key).drop(columns="as_sent")


def _period(code: str, indicator: Indicator) -> str:
    """SSB's time code in canonical form ("2024", "2024K1", "2024M01"; school years "2011/12").

    Text that is no period is passed on unchanged, for the reader to report.
    """
    school = re.fullmatch(r"(\d{4})-(\d{4})", code)
    if indicator.frequency == "school_year" and school and int(school[2]) == int(school[1]) + 1:
        return f"{school[1]}/{school[2][2:]}"
    if school and indicator.ssb is not None and indicator.ssb.interval_year:
        return school[1] if indicator.ssb.interval_year == "start" else school[2]
    period = parse_period(code)
    return period.canonical if period else code


def _csv_bytes(rows: pd.DataFrame, model: PlanModel) -> bytes:
    """The rows as a canonical observation file (what `export-csv` writes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(canonical.HEADER)
    for row in canonical.records(rows):
        status = row["status"] if isinstance(row["status"], str) else None
        writer.writerow([row["indicator_id"], row["region_code"], row["period"],
                         canonical.number_text(row["value"], status),
                         model.known_indicator(row["indicator_id"]).unit, row.get("series", ""),
                         "", ""])
    return out.getvalue().encode("utf-8")


# ---- importing (the same store path, history and undo as a file import) -------------------------


def apply(db_path: Path | str, fetched: Fetched, *, user: str | None = None,
          dry_run: bool = False) -> list[Imported]:
    """Import every checked table: one import record per table (kind "ssb", the source naming the
    table and SSB's `updated` time), all in one transaction so they land together or not at all."""
    if not fetched.tables:
        return []
    if dry_run:
        return [Imported(f, store.import_observations(
            db_path, f.read.frame, file_name=f.file_name, sha256=f.read.sha256, dry_run=True))
            for f in fetched.tables]
    done = []
    with store.transaction(Path(db_path)) as con:
        for f in fetched.tables:
            result = store.record_import(con, f.read.frame, file_name=f.file_name,
                                         sha256=f.read.sha256, user=user, kind=KIND,
                                         source=f.source)
            if f.published:  # shown as "publisert" beside the figures this import brought
                assert result.import_id is not None  # only a dry run has no import id
                store.record_published(con, result.import_id, f.published)
            done.append(Imported(f, result))
    return done


def touched(imported: Iterable[Imported]) -> list[str]:
    """Indicators whose stored rows an import changed (their data files need rewriting)."""
    ids: set[str] = set()
    for item in imported:
        ids |= set(item.result.diff["indicator_id"])
    return sorted(ids)
