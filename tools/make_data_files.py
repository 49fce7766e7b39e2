"""One-off, auditable conversion of ../shared/data/real into the shipped files under data/."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
REAL = SHARED / "real"
DATA = REPO / "data"
OBS = DATA / "observations"

OBS_HEADER = ["indicator_id", "region_code", "period", "value", "unit", "series", "note", "source"]

# Row notes (user-visible data, Norwegian as in the sources).
NOTE_NEET_DERIVED = "Beregnet: antall NEET / bosatte 15–29 år (SSB 13563), avrundet til 1 desimal"
NOTE_NEET_SUM32 = (
    "; fylkestallet er summen av de 21 kommunene (SSB publiserer ikke fylkestall for 32 for 2021)"
)
NOTE_NEET_T1 = (
    "Andel beregnet fra SSB 13563: antall NEET / bosatte 15–29 år, avrundet til 1 desimal"
)
NOTE_AGE = "Aldersgruppe antatt 30–66 år (ikke bekreftet av kilden)"
NOTE_COMPLETION = "Årstall som merket av IMDi; eksakt definisjon ikke bekreftet"
NOTE_UDIR_BREAK = "Brudd i statistikken 2018/19: behandling av elever med ukjent elevstatus endret"
NOTE_NAV_BREAK = "Brudd i statistikken fra november 2018 (ny registreringsmetode)"
NOTE_NAV_2022 = "Fra 2022 er arbeidsstyrken (nevneren) registerbasert, tidligere AKU"
NOTE_VINTAGE = "Tallversjon lastet ned ca. 2021–22; SSB har revidert tallene senere"
NOTE_GVA = (
    "Beregnet: bruttoprodukt i basisverdi (mill. kr) / sysselsatte personer (1 000), "
    "avrundet til 1 desimal; " + NOTE_VINTAGE[0].lower() + NOTE_VINTAGE[1:]
)

SRC_IMDI = "IMDi / SSB"
SRC_UDIR = "Utdanningsdirektoratet"
SRC_11713 = "SSB tabell 11713"
SRC_NAV = "NAV, Helt ledige"
SRC_NAV_HL060 = "NAV, Helt ledige (tabell HL060)"
SRC_AFK = "Akershus fylkeskommune"

Row = dict[str, str]


def read_real(name: str) -> list[Row]:
    """Rows of one source file, values kept as text (leading zeros matter)."""
    with open(REAL / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def fmt_number(text: str) -> str:
    """Shortest text for a number; whole numbers without '.0' (contract: 3 not 3.0)."""
    value = Decimal(text)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def ratio(numerator: str, denominator: str, scale: int = 1) -> str:
    """numerator / denominator × scale, rounded half-up to 1 decimal on the exact decimal value."""
    exact = Decimal(numerator) * scale / Decimal(denominator)
    return fmt_number(str(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)))


def canonical_period(text: str) -> str:
    """'2011-01' → '2011M01'; years and school years are already canonical."""
    if len(text) == 7 and text[4] == "-":
        return f"{text[:4]}M{text[5:]}"
    return text


def obs(ind: str, src: Row, unit: str, source: str, note: str = "", value: str = "") -> Row:
    """One canonical observation row from one source row."""
    return {
        "indicator_id": ind,
        "region_code": src["region_code"],
        "period": canonical_period(src["period"]),
        "value": value or fmt_number(src["value"]),
        "unit": unit,
        "series": "",
        "note": note,
        "source": source,
    }


def simple(ind: str, name: str, unit: str, source: str | Callable[[Row], str],
           note: Callable[[Row], str] = lambda r: "") -> list[Row]:
    """An indicator copied one-to-one from a source file."""
    pick = source if callable(source) else (lambda r: source)
    return [obs(ind, r, unit, pick(r), note(r)) for r in read_real(name)]


def neet_rows() -> list[Row]:
    """1D-02: published 2024 shares plus 2021 shares derived from counts (plan-model.md)."""
    rows = []
    for r in read_real("neet_share_15_29"):
        from_t1 = r["source_note"].startswith("[T1]")
        src = "SSB tabell 13563" if from_t1 else "SSB tabell 13556"
        rows.append(obs("1D-02", r, "percent", src, NOTE_NEET_T1 if from_t1 else ""))
    totals = {r["region_code"]: r for r in read_real("persons_15_29_total")}
    for r in read_real("neet_count_15_29"):
        total = totals[r["region_code"]]
        assert total["period"] == r["period"] == "2021"
        note = NOTE_NEET_DERIVED + (NOTE_NEET_SUM32 if r["region_code"] == "32" else "")
        share = ratio(r["value"], total["value"], 100)
        rows.append(obs("1D-02", r, "percent", "SSB tabell 13563", note, share))
    return rows


def gva_per_employed_rows() -> list[Row]:
    """2B-01: GVA (mill. kr) / employed (1 000 persons) = thousand kr per employed person."""
    employed = {(r["region_code"], r["period"]): r for r in read_real(
        "employed_persons_regional_accounts")}
    rows = []
    for r in read_real("gva_basic_prices_current"):
        emp = employed[(r["region_code"], r["period"])]
        rows.append(obs("2B-01", r, "nok_thousand", SRC_11713, NOTE_GVA,
                        ratio(r["value"], emp["value"])))
    return rows


def nav_note(r: Row, with_2022: bool) -> str:
    """Break notes for NAV's county/national series."""
    if r["region_code"] not in {"0", "03", "32"}:
        return ""
    if r["period"] == "2018-11":
        return NOTE_NAV_BREAK
    if with_2022 and r["period"] == "2022-01":
        return NOTE_NAV_2022
    return ""


