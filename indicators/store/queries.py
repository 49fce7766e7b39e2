"""What the pages and exports read: observations, the latest figures, coverage, the history of
imports, plan tables and comments. Each takes an open connection (`reading`, or the app's)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from indicators.store.observation_imports import GAVE_INDICATORS
from indicators.store.schema import ADDED_COLUMNS, OBS_COLUMNS, PUBLISHED_KEY, TABLE_COLUMNS


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """All rows of a plan table (they are small: tens to a few thousand rows)."""
    present = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    added = ADDED_COLUMNS.get(table, {})
    columns = ", ".join(f'"{c}"' if c in present or c not in added else f"'{added[c]}' AS \"{c}\""
                        for c in TABLE_COLUMNS[table])
    return con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").df()


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when the database has `table` (one built before the table existed has not)."""
    return bool(con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = ?",
                            [table]).fetchall())


def comments(con: duckdb.DuckDBPyConnection, indicator_id: str | None = None) -> pd.DataFrame:
    """Planners' comments (every indicator's, or one's), newest period first; none in a
    database built before comments existed."""
    if not has_table(con, "comments"):
        return pd.DataFrame(columns=TABLE_COLUMNS["comments"])
    columns = ", ".join(f'"{c}"' for c in TABLE_COLUMNS["comments"])
    sql = f"SELECT {columns} FROM comments"
    params: list[object] = []
    if indicator_id is not None:
        sql += " WHERE indicator_id = ?"
        params.append(indicator_id)
    return con.execute(sql + " ORDER BY indicator_id, period DESC", params).df()


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def observations(con: duckdb.DuckDBPyConnection, indicator_id: str,
                 regions: Sequence[str] | None = None, series: str | None = "") -> pd.DataFrame:
    """One indicator's observations, optionally for some regions and one series, in time order."""
    sql = (f"SELECT {', '.join(OBS_COLUMNS)}, import_id, updated_at FROM observations "
           "WHERE indicator_id = ?")
    params: list[object] = [indicator_id]
    if regions is not None:
        sql += " AND list_contains(?, region_code)"
        params.append(list(regions))
    if series is not None:
        sql += " AND series = ?"
        params.append(series)
    return con.execute(sql + " ORDER BY region_code, series, year, sub NULLS FIRST", params).df()


