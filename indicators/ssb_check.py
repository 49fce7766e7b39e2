"""`ssb check`, `ssb describe`, `ssb search`: ssb: blocks against SSB's own metadata (PxWebApi v2).

A block's codes are only as good as SSB says they are. `check` reads each table's
/tables/{id}/metadata (and the codelists a block names, /codelists/{id}) and reports every
dimension, code, codelist and contents code the table does not have, with the nearest valid ones.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from indicators import config_edit
from indicators.fetch import CONTENTS
from indicators.files import YAML_LOADER
from indicators.i18n import t, t_n
from indicators.issues import Issue
from indicators.model import Indicator, ModelError, SsbSource, validate_config
from indicators.sources.ssb import SsbClient, SsbRequestError

# Value expressions PxWebApi v2 accepts instead of codes ("*", "top(5)", "from(2015)", "K-32*").
_EXPRESSION = re.compile(r"^(top|bottom|from|to|range)\(.*\)$|[*?]", re.IGNORECASE)
NEAREST = 3  # how many valid codes a finding suggests


# ---- a table's metadata ---------------------------------------------------------------------------


@dataclass
class Dimension:
    """One variable of a table: its codes (code -> label), codelists and whether it may be left out."""

    id: str
    label: str
    codes: dict[str, str]
    codelists: dict[str, str] = field(default_factory=dict)  # id -> label
    elimination: bool = False
    units: dict[str, str] = field(default_factory=dict)  # contents code -> "prosent (1 desimal)"


@dataclass
class TableMeta:
    """What SSB says a table holds."""

    table: str
    label: str
    updated: str | None
    dimensions: dict[str, Dimension]
    time: str | None = None
    contents: str | None = None


def parse_metadata(table: str, doc: Mapping[str, Any]) -> TableMeta:
    """The json-stat2 document of /tables/{id}/metadata as a TableMeta.

    Reads `dimension[d].category` (index, label, unit), `dimension[d].extension` (elimination,
    codelists — older servers spell it codeLists) and `role` (time, metric), as PxWebApi 2.0 sends.
    """
    role = doc.get("role") or {}
    dims = {}
    for dim_id in doc.get("id") or []:
        raw = (doc.get("dimension") or {}).get(dim_id) or {}
        category, extension = raw.get("category") or {}, raw.get("extension") or {}
        labels = category.get("label") or {}
        index = category.get("index") or list(labels)
        order = (sorted(index, key=lambda code: index[code]) if isinstance(index, Mapping)
                 else list(index))
        lists = extension.get("codelists") or extension.get("codeLists") or []
        dims[dim_id] = Dimension(
            dim_id, str(raw.get("label") or dim_id),
            {str(c): str(labels.get(c, c)) for c in order},
            {str(c.get("id")): str(c.get("label") or c.get("id")) for c in lists if c.get("id")},
            bool(extension.get("elimination")),
            {str(c): _unit_text(u) for c, u in (category.get("unit") or {}).items()})
    time = next(iter(role.get("time") or []), None)
    contents = next(iter(role.get("metric") or []), CONTENTS if CONTENTS in dims else None)
    return TableMeta(table, str(doc.get("label") or table), doc.get("updated"), dims, time, contents)


def _unit_text(unit: object) -> str:
    if not isinstance(unit, Mapping):
        return str(unit)
    base, decimals = unit.get("base"), unit.get("decimals")
    return f"{base} ({decimals})" if decimals is not None else str(base)


# ---- checking one block ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing in a block the table does not have: where, what, and the nearest valid codes."""

    field: str  # the block's field, e.g. "contents", "selection.Kjonn", "regions[1].codes"
    kind: str  # locale key under ssb.check.finding.
    value: str
    nearest: tuple[str, ...] = ()
    where: str = ""  # the dimension or codelist looked in

    def message(self, lang: str = "nb") -> str:
        nearest = ", ".join(self.nearest) or t("ssb.check.none", lang)
        return f"{self.field}: " + t(f"ssb.check.finding.{self.kind}", lang, value=self.value,
                                     where=self.where, nearest=nearest)


Codelists = Callable[[str], dict[str, str]]  # codelist id -> its codes (code -> label)