def nav_source(r: Row) -> str:
    return SRC_NAV_HL060 if r["source_note"].startswith("[T5]") else SRC_NAV


def single(ind: str, region: str, period: str, value: str, unit: str, note: str,
           source: str) -> list[Row]:
    """One hand-entered row from a cited document (plan-model.md gives the figure)."""
    return [{"indicator_id": ind, "region_code": region, "period": period, "value": value,
             "unit": unit, "series": "", "note": note, "source": source}]


def observations() -> dict[str, list[Row]]:
    """All indicator files to ship, by indicator id."""
    return {
        "1D-01": simple("1D-01", "upper_secondary_completion_share", "percent", SRC_IMDI,
                        lambda r: NOTE_COMPLETION),
        "1D-02": neet_rows(),
        "1D-03": simple("1D-03", "higher_education_share", "percent", SRC_IMDI,
                        lambda r: NOTE_AGE),
        "1D-04": simple("1D-04", "upper_secondary_dropout_share", "percent", SRC_UDIR,
                        lambda r: NOTE_UDIR_BREAK if "brudd" in r["source_note"] else ""),
        "2A-05": single("2A-05", "32", "2024", "33.4", "nok_million",
                        "Sum av innvilget i tre ordninger 2024: FIB 12 + Forregion 1,4 + NUI 20 "
                        "mill. kr (fylkeskommunens orientering 2025)", SRC_AFK),
        "2B-01": gva_per_employed_rows(),
        "2B-02": simple("2B-02", "gva_volume_change_pct", "percent", SRC_11713,
                        lambda r: NOTE_VINTAGE),
        "2B-03": simple("2B-03", "employed_persons_regional_accounts", "thousand_persons",
                        SRC_11713, lambda r: NOTE_VINTAGE),
        "2B-04": simple("2B-04", "registered_unemployed_pct", "percent", nav_source,
                        lambda r: nav_note(r, with_2022=True)),
        "2B-05": simple("2B-05", "registered_unemployed_count", "count", nav_source,
                        lambda r: nav_note(r, with_2022=False)),
        "2B-06": single("2B-06", "32", "2024K2", "735302", "count", "Folketall per 30.06.2024",
                        "SSB tabell 01223 (via akershus fylkeskommune, afk.no)"),
    }


def sort_key(row: Row) -> tuple[str, str, str]:
    # Canonical periods of one frequency sort chronologically as text ("2011/12", "2011M01").
    return (row["region_code"], row["series"], row["period"])


