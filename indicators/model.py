"""The plan model: pydantic models of config/goals.yaml and regions.yaml, line-numbered checks."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from indicators.files import YAML_LOADER
from indicators.issues import Issue, Param
from indicators.periods import break_year

Unit = Literal["percent", "count", "nok_million", "nok_thousand", "thousand_persons"]
Direction = Literal["increase", "decrease", "none"]
Frequency = Literal["annual", "quarterly", "monthly", "school_year", "irregular"]
Level = Literal["country", "county", "municipality"]
Change = Literal["renumbered", "merged", "split"]
NonEmpty = Annotated[str, Field(min_length=1)]
# Target years outside this window are almost certainly typos (e.g. 230 for 2030).
TARGET_YEARS = (2000, 2100)

Loc = tuple[str | int, ...]  # a field path, e.g. ("indicators", 3, "target", "year")


# --- Problems ----------------------------------------------------------------------------------

Problem = Issue  # one thing wrong in a config file, at the line and field (its column) causing it


def problem(file: str, line: int | None, field: str, key: str, /, **params: Param) -> Issue:
    """A problem in a config file, worded by locale `key` (config.problem.*, in
    locales/model_problems.yaml) from `params`; `field` is its path (indicators[3].target.year)
    or "" and becomes the issue's column."""
    return Issue(file, line, field or None, key, dict(params))


# What a check found, before it is placed in the file: a key and its parameters.
Found = tuple[str, dict[str, Param]]


def found(key: str, /, **params: Param) -> Found:
    return key, params


class ModelError(Exception):
    """The config could not be loaded; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- Models ------------------------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Strict):
    """A text in bokmål and English."""

    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str = "nb") -> str:
        return self.en if lang == "en" else self.nb


class Source(_Strict):
    organisation: NonEmpty
    table: str | None = None
    url: str | None = None
    credit: NonEmpty
    licence: str | None = None
    updated: date | None = None  # when the figures in data/ were last fetched from the source (hentet)
    published: date | None = None  # when the source published the latest figures (publisert), if known
    lag_months: int | None = Field(default=None, ge=0)  # end of period -> publication
    note: Text | None = None


class Decision(_Strict):
    """The political decision that adopted a target: the county council's case and its date."""

    case: str = Field(min_length=1, max_length=60)  # as the minutes write it, e.g. "PS 45/2026"
    date: date

    @field_validator("case")
    @classmethod
    def _a_case_number(cls, value: str) -> str:
        if not any(c.isdigit() for c in value):
            # Its own error type, so the problem is worded by config.problem.case_number.
            raise PydanticCustomError("case_number", "not a case number: {value}", {"value": value})
        return value.strip()


class Target(_Strict):
    value: float
    year: int
    status: Literal["proposed", "adopted"]
    decision: Decision | None = None  # only for an adopted target
    note: Text | None = None

    @property
    def adopted(self) -> bool:
        return self.status == "adopted"


SsbValue = Literal["cell", "share", "sum"]
Codes = list[str] | str  # value codes, or one value expression such as "*", "top(5)", "from(2015)"


class SsbRegions(_Strict):
    """One group of regions asked for in its own request (each level may need its own codelist)."""

    codes: Codes
    codelist: str | None = None  # e.g. agg_KommGjeldende, agg_KommFylker, vs_Landet
    output_values: Literal["aggregated", "single"] | None = None


