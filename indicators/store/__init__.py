"""The DuckDB store, the only place with SQL: `from indicators import store; store.latest(...)`.

Its parts, each with one job (docs/architecture.md):
schema (the tables), errors (what the store refuses), connection (the file: open, read, check,
lock, write on a copy and swap), ledger (the imports table), queries (what pages read),
observation_imports and observation_undo (an import of figures and its undo by replay),
plan_tables (the plan's own tables as versioned imports), config_changes (edits of the plan
model file) and undoing (undo of any import). Every public name is re-exported here.
"""

from __future__ import annotations

from indicators.store.config_changes import config_change, record_config_change
from indicators.store.connection import (
    LOCK_WAIT_SECONDS,
    PAUSE_ENV,
    check,
    connect,
    db_path_default,
    reading,
    stamp,
    transaction,
    writer_lock,
)
from indicators.store.errors import (
    PERIOD_CLASH,
    STORAGE_KINDS,
    EditError,
    PeriodClash,
    StorageError,
    StoreError,
    period_clash_params,
    storage_errors,
    storage_kind,
)
from indicators.store.ledger import (
    ImportResult,
    current_user,
    import_result,
    next_import_id,
    record_published,
    set_meta,
)
from indicators.store.observation_imports import (
    CHANGE_COLUMNS,
    DIFF_COLUMNS,
    GAVE_INDICATORS,
    ROWS_KEPT_FROM,
    import_observations,
    period_clashes,
    previous_stored,
    record_changes,
    record_import,
)
from indicators.store.observation_undo import later_conflicts, restore_observations
from indicators.store.plan_tables import (
    edit_table,
    import_table,
    record_table_import,
    replace_table,
    restore_table,
    table_diff,
)
from indicators.store.queries import (
    all_observations,
    comments,
    coverage,
    has_table,
    headline_observations,
    history,
    import_kind,
    latest,
    meta,
    observations,
    read_table,
    source_refreshes,
    touched_indicators,
)
from indicators.store.schema import (
    ACTIONS,
    ADDED_COLUMNS,
    CONFIG_KIND,
    KEY,
    OBS_COLUMNS,
    OBS_VALUE_COLUMNS,
    PUBLISHED_KEY,
    REQUIRED_TABLES,
    SCHEMA,
    TABLE_COLUMNS,
    TABLE_KEYS,
)
from indicators.store.undoing import import_conflicts, record_undo, restore_import, undo

__all__ = [
    "ACTIONS", "ADDED_COLUMNS", "CHANGE_COLUMNS", "CONFIG_KIND", "DIFF_COLUMNS", "GAVE_INDICATORS", "KEY",
    "LOCK_WAIT_SECONDS", "OBS_COLUMNS", "OBS_VALUE_COLUMNS", "PAUSE_ENV", "PERIOD_CLASH", "PUBLISHED_KEY",
    "REQUIRED_TABLES", "ROWS_KEPT_FROM", "SCHEMA", "STORAGE_KINDS", "TABLE_COLUMNS", "TABLE_KEYS",
    "EditError", "ImportResult", "PeriodClash", "StorageError", "StoreError", "all_observations", "check",
    "comments", "config_change", "connect", "coverage", "current_user", "db_path_default", "edit_table",
    "has_table", "headline_observations", "history", "import_conflicts", "import_kind", "import_observations",
    "import_result", "import_table", "later_conflicts", "latest", "meta", "next_import_id", "observations",
    "period_clash_params", "period_clashes", "previous_stored", "read_table", "reading", "record_changes",
    "record_config_change", "record_import", "record_published", "record_table_import", "record_undo",
    "replace_table", "restore_import", "restore_observations", "restore_table", "set_meta",
    "source_refreshes", "stamp", "storage_errors", "storage_kind", "table_diff", "touched_indicators",
    "transaction", "undo", "writer_lock",
]
