"""Readers for the plan's own files: funding.csv, grants.csv, milestones.csv and actions.csv.

They read any dialect the observation reader reads (delimiter, encoding, decimal comma, .xlsx)
and report problems the same way: `FILE:LINE:COLUMN: what is wrong — how to fix it`, in bokmål
or English, the first 50 listed and the rest counted. A file with any error is not used.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypedDict, Unpack

import numpy as np
import pandas as pd

from indicators.i18n import t
from indicators.ingest.dialect import RawTable
from indicators.ingest.reader import raw_table, source_bytes
from indicators.ingest.rules import Collector, FileProblem, plain_line, row_text
from indicators.ingest.values import header_key, parse_values
from indicators.issues import Issue, Params, Severity
from indicators.model import PlanModel, is_email
from indicators.periods import parse_period

MILESTONE_KINDS = ("phase", "milestone", "decision", "deadline", "meeting", "review")
MILESTONE_STATUSES = ("planned", "ongoing", "done", "delayed")
# How a grant's focus area is known: the source states it, or we judged it from the description.
# An empty cell, or a file without the column, counts as assessed: never claim a source we lack.
BASIS_VALUES = ("source", "assessed")
BASIS_WORDS = {"source": "source", "kilde": "source", "assessed": "assessed", "vurdert": "assessed"}
FIRST_YEAR = 2000  # grant and scheme figures before this are a typo, not history we hold
DATE_RANGE = (date(2000, 1, 1), date(2100, 12, 31))

TableProblem = Issue  # the old name; an Issue prints as FILE:LINE:COLUMN: message


@dataclass(frozen=True)
class Col:
    """One column of a plan file: its name, the other names planners write, and its kind."""

    name: str
    kind: str  # text | id | year | amount | count | percent | date | municipality
    aliases: tuple[str, ...] = ()
    header: bool = True  # must be in the header
    cell: bool = False  # every row needs a value


@dataclass(frozen=True)
class Spec:
    table: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]  # two rows with the same key are an error
    key_text: str  # locale key naming the key in the duplicate message

    def names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass
class TableResult:
    """What reading a plan file gave: its rows, or the errors that stopped it."""

    file: str
    frame: pd.DataFrame  # the table's columns (store.TABLE_COLUMNS); no rows when there are errors
    errors: list[Issue]
    total_errors: int
    warnings: list[Issue] = field(default_factory=list)
    total_warnings: int = 0
    sha256: str = ""
    table: str = ""

    @property
    def ok(self) -> bool:
        return self.total_errors == 0

    @property
    def problems(self) -> list[Issue]:
        """The errors (the name build and validate use)."""
        return self.errors


SPECS: dict[str, Spec] = {
    "funding": Spec("funding", (
        Col("year", "year", ("år", "aar"), cell=True),
        Col("scheme_id", "scheme", ("ordning", "scheme", "ordning_id"), cell=True),
        Col("applications", "count", ("søknader", "soknader", "antall_søknader")),
        Col("applied_nok_million", "amount", ("søkt", "sokt", "søkt_mill_kr", "applied")),
        Col("granted_nok_million", "amount", ("innvilget", "innvilget_mill_kr", "granted")),
        Col("projects", "count", ("prosjekter", "antall_prosjekter")),
        Col("note", "text", ("merknad", "kommentar"), header=False),
        Col("source", "text", ("kilde",), header=False),
    ), ("year", "scheme_id"), "tables.key.funding"),
    "grants": Spec("grants", (
        Col("year", "year", ("år", "aar"), cell=True),
        Col("scheme_id", "scheme", ("ordning", "scheme", "ordning_id"), cell=True),
        Col("recipient", "text", ("mottaker", "tilskuddsmottaker", "søker"), header=False),
        Col("project", "text", ("prosjekt", "prosjektnavn"), header=False),
        Col("municipality_code", "municipality", ("kommunenummer", "kommunenr", "kommune"),
            header=False),
        Col("focus_area_id", "focus_area", ("satsingsområde", "satsingsomrade", "focus_area")),
        Col("amount_nok_million", "amount", ("beløp", "belop", "beløp_mill_kr", "amount",
                                             "innvilget")),
        Col("description", "text", ("beskrivelse",), header=False),
        Col("focus_area_basis", "basis", ("grunnlag", "grunnlag_satsingsområde",
                                          "satsingsområde_grunnlag"), header=False),
    ), ("year", "scheme_id", "recipient", "project"), "tables.key.grants"),
    "milestones": Spec("milestones", (
        Col("id", "text", (), cell=True),
        Col("start", "date", ("fra", "startdato", "dato"), cell=True),
        Col("end", "date", ("til", "slutt", "sluttdato"), header=False),
        Col("kind", "kind", ("type", "art"), cell=True),
        Col("status", "status", (), cell=True),
        Col("owner", "text", ("ansvarlig", "eier"), header=False),
        Col("title_nb", "text", ("tittel", "tittel_nb"), cell=True),
        Col("title_en", "text", ("tittel_en",), header=False),
        Col("description_nb", "text", ("beskrivelse", "beskrivelse_nb"), header=False),
        Col("description_en", "text", ("beskrivelse_en",), header=False),
    ), ("id",), "tables.key.id"),
    "actions": Spec("actions", (
        Col("id", "text", (), cell=True),
        Col("title_nb", "text", ("tittel", "tittel_nb", "tiltak"), cell=True),
        Col("title_en", "text", ("tittel_en",), header=False),
        Col("start", "date", ("fra", "startdato"), cell=True),
        Col("end", "date", ("til", "slutt", "sluttdato"), cell=True),
        Col("owner", "text", ("ansvarlig", "eier")),
        Col("percent_complete", "percent", ("fullført", "prosent_fullført", "fremdrift"),
            cell=True),
        Col("goal_id", "goal", ("delmål", "delmal", "mål"), header=False),
        Col("note", "text", ("merknad", "kommentar"), header=False),
        # Where the owner's reminders go (Mine oppgaver, `due`); optional, as older files lack it.
        Col("owner_email", "email", ("e-post", "epost", "ansvarlig_e-post", "ansvarlig_epost",
                                     "email"), header=False),
    ), ("id",), "tables.key.id"),
    # A planner's short commentary on an indicator's period ("Hvorfor gikk ledigheten opp?").
    "comments": Spec("comments", (
        Col("indicator_id", "indicator", ("indikator", "indikator_id"), cell=True),
        Col("period", "period", ("periode",), cell=True),
        Col("text", "comment", ("kommentar", "tekst"), cell=True),
        Col("author", "text", ("forfatter", "skrevet_av"), cell=True),
        Col("at", "date", ("dato",), cell=True),
    ), ("indicator_id", "period"), "tables.key.comments"),
}
COMMENT_MAX = 1000  # characters: a short commentary, not a report


# ---- reading ------------------------------------------------------------------------------


class ReadOptions(TypedDict, total=False):
    """The keywords read_table_file takes besides the table, the file and the model."""

    name: str | None
    lang: str
    today: date | None


def read_table_file(table: str, source: Path | str | bytes, model: PlanModel, *,
                    name: str | None = None, lang: str = "nb",
                    today: date | None = None) -> TableResult:
    """Read and validate one plan file; its rows are used only if it has no errors at all."""
    spec = SPECS[table]
    file = name or ("<upload>" if isinstance(source, bytes) else str(source))
    issues = Collector(file)
    frame, raw = _empty(spec), b""
    try:
        raw = source_bytes(source)
        texts, lines, names = _texts(spec, raw_table(raw, file, issues), issues)
        if texts is not None:
            check = _Check(spec, model, issues, lines, names, today or date.today(), lang)
            frame = check.run(texts)
    except FileProblem as problem:
        issues.add_problem(problem)
    issues.finish()
    if issues.total_errors:
        frame = _empty(spec)
    return TableResult(file, frame, issues.errors, issues.total_errors, issues.warnings,
                       issues.total_warnings, hashlib.sha256(raw).hexdigest(), table)


def read_funding(path: Path | str | bytes, model: PlanModel, **options: Unpack[ReadOptions]) -> TableResult:
    """Scheme totals per year: applications, amounts applied for and granted, projects."""
    return read_table_file("funding", path, model, **options)


def read_grants(path: Path | str | bytes, model: PlanModel, **options: Unpack[ReadOptions]) -> TableResult:
    """One row per grant; an empty amount stays unknown (never 0)."""
    return read_table_file("grants", path, model, **options)


def read_milestones(path: Path | str | bytes, model: PlanModel,
                    **options: Unpack[ReadOptions]) -> TableResult:
    """Timeline items with a start date, an optional end date, a kind and a status."""
    return read_table_file("milestones", path, model, **options)


def read_actions(path: Path | str | bytes, model: PlanModel, **options: Unpack[ReadOptions]) -> TableResult:
    """Action items (tiltak): start, end, owner and percent complete."""
    return read_table_file("actions", path, model, **options)


def read_comments(path: Path | str | bytes, model: PlanModel, **options: Unpack[ReadOptions]) -> TableResult:
    """Planners' comments, one per indicator and period, with author and date."""
    return read_table_file("comments", path, model, **options)


