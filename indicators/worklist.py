"""What is due, and whose it is: each indicator's next figures and each action's end date.

An indicator's next figures are due when its source usually publishes the period after the
latest one (explain.next_update_due: the period, the frequency and the source's lag), and late
once that month has passed (explain.is_overdue) — the same date the Indikator page shows as
"Neste oppdatering ventet". An action is due on its end date until it is 100 % complete. Mine
oppgaver lists these for the logged-in planner, and `python -m indicators due` turns them into
one reminder per owner for the county's mail relay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from ruamel.yaml.comments import CommentedMap

from indicators import config_edit, explain
from indicators.canonical import Cell, missing
from indicators.i18n import format_date, format_number, format_percent, format_period, t, t_n
from indicators.model import Owner, PlanModel, is_email
from indicators.periods import parse_period
from indicators.views import period_words

HORIZON_DAYS = 30  # "due soon": within this many days
UPDATE_PARAM = "nye_tall"  # Oppdater data's URL parameter: the indicator whose figures are due
STATES = ("overdue", "due_soon", "no_data")  # in the order a list shows them


@dataclass(frozen=True)
class Task:
    """One thing a planner must do: bring an indicator's figures, or finish an action."""

    kind: str  # indicator | action
    id: str
    titles: dict[str, str]  # nb / en
    owner: Owner | None
    state: str  # in STATES
    due: date | None  # the month figures are due (its 1st), or the action's end date
    latest: str | None = None  # the indicator's latest period
    percent: float | None = None  # the action's percent complete
    old_area: dict[str, str] | None = field(default=None, compare=False)  # a gone headline area
    named: str = ""  # an owner's name given without an e-mail address (no reminder can go)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("nb") or self.id

    def belongs_to(self, who: str | None) -> bool:
        """True when `who` (a log-in: an e-mail address or a planner's name) owns the task."""
        if self.owner is not None:
            return self.owner.matches(who)
        key = " ".join((who or "").split()).casefold()
        return bool(key) and key == " ".join(self.named.split()).casefold()


def indicator_tasks(model: PlanModel, latest: dict[str, str | None], today: date,
                    horizon: int = HORIZON_DAYS) -> list[Task]:
    """Each indicator whose next figures are late or due within `horizon` days, and each with
    no figures at all. `latest` maps id → the headline's latest period (None or absent: none).

    A headline area that no longer exists (the old county 02) still owes figures: they must now
    come for today's area, so its indicator is late like any other.
    """
    tasks = []
    for indicator in model.indicators:
        period = latest.get(indicator.id)
        titles = {lang: f"{indicator.id} {indicator.name.get(lang)}" for lang in ("nb", "en")}
        if not period:
            tasks.append(Task("indicator", indicator.id, titles, indicator.owner, "no_data", None))
            continue
        parsed = parse_period(period)
        due = explain.next_update_due(indicator, parsed.year, parsed.sub, parsed.freq) \
            if parsed else None
        state = _state(due, today, horizon, explain.is_overdue)
        if state is None:
            continue
        region = model.region(indicator.headline_region)
        tasks.append(Task("indicator", indicator.id, titles, indicator.owner, state, due, period,
                          old_area=region.name.model_dump() if region and region.historical
                          else None))
    return tasks


def action_tasks(actions: pd.DataFrame | None, today: date,
                 horizon: int = HORIZON_DAYS) -> list[Task]:
    """Each action not yet complete whose end date has passed or comes within `horizon` days."""
    tasks = []
    for row in (actions if actions is not None else pd.DataFrame()).itertuples(index=False):
        end = _date(getattr(row, "end", None))
        percent = _number(getattr(row, "percent_complete", None))
        if end is None or (percent is not None and percent >= 100):
            continue
        state = _state(end, today, horizon, lambda d, now: now > d)
        if state is None:
            continue
        titles = {"nb": str(row.title_nb), "en": str(_text(row.title_en) or row.title_nb)}
        tasks.append(Task("action", str(row.id), titles, action_owner(row), state, end,
                          percent=percent, named=_text(getattr(row, "owner", None))))
    return tasks


def action_owner(row: object) -> Owner | None:
    """An action's owner from its `owner` (a name) and `owner_email` cells; None without an
    address (a reminder has nowhere to go) — the name alone is still shown with the action."""
    name, email = _text(getattr(row, "owner", None)), _text(getattr(row, "owner_email", None))
    if not email or not is_email(email):
        return None
    return Owner(name=name or email, email=email)


def tasks(model: PlanModel, latest: dict[str, str | None], actions: pd.DataFrame | None,
          today: date, horizon: int = HORIZON_DAYS) -> list[Task]:
    """Everything due: late first (the longest late first), then due soon, then no figures."""
    found = indicator_tasks(model, latest, today, horizon) + action_tasks(actions, today, horizon)
    return sorted(found, key=lambda task: (STATES.index(task.state), task.due or date.max,
                                           task.kind, task.id))


