"""The next data update breaks no test: a copy of the repository gets a new month of NAV figures
for 2B-04 and 2B-05, a new grant and a milestone marked done through the command line (which
writes back into data/), and the tests that read the shipped files still pass against that copy.
A test that pins today's figures, grants or milestones fails here."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]

# What a clone of the project would not carry, or what would leak today's state into the copy.
_NOT_COPIED_AT_TOP = {".git", ".venv", "node_modules", ".pytest_cache", ".hypothesis", ".ruff_cache",
                      "bench", "screenshots", "tmp"}
_NEVER_COPIED = shutil.ignore_patterns("__pycache__", "*.duckdb", "*.duckdb.wal", "*.lock", "*.tmp")

# What a politician reads: the page and view tests (as issue 18 asks), and the data's integrity,
# about two minutes on one core. Left out: the browser tests (tests/e2e), which read
# the same pages and take minutes; the deck, export and command-line tests, whose figures come
# from the same views (they ran here too until 3 December 2026, and passed); the import tests,
# which work on the test data set (tests/fixtures/README.md), not on data/; and in these modules
# the tests that use only that set (marked fixture_data_only in tests/conftest.py).
READ_SHIPPED_DATA = [
    "tests/pages",
    "tests/indicators/test_views.py",
    "tests/indicators/test_shipped_data.py",
]


def _copy_repository(dest: Path) -> Path:
    def ignore(folder: str, names: list[str]) -> set[str]:
        top = _NOT_COPIED_AT_TOP & set(names) if Path(folder) == ROOT else set()
        return top | _NEVER_COPIED(folder, names)

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def _plan_update(data: Path, folder: Path) -> list[Path]:
    """What a planner's next plan-table update looks like: grants.csv with one grant more (a new
    year, a known amount) and milestones.csv with its first planned milestone marked done."""
    grants = list(csv.DictReader(io.StringIO((data / "grants.csv").read_text("utf-8"))))
    latest = max(int(g["year"]) for g in grants)
    grants.append({**grants[0], "year": str(latest + 1), "recipient": "Neste år AS",
                   "amount_nok_million": "2.5", "description": "Et nytt tilskudd"})
    milestones = list(csv.DictReader(io.StringIO((data / "milestones.csv").read_text("utf-8"))))
    planned = next(m for m in milestones if m["status"] == "planned")
    planned["status"] = "done"
    files = []
    for name, rows in (("grants.csv", grants), ("milestones.csv", milestones)):
        path = folder / f"ny-{name}"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        files.append(path)
    return files


def _next_month(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + month // 12}M{month % 12 + 1:02d}"


def _next_month_rows(csv_path: Path) -> list[dict[str, str]]:
    """One row per area that has the latest month: the month after it, a share 0.3 points higher
    and a count 6 % higher than that month, so every latest figure and period changes."""
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text("utf-8"))))
    monthly = [r for r in rows if len(r["period"]) == 7 and r["period"][4] == "M"]
    latest = max(r["period"] for r in monthly)
    new = []
    for row in (r for r in monthly if r["period"] == latest):
        value = float(row["value"])
        moved = round(value + 0.3, 1) if row["unit"] == "percent" else round(value * 1.06)
        new.append({**row, "period": _next_month(latest), "value": f"{moved:g}", "note": ""})
    assert new, f"no monthly rows in {csv_path}"
    return new




def test_tests_that_read_the_shipped_data_pass_after_a_new_month_is_imported(tmp_path: Path) -> None:
    repo = _copy_repository(tmp_path / "repo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    observations = repo / "data" / "observations"
    new = [*_next_month_rows(observations / "2B-04.csv"), *_next_month_rows(observations / "2B-05.csv")]
    update = tmp_path / "nav-neste-maned.csv"
    with update.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(new[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(new)

    db = str(repo / "data" / "dashboard.duckdb")
    grants, milestones = _plan_update(repo / "data", tmp_path)
    for args in (("build", "--db", db), ("import", str(update), "--db", db, "--user", "planlegger"),
                 ("import", str(grants), "--table", "grants", "--db", db),
                 ("import", str(milestones), "--table", "milestones", "--db", db),
                 ("build", "--db", db)):
        done = run_cli(*args, cwd=repo, env={k: None for k in os.environ if k.startswith("DASHBOARD_")})
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    # The import wrote the new month back into the copy's files (what a planner's update does),
    # and the files still build (the second build).
    for row in new:
        line = f"{row['indicator_id']},{row['region_code']},{row['period']},{row['value']},"
        assert line in (observations / f"{row['indicator_id']}.csv").read_text("utf-8"), line
    assert "Neste år AS" in (repo / "data" / "grants.csv").read_text("utf-8")
    (repo / "data" / "dashboard.duckdb").unlink()  # the tests build their own from data/

    done = subprocess.run(
        [sys.executable, "-m", "pytest", *READ_SHIPPED_DATA, "-x", "-q", "-p", "no:cacheprovider",
         "-m", "not e2e and not fixture_data_only"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
