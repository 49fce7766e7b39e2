"""One kind of problem report for the whole core: a locale key, its parameters and where it is.

A problem found in a file (a bad cell, a config key, a period that clashes with a stored one),
a note about figures fetched from SSB and a write the store refused are all an `Issue`. It keeps
no text of its own: `text(lang)` words it in the reader's language through the locale catalogue
(indicators/locales/*.yaml), so the command line, the app and the exports say the same thing in
bokmål or English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from indicators.i18n import t

# What a message's {placeholders} are filled with: text, numbers, dates; None is shown as "None".
Param = str | int | float | date | None
Params = Mapping[str, Param]
Severity = Literal["error", "warning"]


@dataclass
class Issue:
    """One problem, worded from `key` and `params`; `file`, `line` and `column` say where when
    that is known (a CSV line is an int, a workbook line "Sheet!row")."""

    file: str | None
    line: int | str | None
    column: str | None
    key: str
    params: dict[str, Param] = field(default_factory=dict)
    severity: Severity = "error"

    @classmethod
    def of(cls, key: str, /, *, file: str | None = None, line: int | str | None = None,
           column: str | None = None, severity: Severity = "error", **params: Param) -> Issue:
        """An issue from its key and parameters, placed where known."""
        return cls(file, line, column, key, dict(params), severity)

    def text(self, lang: str = "nb") -> str:
        """What is wrong and how to fix it, in `lang`."""
        return t(self.key, lang, **self.params)

    def message(self, lang: str = "nb") -> str:
        """The same as text(lang) (the name the file readers' callers know)."""
        return self.text(lang)

    def location(self) -> str:
        """`file:line:column`, leaving out the parts that are not known."""
        parts = [self.file or "", "" if self.line is None else str(self.line), self.column or ""]
        return ":".join(p for p in parts if p)

    def line_text(self, lang: str = "nb") -> str:
        """`file:line:column: text` — one line of a report (the text alone when nowhere)."""
        place = self.location()
        return f"{place}: {self.text(lang)}" if place else self.text(lang)

    def __str__(self) -> str:
        return self.line_text("nb")
