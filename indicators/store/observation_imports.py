"""Importing observations: compare a file's rows with the stored ones inside DuckDB (one join),
refuse a second period on a year, write the changes and keep what they replaced for undo."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from indicators.periods import YEARLY
from indicators.store.connection import connect, transaction
from indicators.store.errors import PeriodClash
from indicators.store.ledger import ImportResult, current_user, import_result, next_import_id
from indicators.store.schema import KEY, OBS_COLUMNS, OBS_VALUE_COLUMNS, SCHEMA


def _stage_diff(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, replace: bool) -> None:
    """Compare incoming rows with what is stored: the file's rows in temp table `incoming` (with
    their position `pos`), and in temp table `diff` one row per file row that meets a stored
    row (changed or unchanged) and, with `replace`, per stored row of the file's indicators that
    the file lacks (removed), with the stored row's old values and the incoming row's new ones.
    A file row that meets none is added; those are not copied again (a new file is all added).

    The whole comparison stays inside DuckDB (one join), so a million-row file costs about what
    reading it does; only the rows that change come back to Python (`_diff_frame`).
    """
    con.register("incoming_frame", frame[OBS_COLUMNS].assign(pos=np.arange(len(frame))))
    con.execute("CREATE OR REPLACE TEMP TABLE incoming AS SELECT * FROM incoming_frame")
    con.unregister("incoming_frame")
    old = ", ".join(f"o.{c} AS old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id", "updated_at"])
    new = ", ".join(f"i.{c} AS new_{c}" for c in OBS_VALUE_COLUMNS)
    sql = f"""
        CREATE OR REPLACE TEMP TABLE diff AS
        SELECT i.pos, i.indicator_id, i.region_code, i.period, i.series,
               CASE WHEN o.value IS NOT DISTINCT FROM i.value
                         AND o.status IS NOT DISTINCT FROM i.status
                         AND o.note = i.note AND o.source = i.source THEN 'unchanged'
                    ELSE 'changed' END AS action, {old}, {new}
        FROM incoming i JOIN observations o USING (indicator_id, region_code, period, series)
        """
    if replace:
        nothing = ", ".join(f"NULL AS new_{c}" for c in OBS_VALUE_COLUMNS)
        sql += f"""
        UNION ALL BY NAME
        SELECT o.indicator_id, o.region_code, o.period, o.series, 'removed' AS action, {old},
               {nothing}
        FROM observations o ANTI JOIN incoming i USING (indicator_id, region_code, period, series)
        WHERE o.indicator_id IN (SELECT DISTINCT indicator_id FROM incoming)
        """
    con.execute(sql)


DIFF_COLUMNS = [*KEY, "action", "old_value", "old_status", "new_value", "new_status"]


def _diff_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame
                ) -> tuple[pd.DataFrame, dict[str, int]]:
    """The staged diff's changes as a frame in file order, removed rows last (unchanged rows
    only counted), and the counts. The rows of `frame` (the incoming one) that met no stored
    row are the added ones: taken from the frame, not sent through DuckDB and back."""
    counts = dict(con.execute("SELECT action, count(*) FROM diff GROUP BY action").fetchall())
    met = con.execute("SELECT pos FROM diff WHERE pos IS NOT NULL").fetchnumpy()["pos"]
    added = np.ones(len(frame), dtype=bool)
    added[np.asarray(met, dtype=np.int64)] = False
    counts["added"] = int(added.sum())
    # Through Arrow: 5× faster than .df() for many rows of text.
    changes = con.sql(f"SELECT {', '.join(DIFF_COLUMNS)}, pos FROM diff "
                      "WHERE action <> 'unchanged' ORDER BY pos NULLS LAST"
                      ).to_arrow_table().to_pandas()
    if not counts["added"]:
        return changes[DIFF_COLUMNS], counts
    rows = frame.loc[added, [*KEY, "value", "status"]].rename(
        columns={"value": "new_value", "status": "new_status"})
    rows = rows.assign(action="added", old_value=np.nan,
                       old_status=pd.Series(index=rows.index, dtype="str"),  # as DuckDB gives
                       pos=np.flatnonzero(added))
    diff = rows[[*DIFF_COLUMNS, "pos"]].reset_index(drop=True)
    if len(changes):
        diff = pd.concat([diff, changes], ignore_index=True).sort_values(
            "pos", kind="stable", na_position="last", ignore_index=True)
    return diff[DIFF_COLUMNS], counts


# meta: the first import that kept every row of its file (older ones kept only the changes).
ROWS_KEPT_FROM = "undo:rows_kept_from"
CHANGE_COLUMNS = ["action", *KEY, *(f"old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id",
                                                           "updated_at"]),
                  *(f"new_{c}" for c in OBS_VALUE_COLUMNS)]


def record_changes(con: duckdb.DuckDBPyConnection, import_id: int, where: str = "") -> None:
    """Keep the rows of the staged `diff` with the stored row each met: undo replays the imports
    still in force from these (observation_undo.restore_observations), so a row that a later
    file gave again (unchanged) stays when an earlier import of it is undone.

    An import's added rows are not kept here: each is stored under the import's id, and the old
    row of every later change keeps it (observation_undo._derived_rows), so a new million-row file writes its
    rows once, not twice.
    """
    columns = ", ".join(CHANGE_COLUMNS)
    con.execute(f"INSERT INTO import_changes (import_id, {columns}) "
                f"SELECT ?, {columns} FROM diff {where}", [import_id])


def _apply(con: duckdb.DuckDBPyConnection, import_id: int, at: datetime,
           counts: dict[str, int]) -> None:
    """Write the staged diff: the file's rows, but for the unchanged ones (they keep the stored
    row and the import it came from), in place of the stored rows they change or remove."""
    if counts.get("changed") or counts.get("removed"):  # else the join costs a pass for nothing
        con.execute(
            """DELETE FROM observations o USING diff d WHERE d.action IN ('changed', 'removed')
               AND o.indicator_id = d.indicator_id AND o.region_code = d.region_code
               AND o.period = d.period AND o.series = d.series"""
        )
    unchanged = ("ANTI JOIN (SELECT pos FROM diff WHERE action = 'unchanged') USING (pos)"
                 if counts.get("unchanged") else "")
    columns = f"indicator_id, region_code, period, series, {', '.join(OBS_VALUE_COLUMNS)}"
    con.execute(
        f"""INSERT INTO observations ({columns}, import_id, updated_at)
            SELECT {columns}, ?, ? FROM incoming {unchanged}""",
        [import_id, at],
    )

def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """The reader's frame, in the types the table wants (missing text as '')."""
    out = frame[OBS_COLUMNS].copy()
    for column in ("series", "note", "source"):
        out[column] = out[column].fillna("").astype(str)
    out["status"] = out["status"].where(out["status"].notna(), None)
    out["sub"] = out["sub"].astype("Int64")
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out