class SsbSource(_Strict):
    """How `fetch ssb` gets an indicator from an SSB table through PxWebApi v2.

    `value` says how a figure is made from the table's cells: `cell` (the cell of `contents`),
    `share` (sum of `numerator` / sum of `denominator` x `factor`, default 100) or `sum` (of
    `parts`). Numerator, denominator and parts are codes of the dimension `over` (default the
    contents codes). Regions come from `selection[region_dimension]` or from `regions`.
    """

    table: NonEmpty
    contents: str | None = None
    value: SsbValue = "cell"
    selection: dict[str, Codes] = {}
    codelists: dict[str, str] = {}  # codelist per dimension other than the regions
    codelist: str | None = None  # the region dimension's codelist
    regions: list[SsbRegions] = []
    over: str = "ContentsCode"
    numerator: list[str] = []
    denominator: list[str] = []
    parts: list[str] = []
    factor: float | None = None
    decimals: int | None = Field(default=None, ge=0)
    region_dimension: str = "Region"
    time_dimension: str = "Tid"
    # The sub-series the fetched figures are stored under; "" is the headline series. A table
    # whose population or definition differs from the stored headline (09429's persons 16+ beside
    # IMDi's 30–66) gets its own series, so the two are never joined into one line.
    series: str = ""
    # Keep a region's figure only for periods in which the region existed (regions.yaml
    # valid_from/valid_to): for tables that give each cohort under the county code of its time.
    regions_by_period: bool = False
    # Where a Tid interval ("2006-2012", a cohort's follow-up) is stored on an annual series: the
    # start (the cohort) or the end year. None keeps it as sent (a multi-year period).
    interval_year: Literal["start", "end"] | None = None
    verified: date | None = None  # when the codes were last found in SSB's metadata (ssb check)
    verified_by: str | None = None  # what verified them: `ssb check`, or the evidence used
    needs_check: str | None = None  # what is still unknown about the block; fetched only on request
    note: Text | None = None

    def value_factor(self) -> float:
        return self.factor if self.factor is not None else (100.0 if self.value == "share" else 1.0)

    @property
    def ready(self) -> bool:
        """Fetched by default: nothing is left to check, or `ssb check` has passed it since."""
        return self.needs_check is None or self.verified is not None

    def missing(self) -> list[str]:
        """The fields a fetch needs that the block leaves open (allowed while it awaits a check)."""
        needs = {"cell": (), "share": ("numerator", "denominator"), "sum": ("parts",)}[self.value]
        out = [name for name in needs if not getattr(self, name)]
        if self.contents is None and (self.value == "cell" or self.over != "ContentsCode"):
            out.append("contents")
        return out


class Break(_Strict):
    """A period where the indicator's definition or method changed (a break in the series)."""

    period: NonEmpty
    note: Text

    @field_validator("period", mode="before")
    @classmethod
    def _period_as_text(cls, value: Any) -> Any:
        # `period: 2022` is a year written without quotes; keep it as text like any period.
        return str(value) if isinstance(value, int) else value

    @property
    def year(self) -> int:
        """The break year B (periods.break_year); the model checks it parses."""
        year = break_year(self.period)
        if year is None:
            raise ValueError(f"not a period: {self.period!r}")
        return year


# An address the county's mail relay can deliver to: plain ASCII (access.address_key compares
# only ASCII, so a look-alike letter can never pass for someone else's address).
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", re.ASCII)


def is_email(text: str) -> bool:
    return EMAIL.fullmatch(text.strip()) is not None


class Owner(_Strict):
    """Who keeps an indicator (or an action) current: reminders go to this address."""

    name: NonEmpty
    email: NonEmpty

    def matches(self, who: str | None) -> bool:
        """True when `who` (a log-in: an e-mail address, or a planner's name) is this owner."""
        key = " ".join((who or "").split()).casefold()
        return bool(key) and key in (self.email.strip().casefold(),
                                     " ".join(self.name.split()).casefold())


class Indicator(_Strict):
    id: NonEmpty
    name: Text
    definition: Text
    unit: Unit
    direction: Direction
    source: Source
    frequency: Frequency
    headline_region: str = "32"
    base_year: int | None = None
    target: Target | None = None
    limit: float | None = None
    min: float | None = None
    max: float | None = None
    data_note: Text | None = None
    # What a count counts ("personer", "innbyggere"), written after its numbers: `10 299 personer`.
    unit_word: Text | None = None
    ssb: SsbSource | None = None  # where `fetch ssb` gets it; None: not fetched from SSB
    breaks: list[Break] = []  # where the series changed definition; see progress-method.md
    stale_after_years: int = Field(default=3, ge=0)  # older latest figures do not count in roll-ups
    owner: Owner | None = None  # who keeps it current (Mine oppgaver, `due` reminders)

    def break_years(self) -> tuple[int, ...]:
        return tuple(b.year for b in self.breaks)

    def word(self, lang: str) -> str:
        """What the numbers count, in `lang` ('' when the unit says it: %, mill. kr)."""
        return self.unit_word.get(lang) if self.unit_word else ""

    def allowed_range(self) -> tuple[float | None, float | None]:
        """Bounds a value may take: percent 0..100, others >= 0, unless min/max say otherwise."""
        low, high = (0.0, 100.0) if self.unit == "percent" else (0.0, None)
        return (low if self.min is None else self.min, high if self.max is None else self.max)

    def in_range(self, value: float) -> bool:
        low, high = self.allowed_range()
        return (low is None or value >= low) and (high is None or value <= high)