def check_block(spec: SsbSource, meta: TableMeta, codelist_codes: Codelists) -> list[Finding]:
    """Every dimension, code, codelist and contents code of `spec` that `meta` lacks."""
    found: list[Finding] = []
    dims = meta.dimensions
    named = [*spec.selection, spec.region_dimension, spec.time_dimension, *spec.codelists,
             *([spec.over] if spec.value != "cell" else [])]
    for dim in dict.fromkeys(named):
        if dim not in dims:
            found.append(Finding(_field_of(spec, dim), "dimension", dim, _near(dim, dims), meta.table))
    found += _contents(spec, meta)
    found += _codelists(spec, meta)
    for dim, codes in spec.selection.items():
        if dim in dims:
            listed = spec.codelist if dim == spec.region_dimension else spec.codelists.get(dim)
            found += _codes(f"selection.{dim}", codes, dim, listed, meta, codelist_codes)
    if spec.over != CONTENTS and spec.over in dims:
        for name in ("numerator", "denominator", "parts"):
            found += _codes(name, getattr(spec, name), spec.over, spec.codelists.get(spec.over),
                            meta, codelist_codes)
    found += _regions(spec, meta, codelist_codes)
    found += _unselected(spec, meta)
    return found


def _field_of(spec: SsbSource, dim: str) -> str:
    if dim in spec.selection:
        return f"selection.{dim}"
    if dim in spec.codelists:
        return f"codelists.{dim}"
    return {spec.region_dimension: "region_dimension", spec.time_dimension: "time_dimension"
            }.get(dim, "over")


def _contents(spec: SsbSource, meta: TableMeta) -> list[Finding]:
    dim = meta.dimensions.get(meta.contents or CONTENTS)
    if dim is None:
        return []
    wanted: list[tuple[str, str]] = []
    if spec.contents is not None:
        wanted.append(("contents", spec.contents))
    if spec.over == CONTENTS:
        wanted += [(name, c) for name in ("numerator", "denominator", "parts")
                   for c in getattr(spec, name)]
    found = [Finding(name, "contents", code, _near(code, dim.codes), meta.table)
             for name, code in wanted if code not in dim.codes]
    for name in spec.missing():  # not known yet: say what the table offers for it
        over = meta.dimensions.get(spec.over) if name != "contents" else dim
        if over is not None:
            found.append(Finding(name, "missing", over.id, tuple(_labelled(over.codes)),
                                 meta.table))
    return found


def _codelists(spec: SsbSource, meta: TableMeta) -> list[Finding]:
    named = [(f"codelists.{d}", d, c) for d, c in spec.codelists.items()]
    if spec.codelist:
        named.append(("codelist", spec.region_dimension, spec.codelist))
    named += [(f"regions[{i}].codelist", spec.region_dimension, g.codelist)
              for i, g in enumerate(spec.regions) if g.codelist]
    found = []
    for where, dim, codelist_id in named:
        lists = meta.dimensions[dim].codelists if dim in meta.dimensions else None
        if lists is not None and codelist_id not in lists:
            found.append(Finding(where, "codelist", codelist_id, _near(codelist_id, lists), dim))
    return found


def _regions(spec: SsbSource, meta: TableMeta, codelist_codes: Codelists) -> list[Finding]:
    dim = spec.region_dimension
    if dim not in meta.dimensions:
        return []
    found = []
    for i, group in enumerate(spec.regions):
        found += _codes(f"regions[{i}].codes", group.codes, dim, group.codelist, meta,
                        codelist_codes)
    return found


def _codes(where: str, codes: Sequence[str] | str, dim: str, codelist_id: str | None,
           meta: TableMeta, codelist_codes: Codelists) -> list[Finding]:
    """Codes (not expressions) missing from the dimension, or from its codelist when one is named."""
    dimension = meta.dimensions[dim]
    if codelist_id and codelist_id not in dimension.codelists:
        return []  # the codelist itself is reported; its codes cannot be looked up
    valid = codelist_codes(codelist_id) if codelist_id else dimension.codes
    kind, scope = ("code_in_list", codelist_id) if codelist_id else ("code", dim)
    return [Finding(where, kind, code, _near(code, valid), scope)
            for code in ([codes] if isinstance(codes, str) else codes)
            if not _EXPRESSION.search(code) and code not in valid]


def _unselected(spec: SsbSource, meta: TableMeta) -> list[Finding]:
    """Variables the table cannot eliminate that the block leaves out (SSB refuses the query)."""
    given = {*spec.selection, spec.region_dimension, spec.time_dimension, CONTENTS,
             meta.contents or CONTENTS, *([spec.over] if spec.value != "cell" else [])}
    return [Finding(f"selection.{d.id}", "unselected", d.id, tuple(_labelled(d.codes)), meta.table)
            for d in meta.dimensions.values() if d.id not in given and not d.elimination]


def _near(value: str, valid: Iterable[str]) -> tuple[str, ...]:
    """The valid codes closest to `value` (difflib); a few valid ones when nothing is close."""
    codes = list(valid)
    close = difflib.get_close_matches(value, codes, n=NEAREST, cutoff=0.5)
    if not close:  # codes are short: case and prefix slips (k-3201, Personer) matter most
        lowered = {c.lower(): c for c in codes}
        close = [lowered[c] for c in difflib.get_close_matches(value.lower(), list(lowered),
                                                               n=NEAREST, cutoff=0.3)]
    return tuple(close or codes[:NEAREST])