def latest_periods(latest: pd.DataFrame | None) -> dict[str, str | None]:
    """id → the latest period, from store.latest (the headline series of each indicator)."""
    if latest is None or latest.empty:
        return {}
    return dict(zip(latest["indicator_id"], latest["period"], strict=True))


def mine(found: list[Task], who: str | None) -> list[Task]:
    """The tasks whose owner is `who` (a log-in: e-mail address or planner name)."""
    return [task for task in found if task.belongs_to(who)]


def by_owner(found: list[Task]) -> tuple[list[tuple[Owner, list[Task]]], list[Task]]:
    """The tasks grouped per owner (by e-mail address, in the order first met), and those
    without an owner."""
    groups: dict[str, tuple[Owner, list[Task]]] = {}
    nobody = []
    for task in found:
        if task.owner is None:
            nobody.append(task)
        else:
            groups.setdefault(task.owner.email.casefold(), (task.owner, []))[1].append(task)
    return list(groups.values()), nobody


# ---- assigning an owner (config/goals.yaml, through config_edit) --------------------------------

def assign_owner(config_path: Path | str, db_path: Path | str, indicator_id: str,
                 owner: Owner | None, *, user: str | None, summary: str) -> int:
    """Set (or, with None, remove) an indicator's owner in the plan model file: its comments and
    layout kept, checked before it is written, in the history and undone byte for byte
    (config_edit). Returns the history record's id."""

    def change(doc: CommentedMap) -> None:
        indicator = config_edit.find(doc, "indicators", indicator_id)
        if owner is None:
            config_edit.remove(indicator, "owner")
        else:
            config_edit.put(indicator, "owner", CommentedMap(name=" ".join(owner.name.split()),
                                                             email=owner.email.strip()))

    return config_edit.edit(config_path, db_path, change, user=user, summary=summary)


# ---- words ---------------------------------------------------------------------------------------

def state_text(task: Task, lang: str) -> str:
    return t(f"worklist.state.{task.state}", lang)


def due_text(task: Task, lang: str) -> str:
    """`Nye tall ventet i juli 2021 (siste tall: 2019).` / `Sluttdato 15. desember 2026, 40 %
    fullført.` — plain text."""
    if task.kind == "action":
        percent = format_percent(task.percent or 0, lang, 0)
        return t(f"worklist.action.{task.state}", lang, due=format_date(task.due, lang),
                 percent=percent)
    if task.state == "no_data" or task.due is None or task.latest is None:  # (no_data: both None)
        return t("worklist.indicator.no_data", lang)
    text = t(f"worklist.indicator.{task.state}", lang,
             due=format_period(f"{task.due.year}M{task.due.month:02d}", lang),
             latest=period_words(task.latest, lang))
    if task.old_area:
        text += " " + t("worklist.indicator.old_area", lang, area=task.old_area[lang])
    return text


def owner_text(task: Task, lang: str) -> str:
    """`Kari Nordmann <kari@…>`, a name without an address, or "ingen ansvarlig"."""
    if task.owner is not None:
        return f"{task.owner.name} <{task.owner.email}>"
    if task.named:
        return t("worklist.no_email", lang, name=task.named)
    return t("worklist.no_owner", lang)


def update_path(task: Task, lang: str) -> str:
    """Where the task is done in the app: Oppdater data, with the indicator chosen."""
    query = f"{UPDATE_PARAM}={task.id}&" if task.kind == "indicator" else ""
    return f"oppdater?{query}lang={lang}"


def reminder(owner: Owner, found: list[Task], today: date, lang: str = "nb",
             base_url: str | None = None) -> tuple[str, str]:
    """One plain-text reminder (subject, body) for an owner, for the county's mail relay."""
    late = sum(task.state == "overdue" for task in found)
    subject = t_n("worklist.mail.subject", len(found), lang, late=format_number(late, lang, 0))
    lines = [t("worklist.mail.greeting", lang, name=owner.name), "",
             t("worklist.mail.intro", lang, date=format_date(today, lang)), ""]
    for state in STATES:
        chosen = [task for task in found if task.state == state]
        if not chosen:
            continue
        lines.append(t(f"worklist.mail.heading.{state}", lang, days=HORIZON_DAYS) + ":")
        for task in chosen:
            lines.append(f"- {task.title(lang)}: {due_text(task, lang)}")
            if base_url:
                lines.append(f"  {base_url.rstrip('/')}/{update_path(task, lang)}")
        lines.append("")
    lines += [t("worklist.mail.how", lang), "", t("worklist.mail.signature", lang)]
    return subject, "\n".join(lines) + "\n"


def _state(due: date | None, today: date, horizon: int,
           late: Callable[[date, date], bool]) -> str | None:
    if due is None:
        return None
    if late(due, today):
        return "overdue"
    return "due_soon" if due <= today + timedelta(days=horizon) else None


def _date(value: Cell) -> date | None:
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _number(value: Cell) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(number) else number


def _text(value: Cell) -> str:
    if missing(value):
        return ""
    return str(value).strip()
