"""Koble til SSB: an indicator's ssb: block made from SSB's own metadata, its figures previewed
without writing, the block saved into config/goals.yaml, and the figures fetched.

The planner never types a code: every code is picked from the table's metadata
(/tables/{id}/metadata) or a codelist (/codelists/{id}), the draft is checked against the same
metadata with `ssb_check.check_block` before anything is fetched or saved, and the save goes
through `config_edit.edit` (comments kept, validated, in the history, undone with Angre).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from indicators import config_edit, county_rank, ssb_check, workflow
from indicators import fetch as fetcher
from indicators.files import YAML_LOADER
from indicators.i18n import format_period, format_value, t
from indicators.model import Indicator, PlanModel, SsbSource
from indicators.sources.ssb import JsonDoc, SsbClient
from indicators.ssb_check import Dimension, Finding, TableMeta

NATIONAL, COUNTIES_NOW = "0", ("32", "03")  # Norway; Akershus and Oslo (today's codes)
PREVIEW_REGIONS = ("32", "03", "0")  # what the preview shows, in this order
PREVIEW_PERIODS = 6
# Region codelists, most useful first: SSB's "current counties" lists give today's codes.
NATIONAL_LISTS = ("vs_Landet",)
COUNTY_LISTS = ("agg_KommFylker", "agg_FylkerGjeldende", "vs_Fylker")


@dataclass
class RegionGroup:
    """Region codes asked for in one request, from the dimension itself or from a codelist."""

    codes: list[str]
    codelist: str | None = None


@dataclass
class Draft:
    """What the planner picked: a table, its contents code, one code per other variable (a
    variable left out is eliminated by SSB), and the region groups."""

    table: str
    contents: str
    selection: dict[str, str] = field(default_factory=dict)
    regions: list[RegionGroup] = field(default_factory=list)
    region_dimension: str = "Region"
    time_dimension: str = "Tid"

    def block(self, verified: date | None = None, by: str | None = None) -> CommentedMap:
        """The ssb: block as it is written into goals.yaml (flow style, codes in double quotes)."""
        out = CommentedMap()
        out["table"] = _quoted(self.table)
        if verified is not None:
            out["verified"] = verified
            out["verified_by"] = _quoted(by or "")
        out["contents"] = self.contents
        out["selection"] = _flow_map({**{d: _quoted(c) for d, c in self.selection.items()},
                                      self.time_dimension: _quoted("*")})
        out["regions"] = CommentedSeq(
            _flow_map({"codes": _flow_list([_quoted(c) for c in g.codes]),
                       **({"codelist": g.codelist} if g.codelist else {})})
            for g in self.regions)
        if self.region_dimension != "Region":
            out["region_dimension"] = self.region_dimension
        if self.time_dimension != "Tid":
            out["time_dimension"] = self.time_dimension
        return out

    def source(self) -> SsbSource:
        """The draft as the model reads a block (raises pydantic's ValidationError if malformed)."""
        return SsbSource.model_validate(_plain(self.block()))


def _plain(node: object) -> object:
    """ruamel's commented types as plain dicts, lists and str, as the model reads YAML."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return str(node) if isinstance(node, str) else node


def _quoted(text: str) -> DoubleQuotedScalarString:
    quoted: DoubleQuotedScalarString = DoubleQuotedScalarString(text)  # ruamel's __new__ says Any
    return quoted


def _flow_map(items: dict[str, str | CommentedSeq]) -> CommentedMap:
    out = CommentedMap(items)
    out.fa.set_flow_style()
    return out


def _flow_list(items: list[str]) -> CommentedSeq:
    out = CommentedSeq(items)
    out.fa.set_flow_style()
    return out


# ---- reading what SSB offers --------------------------------------------------------------------


def find_tables(words: str, client: SsbClient | None = None, limit: int = 20) -> list[JsonDoc]:
    """Tables matching the words (a five-digit table number is looked up as itself)."""
    client = client or SsbClient()
    words = words.strip()
    if ssb_check.TABLE_ID.match(words):
        return [client.table(words)]
    return ssb_check.find(words.split(), client, limit)


def load_table(table: str, client: SsbClient | None = None) -> TableMeta:
    """The table's variables, codes, codelists and units (its /metadata)."""
    client = client or SsbClient()
    return ssb_check.parse_metadata(table, client.metadata(table))


def codelist_codes(codelist_id: str, client: SsbClient | None = None) -> dict[str, str]:
    """A codelist's codes (code -> label)."""
    client = client or SsbClient()
    doc = client.codelist(codelist_id)
    return {str(v.get("code")): str(v.get("label") or v.get("code")) for v in doc.get("values") or []}


def region_dimension(meta: TableMeta) -> str | None:
    """The variable holding regions: `Region`, else the first whose id names a region."""
    if "Region" in meta.dimensions:
        return "Region"
    return next((d for d in meta.dimensions if "region" in d.lower()), None)


def time_dimension(meta: TableMeta) -> str:
    return meta.time or ("Tid" if "Tid" in meta.dimensions else next(iter(meta.dimensions)))


def contents_dimension(meta: TableMeta) -> Dimension | None:
    return meta.dimensions.get(meta.contents or fetcher.CONTENTS)


def other_dimensions(meta: TableMeta, regions: str | None) -> list[Dimension]:
    """The variables the planner picks one code of (not regions, time or contents)."""
    skip = {regions, time_dimension(meta), meta.contents or fetcher.CONTENTS}
    return [d for d in meta.dimensions.values() if d.id not in skip]


def default_code(dim: Dimension) -> str | None:
    """None (left out, SSB gives the total) where the table allows it; else the first code."""
    return None if dim.elimination else next(iter(dim.codes), None)


def suggest_regions(meta: TableMeta, regions: str) -> list[RegionGroup]:
    """Akershus, Oslo and Norway: codes of the dimension itself where it has them, else through
    the codelists SSB offers for them (`*` in vs_Landet, F-32/F-03 in agg_KommFylker …)."""
    dim = meta.dimensions[regions]
    direct = [c for c in (NATIONAL, *COUNTIES_NOW) if c in dim.codes]
    groups = [RegionGroup(direct)] if direct else []
    if NATIONAL not in direct:
        listed = next((c for c in NATIONAL_LISTS if c in dim.codelists), None)
        if listed:
            groups.append(RegionGroup(["*"], listed))
    if not all(c in direct for c in COUNTIES_NOW):
        listed = next((c for c in COUNTY_LISTS if c in dim.codelists), None)
        if listed:
            groups.append(RegionGroup(_county_codes(listed, COUNTIES_NOW), listed))
    return groups


def all_counties(model: PlanModel, meta: TableMeta, regions: str) -> RegionGroup | None:
    """Every county of today's division (regions.yaml), for Akershus's rank among them: through
    a county codelist, or the dimension's own codes; None when the table has neither."""
    codes = county_rank.current_counties(model)
    dim = meta.dimensions[regions]
    listed = next((c for c in COUNTY_LISTS if c in dim.codelists), None)
    if listed:
        return RegionGroup(_county_codes(listed, codes), listed)
    if all(c in dim.codes for c in codes):
        return RegionGroup(codes)
    return None


def municipalities(model: PlanModel, meta: TableMeta, regions: str) -> RegionGroup | None:
    """Akershus's municipalities (for the map): the dimension's own 32xx codes, or through
    agg_KommGjeldende; None when the table has neither."""
    codes = [r.code for r in model.municipalities()]
    dim = meta.dimensions[regions]
    if all(c in dim.codes for c in codes):
        return RegionGroup(codes)
    if "agg_KommGjeldende" in dim.codelists:
        return RegionGroup(codes, "agg_KommGjeldende")
    return None


def _county_codes(codelist_id: str, codes: Sequence[str]) -> list[str]:
    """agg_KommFylker writes a county as F-32."""
    return [f"F-{c}" for c in codes] if codelist_id == "agg_KommFylker" else list(codes)


def check(draft: Draft, meta: TableMeta, client: SsbClient | None = None) -> list[Finding]:
    """What in the draft the table does not have (ssb check's findings), before any fetch."""
    client = client or SsbClient()
    lists: dict[str, dict[str, str]] = {}

    def codes_of(codelist_id: str) -> dict[str, str]:
        if codelist_id not in lists:
            lists[codelist_id] = codelist_codes(codelist_id, client)
        return lists[codelist_id]

    return ssb_check.check_block(draft.source(), meta, codes_of)


# ---- preview, save, fetch -----------------------------------------------------------------------


@dataclass
class Preview:
    """The figures a draft would load: Akershus, Oslo and Norway for the latest periods, how many
    other areas came, why it failed (if it did), and notes."""

    table: pd.DataFrame  # period rows, one column per preview region (value text)
    rows: int = 0
    others: int = 0  # areas beyond Akershus, Oslo and Norway (municipalities, counties)
    failed: str | None = None
    notes: list[str] = field(default_factory=list)


def with_block(indicator: Indicator, draft: Draft) -> Indicator:
    return indicator.model_copy(update={"ssb": draft.source()})


def preview(model: PlanModel, indicator_id: str, draft: Draft, client: SsbClient | None = None,
            lang: str = "nb") -> Preview:
    """Fetch the draft's figures and check them as a file import would; nothing is written."""
    indicator = with_block(model.known_indicator(indicator_id), draft)
    fetched = fetcher.fetch(model, [indicator], client or SsbClient(), lang=lang)
    notes = [f.line_text(lang) for f in fetched.flags]
    if indicator_id in fetched.failed:
        return Preview(pd.DataFrame(), failed=fetched.failed[indicator_id], notes=notes)
    frame = fetched.tables[0].read.frame
    notes += [w.message(lang) for w in fetched.tables[0].read.warnings]
    return Preview(preview_table(model, frame, lang), len(frame),
                   int(frame.loc[~frame["region_code"].isin(PREVIEW_REGIONS), "region_code"]
                       .nunique()), notes=notes)


def preview_table(model: PlanModel, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The latest periods (newest first) by Akershus, Oslo and Norway, as the pages write them."""
    shown = frame[frame["region_code"].isin(PREVIEW_REGIONS)]
    unit = model.known_indicator(shown["indicator_id"].iloc[0]).unit if not shown.empty else "count"
    periods = sorted(shown["period"].unique(), key=lambda p: shown.loc[shown["period"] == p,
                                                                        "year"].iloc[0],
                     reverse=True)[:PREVIEW_PERIODS]
    rows = []
    for period in periods:
        row = {t("ssb_connect.preview.period", lang): format_period(period, lang)}
        for code in PREVIEW_REGIONS:
            cell = shown[(shown["period"] == period) & (shown["region_code"] == code)]
            row[model.region_name(code, lang)] = (
                "–" if cell.empty else format_value(cell["value"].iloc[0], unit, lang))
        rows.append(row)
    return pd.DataFrame(rows)


def save(config_path: Path | str, db_path: Path | str, indicator_id: str, draft: Draft, *,
         user: str | None, today: date | None = None) -> int:
    """Write the block into the indicator's entry; returns the history record's id (Angre undoes
    it byte for byte). The codes were all picked from the table's metadata and checked against
    it, so the block is saved as verified today by that metadata.

    A new block is added as a small edit (every comment kept); an existing block is replaced as
    a whole (its lines may be wrapped by hand), keeping the lines of KEPT keys as they were.
    """
    day = today or date.today()
    block = draft.block(day, t("ssb_connect.verified_by", "nb", table=draft.table))
    return config_edit.edit_text(config_path, db_path,
                                 lambda text: _replaced(text, indicator_id, block), user=user,
                                 summary=t("ssb_connect.summary", "nb", id=indicator_id,
                                           table=draft.table))


# Keys of an existing block the flow does not pick and keeps (how the figures are stored).
KEPT = ("series", "regions_by_period", "interval_year", "decimals", "note")


@dataclass(frozen=True)
class _Span:
    """Where the new block goes (0-based lines, inclusive): it replaces first..last (an existing
    block) or is inserted after `last` (first is None); `kept` are the KEPT keys' lines."""

    first: int | None
    last: int
    indent: int
    kept: tuple[tuple[int, int], ...] = ()


def _span(text: str, indicator_id: str) -> _Span:
    root = yaml.compose(text, Loader=YAML_LOADER)
    items = dict((k.value, v) for k, v in root.value).get("indicators") if root else None
    for item in getattr(items, "value", []):
        fields = {k.value: (k, v) for k, v in getattr(item, "value", [])}
        if getattr(fields.get("id", (None, None))[1], "value", None) != indicator_id:
            continue
        block = fields.get("ssb")
        if block is None or not isinstance(block[1], yaml.MappingNode):
            indent = item.value[0][0].start_mark.column
            return _Span(None, _last_line(item), indent)
        key, value = block
        kept = tuple((k.start_mark.line, _last_line(v)) for k, v in value.value if k.value in KEPT)
        return _Span(key.start_mark.line, _last_line(value), key.start_mark.column, kept)
    raise config_edit.ConfigEditError("config_edit.error.no_entry", section="indicators",
                                      id=indicator_id)


def _last_line(node: yaml.Node) -> int:
    """The last line a node's own text stands on (a block collection's end mark is the next
    token's line, which may be a comment about what follows)."""
    # Every node that is not a collection is a scalar (yaml.Node has no flow_style).
    if not isinstance(node, yaml.CollectionNode) or node.flow_style or not node.value:
        return node.end_mark.line - (1 if node.end_mark.column == 0 else 0)
    last = node.value[-1]
    return _last_line(last[1] if isinstance(last, tuple) else last)


def _replaced(text: str, indicator_id: str, block: CommentedMap) -> str:
    """The file with the block written at the indicator (replacing its old block, if any); every
    line outside the block stays as it was."""
    span = _span(text, indicator_id)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    dumper = YAML()
    dumper.width = 1 << 16  # never wrap, as config_edit writes
    dumper.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    dumper.dump({"ssb": block}, out)
    new = [" " * span.indent + line if line.strip() else line
           for line in out.getvalue().splitlines(keepends=True)]
    new += [line for start, end in span.kept for line in lines[start:end + 1]]
    start = span.last + 1 if span.first is None else span.first
    return "".join(lines[:start] + new + lines[span.last + 1:])


def fetch_now(db_path: Path, model: PlanModel, indicator_id: str, *, user: str,
              client: SsbClient | None = None, lang: str = "nb"
              ) -> tuple[fetcher.Fetched, list[fetcher.Imported]]:
    """Fetch the indicator's saved block and import what came (history, undo, files written back);
    SsbUnavailable and store errors propagate for the caller to say."""
    indicators = fetcher.ssb_indicators(model, [indicator_id], lang)
    fetched = fetcher.fetch(model, indicators, client or SsbClient(), lang=lang)
    imported, _done = workflow.fetch(db_path, model, fetched, user=user)
    return fetched, imported