def write_csv(path: Path, header: list[str], rows: Iterable[dict[str, str]]) -> int:
    """UTF-8, LF, minimal quoting; returns the number of data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = list(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def check_unique(ind: str, rows: list[Row]) -> None:
    keys = [(r["region_code"], r["period"], r["series"]) for r in rows]
    assert len(keys) == len(set(keys)), f"duplicate rows in {ind}"


FUNDING_HEADER = ["year", "scheme_id", "applications", "applied_nok_million",
                  "granted_nok_million", "projects", "note", "source"]
FUNDING_SOURCE = "Akershus fylkeskommune, orientering om næringsutvikling 2025"
FUNDING = [
    ("fib", "46", "31", "12", "15", ""),
    ("forregion", "8", "1.6", "1.4", "7", "7 forprosjekter"),
    ("nui", "42", "50", "20", "15",
     ("Flest prosjekter innenfor Entreprenørskap og vekstbedrifter og Klynger og "
      "bedriftsnettverk")),
]


def funding_rows() -> list[Row]:
    return [dict(zip(FUNDING_HEADER, ("2024", *f, FUNDING_SOURCE), strict=True))
            for f in FUNDING]


GRANTS_HEADER = ["year", "scheme_id", "recipient", "project", "municipality_code",
                 "focus_area_id", "amount_nok_million", "description"]
# (scheme, recipient, project, municipality, focus area, description). Amount is unknown
# for every project: the briefing gives scheme totals only, so the column stays empty.
# Focus areas are the ids of config/goals.yaml, assigned by judgement (see data/SOURCES.md).
GRANTS = [
    ("fib", "Remadrass AS", "", "3236", "forskningsbasert-innovasjon",
     ("Remadrass AS i Jevnaker vil lage en automatisk kvalitetskontroll for gjenvinning av "
      "brukte madrasser, basert på maskinlæring, som kan gjøre dette opp til fem ganger raskere "
      "enn i dag.")),
    ("forregion", "Lithium367 AS", "", "", "forskningsbasert-innovasjon",
     ("Bedriften utvikler en prosess for resirkulering av litium fra batteriavfall, med mål om "
      "null utslipp, 100 % resirkulering av materialer og reagenser og en renhet som kan inngå "
      "i produksjon av nye litium-ionebatterier.")),
    ("nui", "", "Nordic Health Connect", "", "helsenaeringene",
     ("Skal gi vekstbedrifter som ikke har lykkes internasjonalt, tilgang på helsemarkedene i "
      "Norden.")),
    ("nui", "", "KRAFT", "", "vekstbedrifter",
     "Flere nyetableringer og vekstselskaper innen mat, miljø og bioteknologi."),
    ("nui", "", "Industrial Software Alliance", "3201", "vekstbedrifter",
     ("Bygge økosystem for industriell software på Fornebu – kople vekstselskapers løsninger "
      "med industriens behov.")),
    ("nui", "", "Gründerhub Sandvika", "3201", "etablerertjenesten",
     "Forprosjekt: gründerhub i Sandvika."),
    ("nui", "", "Innovasjonsdistrikt Sjømatklynge Romerike", "", "naeringsattraktivitet",
     "Forprosjekt: innovasjonsdistrikt for en sjømatklynge på Romerike."),
    ("nui", "", "Venture studio sirkulærøkonomi – RE", "", "landbruk-biookonomi",
     "Forprosjekt: venture studio for sirkulærøkonomi."),
    ("nui", "", "Nettverk for innovasjon og næringsutvikling blant innvandrere", "",
     "sosialt-entreprenorskap",
     "Forprosjekt: nettverk for innovasjon og næringsutvikling blant innvandrere."),
]


def grant_rows() -> list[Row]:
    return [dict(zip(GRANTS_HEADER, ("2024", s, rec, proj, muni, fa, "", desc), strict=True))
            for s, rec, proj, muni, fa, desc in GRANTS]


MILESTONES_HEADER = ["id", "start", "end", "kind", "status", "owner", "title_nb", "title_en",
                     "description_nb", "description_en"]
AFK = "Akershus fylkeskommune"
AFK_OSLO = "Akershus fylkeskommune og Oslo kommune"
UNCONFIRMED_NB = "Status ikke bekreftet."
UNCONFIRMED_EN = "Status not confirmed."
MILESTONES = [
    ("2024-naeringsstrategi", "2024-01-01", "2024-12-31", "decision", "done", AFK,
     "Vedtak om egen næringsstrategi og landbruksstrategi",
     "Decision to prepare a business strategy and an agriculture strategy",
     "Vedtatt i løpet av 2024 at det skal utarbeides egen næringsstrategi og landbruksstrategi.",
     ("Decided during 2024 that a separate business strategy and agriculture strategy shall be "
      "prepared.")),
    ("2024-inkubatorer", "2024-01-01", "2024-12-31", "decision", "done", AFK,
     "Nasjonal rominkubator og inkubatorer på Ås og Kjeller",
     "National space incubator and incubators at Ås and Kjeller",
     ("Beslutning i løpet av 2024: nasjonal rominkubator i regi av Kjeller Innovasjon og satsing "
      "på inkubatorer på Ås og Kjeller."),
     ("Decision during 2024: a national space incubator run by Kjeller Innovasjon and a focus on "
      "incubators at Ås and Kjeller.")),
    ("2024-besoksbidrag", "2024-01-01", "2024-12-31", "decision", "done", AFK,
     "Høring om besøksbidrag i reiselivet", "Consultation on a visitor contribution (tourism)",
     "Høring om besøksbidrag for reiselivet i løpet av 2024.",
     "Consultation on a visitor contribution for tourism during 2024."),
    ("planprogram", "2025-01-01", "2025-06-30", "phase", "planned", AFK_OSLO,
     "Planprogram", "Planning programme",
     "Formål med planarbeidet, medvirkning, fremdrift, alternativer som skal vurderes og "
     "organisering (januar–juni 2025). " + UNCONFIRMED_NB,
     "Purpose of the planning work, participation, progress, alternatives to be assessed and "
     "organisation (January–June 2025). " + UNCONFIRMED_EN),
    ("kompetanseforum-konstituering", "2025-01-01", "2025-01-31", "meeting", "planned",
     "Kompetanseforum Akershus (styringsgruppen)",
     "Konstituerende møte i Kompetanseforums styringsgruppe",
     "Constituent meeting of the Kompetanseforum steering group",
     "Styringsgruppen i Kompetanseforum Akershus har konstituerende møte i januar 2025. "
     + UNCONFIRMED_NB,
     "The steering group of Kompetanseforum Akershus holds its constituent meeting in January "
     "2025. " + UNCONFIRMED_EN),
    ("horing-planprogram", "2025-01-16", "2025-03-17", "phase", "done", AFK_OSLO,
     "Høring av planprogrammet", "Public consultation on the planning programme",
     ("Offentlig høring av planprogram for regional plan for kompetanse, omstilling og "
      "verdiskaping i Oslo og Akershus, 16. januar–17. mars 2025."),
     ("Public consultation on the planning programme for the regional plan for competence, "
      "transition and value creation in Oslo and Akershus, 16 January–17 March 2025.")),
    ("informasjonsmote-planprogram", "2025-01-27", "2025-01-27", "meeting", "done", AFK,
     "Digitalt informasjonsmøte om planprogrammet",
     "Digital information meeting on the planning programme",
     "Digitalt informasjonsmøte om høringen; opptaket ligger på fylkeskommunens nettsider.",
     ("Digital information meeting on the consultation; the recording is on the county's "
      "website.")),
    ("frist-horingsinnspill", "2025-03-17", "2025-03-17", "deadline", "done", AFK_OSLO,
     "Frist for høringsinnspill", "Deadline for consultation input",
     "Frist for høringsinnspill til planprogrammet, mandag 17. mars 2025.",
     "Deadline for consultation input on the planning programme, Monday 17 March 2025."),
    ("vedtak-planprogram", "2025-06-01", "2025-06-30", "decision", "planned",
     "Fylkestinget i Akershus", "Fylkestinget vedtar planprogrammet",
     "The county council adopts the planning programme",
     "Vedtak i fylkestinget juni 2025, tentativt; status ikke bekreftet.",
     "Adoption by the county council in June 2025, tentative; status not confirmed."),
    ("utarbeide-plan", "2025-06-01", "2026-03-31", "phase", "planned", AFK_OSLO,
     "Utarbeide plan", "Drafting the plan",
     "Plantema, retningslinjer, handlingsprogram og indikatorer (juni 2025–mars 2026). "
     + UNCONFIRMED_NB,
     "Plan themes, guidelines, action programme and indicators (June 2025–March 2026). "
     + UNCONFIRMED_EN),
    ("gjennomfore-plan", "2027-01-01", "2040-12-31", "phase", "planned", AFK_OSLO,
     "Gjennomføre plan", "Implementing the plan",
     ("System for oppfølging og kobling til økonomiplanen (2027–2040). Handlingsprogrammet "
      "rulleres hvert år."),
     ("Follow-up system and link to the financial plan (2027–2040). The action programme is "
      "reviewed every year.")),
]


def milestone_rows() -> list[Row]:
    rows = [dict(zip(MILESTONES_HEADER, m, strict=True)) for m in MILESTONES]
    return sorted(rows, key=lambda r: (r["start"], r["end"], r["id"]))


ACTIONS_HEADER = ["id", "title_nb", "title_en", "start", "end", "owner", "percent_complete",
                  "goal_id", "note"]


def copy_geo() -> list[str]:
    target = DATA / "geo"
    target.mkdir(parents=True, exist_ok=True)
    names = []
    for src in sorted((SHARED / "geo").glob("*.geojson")):
        shutil.copyfile(src, target / src.name)
        names.append(src.name)
    return names


def main() -> None:
    for ind, rows in observations().items():
        check_unique(ind, rows)
        n = write_csv(OBS / f"{ind}.csv", OBS_HEADER, sorted(rows, key=sort_key))
        print(f"observations/{ind}.csv: {n} rows")
    print("funding.csv:", write_csv(DATA / "funding.csv", FUNDING_HEADER, funding_rows()))
    print("grants.csv:", write_csv(DATA / "grants.csv", GRANTS_HEADER, grant_rows()))
    print("milestones.csv:", write_csv(DATA / "milestones.csv", MILESTONES_HEADER,
                                       milestone_rows()))
    print("actions.csv:", write_csv(DATA / "actions.csv", ACTIONS_HEADER, []))
    print("geo:", ", ".join(copy_geo()))


if __name__ == "__main__":
    main()
