"""What the store refuses and why: a refused write (StoreError, PeriodClash) and the files under
the database letting us down (StorageError), from whichever OS or DuckDB error said so."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from indicators.issues import Issue, Param


class StoreError(Exception):
    """A write that was refused (locked, or an undo that would lose later work): `issue` says
    why, `text(lang)` words it for the reader (str() is the bokmål text, for logs)."""

    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        super().__init__(self.text("nb"))

    @classmethod
    def of(cls, key: str, /, *, file: str | None = None, **params: Param) -> StoreError:
        """A refusal worded by locale key `key`."""
        return cls(Issue(file, None, None, key, dict(params)))

    def text(self, lang: str = "nb") -> str:
        """Why the write was refused, in `lang`, after where when known (`file:line:column: …`)."""
        return self.issue.line_text(lang)


class EditError(StoreError):
    """A planner's edit that was refused (config_edit.ConfigEditError, plan_edit.PlanEditError):
    `issue` says why, `problems` what the checks found; text(lang) is both, a problem a line.
    `key` and `params` are the issue's, so a caller can tell one refusal from another."""

    placed = True  # each problem after its file:line:column (False: its text alone)

    def __init__(self, key: str, /, problems: list[Issue] | None = None, **params: Param) -> None:
        self.key, self.params, self.problems = key, params, problems or []
        super().__init__(Issue(None, None, None, key, dict(params)))  # (a param may be "file")

    def text(self, lang: str = "nb") -> str:
        return "\n".join([self.issue.text(lang), *(f"- {self.problem_text(p, lang)}"
                                                    for p in self.problems)])

    def problem_text(self, problem: Issue, lang: str) -> str:
        """One problem the checks found, in `lang` (with where it is when `placed`)."""
        return problem.line_text(lang) if self.placed else problem.text(lang)

    def message(self, lang: str) -> str:
        return self.text(lang)


PERIOD_CLASH = "store.error.period_clash"  # locale key; its params are period_clash_params'


class PeriodClash(StoreError):
    """An import refused because a series would get two periods on one year (period_clashes):
    `clashes` has one row per file row, with its `line` in the file where known."""

    def __init__(self, file_name: str, clashes: pd.DataFrame) -> None:
        self.file_name, self.clashes = file_name, clashes
        first = clashes.iloc[0]
        line = first.get("line")
        super().__init__(Issue(file_name, None if line is None else str(line), "period",
                               PERIOD_CLASH, dict(period_clash_params(first))))


def period_clash_params(clash: pd.Series) -> dict[str, str]:
    series = str(clash["series"] or "")
    return {"indicator": str(clash["indicator_id"]), "region": str(clash["region_code"]),
            "series": f", {series}" if series else "", "period": str(clash["period"]),
            "stored": str(clash["stored_period"])}


class StorageError(StoreError):
    """The files under the database let us down: `kind` is one of STORAGE_KINDS.

    db_unreadable: the file is damaged, truncated, empty or not a DuckDB database;
    read_only: the folder or file may not be written; disk_full: no space left.
    indicators.health words it for the reader, the planner and the command line.
    """

    def __init__(self, kind: str, path: Path | str, detail: str = "") -> None:
        self.kind, self.path, self.detail = kind, str(path), detail
        super().__init__(Issue.of(f"store.error.{kind}", file=str(path),
                                  detail=f" ({detail})" if detail else ""))


STORAGE_KINDS = ("db_unreadable", "read_only", "disk_full")
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EROFS, errno.EACCES, errno.EPERM}
# What DuckDB says (it raises its own exceptions, without errno) for each kind.
_DUCKDB_WORDS = {
    "disk_full": ("no space left", "disk quota", "out of disk"),
    "read_only": ("permission denied", "read-only file system", "operation not permitted"),
    "db_unreadable": ("not a valid duckdb database", "corrupt database", "could not read enough bytes",
                      "checksum", "unsupported version", "serialization error"),
}


def storage_kind(error: BaseException) -> str | None:
    """Which STORAGE_KINDS a low-level error is (None: not a storage problem, e.g. a bug)."""
    if isinstance(error, StorageError):
        return error.kind
    if isinstance(error, OSError):
        return ("disk_full" if error.errno in _FULL else
                "read_only" if error.errno in _DENIED else None)
    if isinstance(error, duckdb.Error):
        text = str(error).lower()
        return next((kind for kind, words in _DUCKDB_WORDS.items()
                     if any(w in text for w in words)), None)
    return None


@contextmanager
def storage_errors(path: Path | str) -> Iterator[None]:
    """Turn OS and DuckDB errors about the files into StorageError; anything else passes."""
    try:
        yield
    except StorageError:
        raise
    except (OSError, duckdb.Error) as error:
        kind = storage_kind(error)
        if kind is None:
            raise
        raise StorageError(kind, path, str(error).splitlines()[0][:200]) from error
