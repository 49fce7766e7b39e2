"""Where the plan model, the data files and the database live: one place, each with an override.

The app resolves them from the repository it runs from; the command line from the folder it is
run in (so `python -m indicators build` in a copy of the repository builds that copy). Either way
the environment wins: `$DASHBOARD_CONFIG`, `$DASHBOARD_DATA`, `$DASHBOARD_DB` (bench/, tests, a
server that keeps its data outside the checkout). `$DASHBOARD_PUBLISH` names the folder of the
static bundle (indicators/publish.py), remade after every import, undo and fetch; unset, none is;
`$DASHBOARD_PUBLISH_URL` the address it is served at.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG_ENV = "DASHBOARD_CONFIG"
DATA_ENV = "DASHBOARD_DATA"
DB_ENV = "DASHBOARD_DB"
PUBLISH_ENV = "DASHBOARD_PUBLISH"
PUBLISH_URL_ENV = "DASHBOARD_PUBLISH_URL"
CONFIG = Path("config") / "goals.yaml"
DATA = Path("data")
DB_NAME = "dashboard.duckdb"


def config_file(root: Path = ROOT) -> Path:
    """The plan model: `$DASHBOARD_CONFIG`, else config/goals.yaml under `root`."""
    return Path(os.environ.get(CONFIG_ENV) or root / CONFIG)


def data_dir(root: Path = ROOT) -> Path:
    """The planners' files: `$DASHBOARD_DATA`, else data/ under `root`."""
    return Path(os.environ.get(DATA_ENV) or root / DATA)


def database(root: Path = ROOT) -> Path:
    """The database: `$DASHBOARD_DB`, else data/dashboard.duckdb under `root`."""
    return Path(os.environ.get(DB_ENV) or root / DATA / DB_NAME)


def publish_dir() -> Path | None:
    """The static bundle's folder, remade after every change: `$DASHBOARD_PUBLISH`, else none."""
    folder = os.environ.get(PUBLISH_ENV)
    return Path(folder) if folder else None


def publish_url() -> str:
    """Where the static bundle is served (`$DASHBOARD_PUBLISH_URL`), for whole addresses in its
    embed codes; "" when unknown (the codes then show a placeholder to replace)."""
    return os.environ.get(PUBLISH_URL_ENV, "")


def login_state(db: Path | None = None) -> Path:
    """The wrong-password counts (indicators.throttle), beside the database so a restart keeps them."""
    db = database() if db is None else db
    return db.with_name(f"{db.stem}.logins.json")
