"""Undoing an observation import: the database afterwards holds what replaying, in order, the
imports still in force gives, whatever the order of the undos; refused when a later import
changed the same rows (unless forced) or the result would give a series two periods on a year."""

from __future__ import annotations

import duckdb

from indicators.periods import YEARLY
from indicators.store.errors import StoreError
from indicators.store.ledger import next_import_id
from indicators.store.observation_imports import GAVE_INDICATORS, ROWS_KEPT_FROM, record_changes
from indicators.store.schema import KEY, OBS_COLUMNS, OBS_VALUE_COLUMNS


def _derived_rows(imports: str, keys: str | None = None) -> str:
    """SQL of the rows imports added without a record of them in import_changes
    (`record_changes`), with the figures they gave (new_*), as action 'added'.

    A stored row carries the id of the import whose figures it holds, and the record of every
    later change or removal keeps that id with the row it replaced (old_*): so an import added
    each row found under its id in either place, unless it kept a record of that row itself.
    `imports`: a condition on the import id ("= $id"); `keys`: a table to limit the rows to.
    """
    semi = f"SEMI JOIN {keys} USING (indicator_id, region_code, period, series)" if keys else ""
    stored = ", ".join(f"{c} AS new_{c}" for c in OBS_VALUE_COLUMNS)
    kept = ", ".join(f"old_{c} AS new_{c}" for c in OBS_VALUE_COLUMNS)
    on = " AND ".join(f"k.{c} = d.{c}" for c in ["import_id", *KEY])
    return f"""(
        SELECT DISTINCT ON (d.import_id, d.indicator_id, d.region_code, d.period, d.series)
               d.*, 'added' AS action
        FROM (SELECT import_id, {', '.join(KEY)}, {stored} FROM observations {semi}
              WHERE import_id {imports}
              UNION ALL
              SELECT old_import_id AS import_id, {', '.join(KEY)}, {kept} FROM import_changes {semi}
              WHERE old_import_id {imports} AND old_freq IS NOT NULL) d
        ANTI JOIN import_changes k ON {on})"""


def later_conflicts(con: duckdb.DuckDBPyConnection, import_id: int) -> list[int]:
    """Later imports, not undone, that changed a row this import changed (a file that gave a
    row again unchanged changed nothing)."""
    key = ", ".join(KEY)
    rows = con.execute(
        f"""
        WITH mine AS (
            SELECT {key} FROM import_changes WHERE import_id = $id AND action <> 'unchanged'
            UNION ALL SELECT {key} FROM {_derived_rows("= $id")}),
        later AS (  -- (later imports are most often the smaller side of the join)
            SELECT import_id, {key} FROM import_changes
            WHERE import_id > $id AND action <> 'unchanged'
            UNION ALL SELECT import_id, {key} FROM {_derived_rows("> $id")})
        SELECT DISTINCT later.import_id FROM later JOIN mine USING ({key})
        JOIN imports li ON li.id = later.import_id
        WHERE li.undone_by IS NULL AND li.kind <> 'undo'
        ORDER BY 1
        """,
        {"id": import_id},
    ).fetchall()
    return [r[0] for r in rows]


def restore_observations(con: duckdb.DuckDBPyConnection, import_id: int,
                         undo_id: int) -> dict[str, int]:
    """Set every row the undo of `import_id` can change to what replaying the imports still in
    force gives; keep what that changed under `undo_id` and count it.

    Putting back the rows the import overwrote is not enough: a later import may have changed
    them since (force), or an earlier one may have been undone since.
    """
    _complete_old_records(con)
    con.execute("CREATE OR REPLACE TEMP TABLE live AS SELECT id, replace FROM imports "
                "WHERE kind <> 'undo' AND undone_by IS NULL AND id <> ?", [import_id])
    _stage_affected(con, import_id)
    _stage_replay(con)
    con.execute("CREATE OR REPLACE TEMP TABLE before AS SELECT o.* FROM observations o "
                "SEMI JOIN affected a USING (indicator_id, region_code, period, series)")
    con.execute("""DELETE FROM observations o USING affected a
                   WHERE o.indicator_id = a.indicator_id AND o.region_code = a.region_code
                     AND o.period = a.period AND o.series = a.series""")
    columns = ", ".join([*OBS_COLUMNS, "import_id", "updated_at"])
    con.execute(f"INSERT INTO observations ({columns}) SELECT {columns} FROM replayed")
    _refuse_year_clashes(con, import_id)
    _stage_undo_diff(con)
    # A row the undo left as it was but now under another import's id is kept too: the import
    # it was stored under must still be found to have given it (`_derived_rows`).
    record_changes(con, undo_id, "WHERE action <> 'unchanged' "
                                  "OR old_import_id IS DISTINCT FROM new_import_id")
    return dict(con.execute("SELECT action, count(*) FROM diff GROUP BY action").fetchall())


