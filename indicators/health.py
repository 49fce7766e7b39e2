"""What can let the dashboard down (a stored row, the database file, the plan config, the disk),
said in one sentence with the way out: plain words for readers, the fix for planners and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from indicators import store
from indicators.i18n import format_list, format_period, t
from indicators.issues import Issue
from indicators.model import Indicator, ModelError
from indicators.progress import Assessment

AUDIENCES = ("reader", "planner", "cli")
KINDS = ("db_missing", "config_broken", *store.STORAGE_KINDS)
# Assessment reasons that mean the stored rows themselves need correcting (progress.SeriesError).
SERIES_REASONS = ("duplicate_year", "duplicate_period", "unreadable")


@dataclass(frozen=True)
class Problem:
    """One thing in the way: `kind` is one of KINDS; `path` and `detail` say where and what.
    `cause`, when known, is the Issue behind it (a config problem), worded as the detail in the
    reader's language."""

    kind: str
    path: str = ""
    detail: str = ""
    cause: Issue | None = field(default=None, compare=False)

    @property
    def issue(self) -> Issue:
        """The problem as an Issue for planners and the command line (key health.planner.<kind>,
        params path and detail; the detail in bokmål when it has a cause)."""
        return Issue.of(f"health.planner.{self.kind}", path=self.path, detail=self.detail)

    def message(self, lang: str, audience: str = "reader") -> str:
        """The sentence to show. Readers never see file names or commands (issue 13, item 8)."""
        if audience == "reader":
            return t("health.reader", lang)
        issue = self.issue
        if self.cause is not None:
            issue = replace(issue, params={**issue.params, "detail": self.cause.line_text(lang)})
        text = issue.text(lang)
        return text.replace("`", "") if audience == "cli" else text


def from_error(error: BaseException) -> Problem | None:
    """The Problem an exception stands for; None when it is none of ours (a bug: let it show)."""
    if isinstance(error, ModelError):
        first = error.problems[0] if error.problems else None
        return Problem("config_broken", (first.file or "") if first else "",
                       str(first) if first else "", first)
    if isinstance(error, FileNotFoundError) and str(error.filename or "").endswith(".duckdb"):
        return Problem("db_missing", str(error.filename))
    if isinstance(error, store.StorageError):
        return Problem(error.kind, error.path, error.detail)
    if isinstance(error, (OSError, duckdb.Error)):
        kind = store.storage_kind(error)
        if kind is not None:
            return Problem(kind, str(getattr(error, "filename", "") or ""), str(error)[:200])
    return None


def database_problem(db_path: Path | str) -> Problem | None:
    """Why the database cannot be used as it is (missing, unreadable), or None when it can."""
    path = Path(db_path)
    if not path.exists():
        return Problem("db_missing", str(path))
    try:
        store.check(path)
    except (store.StorageError, OSError, duckdb.Error) as error:
        return from_error(error) or Problem("db_unreadable", str(path), str(error)[:200])
    return None


# ---- a stored series the method cannot read --------------------------------------------------


@dataclass(frozen=True)
class SeriesProblem:
    """An indicator whose headline rows give a year (or a month) twice, and where they came from."""

    indicator_id: str
    reason: str
    year: int | None
    periods: tuple[str, ...]
    imports: tuple[int, ...]


def series_problem(indicator: Indicator, assessment: Assessment,
                   rows: pd.DataFrame | None) -> SeriesProblem | None:
    """The problem behind a not-available status, with the stored headline rows of its year
    (`rows`: store.observations of the indicator; needs `period`, `year`, `import_id`)."""
    if assessment.reason not in SERIES_REASONS:
        return None
    year = assessment.problem_year
    found = pd.DataFrame(columns=["period", "import_id"])
    if rows is not None and year is not None and len(rows):
        headline = rows[(rows["region_code"] == indicator.headline_region) & (rows["series"] == "")]
        found = headline[headline["year"] == year]
    periods = tuple(dict.fromkeys(str(p) for p in found["period"]))
    imports = tuple(sorted({int(i) for i in found["import_id"].dropna()}))
    return SeriesProblem(indicator.id, assessment.reason, year, periods, imports)


def series_problem_text(indicator: Indicator, problem: SeriesProblem, what: str, lang: str,
                        audience: str = "planner") -> str:
    """`1D-04 …: Tallene for 2011/12 er lagt inn to ganger … Periodene 2011/12 og 2012 …` (plain
    text, no markup); `what` is the reader's sentence (explain.sentence) for the indicator."""
    if audience == "cli":
        return t("cli.series_problem", lang, id=indicator.id, what=what)
    name = f"{indicator.id} {indicator.name.get(lang)}"
    if not problem.periods:
        return f"{name}: {what}"
    periods = format_list([f"«{format_period(p, lang)}»" if lang == "nb"
                           else f"“{format_period(p, lang)}”" for p in problem.periods], lang)
    imports = format_list([str(i) for i in problem.imports], lang)
    return t("health.series.item", lang, name=name, what=what, periods=periods, imports=imports)