class Goal(_Strict):
    id: NonEmpty
    name: Text  # short title
    text: Text  # the goal sentence, verbatim
    indicators: list[str] = []


class Theme(_Strict):
    id: NonEmpty
    name: Text
    goals: list[str] = []
    indicators: list[str] = []
    description: Text | None = None


class FocusArea(_Strict):
    id: NonEmpty
    name: Text
    goals: list[str] = []
    description: Text | None = None


class Scheme(_Strict):
    id: NonEmpty
    name: Text
    short: NonEmpty
    focus_areas: list[str] = []


class Region(_Strict):
    code: NonEmpty
    name: Text
    level: Level
    parent: str | None = None
    valid_from: int | None = None
    valid_to: int | None = None
    successor: str | None = None
    change: Change | None = None
    note: Text | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _one_name_for_both(cls, value: Any) -> Any:
        # Place names are the same in both languages; allow `name: Bærum` as shorthand.
        return {"nb": value, "en": value} if isinstance(value, str) else value

    @property
    def historical(self) -> bool:
        return self.valid_to is not None


class GoalsFile(_Strict):
    """The shape of config/goals.yaml."""

    vision: Text
    goals: list[Goal]
    themes: list[Theme] = []
    focus_areas: list[FocusArea] = []
    schemes: list[Scheme] = []
    indicators: list[Indicator]


class RegionsFile(_Strict):
    """The shape of config/regions.yaml."""

    regions: list[Region]


_File = TypeVar("_File", GoalsFile, RegionsFile)


class PlanModel(_Strict):
    """Everything the dashboard tracks, with lookups by id and region code."""

    vision: Text
    goals: list[Goal]
    themes: list[Theme]
    focus_areas: list[FocusArea]
    schemes: list[Scheme]
    indicators: list[Indicator]
    regions: list[Region]
    _index: _Index = PrivateAttr()

    def model_post_init(self, _context: Any) -> None:
        self._index = _Index(
            indicator={i.id: i for i in self.indicators},
            goal={g.id: g for g in self.goals},
            theme={t.id: t for t in self.themes},
            focus_area={f.id: f for f in self.focus_areas},
            scheme={s.id: s for s in self.schemes},
            region={r.code: r for r in self.regions},
            goal_of={i: g for g in reversed(self.goals) for i in g.indicators},
        )

    def indicator(self, indicator_id: str) -> Indicator | None:
        return self._index.indicator.get(indicator_id)

    def known_indicator(self, indicator_id: str) -> Indicator:
        """The indicator of an id already checked against the model; KeyError for another."""
        return self._index.indicator[indicator_id]

    def goal(self, goal_id: str) -> Goal | None:
        return self._index.goal.get(goal_id)

    def theme(self, theme_id: str) -> Theme | None:
        return self._index.theme.get(theme_id)

    def focus_area(self, focus_area_id: str) -> FocusArea | None:
        return self._index.focus_area.get(focus_area_id)

    def scheme(self, scheme_id: str) -> Scheme | None:
        return self._index.scheme.get(scheme_id)

    def region(self, code: str) -> Region | None:
        return self._index.region.get(code)

    def goal_of(self, indicator_id: str) -> Goal:
        """The goal an indicator measures; KeyError for an unknown id."""
        return self._index.goal_of[indicator_id]

    def indicator_ids(self) -> list[str]:
        return [i.id for i in self.indicators]

    def indicators_of(self, goal_id: str) -> list[Indicator]:
        goal = self.goal(goal_id)
        return [self._index.indicator[i] for i in goal.indicators] if goal else []

    def themes_of(self, indicator_id: str) -> list[Theme]:
        return [t for t in self.themes if indicator_id in t.indicators]

    def current_region(self, code: str) -> Region | None:
        """The region in use today that `code` became (itself if current); None if none."""
        seen: set[str] = set()
        region = self.region(code)
        while region is not None and region.historical and region.code not in seen:
            seen.add(region.code)
            region = self.region(region.successor) if region.successor else None
        return region if region is not None and not region.historical else None

    def municipalities(self, county: str = "32") -> list[Region]:
        """Current municipalities of a county, in config order."""
        return [r for r in self.regions
                if r.level == "municipality" and r.parent == county and not r.historical]

    def region_name(self, code: str, lang: str = "nb") -> str:
        region = self.region(code)
        return region.name.get(lang) if region else code


