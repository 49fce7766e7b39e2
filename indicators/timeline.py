"""The plan timeline as plain data: phases, milestones, yearly cycles, target years, action items.

Everything dated comes from data/milestones.csv and data/actions.csv; the yearly cycles are
derived from a rule (the handlingsprogram is reviewed every year, plan- og bygningsloven § 8-1,
and linked to the yearly økonomiplan), so they are marked `generated` and never shown as dated
decisions; target years come from the indicators' targets in the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
from babel.dates import format_date as babel_date

from indicators.canonical import Cell, Row, missing, records
from indicators.charts.common import plain
from indicators.i18n import (
    LOCALES,
    format_date,
    format_list,
    format_number,
    format_percent,
    lang_or_default,
    t,
    t_n,
)
from indicators.model import Indicator, PlanModel

FIRST_YEAR, LAST_YEAR = 2024, 2040  # the span the page shows: 2024 decisions to the plan's end
CYCLE_FIRST_YEAR = 2025  # the first økonomiplan the goals come from (Økonomiplan 2025)

# Lanes from top to bottom; phases get one row each, the others share their lane's row.
LANES = ("phase", "decision", "milestone", "review_cycle", "budget_cycle", "target", "action")
LANE_OF_KIND = {"phase": "phase", "decision": "decision", "meeting": "milestone",
                "deadline": "milestone", "milestone": "milestone", "review": "milestone"}

# Action rating (shown on the page): on track at ≥ 90 % of the expected progress, "følg med"
# at 70–90 %, behind below 70 %.
ON_TRACK, WATCH = 0.9, 0.7
ACTION_STATUSES = ("done", "on_track", "watch", "behind", "not_started", "unknown")


@dataclass(frozen=True)
class Item:
    """One thing on the timeline."""

    id: str
    lane: str  # one of LANES
    kind: str  # milestone kind, or "cycle", "target", "action"
    title: str
    start: date
    end: date | None  # None: a single day
    status: str  # planned | ongoing | done | delayed | cycle | proposed | adopted | ACTION_STATUSES
    owner: str = ""
    description: str = ""
    generated: bool = False  # derived by rule, not a dated decision
    percent: float | None = None  # actions: percent complete
    expected: float | None = None  # actions: expected percent today

    @property
    def last_day(self) -> date:
        return self.end or self.start


# ---- action rating --------------------------------------------------------------------------


def expected_percent(start: date, end: date, today: date) -> float:
    """How far along a linear path from start (0 %) to end (100 %) the action should be today."""
    if today <= start:
        return 0.0
    if today >= end:
        return 100.0
    return (today - start).days / (end - start).days * 100


def rate_action(start: date, end: date, percent_complete: float | None, today: date) -> str:
    """`on_track` at ≥ 90 % of the expected progress, `watch` at 70–90 %, `behind` below 70 %.

    Also `done` (100 % complete), `not_started` (before its start: nothing is expected yet) and
    `unknown` (no percent given).
    """
    if percent_complete is None or pd.isna(percent_complete):
        return "unknown"
    if percent_complete >= 100:
        return "done"
    expected = expected_percent(start, end, today)
    if expected == 0:
        return "not_started"
    ratio = percent_complete / expected
    # A small tolerance, so 45 % of an expected 50 % rates as exactly 90 %.
    if ratio >= ON_TRACK - 1e-9:
        return "on_track"
    if ratio >= WATCH - 1e-9:
        return "watch"
    return "behind"


# ---- items ------------------------------------------------------------------------------------


def _text(row: Row, column: str, lang: str) -> str:
    """A `_nb`/`_en` column in the reader's language, falling back to bokmål."""
    value = row.get(f"{column}_{lang_or_default(lang)}", "") or ""
    if isinstance(value, float) or not str(value).strip():
        value = row.get(f"{column}_nb", "") or ""
    return "" if isinstance(value, float) else str(value)


def _date(value: Cell) -> date | None:
    if missing(value):
        return None
    return pd.Timestamp(value).date()


