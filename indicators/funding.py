"""Grant funding as plain data: scheme totals with grant rates, focus-area roll-ups, flows to goals.

An unknown amount (an empty cell) is never summed as 0: it counts as a project, and every sum
says how many amounts it lacks. A grant whose focus area serves several goals is attributed to the
focus area's first (main) goal only, so no krone is counted twice. Each grant's link to its focus
area is either stated by the source or assessed by us from the description (`focus_area_basis`);
a grant without that column counts as assessed, and every view says which links are assessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators import canonical
from indicators.i18n import format_number, format_percent, format_value, t, t_n
from indicators.model import PlanModel

UNKNOWN = "unknown"  # node id for money and projects not placed on a focus area or goal
UNLISTED = "unlisted"  # node id for a scheme's projects and money that the project list lacks
SOURCE, ASSESSED = "source", "assessed"  # how a grant's focus area is known


def basis(grants: pd.DataFrame) -> pd.Series:
    """Per grant: `source` only where the source states the focus area; otherwise `assessed`."""
    stated = grants.get("focus_area_basis", pd.Series(ASSESSED, index=grants.index))
    return stated.where(stated == SOURCE, ASSESSED)


def years(funding: pd.DataFrame, grants: pd.DataFrame) -> list[int]:
    """Every year with scheme totals or grants, newest first."""
    found = {int(y) for y in pd.concat([funding["year"], grants["year"]]).dropna()}
    return sorted(found, reverse=True)


def scheme_table(model: PlanModel, funding: pd.DataFrame) -> pd.DataFrame:
    """Per scheme and year: applications, applied, granted, grant rate (granted / applied), projects.

    Schemes follow the model's order; years newest first. The grant rate is missing when either
    amount is unknown or nothing was applied for.
    """
    order = {s.id: i for i, s in enumerate(model.schemes)}
    out = funding.copy()
    for column in ("applied_nok_million", "granted_nok_million"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    applied = out["applied_nok_million"]
    out["grant_rate"] = (out["granted_nok_million"] / applied.where(applied > 0)) * 100
    out["order"] = out["scheme_id"].map(order)
    out = out.sort_values(["year", "order"], ascending=[False, True])
    return out.drop(columns="order").reset_index(drop=True)


@dataclass(frozen=True)
class Total:
    """A sum over schemes or grants that knows how many of its parts were unknown."""

    value: float | None  # None when no part is known
    unknown: int  # parts without a value

    @property
    def complete(self) -> bool:
        return self.unknown == 0 and self.value is not None


def total(values: pd.Series) -> Total:
    """Sum of the known values; None (not 0) when none is known."""
    numbers = pd.to_numeric(values, errors="coerce")
    known = numbers.dropna()
    return Total(float(known.sum()) if len(known) else None, int(numbers.isna().sum()))


def year_totals(funding: pd.DataFrame, year: int) -> dict[str, Total]:
    """All schemes together in one year: applications, applied, granted, projects."""
    rows = funding[funding["year"] == year]
    columns = ("applications", "applied_nok_million", "granted_nok_million", "projects")
    return {c: total(rows[c]) for c in columns}


def grant_rate(totals: dict[str, Total]) -> float | None:
    """Granted / applied in per cent, only when both sums are complete."""
    applied, granted = totals["applied_nok_million"], totals["granted_nok_million"]
    if not (applied.complete and granted.complete) or not applied.value or granted.value is None:
        return None  # (a complete sum has a value; the last check tells the type checker so)
    return granted.value / applied.value * 100


def focus_area_rollup(model: PlanModel, grants: pd.DataFrame) -> pd.DataFrame:
    """Per focus area (model order, then 'unknown'): projects, known amount, unknown amounts,
    and how many of its projects we placed there ourselves (`assessed`).

    `amount` is NaN when no grant of the area has a known amount; `main_goal` is the goal its
    money is attributed to.
    """
    rows = []
    areas = [(f.id, f.goals[0] if f.goals else None) for f in model.focus_areas]
    keys = _focus_keys(model, grants)
    assessed = (basis(grants) == ASSESSED) & (keys != UNKNOWN)
    for area_id, goal_id in [*areas, (UNKNOWN, None)]:
        mine = grants[keys == area_id]
        amount = total(mine["amount_nok_million"])
        rows.append({"focus_area_id": area_id, "main_goal": goal_id, "projects": len(mine),
                     "amount": amount.value, "unknown_amounts": amount.unknown,
                     "assessed": int(assessed[keys == area_id].sum())})
    out = pd.DataFrame(rows)
    # The 'unknown' row only when some grant lacks a focus area; empty areas stay (as 0 projects).
    return out[(out["focus_area_id"] != UNKNOWN) | (out["projects"] > 0)].reset_index(drop=True)


def _focus_keys(model: PlanModel, grants: pd.DataFrame) -> pd.Series:
    known = {f.id for f in model.focus_areas}
    keys = grants["focus_area_id"].fillna("").astype(str)
    return keys.where(keys.isin(known), UNKNOWN)


@dataclass(frozen=True)
class Flow:
    """Sankey data: node ids in order, and links between them with a value."""

    nodes: list[str]  # "scheme:fib", "focus:vekstbedrifter", "goal:2B", "unknown", "unlisted"
    links: pd.DataFrame  # source, target (node ids), value, basis (source | assessed)

    def assessed(self) -> bool:
        """Whether any link rests on our own assessment of a grant's focus area."""
        return bool((self.links["basis"] == ASSESSED).any())