@dataclass(frozen=True)
class _Index:
    """The plan model's look-ups by id, built once."""

    indicator: dict[str, Indicator]
    goal: dict[str, Goal]
    theme: dict[str, Theme]
    focus_area: dict[str, FocusArea]
    scheme: dict[str, Scheme]
    region: dict[str, Region]
    goal_of: dict[str, Goal]


# --- Reading YAML with line numbers ------------------------------------------------------------

@dataclass
class _Doc:
    """One parsed file: its data, the 1-based line of every key/item path, and its problems."""

    file: str
    data: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Loc) -> int | None:
        # A missing key has no line of its own: use the nearest enclosing one.
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def problem(self, path: Loc, what: Found) -> Problem:
        return problem(self.file, self.line(path), format_path(path), what[0], **what[1])


def format_path(path: Iterable[str | int]) -> str:
    """('indicators', 3, 'target', 'year') -> 'indicators[3].target.year'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _read_yaml(path: Path) -> _Doc:
    doc = _Doc(str(path))
    try:
        loader = YAML_LOADER(path.read_text(encoding="utf-8"))
        try:
            node = loader.get_single_node()
            if node is None:
                doc.problems.append(problem(doc.file, 1, "", "config.problem.empty_file"))
            else:
                doc.data = _to_python(node, (), doc, loader)
        finally:
            loader.dispose()
    except FileNotFoundError:
        doc.problems.append(problem(doc.file, None, "", "config.problem.no_file"))
    except OSError as err:
        doc.problems.append(problem(doc.file, None, "", "config.problem.unreadable",
                                    reason=err.strerror))
    except UnicodeDecodeError:
        doc.problems.append(problem(doc.file, None, "", "config.problem.not_utf8"))
    except yaml.YAMLError as err:
        doc.problems.append(_syntax_problem(doc.file, err))
    return doc


def _syntax_problem(file: str, err: yaml.YAMLError) -> Problem:
    mark = getattr(err, "problem_mark", None)
    context, start = getattr(err, "context", None), getattr(err, "context_mark", None)
    what = getattr(err, "problem", None) or str(err)
    line = mark.line + 1 if mark else None
    if context and start is not None:
        return problem(file, line, "", "config.problem.yaml_syntax_in", detail=what,
                       context=context, start=start.line + 1)
    return problem(file, line, "", "config.problem.yaml_syntax", detail=what)


def _to_python(node: yaml.Node, path: Loc, doc: _Doc, loader: yaml.SafeLoader) -> Any:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, path, doc, loader)
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*path, i), doc, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _mapping(node: yaml.MappingNode, path: Loc, doc: _Doc,
             loader: yaml.SafeLoader) -> dict[str | int, Any]:
    # Any: YAML values are whatever the planner wrote; pydantic checks them in stage 1.
    out: dict[str | int, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = key if isinstance(key, str | int) else str(key)
        line = key_node.start_mark.line + 1
        if key in out:
            # PyYAML would silently keep the last one; a planner's edit may be lost that way.
            doc.problems.append(problem(doc.file, line, format_path((*path, key)),
                                        "config.problem.key_twice", key=key,
                                        first=doc.lines[(*path, key)], second=line))
            continue
        doc.lines[(*path, key)] = line
        out[key] = _to_python(value_node, (*path, key), doc, loader)
    return out


# --- Stage 1: the file itself (types, unknown keys, duplicates, ranges) ------------------------

def _parse(doc: _Doc, shape: type[_File]) -> _File | None:
    if doc.data is None:
        return None
    try:
        return shape.model_validate(doc.data)
    except ValidationError as err:
        doc.problems += [doc.problem(e["loc"], _message(e, shape)) for e in err.errors()]
        return None


# The key of each pydantic error type that says only what was expected (and what it got).
_TYPE_KEYS = {
    "int_parsing": "config.problem.not_whole",
    "int_type": "config.problem.not_whole",
    "int_from_float": "config.problem.not_whole",
    "float_parsing": "config.problem.not_number",
    "float_type": "config.problem.not_number",
    "list_type": "config.problem.not_list",
    "date_from_datetime_parsing": "config.problem.not_date",
    "date_parsing": "config.problem.not_date",
    "date_type": "config.problem.not_date",
    "string_too_short": "config.problem.empty",
    "bool_parsing": "config.problem.not_yes_no",
    "bool_type": "config.problem.not_yes_no",
    "finite_number": "config.problem.not_number",
}


def _message(error: ErrorDetails, shape: type[BaseModel]) -> Found:
    kind, loc = error["type"], error["loc"]
    shown = _short(error.get("input"))
    if kind == "extra_forbidden":
        owner = _model_at(shape, loc[:-1])
        allowed = list(owner.model_fields) if owner else []
        key, params = _unknown("config.problem.unknown_key", str(loc[-1]), allowed)
        return key, {**params, "allowed": ", ".join(allowed)}
    if kind == "missing":
        return found("config.problem.missing", field=str(loc[-1]))
    if kind == "literal_error":
        choices = ", ".join(_choices(shape, loc)) or str(error.get("ctx", {}).get("expected", ""))
        return found("config.problem.not_one_of", field=str(loc[-1]), got=shown, allowed=choices)
    if kind == "string_type":
        quoted = isinstance(error["input"], int)
        return found("config.problem.not_text_quote" if quoted else "config.problem.not_text",
                     got=shown)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        texts = _model_at(shape, loc) is Text
        return found("config.problem.not_texts" if texts else "config.problem.not_mapping",
                     got=shown)
    if kind == "greater_than_equal":
        return found("config.problem.too_small", min=str(error.get("ctx", {}).get("ge")), got=shown)
    if kind == "string_too_long":
        return found("config.problem.too_long", max=str(error.get("ctx", {}).get("max_length")),
                     got=shown)
    if kind == "case_number":  # Decision's own check
        return found("config.problem.case_number", value=str(error.get("input")))
    if kind in _TYPE_KEYS:
        return found(_TYPE_KEYS[kind], got=shown)
    return found("config.problem.library", detail=error["msg"], got=shown)


def _choices(shape: type[BaseModel], loc: Loc) -> list[str]:
    """The values a Literal field at `loc` allows, as written in the file ([] when not found)."""
    owner = _model_at(shape, loc[:-1])
    info = owner.model_fields.get(str(loc[-1])) if owner else None
    return _literals(info.annotation) if info else []


def _literals(annotation: Any) -> list[str]:
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    return [v for a in get_args(annotation) for v in _literals(a)]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _model_at(shape: type[BaseModel], loc: Iterable[str | int]) -> type[BaseModel] | None:
    """The model class found by following field names in `loc` from `shape`."""
    current: type[BaseModel] | None = shape
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = _inner_model(info.annotation) if info else None
    return current


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in get_args(annotation) if (m := _inner_model(a))), None)


def _check_file(doc: _Doc, parsed: GoalsFile | RegionsFile) -> None:
    if isinstance(parsed, GoalsFile):
        for name in ("goals", "themes", "focus_areas", "schemes", "indicators"):
            _check_unique(doc, name, "id", getattr(parsed, name))
        for i, indicator in enumerate(parsed.indicators):
            doc.problems += [doc.problem(("indicators", i, *p), f) for p, f in _ranges(indicator)]
            if indicator.ssb is not None:
                doc.problems += [doc.problem(("indicators", i, "ssb", *p), f)
                                 for p, f in ssb_problems(indicator.ssb)]
    else:
        _check_unique(doc, "regions", "code", parsed.regions)
        for i, region in enumerate(parsed.regions):
            if region.valid_from and region.valid_to and region.valid_from > region.valid_to:
                doc.problems.append(doc.problem(("regions", i, "valid_to"), found(
                    "config.problem.valid_to_before", valid_to=region.valid_to,
                    valid_from=region.valid_from)))


def _check_unique(doc: _Doc, name: str, key: str, items: Sequence[BaseModel]) -> None:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in first:
            lines = (doc.line((name, first[value], key)), doc.line((name, i, key)))
            doc.problems.append(doc.problem((name, i, key), found(
                "config.problem.duplicate", key=key, value=value, first=lines[0], second=lines[1])))
        else:
            first[value] = i


def _breaks(ind: Indicator) -> Iterator[tuple[Loc, Found]]:
    seen: dict[int, str] = {}
    for j, brk in enumerate(ind.breaks):
        year = break_year(brk.period)
        if year is None:
            yield ("breaks", j, "period"), found("config.problem.break_not_period", period=brk.period)
        elif year in seen:
            yield ("breaks", j, "period"), found("config.problem.break_same_year", period=brk.period,
                                                 year=year, other=seen[year])
        else:
            seen[year] = brk.period


def _ranges(ind: Indicator) -> Iterator[tuple[Loc, Found]]:
    yield from _breaks(ind)
    if ind.unit_word is not None and ind.unit != "count":
        yield ("unit_word",), found("config.problem.unit_word", unit=ind.unit)
    low, high = ind.allowed_range()
    if low is not None and high is not None and low > high:
        yield ("min",), found("config.problem.min_above_max", min=f"{low:g}", max=f"{high:g}")
    if ind.owner is not None and not is_email(ind.owner.email):
        yield ("owner", "email"), found("config.problem.owner_email", email=ind.owner.email)
    if ind.target is None:
        return
    if not ind.in_range(ind.target.value):
        yield ("target", "value"), found("config.problem.target_range", value=f"{ind.target.value:g}",
                                         range=_range_text(low, high), unit=ind.unit)
    if not TARGET_YEARS[0] <= ind.target.year <= TARGET_YEARS[1]:
        yield ("target", "year"), found("config.problem.target_year_range", year=ind.target.year,
                                        first=TARGET_YEARS[0], last=TARGET_YEARS[1])
    elif ind.base_year is not None and ind.base_year >= ind.target.year:
        yield ("target", "year"), found("config.problem.target_year_base", year=ind.target.year,
                                        base=ind.base_year)
    yield from _decision(ind.target)


def _decision(target: Target) -> Iterator[tuple[Loc, Found]]:
    decision = target.decision
    if decision is None:
        return
    if target.status != "adopted":
        yield ("target", "decision"), found("config.problem.decision_not_adopted")
    if not date(TARGET_YEARS[0], 1, 1) <= decision.date <= date.today():
        yield ("target", "decision", "date"), found("config.problem.decision_date",
                                                    date=decision.date.isoformat(),
                                                    first=TARGET_YEARS[0])


def ssb_problems(spec: SsbSource) -> Iterator[tuple[Loc, Found]]:
    """What is inconsistent in an indicator's ssb: block (the fields are checked by pydantic)."""
    if not (spec.table.isascii() and spec.table.isdigit() and len(spec.table) == 5):
        yield ("table",), found("config.problem.ssb_table", table=spec.table)
    needs = {"cell": (), "share": ("numerator", "denominator"), "sum": ("parts",)}[spec.value]
    # A block that says what is unknown (needs_check) may leave those codes open until checked.
    missing = [] if spec.needs_check else spec.missing()
    for name in ("numerator", "denominator", "parts"):
        if name in missing:
            yield ("value",), found("config.problem.ssb_needs_codes", value=spec.value, name=name)
        elif name not in needs and getattr(spec, name):
            yield (name,), found("config.problem.ssb_only_with", name=name,
                                 value="share" if name != "parts" else "sum")
    if "contents" in missing:
        yield ("contents",), found("config.problem.ssb_contents")
    if spec.verified_by and spec.verified is None:
        yield ("verified_by",), found("config.problem.ssb_verified_by")
    for name in dict.fromkeys(("ContentsCode", spec.over)):
        if name in spec.selection:
            yield ("selection", name), found("config.problem.ssb_selection_set", name=name)
    has_regions = spec.region_dimension in spec.selection
    if has_regions == bool(spec.regions):
        yield ("regions",), found("config.problem.ssb_regions_twice",
                                  dimension=spec.region_dimension)
    if spec.codelist and spec.regions:
        yield ("codelist",), found("config.problem.ssb_codelist_groups")
    if spec.region_dimension in spec.codelists:
        yield ("codelists", spec.region_dimension), found("config.problem.ssb_region_codelist")


