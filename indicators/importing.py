"""The app's import workflow without Streamlit: check an upload, preview it, commit it, undo it."""

from __future__ import annotations

import io
import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from indicators import canonical, plan_edit, store, workflow
from indicators.canonical import Cell, records
from indicators.i18n import t
from indicators.ingest.reader import ReadResult, read_observations
from indicators.ingest.rules import JUMP, MAX_LISTED, change_text, number_text, plain_line
from indicators.ingest.tables import SPECS, TableResult, read_table_file, table_for_file
from indicators.issues import Issue
from indicators.model import PlanModel

Step = workflow.Step
PREVIEW_ROWS = 1000  # rows of each preview table sent to the browser; the counts are exact
SYMBOLS = ("..", ".", ":", "-")
# Reader messages that name a command-line option get an app wording of the fix.
APP_FIXES = {"ingest.error.missing_indicator": "update.fix.missing_indicator"}


def _no_step(_fraction: float, _key: str) -> None:
    return None


@dataclass
class Pending:
    """A checked upload waiting for the planner's confirmation."""

    name: str
    read: ReadResult | TableResult  # figures, or a plan file
    preview: store.ImportResult | None  # None when the file has errors
    replace: bool
    version: tuple[int, int] | None  # the database the preview was made against
    token: tuple[Hashable, ...] = field(default=())  # what the page checked: digest and options

    @property
    def changes(self) -> int:
        p = self.preview
        return 0 if p is None else p.added + p.changed + p.removed


Committed = workflow.Done  # a finished import or undo and the data files it rewrote


def version(db_path: Path) -> tuple[int, int] | None:
    try:
        return store.stamp(db_path)
    except FileNotFoundError:
        return None


def check(raw: bytes, name: str, model: PlanModel, db_path: Path, *, indicator: str | None = None,
          replace: bool = False, lang: str = "nb", step: Step = _no_step) -> Pending:
    """Read and validate the upload and, when it is valid, work out what it would change."""
    step(0.05, "update.step.reading")
    read = read_observations(raw, model, name=name, indicator=indicator, lang=lang)
    add_stored_clashes(read, db_path, replace)
    if not read.ok:
        step(1.0, "update.step.done")
        return Pending(name, read, None, replace, version(db_path))
    step(0.6, "update.step.comparing")
    preview = store.import_observations(db_path, read.frame, file_name=name, sha256=read.sha256,
                                        replace=replace, dry_run=True)
    add_stored_jumps(read, db_path, lang, preview.previous)
    step(1.0, "update.step.done")
    return Pending(name, read, preview, replace, version(db_path))


def add_stored_clashes(read: ReadResult, db_path: Path, replace: bool = False) -> None:
    """Errors for rows that would give a series a second period on a year the database already
    holds under another import (2019-2021 in the file, 2021 stored): the reader sees only the
    file. Nothing to do for a file that already has errors."""
    if not read.ok or replace or read.frame.empty or not Path(db_path).exists():
        return
    frame = read.frame.reset_index(drop=True)
    with store.reading(db_path) as con:
        clashes = store.period_clashes(con, frame, replace)
    issues = [Issue(read.file, plain_line(row["line"]), "period", store.PERIOD_CLASH,
                    dict(store.period_clash_params(row))) for _, row in clashes.iterrows()]
    if issues:
        read.errors = (read.errors + issues)[:MAX_LISTED]
        read.total_errors += len(issues)
        read.frame = read.frame.iloc[:0]  # as the reader leaves a file with errors


def add_stored_jumps(read: ReadResult, db_path: Path, lang: str = "nb",
                     previous: pd.DataFrame | None = None) -> None:
    """Warn where a value differs by more than 50 % from the stored previous period.

    The reader compares rows within the file; a file that adds one new month is compared here
    with the month before it in the database (when the file does not hold a later one itself).
    `previous`: store.previous_stored of the file, when the import's diff already found it.
    """
    if read.frame.empty or previous is None and not Path(db_path).exists():
        return
    frame = read.frame.reset_index(drop=True)
    stored = previous if previous is not None else _previous_stored(db_path, frame)
    if stored.empty:
        return
    own = _previous_in_file(frame, stored["pos"].to_numpy())
    values, lines = frame["value"].tolist(), frame["line"].tolist()
    jumps = []
    for row in records(stored):
        i = int(row["pos"])
        value, before = float(values[i]), float(row["prev_value"])
        if own[i] >= row["prev_t"] or before == 0 or math.isnan(value):
            continue  # the file's own previous period is nearer: the reader compared those
        change = abs(value - before) / abs(before)
        if change > JUMP:
            jumps.append(Issue(read.file, plain_line(lines[i]), None, "ingest.warning.jump",
                               {"value": number_text(value, lang),
                                "previous": number_text(before, lang),
                                "previous_period": str(row["prev_period"]),
                                "change": change_text(change, lang)},
                               "warning"))
    read.warnings = (read.warnings + jumps)[:MAX_LISTED]
    read.total_warnings += len(jumps)