def import_observations(
    db_path: Path | str, frame: pd.DataFrame, *, file_name: str, sha256: str,
    user: str | None = None, replace: bool = False, dry_run: bool = False,
    kind: str = "file", source: str = "",
) -> ImportResult:
    """Add and update observations in one transaction, recording what they overwrote.

    With `replace`, stored rows of the file's indicators that the file lacks are removed too.
    With `dry_run`, nothing is written and the diff is returned.
    """
    db_path = Path(db_path)
    if dry_run:
        return _dry_run(db_path, _normalise(frame), replace)
    with transaction(db_path) as con:
        return record_import(con, frame, file_name=file_name, sha256=sha256, user=user,
                             replace=replace, kind=kind, source=source)


def record_import(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *, file_name: str, sha256: str,
    user: str | None = None, replace: bool = False, kind: str = "file", source: str = "",
) -> ImportResult:
    """The body of an import, inside an open write transaction."""
    clashes = period_clashes(con, frame, replace)
    if len(clashes):
        raise PeriodClash(file_name, clashes)
    incoming = _normalise(frame)
    _stage_diff(con, incoming, replace)
    diff, counts = _diff_frame(con, incoming)
    previous = _previous(con, "incoming")
    import_id = next_import_id(con)
    at = datetime.now().replace(microsecond=0)
    record_changes(con, import_id)
    con.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", [ROWS_KEPT_FROM, str(import_id)])
    _apply(con, import_id, at, counts)
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        [import_id, at, user or current_user(), kind, file_name, sha256, source, replace,
         counts.get("added", 0), counts.get("changed", 0), counts.get("unchanged", 0),
         counts.get("removed", 0)],
    )
    return import_result(import_id, diff, counts, dry_run=False, previous=previous)