def _range_text(low: float | None, high: float | None) -> str:
    return f"{low:g}–{high:g}" if high is not None else f">= {low:g}"


# --- Stage 2: references between sections and files --------------------------------------------

def _check_references(model: PlanModel, goals: _Doc, regions: _Doc) -> list[Problem]:
    return [*_goal_links(model, goals), *_section_links(model, goals),
            *_region_links(model, goals, regions)]


def _unknown(key: str, value: str, known: Iterable[str], /, **params: Param) -> Found:
    """`key` for a reference to nothing known, or `key`_close naming the nearest (did you mean)."""
    close = difflib.get_close_matches(value, list(known), n=1)
    if close:
        return found(f"{key}_close", value=value, close=close[0], **params)
    return found(key, value=value, **params)


def _goal_links(model: PlanModel, doc: _Doc) -> Iterator[Problem]:
    owner: dict[str, tuple[str, int | None]] = {}
    for g, goal in enumerate(model.goals):
        for j, ind in enumerate(goal.indicators):
            path = ("goals", g, "indicators", j)
            if model.indicator(ind) is None:
                yield doc.problem(path, _unknown("config.problem.unknown_indicator", ind,
                                                 model.indicator_ids()))
            elif ind in owner:
                other, line = owner[ind]
                yield doc.problem(path, found("config.problem.indicator_twice", id=ind, goal=other,
                                              line=line))
            else:
                owner[ind] = (goal.id, doc.line(path))
    for i, indicator in enumerate(model.indicators):
        if indicator.id not in owner:
            yield doc.problem(("indicators", i, "id"),
                              found("config.problem.no_goal", id=indicator.id))