def _previous_stored(db_path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    with store.reading(db_path) as con:
        return store.previous_stored(con, frame)


SERIES = ["indicator_id", "region_code", "series", "freq"]


def _previous_in_file(frame: pd.DataFrame, rows: np.ndarray) -> dict[int, float]:
    """For the rows at positions `rows`, the time key of the file's own previous period of the
    same series (-1: none). Only the series of those rows are sorted (a new file has few)."""
    keyed = frame.assign(series=frame["series"].fillna("").astype(str))
    wanted = keyed.iloc[rows][SERIES].drop_duplicates()
    keyed = keyed[keyed[SERIES].merge(wanted, how="left", indicator=True)["_merge"]
                  .eq("both").to_numpy()]
    t = keyed["year"].astype(int) * 100 + keyed["sub"].fillna(0).astype(int)
    ordered = keyed.assign(t=t).sort_values("t", kind="stable")
    previous = ordered.groupby(SERIES, sort=False)["t"].shift(1).fillna(-1)
    return {int(str(k)): float(v) for k, v in previous.items()}


def commit(pending: Pending, db_path: Path, model: PlanModel, user: str,
           step: Step = _no_step) -> Committed:
    """Import the checked file as `user`, then write the touched indicators back to data/."""
    step(0.1, "update.step.writing")
    done = workflow.import_read(db_path, pending.read, model, user=user,
                                replace=pending.replace, kind="app", step=step)
    step(1.0, "update.step.done")
    return done


def undo(db_path: Path, model: PlanModel, import_id: int, user: str, force: bool = False,
         ) -> Committed:
    """Undo one import (refusing on later conflicts unless `force`) and rewrite its files."""
    return workflow.undo(db_path, model, import_id, user=user, force=force)


def conflicts(db_path: Path, import_id: int) -> list[int]:
    """Later imports that changed the same rows, plan table or plan file (undo would wipe their
    work too)."""
    with store.reading(db_path) as con:
        return store.import_conflicts(con, import_id, store.import_kind(con, import_id) or "")


# ---- tables the page shows --------------------------------------------------------------------


def split_message(text: str) -> tuple[str, str]:
    """A reader message is "what is wrong — how to fix it"; the two halves for two columns."""
    problem, _, fix = text.partition(" — ")
    fix = fix.strip()
    return problem.strip(), fix[:1].upper() + fix[1:]


def issue_table(issues: list[Issue], lang: str) -> pd.DataFrame:
    """Line, column, problem and how to fix it, one row per issue."""
    rows = []
    for issue in issues:
        problem, fix = split_message(issue.message(lang))
        if issue.key in APP_FIXES:
            fix = split_message(" — " + t(APP_FIXES[issue.key], lang))[1]
        rows.append({t("update.col.line", lang): "" if issue.line is None else str(issue.line),
                     t("update.col.column", lang): issue.column or "",
                     t("update.col.problem", lang): problem,
                     t("update.col.fix", lang): fix})
    columns = [t(f"update.col.{c}", lang) for c in ("line", "column", "problem", "fix")]
    return pd.DataFrame(rows, columns=columns)


def value_text(value: Cell, status: Cell, lang: str) -> str:
    """A value as the planner wrote it: 12,5 in bokmål, or its SSB symbol."""
    if isinstance(status, str) and status in SYMBOLS:
        return status
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return number_text(float(value), lang)


def change_tables(model: PlanModel, preview: store.ImportResult, lang: str,
                  frame: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """New, changed and removed rows (the first PREVIEW_ROWS of each) as display tables; with
    the file's `frame`, new and changed rows show their note too."""
    diff = preview.diff
    out = {}
    for action in ("added", "changed", "removed"):
        rows = diff[diff["action"] == action].head(PREVIEW_ROWS)
        table = pd.DataFrame({
            t("update.col.indicator", lang): rows["indicator_id"],
            t("update.col.region", lang): [f"{c} {model.region_name(c, lang)}"
                                          for c in rows["region_code"]],
            t("update.col.period", lang): rows["period"],
            t("update.col.series", lang): rows["series"],
        })
        old = [value_text(v, s, lang) for v, s in zip(rows["old_value"], rows["old_status"],
                                                       strict=True)]
        new = [value_text(v, s, lang) for v, s in zip(rows["new_value"], rows["new_status"],
                                                       strict=True)]
        if action != "added":
            table[t("update.col.old", lang)] = old
        if action != "removed":
            table[t("update.col.new", lang)] = new
            if frame is not None:
                table[t("update.col.note", lang)] = _notes(rows, frame)
        out[action] = table.reset_index(drop=True)
    return out


def _notes(rows: pd.DataFrame, frame: pd.DataFrame) -> list[str]:
    """The file's note for each diff row."""
    keys = store.KEY
    notes = frame[[*keys, "note"]].astype({"series": str}).fillna({"note": ""})
    merged = rows[keys].merge(notes.drop_duplicates(keys), on=keys, how="left")
    return merged["note"].fillna("").astype(str).tolist()


def history_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every import, newest first, with readable column names."""
    names = {"id": "id", "imported_at": "time", "user_name": "user", "kind": "kind",
             "file_name": "file", "added": "added", "changed": "changed",
             "unchanged": "unchanged", "removed": "removed", "undo_of": "undo_of",
             "undone_by": "undone_by"}
    table = history[list(names)].copy()
    table["kind"] = [t(f"update.kind.{k}", lang) if k in KINDS else k for k in table["kind"]]
    table.columns = [t(f"update.col.{v}", lang) for v in names.values()]
    return table


# Kinds with a name in the log (update.kind.*); every plan table and the plan model file too.
KINDS = ("app", "file", "build", "undo", "ssb", *SPECS, store.CONFIG_KIND)


# ---- plan files (funding, grants, milestones, actions): a file replaces its table -------------


def table_for(name: str, chosen: str | None) -> str | None:
    """The plan table an upload is for: the planner's choice, else its name (grants.csv);
    None for indicator figures."""
    if chosen in SPECS:
        return chosen
    return None if chosen == OBSERVATIONS else table_for_file(name)


OBSERVATIONS = "observations"  # the planner's choice "indicator figures", whatever the name
PLAN_FILES = KINDS[5:9]  # the plan's own tables, uploaded on Oppdater data


def check_table(raw: bytes, name: str, table: str, model: PlanModel, db_path: Path, *,
                lang: str = "nb", step: Step = _no_step) -> Pending:
    """Read and validate a plan file and, when it is valid, work out what it would change."""
    step(0.05, "update.step.reading")
    read = read_table_file(table, raw, model, name=name, lang=lang)
    if not read.ok:
        step(1.0, "update.step.done")
        return Pending(name, read, None, False, version(db_path))
    step(0.6, "update.step.comparing")
    preview = store.import_table(db_path, table, read.frame, file_name=name, sha256=read.sha256,
                                 dry_run=True)
    step(1.0, "update.step.done")
    return Pending(name, read, preview, False, version(db_path))


def table_change_tables(db_path: Path, read: TableResult, lang: str) -> dict[str, pd.DataFrame]:
    """New, changed and removed rows of a plan file against the stored table: whole rows for new
    and removed ones, `column: before → now` for changed ones (tables with an id)."""
    table, key = read.table, store.TABLE_KEYS[read.table]
    old = plan_edit.stored_texts(db_path, table)
    text = canonical.table_csv(read.frame, store.TABLE_COLUMNS[table])
    new = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if not key:  # grants: equal rows are unchanged, the rest removed and added
        columns = list(new.columns)
        merged = old.merge(new.drop_duplicates(), how="outer", on=columns, indicator=True)
        return {"added": _shown(merged[merged["_merge"] == "right_only"][columns]),
                "changed": pd.DataFrame(),
                "removed": _shown(old.merge(new, how="left", on=columns, indicator=True)
                                  .query("_merge == 'left_only'")[columns])}
    both = old.merge(new, on=key, how="outer", suffixes=("_old", ""), indicator=True)
    changes = []
    for _, row in both[both["_merge"] == "both"].iterrows():
        diffs = [f"{c}: {row[c + '_old'] or '–'} → {row[c] or '–'}" for c in new.columns
                 if c not in key and row[c + "_old"] != row[c]]
        if diffs:
            changes.append({**{k: row[k] for k in key}, t("update.col.change", lang): "; ".join(diffs)})
    return {"added": _shown(both[both["_merge"] == "right_only"][list(new.columns)]),
            "changed": pd.DataFrame(changes),
            "removed": _shown(old[~old.set_index(key).index.isin(new.set_index(key).index)])}


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.head(PREVIEW_ROWS).reset_index(drop=True)