def milestone_items(milestones: pd.DataFrame, lang: str) -> list[Item]:
    """Phases, milestones, meetings, deadlines and decisions from data/milestones.csv.

    A "phase" that lies inside another phase (the consultation inside the planning programme)
    is a step of that phase, so it sits with the milestones rather than counting as a phase.
    """
    items = []
    spans: list[tuple[date, date]] = []
    for s, e, k in zip(milestones["start"], milestones["end"], milestones["kind"], strict=True):
        first = _date(s)
        if k == "phase" and first is not None:
            spans.append((first, _date(e) or first))
    for row in records(milestones):
        start, end = _date(row["start"]), _date(row["end"])
        if start is None:
            continue
        lane = LANE_OF_KIND.get(row["kind"], "milestone")
        if lane == "phase" and _inside_another(start, end or start, spans):
            lane = "milestone"
        items.append(Item(str(row["id"]), lane, row["kind"], _text(row, "title", lang), start,
                          None if end == start else end, row["status"], str(row["owner"] or ""),
                          _text(row, "description", lang)))
    return items


def _inside_another(start: date, end: date, spans: list[tuple[date, date]]) -> bool:
    return any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)


def implementation_years(milestones: pd.DataFrame) -> tuple[int, int]:
    """The years of the phase that ends last (Gjennomføre plan 2027–2040); the plan span if none."""
    phases = milestones[milestones["kind"] == "phase"]
    dated = ((_date(s), _date(e)) for s, e in zip(phases["start"], phases["end"], strict=True))
    ends = [(end or start, start) for start, end in dated if start is not None]
    if not ends:
        return CYCLE_FIRST_YEAR, LAST_YEAR
    end, start = max(ends)
    return start.year, end.year


def cycle_items(milestones: pd.DataFrame, lang: str) -> list[Item]:
    """The yearly cycles as one whole-year item per year: the handlingsprogram reviewed every year
    of the implementation phase, and the økonomiplan every year from 2025 to the plan's end."""
    first, last = implementation_years(milestones)
    items = [Item(f"review-{y}", "review_cycle", "cycle", t("timeline.review_title", lang, year=y),
                  date(y, 1, 1), date(y, 12, 31), "cycle", description=t(
                      "timeline.review_description", lang), generated=True)
             for y in range(first, last + 1)]
    items += [Item(f"budget-{y}", "budget_cycle", "cycle", t("timeline.budget_title", lang, year=y),
                   date(y, 1, 1), date(y, 12, 31), "cycle", description=t(
                       "timeline.budget_description", lang), generated=True)
              for y in range(CYCLE_FIRST_YEAR, max(last, CYCLE_FIRST_YEAR) + 1)]
    return items


def target_items(model: PlanModel, lang: str) -> list[Item]:
    """One item per target year: which indicators have a target then, proposed or adopted."""
    by_year: dict[int, list[Indicator]] = {}
    proposed_in: set[int] = set()
    for indicator in model.indicators:
        if indicator.target is not None:
            by_year.setdefault(indicator.target.year, []).append(indicator)
            if indicator.target.status == "proposed":
                proposed_in.add(indicator.target.year)
    items = []
    for year, indicators in sorted(by_year.items()):
        proposed = year in proposed_in
        # Some adopted, some not: the year stays "proposed", and each target says which it is.
        mixed = len({i.target.status for i in indicators if i.target}) > 1
        names = "; ".join(f"{i.id} {i.name.get(lang)}"
                          + (f" ({t(f'target.{i.target.status}', lang)})"
                             if mixed and i.target else "")
                          for i in indicators)
        items.append(Item(f"target-{year}", "target", "target",
                          t_n("timeline.target_title", len(indicators), lang, year=year),
                          date(year, 1, 1), date(year, 12, 31),
                          "proposed" if proposed else "adopted", description=names))
    return items


