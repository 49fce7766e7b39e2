"""Auditable conversion of the second data hunt (extracts beside make_data_files.py's, with their
provenance note PROVENANCE-2) into observation files to load with the normal import path:

    .venv/bin/python tools/real_data_2.py /tmp/real2
    .venv/bin/python -m indicators import /tmp/real2/*.csv --user "…"

Values are copied as they stand (whole numbers without ".0"); each row's note says what the figure
is, its vintage and how it differs from the indicator's definition. A figure whose definition or
vintage differs from the headline goes to a named series (never the headline).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "real"  # the extracts, where they exist
HEADER = ["indicator_id", "region_code", "period", "value", "unit", "series", "note", "source"]

SERIES_16PLUS = "16 år og over"  # 1D-03: SSB 09429's population, beside IMDi's (probably) 30–66
SERIES_CHECK = "SSB publisert (kontroll)"  # 2B-01: another vintage, a cross-check only

# Publication of each source page (PROVENANCE-2: P1–P8, T12), as the rows' source column says.
SOURCES = {
    "P1": "SSB, foretaksdemografi, statisk tabell 3 (publisert 2005)",
    "P2": "SSB, nyetablerte foretak etter overlevelse og fylke (artikkeltabell 144477)",
    "P3": "SSB, foretak, nyetablerte og nedlagte foretak etter fylke (artikkeltabell 306865)",
    "P4": "SSB, registerbasert sysselsettingsstatistikk, tabell 3 (publisert 2007)",
    "P5": "SSB, nyetablerte foretaks overlevelse og vekst, tabell 2 (publisert 2011)",
    "P6": "SSB, nyetablerte foretaks overlevelse og vekst, tabell 3 (publisert 2010)",
    "P7": "SSB, fylkesfordelt nasjonalregnskap (artikkeltabell 399283)",
    "P8": "SSB, fylkesfordelt nasjonalregnskap (publisert 2018-03-26)",
    "T12": "SSB tabell 09429 (via Telemark fylkeskommunes arbeidsbok Utdanningsnivå_samlet.xlsx)",
}


def read(name: str) -> list[dict[str, str]]:
    with open(REAL / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def source_id(row: dict[str, str]) -> str:
    return row["source_note"].split("]", 1)[0].lstrip("[")


def number(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text


def new_enterprises(row: dict[str, str]) -> tuple[str, str]:
    note = ("Nyetableringer (nye foretak korrigert for overtakelser); "
            "tallversjon fra denne publikasjonen (senere revisjoner mulig)")
    return note, ""


def survival(row: dict[str, str]) -> tuple[str, str]:
    cohort = int(row["period"])
    note = (f"Foretak etablert {cohort} som fortsatt var aktive i {cohort + 5} (overlevd; sovende "
            "foretak regnes ikke med); perioden er etableringsåret")
    return note, ""


def employment(row: dict[str, str]) -> tuple[str, str]:
    return ("Registerbasert, 4. kvartal, etter bosted; før a-ordningen: kan ikke sammenlignes "
            "med tall fra 2015 og senere"), ""


def gva_check(row: dict[str, str]) -> tuple[str, str]:
    return ("SSBs egen publiserte BNP per sysselsatt (basisverdi), i 1 000 kr; en annen "
            "tallversjon enn hovedserien, som er regnet ut av SSB 11713 — bare til kontroll"), SERIES_CHECK


def education_16plus(row: dict[str, str]) -> tuple[str, str]:
    return ("Personer 16 år og over: (universitets- og høgskolenivå kort + lang) / alle × 100, "
            "avrundet til 1 desimal; en annen befolkning enn hovedserien (IMDi, trolig 30–66 år)"
            ), SERIES_16PLUS


FILES = {  # indicator: (source file, unit, how a row's note and series are made)
    "2A-01": ("new_enterprises_count", "count", new_enterprises),
    "2A-02": ("new_enterprises_survival_5y_share", "percent", survival),
    "1D-05": ("employment_rate_15_74", "percent", employment),
    "2B-01": ("gva_per_employed_ssb_published", "nok_thousand", gva_check),
    "1D-03": ("higher_education_share_16plus", "percent", education_16plus),
}


def rows(indicator: str) -> list[list[str]]:
    name, unit, make = FILES[indicator]
    out = []
    for row in read(name):
        note, series = make(row)
        out.append([indicator, row["region_code"], row["period"], number(row["value"]), unit,
                    series, note, SOURCES[source_id(row)]])
    return out


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for indicator in FILES:
        path = folder / f"{indicator}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(rows(indicator))
        print(path)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/real2"))