def period_clashes(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame,
                   replace: bool) -> pd.DataFrame:
    """Rows of an incoming frame that would give a series a second period on one year: 2019-2021
    in the file where another import stored 2021 (the reader refuses both in one file). One row
    per file row: its position `pos` and `line`, the key, its `period` and the `stored_period`.

    `replace` removes the stored rows of the file's indicators that the file lacks, and a
    stored period the file holds too is the same row, so a replacing file never clashes.
    """
    columns = ["pos", "line", *KEY, "stored_period"]
    if replace or not frame["freq"].isin(YEARLY).any():  # months and quarters are their own key
        return pd.DataFrame(columns=columns)
    keys = frame[["indicator_id", "region_code", "period", "series", "year", "freq"]].copy()
    keys["series"] = keys["series"].fillna("").astype(str)
    keys["pos"] = range(len(keys))
    con.register("incoming_years", keys)
    yearly = ", ".join(f"'{f}'" for f in YEARLY)
    found = con.execute(
        f"""SELECT i.pos, i.indicator_id, i.region_code, i.period, i.series,
                   o.period AS stored_period
            FROM incoming_years i JOIN observations o
              ON o.indicator_id = i.indicator_id AND o.region_code = i.region_code
             AND o.series = i.series AND o.year = i.year AND o.period <> i.period
            WHERE i.freq IN ({yearly}) AND o.freq IN ({yearly})
            ORDER BY i.pos, o.period"""
    ).df()
    con.unregister("incoming_years")
    lines = frame["line"].tolist() if "line" in frame else [None] * len(frame)
    found["line"] = [lines[p] for p in found["pos"]]
    return found[columns]


def _dry_run(db_path: Path, frame: pd.DataFrame, replace: bool) -> ImportResult:
    if db_path.exists():
        con = connect(db_path, read_only=True)
    else:
        con = duckdb.connect(":memory:")
        con.execute(SCHEMA)
    try:
        _stage_diff(con, frame, replace)
        diff, counts = _diff_frame(con, frame)
        previous = _previous(con, "incoming")
    finally:
        con.close()
    return import_result(None, diff, counts, dry_run=True, previous=previous)


# SQL: (import_id, indicator_id) for every row an import's file gave or removed, whether it kept
# a record of the row or added it (stored under its id, or kept as the old row of a change).
GAVE_INDICATORS = """(SELECT import_id, indicator_id FROM import_changes
    UNION ALL SELECT import_id, indicator_id FROM observations
    UNION ALL SELECT old_import_id, indicator_id FROM import_changes)"""


def previous_stored(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """For each row of an incoming frame (by position `pos`), the stored value of the latest
    earlier period of the same indicator, region, series and frequency (for jump warnings)."""
    keys = frame[["indicator_id", "region_code", "series", "freq", "year", "sub"]].copy()
    keys["series"] = keys["series"].fillna("").astype(str)
    keys["pos"] = range(len(keys))
    con.register("incoming_prev", keys)
    found = _previous(con, "incoming_prev")
    con.unregister("incoming_prev")
    return found


def _previous(con: duckdb.DuckDBPyConnection, incoming: str) -> pd.DataFrame:
    """previous_stored of the rows in table `incoming` (with their position `pos`)."""
    series = "indicator_id, region_code, series, freq"
    return con.execute(
        f"""
        SELECT i.pos, o.period AS prev_period, o.value AS prev_value, o.t AS prev_t
        -- only the file's rows of a stored series: a new file's million rows skip the sort
        FROM (SELECT *, year * 100 + coalesce(sub, 0) AS t FROM {incoming}
              SEMI JOIN (SELECT DISTINCT {series} FROM observations) USING ({series})) i
        ASOF JOIN (SELECT *, year * 100 + coalesce(sub, 0) AS t FROM observations
                   WHERE value IS NOT NULL) o
          ON i.indicator_id = o.indicator_id AND i.region_code = o.region_code
         AND i.series = o.series AND i.freq = o.freq AND i.t > o.t
        ORDER BY i.pos
        """
    ).df()