READERS: dict[str, Callable[..., TableResult]] = {
    "funding": read_funding, "grants": read_grants,
    "milestones": read_milestones, "actions": read_actions, "comments": read_comments,
}


def table_for_file(path: Path | str) -> str | None:
    """The plan table a file is for, by its name (grants.csv, tilskudd-2025 is not: use --table)."""
    stem = re.sub(r"\.(csv|tsv|txt|xlsx|xlsm)$", "", Path(path).name, flags=re.I).lower()
    return stem if stem in SPECS else None


def _texts(spec: Spec, table: RawTable | None, issues: Collector
           ) -> tuple[dict[str, pd.Series] | None, np.ndarray, dict[str, str]]:
    """Each column of the spec as trimmed text, by header name or alias; None if some are missing."""
    if table is None:
        return None, np.array([]), {}
    lookup = {header_key(a): c.name for c in spec.columns for a in (c.name, *c.aliases)}
    texts: dict[str, pd.Series] = {}
    names: dict[str, str] = {}
    for pos, header in enumerate(table.header):
        canonical = lookup.get(header_key(header))
        if canonical is None:
            continue
        if canonical in names:
            raise FileProblem("tables.error.duplicate_column", line=1, column=header.strip(),
                              first=names[canonical], second=header.strip())
        texts[canonical] = table.data[pos].astype(str).str.strip().reset_index(drop=True)
        names[canonical] = header.strip()
    missing = [c for c in spec.columns if c.header and c.name not in texts]
    for col in missing:
        issues.add(1, None, "tables.error.missing_column", name=col.name,
                   accepted=", ".join((col.name, *col.aliases)))
    if missing:
        return None, np.array([]), names
    blank = pd.Series("", index=range(len(table.data)), dtype=str)
    for col in spec.columns:
        texts.setdefault(col.name, blank)
    return texts, table.lines, names