def latest(con: duckdb.DuckDBPyConnection,
           pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """The latest value of each (indicator, region)'s headline series, and the one it is compared
    with: a month or quarter's same month or quarter a year earlier (so a season is not read as
    a change), a year's (or school year's) previous one."""
    wanted = pd.DataFrame(list(pairs), columns=["indicator_id", "region_code"])
    con.register("wanted", wanted)
    frame = con.execute(
        """
        WITH ranked AS (
            SELECT o.indicator_id, o.region_code, o.period, o.year, o.sub, o.value, o.status,
                   o.note, o.source, o.updated_at, o.import_id,
                   row_number() OVER (PARTITION BY o.indicator_id
                                      ORDER BY o.year DESC, o.sub DESC NULLS LAST) AS rn
            FROM observations o JOIN wanted w USING (indicator_id, region_code)
            WHERE o.series = '' AND o.value IS NOT NULL
        )
        SELECT cur.indicator_id, cur.region_code, cur.period, cur.value, cur.note, cur.source,
               prev.period AS previous_period, prev.value AS previous_value,
               (SELECT max(x.updated_at) FROM observations x JOIN imports i ON i.id = x.import_id
                WHERE x.indicator_id = cur.indicator_id AND i.kind <> 'build') AS imported_at,
               -- The latest figure's own import: what kind it was, and when its source published it.
               (SELECT i.kind FROM imports i WHERE i.id = cur.import_id) AS import_kind,
               (SELECT m.value FROM meta m
                WHERE m.key = ? || CAST(cur.import_id AS VARCHAR)) AS published
        FROM ranked cur LEFT JOIN ranked prev
             ON prev.indicator_id = cur.indicator_id
            AND CASE WHEN cur.sub IS NULL THEN prev.rn = 2
                     ELSE prev.year = cur.year - 1 AND prev.sub = cur.sub END
        WHERE cur.rn = 1
        """, [PUBLISHED_KEY]
    ).df()
    con.unregister("wanted")
    return frame


def coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per indicator: how many rows and regions, the first and last period, the last update."""
    return con.execute(
        """
        SELECT indicator_id, count(*) AS rows, count(DISTINCT region_code) AS regions,
               string_agg(DISTINCT region_code, ',' ORDER BY region_code) AS region_codes,
               arg_min(period, year * 100 + coalesce(sub, 0)) AS first_period,
               arg_max(period, year * 100 + coalesce(sub, 0)) AS last_period,
               max(updated_at) AS updated_at
        FROM observations GROUP BY indicator_id ORDER BY indicator_id
        """
    ).df()


def history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """Imports, newest first."""
    return con.execute(
        """SELECT id, imported_at, user_name, kind, file_name, sha256, source, replace, added, changed,
                  unchanged, removed, undo_of, undone_by
           FROM imports ORDER BY id DESC LIMIT ?""",
        [limit],
    ).df()


def source_refreshes(con: duckdb.DuckDBPyConnection, kind: str = "ssb") -> pd.DataFrame:
    """Per indicator, the latest import of `kind` still in force that brought its rows (changed
    or not): when, which file and source, and when the source published them (None if unknown)."""
    return con.execute(
        f"""SELECT c.indicator_id, i.id AS import_id, i.imported_at, i.file_name, i.source,
                  m.value AS published
           FROM imports i
           JOIN (SELECT DISTINCT import_id, indicator_id FROM {GAVE_INDICATORS}) c
             ON c.import_id = i.id
           LEFT JOIN meta m ON m.key = ? || CAST(i.id AS VARCHAR)
           WHERE i.kind = ? AND i.undone_by IS NULL
           QUALIFY row_number() OVER (PARTITION BY c.indicator_id ORDER BY i.id DESC) = 1
           ORDER BY c.indicator_id""",
        [PUBLISHED_KEY, kind],
    ).df()


def all_observations(con: duckdb.DuckDBPyConnection, indicator_id: str | None = None
                     ) -> pd.DataFrame:
    """Every stored observation (or one indicator's) in the canonical order, for export."""
    sql = f"SELECT {', '.join(OBS_COLUMNS)} FROM observations"
    params: list[object] = []
    if indicator_id:
        sql += " WHERE indicator_id = ?"
        params.append(indicator_id)
    order = " ORDER BY indicator_id, region_code, series, year, sub NULLS FIRST, period"
    return con.execute(sql + order, params).df()


def headline_observations(con: duckdb.DuckDBPyConnection,
                          pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """The headline series (no sub-series) of each (indicator, region) pair, in time order."""
    wanted = pd.DataFrame(list(pairs), columns=["indicator_id", "region_code"])
    con.register("wanted_pairs", wanted)
    frame = con.execute(
        f"""SELECT {', '.join('o.' + c for c in OBS_COLUMNS)}
            FROM observations o JOIN wanted_pairs w USING (indicator_id, region_code)
            WHERE o.series = '' ORDER BY o.indicator_id, o.year, o.sub NULLS FIRST"""
    ).df()
    con.unregister("wanted_pairs")
    return frame


def touched_indicators(con: duckdb.DuckDBPyConnection, import_id: int) -> list[str]:
    """The indicators of the rows an import's file gave or removed (what its undo can change)."""
    rows = con.execute(
        f"SELECT DISTINCT indicator_id FROM {GAVE_INDICATORS} WHERE import_id = ? ORDER BY 1",
        [import_id]).fetchall()
    return [r[0] for r in rows]


def import_kind(con: duckdb.DuckDBPyConnection, import_id: int) -> str | None:
    """What an import was: app, file, build, ssb, undo, or the plan table it replaced."""
    rows = con.execute("SELECT kind FROM imports WHERE id = ?", [import_id]).fetchall()
    return rows[0][0] if rows else None