def _labelled(codes: Mapping[str, str], limit: int = 8) -> Iterator[str]:
    for n, (code, label) in enumerate(codes.items()):
        if n == limit:
            yield "…"
            return
        yield f"{code} ({label})"


# ---- checking many blocks ---------------------------------------------------------------------


@dataclass
class BlockCheck:
    """One indicator's block against its table: what is wrong, or why it could not be checked."""

    indicator: str
    table: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # SSB refused the metadata request (no such table, …)
    meta: TableMeta | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.findings


def check(indicators: Sequence[Indicator], client: SsbClient | None = None) -> list[BlockCheck]:
    """Check each indicator's ssb: block; one metadata call per table, one per codelist.

    SsbUnavailable (SSB out of reach) propagates: no answer is not a wrong code.
    """
    client = client or SsbClient()
    metas: dict[str, TableMeta | str] = {}
    lists: dict[str, dict[str, str]] = {}

    def codelist_codes(codelist_id: str) -> dict[str, str]:
        if codelist_id not in lists:
            doc = client.codelist(codelist_id)
            lists[codelist_id] = {str(v.get("code")): str(v.get("label") or v.get("code"))
                                  for v in doc.get("values") or []}
        return lists[codelist_id]

    out = []
    for indicator in indicators:
        spec = indicator.ssb
        if spec is None:  # an indicator without an ssb: block has nothing to check
            continue
        if spec.table not in metas:
            try:
                metas[spec.table] = parse_metadata(spec.table, client.metadata(spec.table))
            except SsbRequestError as error:
                metas[spec.table] = f"HTTP {error.status}: {error.detail}"
        meta = metas[spec.table]
        if isinstance(meta, str):
            out.append(BlockCheck(indicator.id, spec.table, error=meta))
            continue
        out.append(BlockCheck(indicator.id, spec.table, check_block(spec, meta, codelist_codes),
                              meta=meta))
    return out


def report(checks: Sequence[BlockCheck], indicators: Mapping[str, Indicator], lang: str = "nb"
           ) -> str:
    """Plain text: one paragraph per block, then a count."""
    lines = []
    for c in checks:
        title = c.meta.label if c.meta else c.table
        head = f"{c.indicator} · {t('ssb.check.table', lang, table=c.table)} «{title}»"
        if c.error:
            lines.append(f"{head}: {t('ssb.check.refused', lang, detail=c.error)}")
        elif c.ok:
            lines.append(f"{head}: {t('ssb.check.ok', lang)}")
        else:
            lines.append(f"{head}: {t_n('ssb.check.problems', len(c.findings), lang)}")
            lines += [f"  {f.message(lang)}" for f in c.findings]
        spec = indicators[c.indicator].ssb
        if spec is not None and spec.needs_check:
            lines.append(f"  {t('ssb.check.needs_check', lang, what=spec.needs_check)}")
    good = sum(c.ok for c in checks)
    lines.append(t("ssb.check.summary", lang, ok=good, bad=len(checks) - good))
    return "\n".join(lines)


# ---- describe and search ------------------------------------------------------------------------


TABLE_ID = re.compile(r"^\d{5}$")


def describe(table: str, client: SsbClient | None = None, lang: str = "nb") -> str:
    """A table in plain text: title, last update, periods, and per variable its codes,
    codelists and (for the contents) units — what a planner needs to write an ssb: block."""
    client = client or SsbClient()
    info = client.table(table)
    meta = parse_metadata(table, client.metadata(table))
    lines = [t("ssb.describe.title", lang, table=table, label=info.get("label") or meta.label),
             t("ssb.describe.updated", lang, updated=info.get("updated") or meta.updated or "?",
               first=info.get("firstPeriod") or "?", last=info.get("lastPeriod") or "?")]
    for dim in meta.dimensions.values():
        lines.append(t("ssb.describe.dimension", lang, id=dim.id, label=dim.label,
                       count=len(dim.codes),
                       optional=t("ssb.describe.optional" if dim.elimination
                                  else "ssb.describe.required", lang)))
        shown = list(dim.codes.items()) if dim.id == meta.contents else _sample(dim.codes)
        for code, label in shown:
            unit = dim.units.get(code)
            lines.append(f"    {code}  {label}" + (f"  [{t('ssb.describe.unit', lang)}: {unit}]"
                                                      if unit else ""))
        if dim.codelists:
            lines.append("    " + t("ssb.describe.codelists", lang, lists=", ".join(
                f"{c} ({label})" for c, label in dim.codelists.items())))
    return "\n".join(lines)