def flows(model: PlanModel, grants: pd.DataFrame, funding: pd.DataFrame,
          measure: str) -> Flow:
    """Scheme → focus area → main goal, in projects (`measure="projects"`) or mill. kr (`"amount"`).

    Only known amounts flow to focus areas. What the scheme totals hold beyond the listed grants
    (projects not listed one by one, money not given per grant) flows to an 'unlisted' node, so
    the scheme's side adds up to its real total without inventing where that money went. A link
    carries `basis` `assessed` when its grants were placed on the focus area by our assessment
    (carried on to the goal); links to 'unknown' and 'unlisted' are the source's own figures.
    """
    keys = _focus_keys(model, grants)
    value = (pd.Series(1.0, index=grants.index) if measure == "projects"
             else pd.to_numeric(grants["amount_nok_million"], errors="coerce"))
    data = pd.DataFrame({"scheme": grants["scheme_id"].astype(str), "focus": keys,
                         "value": value, "basis": basis(grants).where(keys != UNKNOWN, SOURCE)}
                        ).dropna(subset=["value"])
    first = data.groupby(["scheme", "focus", "basis"], sort=False)["value"].sum().reset_index()
    links = [(f"scheme:{r['scheme']}", _focus_node(r["focus"]), r["value"], r["basis"])
             for r in canonical.records(first)]
    links += [(*link, SOURCE) for link in _unlisted(grants, funding, measure)]
    goals = {f.id: f.goals[0] for f in model.focus_areas if f.goals}
    second = data[data["focus"].isin(goals)].groupby(["focus", "basis"], sort=False)["value"].sum()
    links += [(f"focus:{r['focus']}", f"goal:{goals[r['focus']]}", r["value"], r["basis"])
              for r in canonical.records(second.reset_index())]
    frame = pd.DataFrame(links, columns=["source", "target", "value", "basis"])
    frame = frame[frame["value"] > 0].reset_index(drop=True)
    return Flow(_node_order(model, frame), frame)


def _focus_node(focus: str) -> str:
    return UNKNOWN if focus == UNKNOWN else f"focus:{focus}"