# ---- checking -----------------------------------------------------------------------------


@dataclass
class _Check:
    """Runs every rule of a spec over the columns of one file."""

    spec: Spec
    model: PlanModel
    issues: Collector
    lines: np.ndarray
    names: dict[str, str]
    today: date
    lang: str

    def report(self, mask: np.ndarray, column: str | None, key: str,
               params: Callable[[int], Params], severity: Severity = "error") -> None:
        name = self.names.get(column, column) if column else None
        self.issues.add_rows(np.asarray(mask, dtype=bool), self.lines, name, key, params,
                             severity)

    def run(self, texts: dict[str, pd.Series]) -> pd.DataFrame:
        out: dict[str, object] = {}
        for col in self.spec.columns:
            values = texts[col.name]
            empty = (values == "").to_numpy()
            if col.cell:
                shown: Params = {"name": self.names.get(col.name, col.name)}
                self.report(empty, col.name, "tables.error.empty_cell", _same(shown))
            out[col.name] = getattr(self, f"_{col.kind}")(col.name, values, empty)
        frame = pd.DataFrame(out)
        self._rows(frame, texts)
        self._duplicates(texts)
        return frame[self.spec.names()]

    # one method per column kind; each returns the typed column and reports bad cells

    def _text(self, _name: str, values: pd.Series, _empty: np.ndarray) -> pd.Series:
        return values

    def _known(self, name: str, values: pd.Series, empty: np.ndarray, known: list[str],
               key: str) -> pd.Series:
        bad = ~empty & ~values.isin(known).to_numpy()
        self.report(bad, name, key, lambda i: {
            "value": row_text(values, i), "choices": ", ".join(known),
            "closest": ", ".join(difflib.get_close_matches(row_text(values, i), known, 3, 0.0))})
        return values

    def _scheme(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        known = [s.id for s in self.model.schemes]
        return self._known(name, values, empty, known, "tables.error.unknown_scheme")

    def _focus_area(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        known = [f.id for f in self.model.focus_areas]
        return self._known(name, values, empty, known, "tables.error.unknown_focus_area")

    def _goal(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        known = [g.id for g in self.model.goals]
        return self._known(name, values, empty, known, "tables.error.unknown_goal")

    def _indicator(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        return self._known(name, values, empty, self.model.indicator_ids(),
                           "tables.error.unknown_indicator")

    def _period(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        parsed = [parse_period(v) for v in values]
        bad = ~empty & np.array([p is None for p in parsed], dtype=bool)
        self.report(bad, name, "tables.error.not_a_period", lambda i: {"text": row_text(values, i)})
        return pd.Series([p.canonical if p else v for p, v in zip(parsed, values, strict=True)],
                         dtype=object)

    def _comment(self, name: str, values: pd.Series, _empty: np.ndarray) -> pd.Series:
        long = (values.str.len() > COMMENT_MAX).to_numpy()
        self.report(long, name, "tables.error.comment_too_long",
                    lambda i: {"n": len(row_text(values, i)), "max": COMMENT_MAX})
        return values

    def _email(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        bad = ~empty & ~values.map(is_email).to_numpy(dtype=bool)
        self.report(bad, name, "tables.error.not_an_email", lambda i: {"text": row_text(values, i)})
        return values

    def _kind(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        return self._known(name, values, empty, list(MILESTONE_KINDS), "tables.error.unknown_kind")

    def _status(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        return self._known(name, values, empty, list(MILESTONE_STATUSES),
                           "tables.error.unknown_status")

    def _basis(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        if name not in self.names:  # an older file without the column: say what we assume
            self.issues.add(1, None, "tables.warning.basis_missing", "warning", name=name,
                            default=BASIS_VALUES[1])
        words = values.str.casefold().map(BASIS_WORDS)
        bad = ~empty & words.isna().to_numpy()
        self.report(bad, name, "tables.error.unknown_basis",
                    lambda i: {"value": row_text(values, i), "choices": " | ".join(BASIS_VALUES)})
        return words.where(~empty, BASIS_VALUES[1])

    def _municipality(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        codes = values.str.extract(r"^(\d{4})\b", expand=False).fillna(values)  # "3201 Bærum"
        current = {r.code for r in self.model.regions
                   if r.level == "municipality" and not r.historical}
        bad = ~empty & ~codes.isin(current).to_numpy()
        self.report(bad, name, "tables.error.unknown_municipality",
                    lambda i: self._municipality_hint(row_text(codes, i)))
        return codes.where(~empty, "")

    def _municipality_hint(self, code: str) -> Params:
        region = self.model.region(code)
        now = self.model.current_region(code) if region is not None else None
        hint = "" if now is None or now.code == code else \
            " (" + t("tables.hint.now", self.lang, code=now.code, name=now.name.get(self.lang)) + ")"
        return {"value": code, "hint": hint}

    def _numbers(self, name: str, values: pd.Series) -> np.ndarray:
        parsed = parse_values(values)
        bad = parsed.not_a_number | parsed.not_finite | parsed.underflow  # 1e-400 is not 0
        self.report(bad, name, "tables.error.not_a_number", lambda i: {"text": row_text(values, i)})
        return parsed.value

    def _amount(self, name: str, values: pd.Series, _empty: np.ndarray) -> pd.Series:
        number = self._numbers(name, values)
        with np.errstate(invalid="ignore"):
            self.report(number < 0, name, "tables.error.negative",
                        lambda i: {"text": row_text(values, i)})
        return pd.Series(number, dtype=float)

    def _count(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        number = self._amount(name, values, empty)
        fraction = (number.notna() & (number % 1 != 0)).to_numpy()
        self.report(fraction, name, "tables.error.not_whole", lambda i: {"text": row_text(values, i)})
        return number.where(~fraction).round().astype("Int64")

    def _percent(self, name: str, values: pd.Series, _empty: np.ndarray) -> pd.Series:
        number = pd.Series(self._numbers(name, values.str.rstrip("%").str.strip()), dtype=float)
        outside = ((number < 0) | (number > 100)).to_numpy()
        self.report(outside, name, "tables.error.percent_range", lambda i: {"text": row_text(values, i)})
        return number

    def _year(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        number = pd.to_numeric(values.where(values.str.fullmatch(r"\d{4}"), None),
                               errors="coerce")
        self.report(~empty & number.isna().to_numpy(), name, "tables.error.not_a_year",
                    lambda i: {"text": row_text(values, i)})
        top = self.today.year + 1
        wrong = ((number < FIRST_YEAR) | (number > top)).to_numpy()
        self.report(wrong, name, "tables.error.year_out_of_range",
                    lambda i: {"year": row_text(values, i), "first": FIRST_YEAR, "last": top})
        return number.where(~wrong).astype("Int64")

    def _date(self, name: str, values: pd.Series, empty: np.ndarray) -> pd.Series:
        parsed = [parse_date(v) for v in values]
        bad = ~empty & np.array([p is None for p in parsed], dtype=bool)
        self.report(bad, name, "tables.error.not_a_date", lambda i: {"text": row_text(values, i)})
        outside = np.array([p is not None and not DATE_RANGE[0] <= p <= DATE_RANGE[1]
                            for p in parsed], dtype=bool)
        self.report(outside, name, "tables.error.date_out_of_range",
                    lambda i: {"text": row_text(values, i)})
        return pd.Series(parsed, dtype=object)

    # rules across columns

    def _rows(self, frame: pd.DataFrame, texts: dict[str, pd.Series]) -> None:
        if "end" in frame:
            later = np.array([s is not None and e is not None and e < s
                              for s, e in zip(frame["start"], frame["end"], strict=True)], bool)
            self.report(later, "end", "tables.error.end_before_start",
                        lambda i: {"start": row_text(texts["start"], i), "end": row_text(texts["end"], i)})
        if self.spec.table == "grants":
            self._grants(frame, texts)
        if self.spec.table == "funding":
            self._funding(frame, texts)

    def _grants(self, frame: pd.DataFrame, texts: dict[str, pd.Series]) -> None:
        unnamed = ((texts["recipient"] == "") & (texts["project"] == "")).to_numpy()
        self.report(unnamed, "recipient", "tables.error.grant_unnamed", lambda _i: {})
        served = {s.id: set(s.focus_areas) for s in self.model.schemes}
        outside = np.array([s in served and f != "" and self.model.focus_area(f) is not None
                            and f not in served[s]
                            for s, f in zip(frame["scheme_id"], frame["focus_area_id"],
                                            strict=True)], dtype=bool)
        self.report(outside, "focus_area_id", "tables.warning.focus_not_in_scheme",
                    lambda i: {"focus_area": row_text(texts["focus_area_id"], i),
                               "scheme": row_text(texts["scheme_id"], i)}, severity="warning")
        claimed = ((frame["focus_area_basis"] == "source") & (texts["focus_area_id"] == "")
                   ).to_numpy(bool)
        self.report(claimed, "focus_area_basis", "tables.error.basis_without_focus",
                    lambda _i: {})

    def _funding(self, frame: pd.DataFrame, texts: dict[str, pd.Series]) -> None:
        with np.errstate(invalid="ignore"):
            more = (frame["granted_nok_million"] > frame["applied_nok_million"]).to_numpy(bool)
        self.report(more, "granted_nok_million", "tables.warning.granted_above_applied",
                    lambda i: {"granted": row_text(texts["granted_nok_million"], i),
                               "applied": row_text(texts["applied_nok_million"], i)},
                    severity="warning")

    def _duplicates(self, texts: dict[str, pd.Series]) -> None:
        keys = pd.DataFrame({k: texts[k].str.casefold() for k in self.spec.key})
        # Rows without a key of their own (an empty id) already have an error.
        filled = (keys[list(self.spec.key[:1])] != "").all(axis=1)
        first = keys.groupby(list(self.spec.key), sort=False).cumcount() > 0
        duplicate = (first & filled).to_numpy()
        firsts = keys[filled].drop_duplicates(keep="first")
        first_line = {tuple(r): int(i) for i, r in zip(firsts.index, firsts.to_numpy(),
                                                        strict=True)}
        what = t(self.spec.key_text, self.lang)
        self.report(duplicate, self.spec.key[-1], "tables.error.duplicate",
                    lambda i: {"what": what, "first_line": plain_line(
                        self.lines[first_line[tuple(keys.iloc[i])]])})


def _same(params: Params) -> Callable[[int], Params]:
    """The same parameters for every row."""
    return lambda _row: params


def parse_date(text: str) -> date | None:
    """`2025-03-17`, `17.03.2025` (Norwegian Excel) or an Excel cell `2025-03-17 00:00:00`."""
    text = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    nordic = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if nordic:
            return date(int(nordic[3]), int(nordic[2]), int(nordic[1]))
    except ValueError:
        return None
    return None


def _empty(spec: Spec) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in spec.names()})
