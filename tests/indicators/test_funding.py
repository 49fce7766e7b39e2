"""Grant funding as the page shows it: a year's totals, unknown amounts, no double counts.

Read from the invented plan files in tests/fixtures/data (tests/fixtures/README.md), so a grant a
planner adds to data/grants.csv changes no expected figure here."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators import funding as fund
from indicators.ingest.tables import read_funding, read_grants
from tests.conftest import FIXTURE_DATA


@pytest.fixture(scope="module")
def plan(model) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fixture's scheme totals and grants: 2024 for fib, forregion and nui, and 2023 for nui."""
    return (read_funding(FIXTURE_DATA / "funding.csv", model).frame,
            read_grants(FIXTURE_DATA / "grants.csv", model).frame)


def of_year(frames: tuple[pd.DataFrame, pd.DataFrame], wanted: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scheme totals and grants of one year, as the page shows one year at a time."""
    funding, grants = frames
    return funding[funding["year"] == wanted], grants[grants["year"] == wanted]


def grant(scheme: str, focus: str, amount: float | None, year: int = 2024,
          name: str = "X") -> dict:
    return {"year": year, "scheme_id": scheme, "recipient": name, "project": "",
            "municipality_code": "", "focus_area_id": focus, "amount_nok_million": amount,
            "description": ""}


def test_a_year_s_totals_add_up_the_schemes(model, plan) -> None:
    funding, _ = plan
    totals = fund.year_totals(funding, 2024)
    assert totals["applications"].value == 60  # 30 + 4 + 26
    assert totals["applied_nok_million"].value == pytest.approx(37)  # 15 + 2 + 20
    assert totals["granted_nok_million"].value == pytest.approx(12.5)  # 6 + 1,5 + 5
    assert totals["projects"].value == 13  # 5 + 2 + 6
    assert fund.amount_text(20.0, "nb") == "20\xa0mill. kr"
    assert fund.amount_text(1.5, "nb") == "1,5\xa0mill. kr"
    assert fund.totals_sentence(model, funding, 2024, "nb") == (
        "I 2024 ble det innvilget 12,5\xa0mill. kr av 37\xa0mill. kr søkt, til 13 prosjekter "
        "fra 60 søknader i 3 ordninger.")
    # 2023 gives no amount applied for: the sum is not complete, so no grant rate is made up.
    earlier = fund.year_totals(funding, 2023)
    assert earlier["applied_nok_million"] == fund.Total(None, 1)
    assert fund.grant_rate(earlier) is None


def test_scheme_table_has_grant_rates_in_model_order(model, plan) -> None:
    funding, _ = plan
    table = fund.scheme_table(model, funding)
    # Newest year first, schemes in the model's order within it.
    assert list(zip(table["year"], table["scheme_id"], strict=True)) == [
        (2024, "fib"), (2024, "forregion"), (2024, "nui"), (2023, "nui")]
    rates = table["grant_rate"].round(1)
    assert list(rates[:3]) == [40.0, 75.0, 25.0]  # 6 / 15, 1,5 / 2, 5 / 20
    assert pd.isna(rates[3])  # 2023: the amount applied for is unknown
    shown = fund.scheme_display(model, table, "nb")
    assert list(shown["Ordning"][:3]) == ["Forskning og innovasjon i bedrift", "Forregion",
                                          "Næringsutvikling og innovasjon"]
    assert list(shown["Innvilget"]) == ["6\xa0mill. kr", "1,5\xa0mill. kr", "5\xa0mill. kr",
                                        "3\xa0mill. kr"]
    assert (shown["Søkt"][3], shown["Tildelingsgrad"][3]) == ("ukjent", "ukjent")
    assert fund.grant_rate(fund.year_totals(funding, 2024)) == pytest.approx(12.5 / 37 * 100)


def test_unknown_amounts_count_as_projects_but_are_never_summed_as_zero(model, plan) -> None:
    _, grants = of_year(plan, 2024)
    rollup = fund.focus_area_rollup(model, grants).set_index("focus_area_id")
    # Fjordlys 2,5 mill. kr and Kornmo with no amount.
    row = rollup.loc["forskningsbasert-innovasjon"]
    assert (row["projects"], row["amount"], row["unknown_amounts"]) == (2, 2.5, 1)
    assert pd.isna(rollup.loc["etablerertjenesten", "amount"])  # its one grant has no amount
    assert rollup.loc[fund.UNKNOWN, "projects"] == 1  # Tunet names no focus area
    assert rollup["projects"].sum() == len(grants) == 5
    shown = fund.focus_display(model, fund.focus_area_rollup(model, grants), "nb")
    amounts = dict(zip(shown["Satsingsområde"], shown["Beløp"], strict=True))
    assert amounts["Forskningsbasert innovasjon"] == "2,5\xa0mill. kr + 1 ukjente"
    assert amounts["Etablerertjenesten/gründermiljøer"] == "ukjent"
    assert "0\xa0mill. kr" not in set(shown["Beløp"])
    mixed = pd.DataFrame([grant("nui", "reiseliv", 2.0), grant("nui", "reiseliv", None, name="Y")])
    row = fund.focus_area_rollup(model, mixed).set_index("focus_area_id").loc["reiseliv"]
    assert (row["projects"], row["amount"], row["unknown_amounts"]) == (2, 2.0, 1)
    assert fund.amount_text(row["amount"], "nb", 1) == "2\xa0mill. kr + 1 ukjente"
    assert fund.total(pd.Series([None, None], dtype=float)).value is None


def test_money_of_a_focus_area_with_two_goals_goes_to_its_first_goal_only(model) -> None:
    # forskningsbasert-innovasjon serves 2A and 2B; 2A is listed first.
    grants = pd.DataFrame([grant("fib", "forskningsbasert-innovasjon", 3.0),
                           grant("nui", "vekstbedrifter", 2.0),  # goals [2B, 2A]
                           grant("nui", "", 1.0, name="Z")])
    flow = fund.flows(model, grants, pd.DataFrame(columns=["scheme_id", "granted_nok_million",
                                                           "projects"]), "amount")
    into = flow.links[flow.links["target"].str.startswith("goal:")].set_index("source")["value"]
    assert into.to_dict() == {"focus:forskningsbasert-innovasjon": 3.0, "focus:vekstbedrifter": 2.0}
    goals = flow.links[flow.links["target"].str.startswith("goal:")].groupby("target")["value"].sum()
    assert goals.to_dict() == {"goal:2A": 3.0, "goal:2B": 2.0}
    assert goals.sum() == 5.0  # not 10: nothing counted once per goal
    assert ("scheme:nui", "unknown", 1.0, "source") in set(map(tuple, flow.links.to_numpy()))


def test_what_the_project_list_lacks_flows_to_not_allocated(model, plan) -> None:
    funding, grants = of_year(plan, 2024)
    flow = fund.flows(model, grants, funding, "projects")
    rest = flow.links[flow.links["target"] == fund.UNLISTED].set_index("source")["value"]
    # Projects per scheme minus the grants listed: fib 5 - 1, forregion 2 - 1, nui 6 - 3.
    assert rest.to_dict() == {"scheme:fib": 4, "scheme:forregion": 1, "scheme:nui": 3}
    money = fund.flows(model, grants, funding, "amount")
    out_of_schemes = money.links[money.links["source"].str.startswith("scheme:")]
    assert out_of_schemes["value"].sum() == pytest.approx(12.5)  # the schemes' whole total
    unlisted = out_of_schemes[out_of_schemes["target"] == fund.UNLISTED].set_index("source")
    # fib 6 - 2,5 (Fjordlys); forregion 1,5 - nothing known (Kornmo); nui 5 - 1,5 (Vekstløft).
    assert unlisted["value"].to_dict() == {"scheme:fib": 3.5, "scheme:forregion": 1.5,
                                           "scheme:nui": 3.5}
    assert fund.flow_summary(model, money, "amount", 2024, "nb") == (
        "I 2024 er 4\xa0mill. kr av 12,5\xa0mill. kr plassert på et satsingsområde og ført videre "
        "til delmål (2A: 2,5\xa0mill. kr, 2B: 1,5\xa0mill. kr); 8,5\xa0mill. kr er ikke fordelt.")
    # With no amount known per grant, nothing can reach a goal.
    unknown = grants.assign(amount_nok_million=float("nan"))
    none = fund.flows(model, unknown, funding, "amount")
    assert not none.links["target"].str.startswith("goal:").any()
    assert fund.flow_summary(model, none, "amount", 2024, "nb") == (
        "I 2024 kan ingenting av 12,5\xa0mill. kr føres til et satsingsområde eller delmål: "
        "ingen beløp per prosjekt er kjent.")


def test_filters_and_search(model, plan) -> None:
    _, grants = plan
    assert list(fund.filter_grants(grants, search="FJORD")["recipient"]) == ["Fjordlys Sensor AS"]
    assert len(fund.filter_grants(grants, schemes=["nui"])) == 4  # three in 2024, one in 2023
    assert list(fund.filter_grants(grants, municipalities=["3205"], schemes=["nui"])["project"]) \
        == ["Vekstløft Romerike"]
    assert list(fund.filter_grants(grants, years=[2023])["recipient"]) == ["Bryggeri Smak AS"]
    assert len(fund.filter_grants(grants, years=[2022])) == 0
    # Every word must match: two grants are a "forprosjekt", one of them in Asker.
    assert len(fund.filter_grants(grants, search="forprosjekt")) == 2
    assert len(fund.filter_grants(grants, search="forprosjekt asker")) == 1


def test_the_csv_download_reads_back_as_the_same_grants(model, plan, tmp_path: Path) -> None:
    _, grants = plan
    path = tmp_path / "grants.csv"
    path.write_text(fund.grants_csv(grants), encoding="utf-8")
    again = read_grants(path, model)
    assert again.ok
    pd.testing.assert_frame_equal(again.frame, grants)
