"""Tilskudd as a reader sees it, on scheme totals and a project list made here (never the shipped
figures): the totals and the grant rate, unknown amounts, the flow, the project list; and a
generated five-year list of 2 500 grants, which must render correctly and quickly."""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.build import build
from indicators.i18n import format_number, format_value
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA, copy_repo
from tests.pages.conftest import ROOT, all_text, card_frames, page_opener

SCHEMES = ["Forskning og innovasjon i bedrift", "Forregion", "Næringsutvikling og innovasjon"]
# Three schemes in 2024: 8.2 of 20.5 mill. kr granted (a grant rate of 40 %), to 10 projects
# from 20 applications.
FUNDING = ("year,scheme_id,applications,applied_nok_million,granted_nok_million,projects,note,source\n"
           "2024,fib,10,10.5,4.2,4,,Testkilde\n"
           "2024,forregion,4,2,1.5,3,,Testkilde\n"
           "2024,nui,6,8,2.5,3,,Testkilde\n")
# Four of the ten projects listed (one of FIB's four, all three of NUI's), none with its amount (as
# in the county's briefing); their focus areas' main goals are 2A (the first two) and 2B (the last
# two); two are in Bærum (3201).
GRANTS_HEADER = ("year,scheme_id,recipient,project,municipality_code,focus_area_id,amount_nok_million,"
                 "description,focus_area_basis\n")
GRANTS = (GRANTS_HEADER
          + "2024,fib,Remadrass AS,,3236,forskningsbasert-innovasjon,,Gjenvinning av brukte "
            "madrasser med maskinlæring.,assessed\n"
          + "2024,nui,,Gründerhub Sandvika,3201,etablerertjenesten,,Forprosjekt i Sandvika.,assessed\n"
          + "2024,nui,,Software Fornebu,3201,vekstbedrifter,,Økosystem på Fornebu.,assessed\n"
          + "2024,nui,,Sjømatklynge Romerike,,naeringsattraktivitet,,Forprosjekt på Romerike.,assessed\n")
MILESTONES_HEADER = "id,start,end,kind,status,owner,title_nb,title_en,description_nb,description_en\n"


def milestones(today: date) -> str:
    """Four milestones after today (the overview names the next three, soonest first) and one
    before it (never among the next)."""
    rows = [("forbi", -30, "Passert milepæl"), ("fjerde", 120, "Fjerde milepæl"),
            ("forste", 10, "Første milepæl"), ("tredje", 90, "Tredje milepæl"),
            ("andre", 40, "Andre milepæl")]
    return MILESTONES_HEADER + "".join(
        f"{key},{today + timedelta(days=days)},,milestone,planned,Fylkeskommunen,{title},{title},,\n"
        for key, days, title in rows)


def site_db(folder: Path, files: dict[str, str]) -> Path:
    """config/ and the test data set in `folder`, with `files` (name to text) written into its
    data/ and a database built from them."""
    root = copy_repo(folder, FIXTURE_DATA)
    for name, text in files.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    report = build(load_model(root / "config" / "goals.yaml"), root / "data", root / "t.duckdb")
    assert report.ok, report.problems[:5]
    return root / "t.duckdb"


@pytest.fixture(scope="module")
def funding_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return site_db(tmp_path_factory.mktemp("funding"), {
        "funding.csv": FUNDING, "grants.csv": GRANTS, "milestones.csv": milestones(date.today())})


@pytest.fixture
def open_funding(funding_db: Path, monkeypatch: pytest.MonkeyPatch):
    return page_opener(funding_db, monkeypatch)


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_funding_page_shows_the_year_s_totals_and_grant_rate(open_funding) -> None:
    at = open_funding("app_pages/tilskudd.py")
    text = all_text(at)
    for name in SCHEMES:
        assert name in text
    # Each scheme's granted amount, and the sums of all three.
    assert "4,2\xa0mill. kr" in text and "1,5\xa0mill. kr" in text and "2,5\xa0mill. kr" in text
    assert ("I 2024 ble det innvilget 8,2\xa0mill. kr av 20,5\xa0mill. kr søkt, til 10 prosjekter "
            "fra 20 søknader i 3 ordninger.") in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Innvilget"] == "8,2\xa0mill. kr" and metrics["Prosjekter"] == "10"
    assert metrics["Tildelingsgrad (beløp)"] == "40,0\xa0%"  # 8.2 / 20.5
    assert "Tildelingsgrad = innvilget beløp delt på søkt beløp." in text
    # No amount per project is known: "ukjent", never 0.
    assert "ukjent" in text and "Viser 4 av 4 prosjekter. 4 av dem har ukjent beløp." in text
    assert "regnes bare under sitt første (hoved)delmål" in text
    kinds = [c["data"][0]["type"] for c in charts(at)]
    assert kinds == ["bar", "bar", "sankey"]