def action_items(actions: pd.DataFrame, today: date, lang: str) -> list[Item]:
    """Action items with their rating against the linear expected path."""
    items = []
    for row in records(actions):
        start, end = _date(row["start"]), _date(row["end"])
        if start is None or end is None:
            continue
        percent = None if missing(row["percent_complete"]) else float(row["percent_complete"])
        items.append(Item(str(row["id"]), "action", "action", _text(row, "title", lang), start, end,
                          rate_action(start, end, percent, today), str(row["owner"] or ""),
                          "" if missing(row["note"]) else str(row["note"] or ""),
                          percent=percent, expected=expected_percent(start, end, today)))
    return items


def timeline_items(model: PlanModel, milestones: pd.DataFrame, actions: pd.DataFrame,
                   today: date, lang: str = "nb") -> list[Item]:
    """Everything on the timeline, by lane and then date."""
    items = (milestone_items(milestones, lang) + cycle_items(milestones, lang)
             + target_items(model, lang) + action_items(actions, today, lang))
    return sorted(items, key=lambda i: (LANES.index(i.lane), i.start, i.last_day))


def upcoming(items: list[Item], today: date, n: int = 3) -> list[Item]:
    """The next `n` things after today: dated items first, a yearly cycle only to fill up."""
    later = sorted((i for i in items if i.start > today and i.lane != "action"),
                   key=lambda i: (i.start, LANES.index(i.lane)))
    dated = [i for i in later if not i.generated]
    cycles = [i for i in later if i.generated]
    chosen = dated[:n] + cycles[: max(0, n - len(dated))]
    return sorted(chosen, key=lambda i: (i.start, LANES.index(i.lane)))


def overdue(item: Item, today: date) -> bool:
    """A planned item whose date has passed: the file's status has not been updated."""
    return item.status == "planned" and item.last_day < today


def parse_zoom(text: str | None) -> tuple[int, int]:
    """`2025-2030` from the URL as years within 2024–2040; the whole span when absent or wrong."""
    found = re.fullmatch(r"(\d{4})-(\d{4})", text or "")
    if found:
        first, last = int(found[1]), int(found[2])
        if FIRST_YEAR <= first <= last <= LAST_YEAR:
            return first, last
    return FIRST_YEAR, LAST_YEAR


# ---- readable text ----------------------------------------------------------------------------


def _month(d: date, lang: str, with_year: bool = True) -> str:
    pattern = "LLLL y" if with_year else "LLLL"
    return babel_date(d, format=pattern, locale=LOCALES[lang_or_default(lang)])


def when_text(start: date, end: date | None, lang: str) -> str:
    """`17. mars 2025`, `januar 2025`, `januar–juni 2025`, `2024`, `2027–2040` or a date range."""
    if end is None or end == start:
        return format_date(start, lang)
    whole_years = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    if whole_years:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    month_end = (end + pd.Timedelta(days=1)).day == 1
    if start.day == 1 and month_end:
        if (start.year, start.month) == (end.year, end.month):
            return _month(start, lang)
        if start.year == end.year:
            return f"{_month(start, lang, False)}–{_month(end, lang)}"
        return f"{_month(start, lang)} – {_month(end, lang)}"
    return f"{format_date(start, lang)} – {format_date(end, lang)}"


def status_text(item: Item, today: date, lang: str) -> str:
    """The item's status in words; a passed planned date says the status is not updated."""
    key = f"actions.status.{item.status}" if item.lane == "action" else \
        f"timeline.status.{item.status}"
    text = t(key, lang)
    return t("timeline.overdue", lang, status=text) if overdue(item, today) else text


def lane_label(lane: str, lang: str) -> str:
    return t(f"timeline.lane.{lane}", lang)


def row_label(item: Item, lang: str) -> str:
    """The Gantt row an item sits on: phases and actions by their own title, the rest by lane."""
    if item.lane in ("phase", "action"):
        return item.title if len(item.title) <= 42 else item.title[:40] + "…"
    return lane_label(item.lane, lang)


