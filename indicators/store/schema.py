"""The database's tables: their DDL (applied, idempotently, at every write) and the column lists
and names the rest of the store shares."""

from __future__ import annotations

# An observation's key; the values it carries; all its columns in the canonical file order.
KEY = ["indicator_id", "region_code", "period", "series"]
OBS_VALUE_COLUMNS = ["year", "freq", "sub", "value", "status", "note", "source"]
OBS_COLUMNS = KEY[:3] + ["year", "freq", "sub", "value", "status", "series", "note", "source"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS observations (
    indicator_id VARCHAR NOT NULL, region_code VARCHAR NOT NULL, period VARCHAR NOT NULL,
    year INTEGER NOT NULL, freq VARCHAR NOT NULL, sub INTEGER,
    value DOUBLE, status VARCHAR, series VARCHAR NOT NULL DEFAULT '',
    note VARCHAR NOT NULL DEFAULT '', source VARCHAR NOT NULL DEFAULT '',
    import_id INTEGER NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY, imported_at TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    source VARCHAR NOT NULL DEFAULT '', replace BOOLEAN NOT NULL DEFAULT FALSE,
    added INTEGER NOT NULL, changed INTEGER NOT NULL, unchanged INTEGER NOT NULL,
    removed INTEGER NOT NULL, undo_of INTEGER, undone_by INTEGER
);
CREATE TABLE IF NOT EXISTS import_changes (
    import_id INTEGER NOT NULL, action VARCHAR NOT NULL,
    indicator_id VARCHAR NOT NULL, region_code VARCHAR NOT NULL, period VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    old_year INTEGER, old_freq VARCHAR, old_sub INTEGER, old_value DOUBLE, old_status VARCHAR,
    old_note VARCHAR, old_source VARCHAR, old_import_id INTEGER, old_updated_at TIMESTAMP,
    new_value DOUBLE, new_status VARCHAR,
    new_year INTEGER, new_freq VARCHAR, new_sub INTEGER, new_note VARCHAR, new_source VARCHAR
);
-- Undo replays the file rows kept here; databases from before they were kept get the columns.
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_year INTEGER;
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_freq VARCHAR;
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_sub INTEGER;
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_note VARCHAR;
ALTER TABLE import_changes ADD COLUMN IF NOT EXISTS new_source VARCHAR;
CREATE TABLE IF NOT EXISTS funding (
    year INTEGER NOT NULL, scheme_id VARCHAR NOT NULL, applications INTEGER,
    applied_nok_million DOUBLE, granted_nok_million DOUBLE, projects INTEGER,
    note VARCHAR, source VARCHAR, PRIMARY KEY (year, scheme_id)
);
CREATE TABLE IF NOT EXISTS grants (
    year INTEGER NOT NULL, scheme_id VARCHAR NOT NULL, recipient VARCHAR, project VARCHAR,
    municipality_code VARCHAR, focus_area_id VARCHAR, amount_nok_million DOUBLE,
    description VARCHAR, focus_area_basis VARCHAR DEFAULT 'assessed'
);
ALTER TABLE grants ADD COLUMN IF NOT EXISTS focus_area_basis VARCHAR DEFAULT 'assessed';
CREATE TABLE IF NOT EXISTS milestones (
    id VARCHAR PRIMARY KEY, start DATE NOT NULL, "end" DATE, kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL, owner VARCHAR, title_nb VARCHAR, title_en VARCHAR,
    description_nb VARCHAR, description_en VARCHAR
);
CREATE TABLE IF NOT EXISTS actions (
    id VARCHAR PRIMARY KEY, title_nb VARCHAR, title_en VARCHAR, start DATE, "end" DATE,
    owner VARCHAR, percent_complete DOUBLE, goal_id VARCHAR, note VARCHAR
);
ALTER TABLE actions ADD COLUMN IF NOT EXISTS owner_email VARCHAR DEFAULT '';
CREATE TABLE IF NOT EXISTS comments (
    indicator_id VARCHAR NOT NULL, period VARCHAR NOT NULL, text VARCHAR NOT NULL,
    author VARCHAR NOT NULL, "at" DATE NOT NULL, PRIMARY KEY (indicator_id, period)
);
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
-- A change to the plan model file (kind "config"): its bytes before and after, for undo.
CREATE TABLE IF NOT EXISTS config_changes (
    import_id INTEGER PRIMARY KEY, file_name VARCHAR NOT NULL, old_bytes BLOB NOT NULL,
    new_bytes BLOB NOT NULL, summary VARCHAR NOT NULL DEFAULT ''
);
"""

# The tables every database of ours has (indicators.store.connection.check).
REQUIRED_TABLES = ("observations", "imports", "import_changes", "meta")

# What an import or undo did to a row: the counts every import record keeps, in this order.
ACTIONS = ("added", "changed", "unchanged", "removed")


# ---- the plan's own tables: funding, grants, milestones, actions ----------------------------

TABLE_COLUMNS = {
    "funding": ["year", "scheme_id", "applications", "applied_nok_million",
                "granted_nok_million", "projects", "note", "source"],
    "grants": ["year", "scheme_id", "recipient", "project", "municipality_code",
               "focus_area_id", "amount_nok_million", "description", "focus_area_basis"],
    "milestones": ["id", "start", "end", "kind", "status", "owner", "title_nb", "title_en",
                   "description_nb", "description_en"],
    "actions": ["id", "title_nb", "title_en", "start", "end", "owner", "percent_complete",
                "goal_id", "note", "owner_email"],
    "comments": ["indicator_id", "period", "text", "author", "at"],
}


# Columns added after databases were built: an older file reads with the default until rebuilt.
ADDED_COLUMNS = {"grants": {"focus_area_basis": "assessed"}, "actions": {"owner_email": ""}}

# The key of each plan table's rows (grants have none: equal rows are the same row).
TABLE_KEYS = {"funding": ["year", "scheme_id"], "grants": [], "milestones": ["id"], "actions": ["id"],
              "comments": ["indicator_id", "period"]}


# The kind of an import that changed the plan model file (config/goals.yaml), see config_changes.
CONFIG_KIND = "config"

PUBLISHED_KEY = "published:"  # + import id: when the source published what that import brought