def _stage_affected(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """The rows an undo can change, in temp table `affected`: the rows the import's file gave or
    removed and, when it replaced its indicators, every row of those (an import since undone
    may have brought back a row that this one would remove)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE affected AS
        WITH mine AS (SELECT indicator_id, region_code, period, series FROM import_changes
                      WHERE import_id = $id
                      UNION ALL
                      SELECT indicator_id, region_code, period, series
                      FROM {_derived_rows("= $id")}),
        scope AS (SELECT DISTINCT indicator_id FROM mine
                  WHERE (SELECT replace FROM imports WHERE id = $id))
        SELECT indicator_id, region_code, period, series FROM mine
        UNION
        SELECT c.indicator_id, c.region_code, c.period, c.series
        FROM import_changes c JOIN live l ON l.id = c.import_id SEMI JOIN scope USING (indicator_id)
        UNION  -- rows live imports added that are stored no more
        SELECT c.indicator_id, c.region_code, c.period, c.series
        FROM import_changes c JOIN live l ON l.id = c.old_import_id
        SEMI JOIN scope USING (indicator_id)
        UNION
        SELECT indicator_id, region_code, period, series FROM observations
        SEMI JOIN scope USING (indicator_id)
        """,
        {"id": import_id},
    )


def _stage_replay(con: duckdb.DuckDBPyConnection) -> None:
    """Each affected row as replaying the `live` imports in order leaves it, in temp table
    `replayed` (a row that replay leaves out is not there).

    An import acts on a row when its file gave it (sets it; a figure equal to the stored one
    keeps the stored row and the import it came from, as an import does) or when it replaced
    its indicators and the file lacked the row (removes it). The last such act decides.
    """
    kept_from = con.execute("SELECT value FROM meta WHERE key = ?", [ROWS_KEPT_FROM]).fetchall()
    since = int(kept_from[0][0]) if kept_from else next_import_id(con)
    new = ", ".join(f"c.new_{c}" for c in OBS_VALUE_COLUMNS)
    same = " AND ".join(f"new_{c} IS NOT DISTINCT FROM lag(new_{c}) OVER w"
                        for c in ("value", "status", "note", "source"))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE replayed AS
        WITH given AS (
            SELECT c.import_id, c.indicator_id, c.region_code, c.period, c.series,
                   c.action <> 'removed' AS sets, {new}
            FROM import_changes c JOIN live l ON l.id = c.import_id
            JOIN affected a ON a.indicator_id = c.indicator_id AND a.region_code = c.region_code
                           AND a.period = c.period AND a.series = c.series
            -- a row kept before file rows were kept, whose figures were lost, says nothing
            WHERE c.action = 'removed' OR c.new_freq IS NOT NULL
            UNION ALL BY NAME
            SELECT d.import_id, d.indicator_id, d.region_code, d.period, d.series, TRUE AS sets,
                   {", ".join(f"d.new_{c}" for c in OBS_VALUE_COLUMNS)}
            FROM {_derived_rows("IN (SELECT id FROM live)", "affected")} d
        ),
        replacing AS (  -- (an older import's lacking a row may only mean it was unchanged)
            SELECT DISTINCT c.import_id, c.indicator_id
            FROM {GAVE_INDICATORS} c JOIN live l ON l.id = c.import_id
            WHERE l.replace AND c.import_id >= $since
        ),
        acts AS (
            SELECT * FROM given
            UNION ALL BY NAME
            SELECT r.import_id, a.indicator_id, a.region_code, a.period, a.series, FALSE AS sets
            FROM replacing r JOIN affected a USING (indicator_id)
            WHERE NOT EXISTS (SELECT 1 FROM import_changes c
                              WHERE c.import_id = r.import_id AND c.indicator_id = a.indicator_id
                                AND c.region_code = a.region_code AND c.period = a.period
                                AND c.series = a.series)
              AND NOT EXISTS (SELECT 1 FROM given g
                              WHERE g.import_id = r.import_id AND g.indicator_id = a.indicator_id
                                AND g.region_code = a.region_code AND g.period = a.period
                                AND g.series = a.series)
        ),
        marked AS (
            SELECT *, coalesce(sets AND lag(sets) OVER w AND {same}, FALSE) AS repeats
            FROM acts
            WINDOW w AS (PARTITION BY indicator_id, region_code, period, series ORDER BY import_id)
        ),
        runs AS (
            SELECT *, max(import_id) FILTER (WHERE NOT repeats) OVER k AS run_start,
                   arg_max(sets, import_id) OVER k AS kept
            FROM marked WINDOW k AS (PARTITION BY indicator_id, region_code, period, series)
        )
        SELECT r.indicator_id, r.region_code, r.period, r.series,
               {", ".join(f"r.new_{c} AS {c}" for c in OBS_VALUE_COLUMNS)},
               r.import_id, i.imported_at AS updated_at
        FROM runs r JOIN imports i ON i.id = r.import_id
        WHERE r.kept AND r.import_id = r.run_start
        """,
        {"since": since},
    )


def _stage_undo_diff(con: duckdb.DuckDBPyConnection) -> None:
    """What the undo changed (`before` against `replayed`), as temp table `diff` like an import's."""
    key = ", ".join(f"coalesce(b.{c}, r.{c}) AS {c}" for c in KEY)
    on = " AND ".join(f"b.{c} = r.{c}" for c in KEY)
    old = ", ".join(f"b.{c} AS old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id", "updated_at"])
    new = ", ".join(f"r.{c} AS new_{c}" for c in OBS_VALUE_COLUMNS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE diff AS
        SELECT {key},
               CASE WHEN b.indicator_id IS NULL THEN 'added'
                    WHEN r.indicator_id IS NULL THEN 'removed'
                    WHEN b.value IS NOT DISTINCT FROM r.value
                         AND b.status IS NOT DISTINCT FROM r.status
                         AND b.note = r.note AND b.source = r.source THEN 'unchanged'
                    ELSE 'changed' END AS action, {old}, {new}, r.import_id AS new_import_id
        FROM before b FULL JOIN replayed r ON {on}
        """
    )


def _complete_old_records(con: duckdb.DuckDBPyConnection) -> None:
    """Give records made before the file rows were kept the rows their import set: as a later
    record's old row, or as stored. (Rows such a file gave unchanged were not kept at all, so
    an undo replays those imports as if the file had lacked them.)"""
    if not con.execute("SELECT 1 FROM import_changes WHERE new_freq IS NULL "
                       "AND action IN ('added', 'changed') LIMIT 1").fetchall():
        return  # every record keeps its row (the usual case): skip the search below
    old = [f"old_{c}" for c in [*OBS_VALUE_COLUMNS, "import_id"]]
    con.execute(
        f"""
        UPDATE import_changes c
        SET new_year = s.year, new_freq = s.freq, new_sub = s.sub, new_note = s.note,
            new_source = s.source
        FROM (SELECT DISTINCT ON (import_id, indicator_id, region_code, period, series) *
              FROM (SELECT indicator_id, region_code, period, series,
                           {", ".join(f"{o} AS {o[4:]}" for o in old)}
                    FROM import_changes WHERE old_import_id IS NOT NULL AND old_freq IS NOT NULL
                    UNION ALL BY NAME
                    SELECT * FROM observations)) s
        WHERE c.new_freq IS NULL AND c.action IN ('added', 'changed')
          AND s.import_id = c.import_id AND s.indicator_id = c.indicator_id
          AND s.region_code = c.region_code AND s.period = c.period AND s.series = c.series
        """
    )


def _refuse_year_clashes(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Refuse an undo that brings back a row on a year its series holds under another period
    (2021 from one import, 2019-2021 from another): the pages could not tell the year's value.
    Only a row the undo brings back can make such a pair (`replayed` against `before`)."""
    yearly = ", ".join(f"'{f}'" for f in YEARLY)
    clashes = con.execute(
        f"""WITH back AS (SELECT * FROM replayed ANTI JOIN before
                          USING (indicator_id, region_code, period, series))
            SELECT o.indicator_id, o.region_code, o.series, o.year,
                   string_agg(DISTINCT o.period, ', ' ORDER BY o.period)
            FROM observations o JOIN back n
              ON o.indicator_id = n.indicator_id AND o.region_code = n.region_code
             AND o.series = n.series AND o.year = n.year
            WHERE o.freq IN ({yearly}) AND n.freq IN ({yearly})
            GROUP BY ALL HAVING count(DISTINCT o.period) > 1 ORDER BY ALL LIMIT 1"""
    ).fetchall()
    if clashes:
        indicator, region, series, year, periods = clashes[0]
        raise StoreError.of("store.error.undo_year_clash", id=import_id, indicator=indicator,
                            region=region, series=f", {series}" if series else "", year=year,
                            periods=periods)