def _unlisted(grants: pd.DataFrame, funding: pd.DataFrame,
              measure: str) -> list[tuple[str, str, float]]:
    """Per scheme: its reported total minus what the listed grants account for (never below 0)."""
    column = "projects" if measure == "projects" else "granted_nok_million"
    reported = pd.to_numeric(funding[column], errors="coerce").groupby(funding["scheme_id"]).sum(
        min_count=1)
    listed_values = (pd.Series(1.0, index=grants.index) if measure == "projects"
                     else pd.to_numeric(grants["amount_nok_million"], errors="coerce"))
    listed = listed_values.groupby(grants["scheme_id"]).sum()
    out = []
    for scheme, value in reported.dropna().items():
        rest = float(value) - float(listed.get(scheme, 0.0))
        if rest > 1e-9:
            out.append((f"scheme:{scheme}", UNLISTED, round(rest, 6)))
    return out


def _node_order(model: PlanModel, links: pd.DataFrame) -> list[str]:
    present = set(links["source"]) | set(links["target"])
    order = ([f"scheme:{s.id}" for s in model.schemes]
             + [f"focus:{f.id}" for f in model.focus_areas] + [UNKNOWN, UNLISTED]
             + [f"goal:{g.id}" for g in model.goals])
    return [n for n in order if n in present]


def filter_grants(grants: pd.DataFrame, *, schemes: list[str] | None = None,
                  focus_areas: list[str] | None = None, municipalities: list[str] | None = None,
                  years: list[int] | None = None, search: str = "") -> pd.DataFrame:
    """The grants that match every filter given; `search` looks in recipient, project and
    description, case-insensitively."""
    mask = pd.Series(True, index=grants.index)
    for column, wanted in (("scheme_id", schemes), ("focus_area_id", focus_areas),
                           ("municipality_code", municipalities)):
        if wanted:
            mask &= grants[column].fillna("").astype(str).isin(wanted)
    if years:
        mask &= grants["year"].isin(years)
    words = search.strip().casefold().split()
    if words:
        text = (grants["recipient"].fillna("") + " " + grants["project"].fillna("") + " "
                + grants["description"].fillna("")).str.casefold()
        for word in words:
            mask &= text.str.contains(word, regex=False)
    return grants[mask]


def sort_grants(model: PlanModel, grants: pd.DataFrame) -> pd.DataFrame:
    """Newest year first, then scheme in model order, then the file's order."""
    order = {s.id: i for i, s in enumerate(model.schemes)}
    keyed = grants.assign(_scheme=grants["scheme_id"].map(order), _pos=range(len(grants)))
    return keyed.sort_values(["year", "_scheme", "_pos"], ascending=[False, True, True]).drop(
        columns=["_scheme", "_pos"])


# ---- readable tables and sentences for the Tilskudd page ----------------------------------------


def amount_text(value: float | None, lang: str, unknown: int = 0) -> str:
    """`20 mill. kr`; `ukjent` when no amount is known; `3 mill. kr + 2 ukjente` when partly."""
    if value is None or pd.isna(value):
        return t("funding.unknown", lang)
    text = format_value(float(value), "nok_million", lang)
    return t("funding.partly_known", lang, amount=text, n=unknown) if unknown else text


def count_text(value: float | None, lang: str) -> str:
    return t("funding.unknown", lang) if value is None or pd.isna(value) else \
        format_number(float(value), lang, 0)


def scheme_name(model: PlanModel, scheme_id: str, lang: str) -> str:
    scheme = model.scheme(scheme_id)
    return scheme.name.get(lang) if scheme else scheme_id


def focus_name(model: PlanModel, focus_id: str, lang: str) -> str:
    if focus_id in ("", None, UNKNOWN):
        return t("funding.focus_unknown", lang)
    area = model.focus_area(focus_id)
    return area.name.get(lang) if area else focus_id


def focus_with_basis(model: PlanModel, focus_id: str | float | None, how: str, lang: str) -> str:
    """The focus area's name, saying "vurdert av oss ut fra prosjektbeskrivelsen" when assessed
    (`focus_id` None or NaN: the grant names none)."""
    focus = "" if focus_id is None or pd.isna(focus_id) else str(focus_id)
    name = focus_name(model, focus, lang)
    if how == SOURCE or model.focus_area(focus) is None:
        return name
    return t("funding.basis.focus_assessed", lang, name=name)


