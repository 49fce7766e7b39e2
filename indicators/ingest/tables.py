"""Readers for the plan's own files: funding.csv, grants.csv, milestones.csv and actions.csv."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.model import PlanModel

MILESTONE_KINDS = {"phase", "milestone", "decision", "deadline", "meeting", "review"}
MILESTONE_STATUSES = {"planned", "ongoing", "done", "delayed"}


@dataclass
class TableProblem:
    """One problem in a plan file, placed like an observation-file error."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class TableResult:
    frame: pd.DataFrame
    problems: list[TableProblem]


def _number(series: pd.Series) -> pd.Series:
    cleaned = series.str.replace("\u00a0", "").str.replace(" ", "").str.replace(",", ".")
    return pd.to_numeric(cleaned.replace("", None), errors="coerce")


def _problems(name: str, frame: pd.DataFrame, column: str, bad: pd.Series,
              message: str) -> list[TableProblem]:
    return [TableProblem(name, int(i) + 2, column, message.format(value=frame.at[i, column]))
            for i in frame.index[bad]]


def _check_numbers(name: str, frame: pd.DataFrame, columns: list[str],
                   required: set[str]) -> list[TableProblem]:
    problems: list[TableProblem] = []
    for column in columns:
        values = _number(frame[column])
        empty = frame[column].str.strip() == ""
        problems += _problems(name, frame, column, ~empty & values.isna(),
                              '"{value}" er ikke et tall — bruk f.eks. 12,5')
        problems += _problems(name, frame, column, values < 0,
                              '"{value}" er negativt — beløp og antall må være 0 eller mer')
        if column in required:
            problems += _problems(name, frame, column, empty, "mangler verdi — fyll inn")
    return problems


def _check_ids(name: str, frame: pd.DataFrame, column: str, known: set[str],
               what: str, allow_empty: bool = True) -> list[TableProblem]:
    values = frame[column].str.strip()
    bad = ~values.isin(known) & ~((values == "") & allow_empty)
    choices = ", ".join(sorted(known))
    return _problems(name, frame, column, bad,
                     f'ukjent {what} "{{value}}" — bruk en av: {choices}')


def _check_dates(name: str, frame: pd.DataFrame, columns: list[str]) -> list[TableProblem]:
    problems: list[TableProblem] = []
    for column in columns:
        parsed = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%d",
                                errors="coerce")
        empty = frame[column].str.strip() == ""
        problems += _problems(name, frame, column, ~empty & parsed.isna(),
                              '"{value}" er ikke en dato — skriv ÅÅÅÅ-MM-DD, f.eks. 2025-03-17')
    return problems


def _read(path: Path, columns: list[str]) -> tuple[pd.DataFrame, list[TableProblem]]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    problems = [TableProblem(path.name, 1, c, "kolonnen mangler — legg den til i overskriften")
                for c in missing]
    return frame, problems


def read_funding(path: Path, model: PlanModel) -> TableResult:
    """Scheme totals per year; every scheme id must be in the model, amounts ≥ 0."""
    columns = ["year", "scheme_id", "applications", "applied_nok_million",
               "granted_nok_million", "projects", "note", "source"]
    frame, problems = _read(path, columns)
    if problems:
        return TableResult(frame, problems)
    problems += _check_ids(path.name, frame, "scheme_id", {s.id for s in model.schemes},
                           "ordning", allow_empty=False)
    problems += _check_numbers(path.name, frame, ["year", "applications", "applied_nok_million",
                                                  "granted_nok_million", "projects"], {"year"})
    problems += _duplicates(path.name, frame, ["year", "scheme_id"])
    return TableResult(_typed(frame[columns], ["applied_nok_million", "granted_nok_million"],
                              ["year", "applications", "projects"]), problems)


def read_grants(path: Path, model: PlanModel) -> TableResult:
    """One row per grant; an empty amount stays unknown (never 0)."""
    columns = ["year", "scheme_id", "recipient", "project", "municipality_code",
               "focus_area_id", "amount_nok_million", "description"]
    frame, problems = _read(path, columns)
    if problems:
        return TableResult(frame, problems)
    problems += _check_ids(path.name, frame, "scheme_id", {s.id for s in model.schemes},
                           "ordning", allow_empty=False)
    problems += _check_ids(path.name, frame, "focus_area_id",
                           {f.id for f in model.focus_areas}, "satsingsområde")
    municipalities = {r.code for r in model.regions if r.level == "municipality"}
    problems += _check_ids(path.name, frame, "municipality_code", municipalities, "kommunenummer")
    problems += _check_numbers(path.name, frame, ["year", "amount_nok_million"], {"year"})
    return TableResult(_typed(frame[columns], ["amount_nok_million"], ["year"]), problems)


def read_milestones(path: Path, model: PlanModel) -> TableResult:
    """Timeline items with a start date, an optional end date, a kind and a status."""
    columns = ["id", "start", "end", "kind", "status", "owner", "title_nb", "title_en",
               "description_nb", "description_en"]
    frame, problems = _read(path, columns)
    if problems:
        return TableResult(frame, problems)
    problems += _check_ids(path.name, frame, "kind", MILESTONE_KINDS, "type", allow_empty=False)
    problems += _check_ids(path.name, frame, "status", MILESTONE_STATUSES, "status",
                           allow_empty=False)
    problems += _check_dates(path.name, frame, ["start", "end"])
    problems += _duplicates(path.name, frame, ["id"])
    return TableResult(_dated(frame[columns], ["start", "end"]), problems)


def read_actions(path: Path, model: PlanModel) -> TableResult:
    """Action items (tiltak): start, end, owner and percent complete."""
    columns = ["id", "title_nb", "title_en", "start", "end", "owner", "percent_complete",
               "goal_id", "note"]
    frame, problems = _read(path, columns)
    if problems:
        return TableResult(frame, problems)
    problems += _check_ids(path.name, frame, "goal_id", {g.id for g in model.goals}, "delmål")
    problems += _check_dates(path.name, frame, ["start", "end"])
    problems += _check_numbers(path.name, frame, ["percent_complete"], set())
    problems += _duplicates(path.name, frame, ["id"])
    frame = _typed(frame[columns], ["percent_complete"], [])
    return TableResult(_dated(frame, ["start", "end"]), problems)


def _duplicates(name: str, frame: pd.DataFrame, key: list[str]) -> list[TableProblem]:
    dup = frame.duplicated(key, keep=False)
    problems = []
    for _, group in frame[dup].groupby(key):
        lines = [int(i) + 2 for i in group.index]
        problems.append(TableProblem(name, lines[-1], key[-1],
                                     f"samme {' + '.join(key)} som linje {lines[0]} — fjern én"))
    return problems


def _typed(frame: pd.DataFrame, floats: list[str], ints: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in floats:
        out[column] = _number(out[column]).astype(float)
    for column in ints:
        out[column] = _number(out[column]).astype("Int64")
    return out


def _dated(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        parsed = pd.to_datetime(out[column].replace("", None), format="%Y-%m-%d", errors="coerce")
        out[column] = [d.date() if not pd.isna(d) else None for d in parsed]
    return out


READERS: dict[str, Callable[[Path, PlanModel], TableResult]] = {
    "funding": read_funding, "grants": read_grants,
    "milestones": read_milestones, "actions": read_actions,
}
