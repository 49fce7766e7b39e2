"""Grant funding as the page shows it: the briefing's 2024 totals, unknown amounts, no double counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators import funding as fund
from indicators.ingest.tables import read_funding, read_grants

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped(model) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (read_funding(ROOT / "data" / "funding.csv", model).frame,
            read_grants(ROOT / "data" / "grants.csv", model).frame)


def grant(scheme: str, focus: str, amount: float | None, year: int = 2024,
          name: str = "X") -> dict:
    return {"year": year, "scheme_id": scheme, "recipient": name, "project": "",
            "municipality_code": "", "focus_area_id": focus, "amount_nok_million": amount,
            "description": ""}


def test_2024_totals_equal_the_briefing(model, shipped) -> None:
    funding, _ = shipped
    totals = fund.year_totals(funding, 2024)
    assert totals["applications"].value == 96  # 46 + 8 + 42
    assert totals["applied_nok_million"].value == pytest.approx(82.6)  # 31 + 1,6 + 50
    assert totals["granted_nok_million"].value == pytest.approx(33.4)  # 12 + 1,4 + 20 (2A-05)
    assert totals["projects"].value == 37  # 15 + 7 + 15
    assert fund.amount_text(20.0, "nb") == "20\xa0mill. kr"
    assert fund.amount_text(1.4, "nb") == "1,4\xa0mill. kr"
    assert fund.totals_sentence(model, funding, 2024, "nb") == (
        "I 2024 ble det innvilget 33,4\xa0mill. kr av 82,6\xa0mill. kr søkt, til 37 prosjekter "
        "fra 96 søknader i 3 ordninger.")


def test_scheme_table_has_grant_rates_in_model_order(model, shipped) -> None:
    funding, _ = shipped
    table = fund.scheme_table(model, funding)
    assert list(table["scheme_id"]) == ["fib", "forregion", "nui"]
    assert list(table["grant_rate"].round(1)) == [38.7, 87.5, 40.0]
    shown = fund.scheme_display(model, table, "nb")
    assert list(shown["Ordning"]) == ["Forskning og innovasjon i bedrift", "Forregion",
                                      "Næringsutvikling og innovasjon"]
    assert list(shown["Innvilget"]) == ["12\xa0mill. kr", "1,4\xa0mill. kr", "20\xa0mill. kr"]
    assert fund.grant_rate(fund.year_totals(funding, 2024)) == pytest.approx(33.4 / 82.6 * 100)


def test_unknown_amounts_count_as_projects_but_are_never_summed_as_zero(model, shipped) -> None:
    _, grants = shipped
    rollup = fund.focus_area_rollup(model, grants).set_index("focus_area_id")
    assert rollup.loc["forskningsbasert-innovasjon", "projects"] == 2
    assert pd.isna(rollup.loc["forskningsbasert-innovasjon", "amount"])
    assert rollup["projects"].sum() == 9
    shown = fund.focus_display(model, fund.focus_area_rollup(model, grants), "nb")
    assert "ukjent" in set(shown["Beløp"]) and "0\xa0mill. kr" not in set(shown["Beløp"])
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


def test_what_the_project_list_lacks_flows_to_not_allocated(model, shipped) -> None:
    funding, grants = shipped
    flow = fund.flows(model, grants, funding, "projects")
    rest = flow.links[flow.links["target"] == fund.UNLISTED].set_index("source")["value"]
    assert rest.to_dict() == {"scheme:fib": 14, "scheme:forregion": 6, "scheme:nui": 8}
    money = fund.flows(model, grants, funding, "amount")
    # No amount is known per project, so all 33,4 mill. kr stay per scheme, none reach a goal.
    assert money.links["value"].sum() == pytest.approx(33.4)
    assert not money.links["target"].str.startswith("goal:").any()
    assert fund.flow_summary(model, money, "amount", 2024, "nb") == (
        "I 2024 kan ingenting av 33,4\xa0mill. kr føres til et satsingsområde eller delmål: "
        "ingen beløp per prosjekt er kjent.")


def test_filters_and_search(model, shipped) -> None:
    _, grants = shipped
    assert list(fund.filter_grants(grants, search="MADRASS")["recipient"]) == ["Remadrass AS"]
    assert len(fund.filter_grants(grants, schemes=["nui"])) == 7
    assert len(fund.filter_grants(grants, municipalities=["3201"], schemes=["nui"])) == 2
    assert len(fund.filter_grants(grants, years=[2023])) == 0
    assert len(fund.filter_grants(grants, search="forprosjekt sandvika")) == 1


def test_the_csv_download_reads_back_as_the_same_grants(model, shipped, tmp_path: Path) -> None:
    _, grants = shipped
    path = tmp_path / "grants.csv"
    path.write_text(fund.grants_csv(grants), encoding="utf-8")
    again = read_grants(path, model)
    assert again.ok
    pd.testing.assert_frame_equal(again.frame, grants)