def gantt_frame(items: list[Item], today: date, lang: str) -> pd.DataFrame:
    """One row per item for the chart: row label, start, end (inclusive), status, hover text."""
    rows = []
    for item in items:
        # Titles and owners come from milestones.csv and actions.csv: plain text in the figure.
        hover = f"<b>{plain(item.title)}</b><br>{when_text(item.start, item.end, lang)} · " \
                f"{status_text(item, today, lang)}"
        if item.owner:
            hover += f"<br>{plain(item.owner)}"
        if item.percent is not None:
            hover += "<br>" + t("actions.progress_hover", lang,
                                percent=format_number(item.percent, lang, 0),
                                expected=format_number(item.expected, lang, 0))
        rows.append({"row": plain(row_label(item, lang)), "lane": item.lane, "start": item.start,
                     "end": item.last_day, "point": item.end is None,
                     # A planned date that has passed gets a look and a legend entry of its own:
                     # the chart must not call it "Planlagt" while the list says it is not updated.
                     "status": "overdue" if overdue(item, today) else item.status,
                     "generated": item.generated, "title": item.title, "hover": hover})
    return pd.DataFrame(rows, columns=["row", "lane", "start", "end", "point", "status",
                                       "generated", "title", "hover"])


def list_rows(items: list[Item], today: date, lang: str) -> pd.DataFrame:
    """The timeline as a list in date order (for screen readers and print); each yearly cycle
    is one line for all its years."""
    rows = []
    for lane in ("review_cycle", "budget_cycle"):
        cycle = [i for i in items if i.lane == lane]
        if cycle:
            rows.append((cycle[0].start, when_text(cycle[0].start, cycle[-1].end, lang),
                         t(f"timeline.{lane}_list", lang), lane_label(lane, lang),
                         t("timeline.status.cycle", lang), "", cycle[0].description))
    for item in items:
        if item.generated:
            continue
        rows.append((item.start, when_text(item.start, item.end, lang), item.title,
                     lane_label(item.lane, lang), status_text(item, today, lang), item.owner,
                     item.description))
    rows.sort(key=lambda r: r[0])
    # Normal spaces, so a long date range may wrap in a narrow column.
    rows = [(r[0], r[1].replace("\xa0", " "), *r[2:]) for r in rows]
    columns = ["when", "what", "lane", "status", "owner", "description"]
    frame = pd.DataFrame([r[1:] for r in rows], columns=columns)
    return frame.rename(columns={c: t(f"timeline.col.{c}", lang) for c in columns})


def action_rows(items: list[Item], lang: str) -> pd.DataFrame:
    """The action items as a table with their rating."""
    columns = ["action", "owner", "start", "end", "percent", "expected", "rating"]
    rows = [(i.title, i.owner, format_date(i.start, lang), format_date(i.end, lang),
             "–" if i.percent is None else format_percent(i.percent, lang, 0),
             format_percent(i.expected, lang, 0),  # 40 % in bokmål, 40% in English
             t(f"actions.status.{i.status}", lang)) for i in items if i.lane == "action"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.rename(columns={c: t(f"actions.col.{c}", lang) for c in columns})


def timeline_summary(items: list[Item], today: date, lang: str) -> str:
    """One sentence: the phases, and what comes next."""
    phases = [i for i in items if i.lane == "phase"]
    span = (f"{min(i.start for i in phases).year}–{max(i.last_day for i in phases).year}"
            if phases else "")
    nxt = upcoming(items, today, 1)
    next_text = (t("timeline.summary_next", lang, title=nxt[0].title,
                   when=when_text(nxt[0].start, nxt[0].end, lang)) if nxt else "")
    text = t_n("timeline.summary", len(phases), lang, span=span,
               phases=", ".join(i.title for i in phases), today=format_date(today, lang),
               next=next_text)
    passed = [i.title for i in items if overdue(i, today)]
    if passed:  # said in words too, not only by the grey bars
        text += " " + t_n("timeline.summary_overdue", len(passed), lang,
                          titles=format_list(passed, lang))
    return text