def _section_links(model: PlanModel, doc: _Doc) -> Iterator[Problem]:
    goal_ids = [g.id for g in model.goals]
    checks: list[tuple[str, Sequence[BaseModel], str, str, list[str]]] = [
              ("themes", model.themes, "goals", "config.problem.unknown_goal", goal_ids),
              ("themes", model.themes, "indicators", "config.problem.unknown_indicator",
               model.indicator_ids()),
              ("focus_areas", model.focus_areas, "goals", "config.problem.unknown_goal", goal_ids),
              ("schemes", model.schemes, "focus_areas", "config.problem.unknown_focus_area",
               [f.id for f in model.focus_areas])]
    for section, items, key, unknown_key, known in checks:
        for i, item in enumerate(items):
            for j, ref in enumerate(getattr(item, key)):
                if ref not in known:
                    yield doc.problem((section, i, key, j), _unknown(unknown_key, ref, known))


def _region_links(model: PlanModel, goals: _Doc, regions: _Doc) -> Iterator[Problem]:
    codes = [r.code for r in model.regions]
    for i, ind in enumerate(model.indicators):
        if model.region(ind.headline_region) is None:
            yield goals.problem(("indicators", i, "headline_region"),
                                _unknown("config.problem.unknown_headline_region",
                                         ind.headline_region, codes, file=regions.file))
    for i, region in enumerate(model.regions):
        for key in ("parent", "successor"):
            ref = getattr(region, key)
            if ref is not None and model.region(ref) is None:
                yield regions.problem(("regions", i, key),
                                      _unknown("config.problem.unknown_region", ref, codes))
        if region.code in _successors(model, region.code):
            yield regions.problem(("regions", i, "successor"), found("config.problem.successor_loop"))


