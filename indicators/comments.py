"""A planner's comment on an indicator's latest period ("Hvorfor gikk ledigheten opp?").

Comments are a plan table like actions or milestones: kept through the store (one recorded
write each, in the history, undone by Angre), written back to data/comments.csv, and read by
`build` and `sync` from there. One comment per indicator and period; a new one replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from indicators import workflow
from indicators.i18n import format_date, format_period, quoted, t
from indicators.ingest.tables import COMMENT_MAX
from indicators.issues import Issue, Param
from indicators.model import PlanModel
from indicators.periods import parse_period
from indicators.progress import Assessment

TABLE = "comments"


class CommentError(ValueError):
    """A comment that cannot be kept: `issue` says why (its locale key and parameters, also as
    `key` and `params`), `message(lang)` words it; str() is the bokmål text, for logs."""

    def __init__(self, key: str, /, **params: Param) -> None:
        self.issue = Issue(None, None, None, key, dict(params))
        super().__init__(self.issue.text("nb"))

    @property
    def key(self) -> str:
        return self.issue.key

    @property
    def params(self) -> dict[str, Param]:
        return self.issue.params

    def text(self, lang: str = "nb") -> str:
        """Why the comment was refused, in `lang` (the same as message(lang))."""
        return self.issue.text(lang)

    def message(self, lang: str) -> str:
        return self.text(lang)


@dataclass(frozen=True)
class Comment:
    indicator_id: str
    period: str
    text: str
    author: str
    at: date


def add(db_path: Path, model: PlanModel, indicator_id: str, period: str, text: str, author: str,
        *, at: date | None = None, back: workflow.WriteBack | None = None) -> workflow.Done:
    """Keep `text` as the comment on an indicator's period (replacing one already there), as one
    recorded, undoable write; then data/comments.csv is rewritten."""
    row = _checked(model, indicator_id, period, text, author, at or date.today())

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        other = frame[~((frame["indicator_id"] == row["indicator_id"])
                        & (frame["period"] == row["period"]))]
        return pd.concat([other, pd.DataFrame([row])], ignore_index=True)

    # Named like the other plan edits in the history: the file, the indicator, what changed.
    label = t("comments.history_label", "nb", id=indicator_id,
              period=format_period(str(row["period"]), "nb"))
    return workflow.edit_table(db_path, model, TABLE, change, label=label, user=str(row["author"]),
                               back=back or workflow.WriteBack())


def _checked(model: PlanModel, indicator_id: str, period: str, text: str, author: str,
             at: date) -> dict[str, object]:
    if model.indicator(indicator_id) is None:
        raise CommentError("comments.error.indicator", id=indicator_id)
    parsed = parse_period(period)
    if parsed is None:
        raise CommentError("comments.error.period", period=period)
    text = text.strip()
    if not text:
        raise CommentError("comments.error.empty")
    if len(text) > COMMENT_MAX:
        raise CommentError("tables.error.comment_too_long", n=len(text), max=COMMENT_MAX)
    if not author.strip():
        raise CommentError("comments.error.author")
    return {"indicator_id": indicator_id, "period": parsed.canonical, "text": text,
            "author": " ".join(author.split()), "at": at}


def of(frame: pd.DataFrame | None, indicator_id: str, period: str | None) -> Comment | None:
    """The comment on an indicator's period, from store.comments (None if there is none)."""
    if frame is None or period is None or frame.empty:
        return None
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["period"] == period)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    at = row["at"]
    return Comment(indicator_id, period, str(row["text"]), str(row["author"]),
                   at.date() if isinstance(at, pd.Timestamp) else at)


def earlier(frame: pd.DataFrame | None, indicator_id: str, period: str | None) -> list[Comment]:
    """The indicator's comments on other periods than `period`, newest period first."""
    if frame is None or frame.empty:
        return []
    periods = frame.loc[(frame["indicator_id"] == indicator_id)
                        & (frame["period"] != period), "period"]
    found = (of(frame, indicator_id, str(p)) for p in periods)
    return [c for c in found if c is not None]


def byline(comment: Comment, lang: str) -> str:
    """`Kommentar til januar 2026 — Kari Nordmann, 2. desember 2026` (plain text)."""
    return t("comments.byline", lang, period=format_period(comment.period, lang),
             author=comment.author, date=format_date(comment.at, lang))


def note_text(comment: Comment, lang: str) -> str:
    """The comment in one line for speaker notes: byline and the text in quotes."""
    return f"{byline(comment, lang)}: {quoted(comment.text, lang)}"


def wanted(assessment: Assessment, comment: Comment | None) -> bool:
    """A status of Forverring with no comment on the latest period asks for one."""
    return assessment.status == "deterioration" and comment is None