def test_the_flow_is_a_sankey_from_schemes_through_focus_areas_to_goals(open_funding) -> None:
    at = open_funding("app_pages/tilskudd.py")
    sankey = charts(at)[-1]["data"][0]
    labels = [label.replace("<br>", " ") for label in sankey["node"]["label"]]  # names in lines
    assert labels[:3] == SCHEMES
    assert "Delmål 2A: Nyskaping og omstilling" in labels and "Ikke fordelt på satsingsområde" in labels
    # The four listed projects go on to their main goals; the other six are not allocated.
    assert ("I 2024 er 4 prosjekter av 10 prosjekter plassert på et satsingsområde og ført videre "
            "til delmål (2A: 2 prosjekter, 2B: 2 prosjekter); 6 prosjekter er ikke fordelt.") \
        in all_text(at)
    at.radio(key="funding_measure").set_value("amount").run()
    assert "ingen beløp per prosjekt er kjent" in all_text(at)


def test_search_and_filters_narrow_the_project_list(open_funding) -> None:
    at = open_funding("app_pages/tilskudd.py")
    at.text_input(key="grant_search").input("madrasser").run()
    text = all_text(at)
    assert "Viser 1 av 4 prosjekter." in text and "Remadrass AS" in text
    # A phone's card leads with who got the grant, not the year; every project fits as cards.
    card = card_frames(at)[-1].iloc[0]
    assert card.iloc[0] == "Remadrass AS" and card["Kommune"] == "Jevnaker"
    assert "som kort" not in text
    at.text_input(key="grant_search").input("").run()
    at.multiselect(key="filter_municipality").select("3201").run()
    assert "Viser 2 av 4 prosjekter." in all_text(at)


def test_funding_page_in_english(open_funding) -> None:
    text = all_text(open_funding("app_pages/tilskudd.py", lang="en"))
    assert "Business development and innovation" in text
    assert format_value(2.5, "nok_million", "en") in text and "unknown" in text
    assert "counted under its first (main) goal only" in text


def test_overview_has_the_funding_summary_and_the_next_three_milestones(open_funding) -> None:
    text = all_text(open_funding("app_pages/oversikt.py"))
    assert "Tilskudd og neste milepæler" in text
    assert "I 2024 ble det innvilget 8,2\xa0mill. kr av 20,5\xa0mill. kr søkt" in text
    assert "Neste milepæler" in text
    shown = [title for title in ("Første milepæl", "Andre milepæl", "Tredje milepæl") if title in text]
    assert shown == ["Første milepæl", "Andre milepæl", "Tredje milepæl"]
    assert text.index("Første milepæl") < text.index("Andre milepæl") < text.index("Tredje milepæl")
    assert "Fjerde milepæl" not in text and "Passert milepæl" not in text


# ---- five years, 500 grants a year, generated here (never in data/) ----------------------------

YEARS = range(2020, 2025)
PER_YEAR = 500


def generated(model) -> tuple[pd.DataFrame, pd.DataFrame]:
    places = [r.code for r in model.municipalities()]
    rows = []
    for year in YEARS:
        for i in range(PER_YEAR):
            scheme = model.schemes[i % len(model.schemes)]
            rows.append({
                "year": year, "scheme_id": scheme.id, "recipient": f"Bedrift {year}-{i} AS",
                "project": f"Prosjekt {i}", "municipality_code": places[i % len(places)],
                "focus_area_id": scheme.focus_areas[i % len(scheme.focus_areas)],
                # Every seventh amount is unknown: it must never be summed as 0.
                "amount_nok_million": None if i % 7 == 0 else round(0.1 + (i % 40) / 10, 1),
                "description": "Generert testprosjekt"})
    grants = pd.DataFrame(rows)
    sums = grants.groupby(["year", "scheme_id"]).agg(
        granted_nok_million=("amount_nok_million", "sum"), projects=("recipient", "size"))
    funding = sums.reset_index()
    funding["granted_nok_million"] = funding["granted_nok_million"].round(1)
    funding["applied_nok_million"] = (funding["granted_nok_million"] * 2.5).round(1)
    funding["applications"] = funding["projects"] * 3
    funding["note"], funding["source"] = "", "Testdata"
    return funding, grants


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, pd.DataFrame]:
    funding, grants = generated(load_model(ROOT / "config" / "goals.yaml"))
    db = site_db(tmp_path_factory.mktemp("big"), {"funding.csv": funding.to_csv(index=False),
                                                  "grants.csv": grants.to_csv(index=False)})
    return db, funding, grants