def _successors(model: PlanModel, code: str) -> list[str]:
    """The codes that follow `code` through `successor`, stopping at the first repeat."""
    seen: list[str] = []
    region = model.region(code)
    while region is not None and region.successor and region.successor not in seen:
        seen.append(region.successor)
        region = model.region(region.successor)
    return seen


# --- Public entry points -----------------------------------------------------------------------

def _load(goals_path: str | Path, regions_path: str | Path | None) -> tuple[PlanModel | None,
                                                                               list[Problem]]:
    goals_path = Path(goals_path)
    regions_path = Path(regions_path) if regions_path else goals_path.with_name("regions.yaml")
    goals_doc, regions_doc = _read_yaml(goals_path), _read_yaml(regions_path)
    goals, regions = _parse(goals_doc, GoalsFile), _parse(regions_doc, RegionsFile)
    for doc, parsed in ((goals_doc, goals), (regions_doc, regions)):
        if parsed is not None:
            _check_file(doc, parsed)
    problems = goals_doc.problems + regions_doc.problems
    if problems or goals is None or regions is None:
        return None, problems
    model = PlanModel(**dict(goals), regions=regions.regions)
    problems = _check_references(model, goals_doc, regions_doc)
    return (None if problems else model), problems


def load_model(goals_path: str | Path = "config/goals.yaml",
               regions_path: str | Path | None = None) -> PlanModel:
    """Load and check the plan model; raises ModelError listing every problem found."""
    model, problems = _load(goals_path, regions_path)
    if model is None:
        raise ModelError(problems)
    return model


def validate_config(goals_path: str | Path = "config/goals.yaml",
                    regions_path: str | Path | None = None) -> list[Problem]:
    """Every problem in the config files (empty when valid); never raises for bad input."""
    return _load(goals_path, regions_path)[1]