def _sample(codes: Mapping[str, str], head: int = 6, tail: int = 2) -> list[tuple[str, str]]:
    items = list(codes.items())
    if len(items) <= head + tail:
        return items
    return [*items[:head], ("…", ""), *items[-tail:]]


def find(words: Sequence[str], client: SsbClient | None = None,
         limit: int = 20) -> list[dict[str, Any]]:
    """Tables whose text matches the words, as /tables?query= lists them (id, label, periods …)."""
    client = client or SsbClient()
    return (client.search(" ".join(words), page_size=limit).get("tables") or [])[:limit]


def search(words: Sequence[str], client: SsbClient | None = None, lang: str = "nb",
           limit: int = 20) -> str:
    """Tables whose text matches the words, one line each: id, title, periods, last update."""
    tables = find(words, client, limit)
    if not tables:
        return t("ssb.search.none", lang, query=" ".join(words))
    return "\n".join(
        f"{e.get('id')}  {e.get('label')}  ({e.get('firstPeriod') or '?'}–"
        f"{e.get('lastPeriod') or '?'}; {t('ssb.search.updated', lang)} "
        f"{str(e.get('updated') or '?')[:10]})" for e in tables)


# ---- recording a pass in config/goals.yaml ---------------------------------------------------------


def record_verified(config: Path, ids: Sequence[str], day: date, by: str, *,
                    db: Path | None = None, user: str | None = None) -> list[str]:
    """Write `verified: DAY` and `verified_by: BY` into the ssb: blocks of `ids` in the goals file,
    as small line edits that keep every comment; the result is validated before it is saved.

    With a built database `db`, the edit goes through config_edit (in the history as `user`,
    undone with `undo` or Angre); without one there is no history to keep it in, so the file is
    written directly. Returns the ids written. Raises ModelError (nothing saved) if the edited
    file would not load.
    """
    text = config.read_text(encoding="utf-8")
    written = [i for i in ids if _verified_edits(text, i, day, by)]
    if db is not None and db.exists():
        try:
            config_edit.edit_text(config, db, lambda now: _with_verified(now, ids, day, by),
                                  user=user or "ssb check",
                                  summary=t("ssb.check.record_summary", "nb", ids=", ".join(ids)))
        except config_edit.ConfigEditError as error:
            if error.key == "config_edit.error.nothing":  # recorded the same day already
                return written
            if error.problems:
                raise ModelError(error.problems) from None
            raise
        return written
    edited = _with_verified(text, ids, day, by)
    problems = _problems_of(config, edited)
    if problems:
        raise ModelError(problems)
    config.write_text(edited, encoding="utf-8")
    return written


def _with_verified(text: str, ids: Sequence[str], day: date, by: str) -> str:
    lines = text.splitlines(keepends=True)
    edits = sorted((e for i in ids for e in _verified_edits(text, i, day, by)), reverse=True)
    for line, replaces, new in edits:  # bottom up, so earlier line numbers stay right
        lines[line:line + replaces] = [new]
    return "".join(lines)


def _verified_edits(text: str, indicator_id: str, day: date, by: str
                    ) -> list[tuple[int, int, str]]:
    """(0-based line, lines replaced (0 = insert), new line) for one indicator's block."""
    block = _ssb_node(yaml.compose(text, Loader=YAML_LOADER), indicator_id)
    if block is None:
        return []
    keys = {k.value: (k, v) for k, v in block.value}
    table_key = keys["table"][0]
    indent = " " * table_key.start_mark.column
    values = {"verified": day.isoformat(), "verified_by": json.dumps(by, ensure_ascii=False)}
    edits = []
    for name in ("verified_by", "verified"):  # inserted in this order after table: -> verified first
        new = f"{indent}{name}: {values[name]}\n"
        if name in keys:
            key, value = keys[name]
            edits.append((key.start_mark.line, value.end_mark.line - key.start_mark.line + 1, new))
        else:
            edits.append((keys["table"][1].end_mark.line + 1, 0, new))
    return edits


def _ssb_node(root: yaml.Node | None, indicator_id: str) -> yaml.MappingNode | None:
    if not isinstance(root, yaml.MappingNode):
        return None
    items = dict((k.value, v) for k, v in root.value).get("indicators")
    for item in getattr(items, "value", []):
        fields = dict((k.value, v) for k, v in getattr(item, "value", []))
        if getattr(fields.get("id"), "value", None) == indicator_id:
            block = fields.get("ssb")
            return block if isinstance(block, yaml.MappingNode) else None
    return None


def _problems_of(config: Path, text: str) -> list[Issue]:
    with tempfile.TemporaryDirectory() as folder:
        goals = Path(folder) / config.name
        goals.write_text(text, encoding="utf-8")
        shutil.copy(config.with_name("regions.yaml"), Path(folder) / "regions.yaml")
        return validate_config(goals)
