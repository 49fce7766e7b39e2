"""A stand-in SSB table for connecting an indicator (2A-03, FoU) through Koble til SSB: its
search entry, metadata, and figures for Norway and every county of today's division, in
PxWebApi v2's shapes (standin.py). Used by the unit tests and the browser test alike."""

from __future__ import annotations

from tests.indicators.sources.standin import Dim, Seen, StandIn, dataset, metadata, table_entry

TABLE = "07967"
LABEL = "FoU-utgifter i næringslivet, etter sektor og fylke (mill. kr)"
COUNTIES = {"03": "Oslo", "11": "Rogaland", "15": "Møre og Romsdal", "18": "Nordland",
            "31": "Østfold", "32": "Akershus", "33": "Buskerud", "34": "Innlandet",
            "39": "Vestfold", "40": "Telemark", "42": "Agder", "46": "Vestland",
            "50": "Trøndelag", "55": "Troms", "56": "Finnmark"}
# The business sector's figures for 2025: Akershus is third, after Oslo and Vestland.
BUSINESS_2025 = {"0": 80000.0, "32": 9500.5, "03": 21000.0, "46": 9800.0, "11": 7000.0}
OTHER_COUNTY_2025 = 5000.0
YEARS = ("2024", "2025")


def value(region: str, year: str, sector: str) -> float:
    figure = BUSINESS_2025.get(region, OTHER_COUNTY_2025)
    if year == "2024":
        figure -= 500.0
    return figure if sector == "NAER" else figure * 3  # "all sectors" is never the one picked


def fou_table(request: Seen) -> dict:
    sel = request.selection()
    regions = list(COUNTIES) + ["0"] if sel["Region"] == ["*"] else sel["Region"]
    years = list(YEARS) if sel.get("Tid") == ["*"] else sel["Tid"]
    return dataset([("Region", regions), ("Sektor", sel["Sektor"]),
                    ("ContentsCode", sel["ContentsCode"]), ("Tid", years)],
                   lambda Region, Sektor, Tid, **_: value(Region, Tid, Sektor))  # noqa: N803


def fou_standin() -> StandIn:
    dims = [Dim("Region", {"0": "Hele landet", **COUNTIES}, label="region"),
            Dim("Sektor", {"ALLE": "Alle sektorer", "NAER": "Næringslivet"}, label="sektor"),
            Dim("ContentsCode", {"FoUutgifter": "FoU-utgifter"}, label="statistikkvariabel",
                units={"FoUutgifter": ("mill. kr", 1)}),
            Dim("Tid", {y: y for y in YEARS}, label="år")]
    return StandIn(tables={TABLE: fou_table}, meta={TABLE: metadata(TABLE, LABEL, dims)},
                   catalogue=[table_entry(TABLE, LABEL, first=YEARS[0], last=YEARS[-1],
                                          variables=["region", "sektor", "år"])])