def test_five_years_of_500_grants_render_correctly_and_quickly(big, monkeypatch) -> None:
    db, funding, grants = big
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("app_pages/tilskudd.py")
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    assert not at.exception, [e.message for e in at.exception]
    assert elapsed < 10, f"the page took {elapsed:.1f} s"
    text = all_text(at)
    latest = funding[funding["year"] == 2024]
    granted = format_value(latest["granted_nok_million"].sum(), "nok_million", "nb")
    assert {m.label: m.value for m in at.metric}["Innvilget"] == granted
    total = format_number(len(grants), "nb", 0)
    unknown = format_number(int(grants["amount_nok_million"].isna().sum()), "nb", 0)
    assert f"Viser {total} av {total} prosjekter. {unknown} av dem har ukjent beløp." in text
    assert "Innvilget per år" in text
    # A phone gets the first 20 projects as cards, the grid's first rows, and where the rest are.
    cards, grid = card_frames(at)[-1], at.dataframe[-1].value
    assert len(cards) == 20
    assert cards.iloc[0, 0] == f"{grid['Mottaker'].iloc[0]} – {grid['Prosjekt'].iloc[0]}"
    assert "Viser de 20 første prosjektene som kort." in text
    # The year chart stacks every scheme over all five years.
    per_year = [c for c in charts(at) if c["layout"].get("barmode") == "stack"][0]
    assert [t["x"] for t in per_year["data"]][0] == [str(y) for y in YEARS]
    # The focus areas count every 2024 grant, known amount or not.
    focus = all_text(at)
    assert "500 oppførte prosjekter" in focus

    at.selectbox(key="funding_year").select("2022").run()
    at.multiselect(key="filter_scheme").select("fib").run()
    at.multiselect(key="filter_year").select(2022).run()
    expected = len(grants[(grants["year"] == 2022) & (grants["scheme_id"] == "fib")])
    assert f"Viser {expected} av {total} prosjekter." in all_text(at)
    assert len(at.dataframe[-1].value) == expected


# ---- focus areas we assessed ourselves, in a grants file made here ------------------------------


@pytest.fixture(scope="module")
def assessed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return site_db(tmp_path_factory.mktemp("assessed"), {"funding.csv": FUNDING, "grants.csv": (
        GRANTS_HEADER
        + "2024,nui,Oppgitt AS,,,vekstbedrifter,,Kilden sier vekstbedrifter,source\n"
        + "2024,nui,Vurdert AS,,,helsenaeringene,,Helse i Norden,assessed\n")})


def open_assessed(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    return page_opener(db, monkeypatch)("app_pages/tilskudd.py", **params)


def test_a_reader_sees_which_focus_areas_we_assessed(assessed_db, monkeypatch) -> None:
    at = open_assessed(assessed_db, monkeypatch)
    rows = at.table[-1].value.set_index("Mottaker")["Satsingsområde"]
    assert rows["Vurdert AS"] == "Helsenæringene (vurdert av oss ut fra prosjektbeskrivelsen)"
    assert rows["Oppgitt AS"] == "Vekstbedrifter"
    text = all_text(at)
    assert ("1 av 2 prosjekter med satsingsområde er plassert der av oss, vurdert ut fra "
            "prosjektbeskrivelsen") in text
    assert any("fordeling på satsingsområder vurdert av oss" in c.value for c in at.caption)
    sankey = charts(at)[-1]
    # The words under the figure, without their markup and line breaks.
    notes = " ".join(re.sub(r"<[^>]+>", " ", a["text"]) for a in sankey["layout"]["annotations"])
    notes = re.sub(r"\s+", " ", notes)
    assert "Kobling til satsingsområde vurdert av oss ut fra prosjektbeskrivelsen" in notes
    assert "Prosjekter per ordning er fra kilden" in notes
    assert len(set(sankey["data"][0]["link"]["color"])) > 1


def test_the_assessed_label_in_english(assessed_db, monkeypatch) -> None:
    at = open_assessed(assessed_db, monkeypatch, lang="en")
    rows = at.table[-1].value.set_index("Recipient")["Focus area"]
    assert rows["Vurdert AS"] == "Health industries (assessed by us from the project description)"
    assert any("allocation to focus areas assessed by us" in c.value for c in at.caption)