def basis_text(how: str, lang: str) -> str:
    """`oppgitt i kilden` or `vurdert av oss ut fra prosjektbeskrivelsen`."""
    return t(f"funding.basis.{how}", lang)


def node_label(model: PlanModel, node: str, lang: str) -> str:
    """A Sankey node's name: the scheme, focus area or goal, or what 'unknown'/'unlisted' mean."""
    if node == UNKNOWN:
        return t("funding.focus_unknown", lang)
    if node == UNLISTED:
        return t("funding.unlisted", lang)
    kind, _, ident = node.partition(":")
    if kind == "scheme":
        return scheme_name(model, ident, lang)
    if kind == "focus":
        return focus_name(model, ident, lang)
    goal = model.goal(ident)
    return t("funding.goal_node", lang, id=ident, name=goal.name.get(lang) if goal else ident)


def scheme_display(model: PlanModel, table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The scheme table as read: names, amounts in mill. kr, grant rate in per cent."""
    return pd.DataFrame({
        t("funding.col.scheme", lang): [scheme_name(model, s, lang) for s in table["scheme_id"]],
        t("funding.col.year", lang): [str(int(y)) for y in table["year"]],
        t("funding.col.applications", lang): [count_text(v, lang) for v in table["applications"]],
        t("funding.col.applied", lang): [amount_text(v, lang)
                                         for v in table["applied_nok_million"]],
        t("funding.col.granted", lang): [amount_text(v, lang)
                                         for v in table["granted_nok_million"]],
        t("funding.col.rate", lang): [t("funding.unknown", lang) if pd.isna(v)
                                      else format_percent(v, lang, 1) for v in table["grant_rate"]],
        t("funding.col.projects", lang): [count_text(v, lang) for v in table["projects"]],
        t("funding.col.note", lang): table["note"].fillna("").astype(str),
    })


def focus_display(model: PlanModel, rollup: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Projects and known amounts per focus area, with the goal its money is attributed to."""
    def goal_text(goal_id: object) -> str:
        goal = model.goal(goal_id) if isinstance(goal_id, str) else None
        return f"{goal.id} {goal.name.get(lang)}" if goal else "–"

    return pd.DataFrame({
        t("funding.col.focus_area", lang): [focus_name(model, f, lang)
                                            for f in rollup["focus_area_id"]],
        t("funding.col.main_goal", lang): [goal_text(g) for g in rollup["main_goal"]],
        t("funding.col.projects", lang): [format_number(n, lang, 0) for n in rollup["projects"]],
        t("funding.col.amount", lang): [
            "–" if n == 0 else amount_text(a, lang, u)
            for a, u, n in zip(rollup["amount"], rollup["unknown_amounts"], rollup["projects"],
                               strict=True)],
        t("funding.basis.col", lang): [
            _rollup_basis(f, n, a, lang) for f, n, a in zip(
                rollup["focus_area_id"], rollup["projects"], rollup["assessed"], strict=True)],
    })


def _rollup_basis(focus_id: str, projects: int, assessed: int, lang: str) -> str:
    if projects == 0 or focus_id == UNKNOWN:
        return "–"
    if assessed == 0 or assessed == projects:
        return basis_text(SOURCE if assessed == 0 else ASSESSED, lang)
    return t("funding.basis.some_assessed", lang, n=assessed, total=projects)


def grant_display(model: PlanModel, grants: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The project list: one row per grant, unknown amounts as 'ukjent'."""
    def municipality(code: object) -> str:
        return model.region_name(code, lang) if isinstance(code, str) and code else "–"

    return pd.DataFrame({
        t("funding.col.year", lang): [str(int(y)) for y in grants["year"]],
        t("funding.col.scheme", lang): [scheme_name(model, s, lang) for s in grants["scheme_id"]],
        t("funding.col.recipient", lang): grants["recipient"].fillna("").astype(str),
        t("funding.col.project", lang): grants["project"].fillna("").astype(str),
        t("funding.col.municipality", lang): [municipality(c) for c in grants["municipality_code"]],
        t("funding.col.focus_area", lang): [focus_with_basis(model, f, b, lang) for f, b in zip(
            grants["focus_area_id"], basis(grants), strict=True)],
        t("funding.col.amount", lang): [amount_text(a, lang) for a in grants["amount_nok_million"]],
        t("funding.col.description", lang): grants["description"].fillna("").astype(str),
    })


PHONE_CARDS = 20  # projects shown as cards on a phone; the whole list is in the grid and the CSV


def grant_cards(display: pd.DataFrame, lang: str, rows: int = PHONE_CARDS) -> pd.DataFrame:
    """The first `rows` of the project list (grant_display) for a phone's cards: who and what
    as the card's heading, then the scheme and the year, where and what, the amount."""
    first = display.head(rows)
    recipient, project = t("funding.col.recipient", lang), t("funding.col.project", lang)
    heading = [" – ".join(part for part in (r, p) if part) or "–"
               for r, p in zip(first[recipient], first[project], strict=True)]
    order = [t(f"funding.col.{c}", lang) for c in ("scheme", "year", "municipality", "focus_area",
                                                      "amount", "description")]
    return pd.concat([pd.DataFrame({t("funding.cards.heading", lang): heading}, index=first.index),
                      first[order]], axis=1)


GRANT_COLUMNS = ["year", "scheme_id", "recipient", "project", "municipality_code",
                 "focus_area_id", "amount_nok_million", "description", "focus_area_basis"]


def grants_csv(grants: pd.DataFrame) -> str:
    """The grants in the format of data/grants.csv (an unknown amount stays an empty cell)."""
    out = grants.assign(focus_area_basis=basis(grants))[GRANT_COLUMNS].copy()
    out["year"] = out["year"].astype(int)
    out["amount_nok_million"] = [
        "" if pd.isna(a) else (str(int(a)) if float(a).is_integer() else repr(float(a)))
        for a in out["amount_nok_million"].tolist()]  # plain values: Any to the type checker
    return out.fillna("").to_csv(index=False, lineterminator="\n")


def totals_sentence(model: PlanModel, funding: pd.DataFrame, year: int, lang: str) -> str:
    """`I 2024 ble det innvilget 33,4 mill. kr til 37 prosjekter i 3 ordninger (96 søknader).`"""
    totals = year_totals(funding, year)
    schemes = int((funding["year"] == year).sum())
    return t("funding.totals_sentence", lang, year=year,
             granted=amount_text(totals["granted_nok_million"].value, lang),
             applied=amount_text(totals["applied_nok_million"].value, lang),
             projects=count_text(totals["projects"].value, lang),
             applications=count_text(totals["applications"].value, lang), schemes=schemes)


def scheme_summary(model: PlanModel, table: pd.DataFrame, year: int, lang: str) -> str:
    """One sentence per year for the bar chart: what each scheme granted of what was applied for."""
    rows = table[table["year"] == year]
    parts = [t("funding.scheme_part", lang, scheme=scheme_name(model, r["scheme_id"], lang),
               granted=amount_text(r["granted_nok_million"], lang),
               applied=amount_text(r["applied_nok_million"], lang))
             for r in canonical.records(rows)]
    return t("funding.scheme_summary", lang, year=year, parts="; ".join(parts))


def focus_summary(model: PlanModel, rollup: pd.DataFrame, lang: str) -> str:
    """Which focus areas have the most listed projects, and whether amounts are known."""
    listed = rollup[rollup["projects"] > 0].sort_values("projects", ascending=False)
    if listed.empty:
        return t("funding.focus_none", lang)
    top = ", ".join(f"{focus_name(model, r['focus_area_id'], lang)} ({r['projects']})"
                    for r in canonical.records(listed.head(3)))
    known = rollup["amount"].notna().any()
    key = "funding.focus_summary" if known else "funding.focus_summary_no_amounts"
    return t_n(key, int(listed["projects"].sum()), lang, top=top)


def flow_table(model: PlanModel, flow: Flow, measure: str, lang: str) -> pd.DataFrame:
    """The Sankey's links as a table: from, to, and the projects or mill. kr that flow."""
    def value(v: float) -> str:
        return format_number(v, lang, 0) if measure == "projects" else amount_text(v, lang)

    return pd.DataFrame({
        t("funding.col.from", lang): [node_label(model, n, lang) for n in flow.links["source"]],
        t("funding.col.to", lang): [node_label(model, n, lang) for n in flow.links["target"]],
        t(f"funding.measure.{measure}", lang): [value(v) for v in flow.links["value"]],
        t("funding.basis.col_flow", lang): [basis_text(b, lang) for b in flow.links["basis"]],
    })


def flow_summary(model: PlanModel, flow: Flow, measure: str, year: int, lang: str) -> str:
    """How much of the schemes' total reaches a goal through a focus area, and how much does not."""
    def value(v: float) -> str:
        return t_n("funding.projects_n", v, lang) if measure == "projects" else amount_text(v, lang)

    links = flow.links
    out_of_schemes = float(links[links["source"].str.startswith("scheme:")]["value"].sum())
    into_goals = links[links["target"].str.startswith("goal:")].groupby("target")["value"].sum()
    goals = ", ".join(f"{str(node).split(':')[1]}: {value(v)}" for node, v in into_goals.items())
    placed = float(into_goals.sum())
    if placed == 0:
        return t("funding.flow_summary_none", lang, year=year, total=value(out_of_schemes))
    return t("funding.flow_summary", lang, year=year, placed=value(placed),
             total=value(out_of_schemes), goals=goals or "–",
             rest=value(max(out_of_schemes - placed, 0.0)))


# ---- what the funding figures rest on ---------------------------------------------------------


def source_text(funding: pd.DataFrame, lang: str) -> str:
    """The sources named in the scheme totals, or the county when none is named."""
    return "; ".join(sorted({s for s in funding["source"].dropna() if s})) or t(
        "funding.source_default", lang)


def source_line(funding: pd.DataFrame, lang: str, assessed: bool = False) -> str:
    """`Kilde: … · Akershus fylkeskommune`; with `assessed` it adds that we placed the projects
    on focus areas ourselves, for every figure or table that shows focus areas."""
    key = "funding.basis.source_line" if assessed else "funding.source_line"
    return t(key, lang, source=source_text(funding, lang))


def any_assessed(grants: pd.DataFrame) -> bool:
    """Whether any of these grants has a focus area we placed it on ourselves."""
    placed = grants["focus_area_id"].fillna("").astype(str) != ""
    return bool(((basis(grants) == ASSESSED) & placed).any())


def basis_sentence(grants: pd.DataFrame, lang: str) -> str:
    """`9 av 9 oppførte prosjekter er plassert på et satsingsområde av oss …`; empty when the
    source states every focus area."""
    placed = grants["focus_area_id"].fillna("").astype(str) != ""
    assessed = int(((basis(grants) == ASSESSED) & placed).sum())
    if not assessed:
        return ""
    return t("funding.basis.sentence", lang, n=format_number(assessed, lang, 0),
             listed=format_number(int(placed.sum()), lang, 0))


def flow_note(grants: pd.DataFrame, measure: str, lang: str) -> str:
    """How each amount in the flow was derived: per scheme from the source, per focus area only
    what the source gives per project (never estimated or split), the rest not allocated."""
    if measure == "projects":
        return t("funding.basis.derived.projects", lang)
    known = int(pd.to_numeric(grants["amount_nok_million"], errors="coerce").notna().sum())
    if known == 0:
        return t("funding.basis.derived.amount_none", lang)
    return t("funding.basis.derived.amount_some", lang, known=format_number(known, lang, 0),
             listed=format_number(len(grants), lang, 0))
