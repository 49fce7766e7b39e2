"""The planner's edits in place: a milestone's status and dates, an action item's progress and
note (or a new action item), a grant's focus area, and a target's value, year and adoption.

A plan-table edit is a new version of the table, written out as the table's CSV and read back by
the same reader as an uploaded file (indicators.ingest.tables), so it passes the same checks; it is
then imported like a file (store.import_table: history, undo, write-back to data/<table>.csv).
A target edit changes config/goals.yaml through config_edit (comments kept, validated, undoable
byte for byte). Nothing here runs without a named user.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from ruamel.yaml.comments import CommentedMap

from indicators import canonical, config_edit, store, workflow
from indicators.ingest.tables import TableResult, read_table_file
from indicators.model import PlanModel

Key = Mapping[str, object]  # the columns that name one row: {"id": "planprogram"}
GRANT_KEY = ("year", "scheme_id", "recipient", "project")  # unique per the grants reader
KEEP_FILES = workflow.WriteBack()  # data/ rewritten as writeback.target decides


class PlanEditError(store.EditError):
    """An edit of a plan table that was refused; `message(lang)` says why (and each problem the
    reader found, without the place: the rows were the form's, not a file the planner made)."""

    placed = False


# ---- plan tables --------------------------------------------------------------------------------


def stored_texts(db_path: Path | str, table: str) -> pd.DataFrame:
    """A plan table as stored, every cell as the text its CSV file holds (dates ISO, 40 not 40.0)."""
    with store.reading(db_path) as con:
        return texts(store.read_table(con, table), table)


def texts(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A plan table's rows (store.read_table) as the texts of its CSV file."""
    text = canonical.table_csv(frame, store.TABLE_COLUMNS[table])
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def edit_row(db_path: Path | str, model: PlanModel, table: str, key: Key,
             changes: Mapping[str, object], *, user: str | None, summary: str, lang: str = "nb",
             back: workflow.WriteBack = KEEP_FILES) -> workflow.Done:
    """Change some cells of the one row named by `key`; checked and imported like a file."""
    _need_user(user)
    rows = stored_texts(db_path, table)
    match = _matching(rows, key)
    if match.sum() != 1:
        raise PlanEditError("workbench.error.no_row", table=table, key=_key_text(key))
    before = rows.loc[match].copy()
    for column, value in changes.items():
        rows.loc[match, column] = cell(value)
    if rows.loc[match].equals(before):  # no empty record in the history
        raise PlanEditError("config_edit.error.nothing")
    return _import(db_path, model, table, rows, user=str(user), summary=summary, lang=lang,
                   back=back)


def add_row(db_path: Path | str, model: PlanModel, table: str, row: Mapping[str, object], *,
            user: str | None, summary: str, lang: str = "nb",
            back: workflow.WriteBack = KEEP_FILES) -> workflow.Done:
    """Add one row to a plan table; checked (a duplicate id too) and imported like a file."""
    _need_user(user)
    rows = stored_texts(db_path, table)
    new = pd.DataFrame([{c: cell(row.get(c)) for c in rows.columns}], dtype=str)
    return _import(db_path, model, table, pd.concat([rows, new], ignore_index=True),
                   user=str(user), summary=summary, lang=lang, back=back)


def checked(table: str, rows: pd.DataFrame, model: PlanModel, lang: str = "nb") -> TableResult:
    """The rows read back through the table's reader (every rule a file meets); raises
    PlanEditError with the reader's messages when it finds an error."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(rows.columns))
    writer.writerows(rows.itertuples(index=False))
    read = read_table_file(table, out.getvalue().encode("utf-8"), model, name=f"{table}.csv",
                           lang=lang)
    if not read.ok:
        raise PlanEditError("workbench.error.rejected",
                            read.errors)
    return read


def _import(db_path: Path | str, model: PlanModel, table: str, rows: pd.DataFrame, *, user: str,
            summary: str, lang: str, back: workflow.WriteBack) -> workflow.Done:
    read = checked(table, rows, model, lang)
    label = f"{table}.csv: {summary}"
    return workflow.import_read(Path(db_path), read, model, user=user, back=back, file_name=label)


def _matching(rows: pd.DataFrame, key: Key) -> pd.Series:
    mask = pd.Series(True, index=rows.index)
    for column, value in key.items():
        mask &= rows[column] == cell(value)
    return mask


def _key_text(key: Key) -> str:
    return ", ".join(f"{k} {cell(v)}" for k, v in key.items() if cell(v))


def cell(value: object) -> str:
    """A value as its CSV cell: a date as 2025-06-30, 40.0 as 40, nothing as empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def grant_key(row: Mapping[str, object]) -> dict[str, object]:
    """The columns that name a grant (grants have no id)."""
    return {k: row[k] for k in GRANT_KEY}


def _need_user(user: str | None) -> None:
    if not (user or "").strip():
        raise PlanEditError("config_edit.error.no_user")


# ---- targets in config/goals.yaml ----------------------------------------------------------------


@dataclass(frozen=True)
class TargetEdit:
    """What a planner sets on a target: a value and year, and (to adopt it) the decision."""

    value: float
    year: int
    case: str | None = None  # the county council's case number: adopt the target
    decided: date | None = None
    drop_note: bool = False  # remove the note (e.g. "proposal, not adopted") when adopting


def edit_target(config_path: Path | str, db_path: Path | str, indicator_id: str, edit: TargetEdit,
                *, user: str | None, summary: str) -> int:
    """Set an indicator's target (value, year, and adoption with its decision) in the plan
    model file; returns the history record's id (undone by the normal undo)."""
    if (edit.case is None) != (edit.decided is None):
        raise PlanEditError("workbench.error.decision_incomplete")
    return config_edit.edit(config_path, db_path, target_change(indicator_id, edit), user=user,
                            summary=summary)


def target_change(indicator_id: str, edit: TargetEdit) -> config_edit.Change:
    """The change of the plan model that `edit_target` makes."""

    def change(doc: CommentedMap) -> None:
        indicator = config_edit.find(doc, "indicators", indicator_id)
        target = indicator.get("target")
        if target is None:  # a new target is a proposal until it is adopted
            target = CommentedMap(value=None, year=None, status="proposed")
            anchor = next((k for k in ("base_year", "headline_region", "frequency")
                           if k in indicator), None)
            config_edit.put(indicator, "target", target, after=anchor)
            target = indicator["target"]
        config_edit.put(target, "value", _number(edit.value))
        config_edit.put(target, "year", int(edit.year))
        if edit.case is not None:
            target["status"] = "adopted"
            decision = CommentedMap(case=edit.case.strip(), date=edit.decided)
            config_edit.put(target, "decision", decision, after="status")
            if edit.drop_note:
                config_edit.remove(target, "note")

    return change


def _number(value: float) -> int | float:
    """2 stays `2` in the file, 2.5 is `2.5`."""
    return int(value) if float(value).is_integer() else float(value)
