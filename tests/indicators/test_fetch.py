"""`fetch ssb` against a PxWebApi v2 stand-in: values, history, undo, region history, failures."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators import cli, store, views
from indicators.fetch import compute, region_for, requests
from indicators.i18n import format_date
from indicators.model import PlanModel, SsbSource, load_model
from tests.conftest import exported_csv, run_cli
from tests.indicators.sources.standin import UPDATED, Seen, StandIn, closed_port, dataset, serve

ROOT = Path(__file__).resolve().parents[2]
MUNICIPALITIES = [f"32{n:02d}" for n in (1, 3, 5, 7, 9, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30,
                                         32, 34, 36, 38, 40, 42)]


# ---- the stand-in's tables (test values, chosen so each cell can be told apart) -------------------


def regions(sel: dict) -> list[str]:
    """The region codes asked for, with vs_Landet's "*" answered as SSB does: "0"."""
    return ["0"] if sel["Region"] == ["*"] else sel["Region"]


def neet(request: Seen) -> dict:
    """13556 as SSB sends it, in its own dimension order; municipalities have no 2021 figure."""
    sel = request.selection()

    def cell(Region: str, Tid: str, **_: str) -> object:  # noqa: N803
        if Region.startswith("32") and len(Region) == 4:
            return (None, "..") if Tid == "2021" else 5 + MUNICIPALITIES.index(Region) / 2
        return {"0": 11.0, "32": 9.5, "03": 12.25}[Region] - (Tid == "2021")

    return dataset([("Region", regions(sel)), ("HovArbStyrkStatus", sel["HovArbStyrkStatus"]),
                    ("Alder", sel["Alder"]), ("Kjonn", sel["Kjonn"]),
                    ("ContentsCode", sel["ContentsCode"]), ("Tid", ["2021", "2024"])], cell)


def education(request: Seen) -> dict:
    """09429: the short and long higher-education shares, to be summed."""
    sel = request.selection()
    return dataset([("Tid", ["2024"]), ("Region", regions(sel)), ("Nivaa", sel["Nivaa"]),
                    ("Kjonn", sel["Kjonn"]), ("ContentsCode", sel["ContentsCode"])],
                   lambda Nivaa, **_: {"03a": 20.1, "04a": 12.2}[Nivaa])  # noqa: N803


def population(request: Seen) -> dict:
    """01223: K-/F- codes as SSB's aggregation codelists write them."""
    sel = request.selection()
    return dataset([("ContentsCode", sel["ContentsCode"]), ("Region", regions(sel)),
                    ("Tid", ["2024K3", "2024K4"])],
                   lambda Region, Tid, **_: 1000 * len(Region) + int(Tid[-1]))  # noqa: N803


TABLES = {"13556": neet, "09429": education, "01223": population}
# Blocks still awaiting a check (needs_check) are fetched only when named.
SERVED = ("1D-02", "1D-03", "2B-06")


# ---- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def repo(built_repo: Path) -> Path:
    return built_repo


def args(repo: Path, *extra: str) -> list[str]:
    return ["--db", str(repo / "data" / "dashboard.duckdb"), "--config", str(repo / "config" / "goals.yaml"),
            *extra]


def fetch(repo: Path, url: str, monkeypatch: pytest.MonkeyPatch, *extra: str) -> int:
    """`fetch ssb [ID…] OPTIONS` in-process, with SSB at `url`; `extra` mixes ids and options."""
    monkeypatch.setenv("SSB_API_URL", url)
    ids = [e for e in extra if not e.startswith("-")]
    options = [e for e in extra if e.startswith("-")]
    return cli.main(["fetch", "ssb", *ids, *args(repo, "--no-write-back", *options)])


def stored(repo: Path, indicator: str, region: str, period: str, series: str = "") -> float | None:
    con = store.connect(repo / "data" / "dashboard.duckdb")
    try:
        rows = con.execute("SELECT value FROM observations WHERE indicator_id = ? AND "
                           "region_code = ? AND period = ? AND series = ?",
                           [indicator, region, period, series]).fetchall()
    finally:
        con.close()
    return rows[0][0] if rows else None


def history(repo: Path) -> pd.DataFrame:
    con = store.connect(repo / "data" / "dashboard.duckdb")
    try:
        return store.history(con)
    finally:
        con.close()


# ---- the whole path --------------------------------------------------------------------------------


def test_fetch_loads_the_served_indicators_with_an_undoable_record(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    before = exported_csv(repo / "data" / "dashboard.duckdb")
    missing_before = stored(repo, "1D-02", "3201", "2021")
    assert missing_before is not None  # the shipped 2021 municipal share
    with serve(StandIn(tables=dict(TABLES))) as ssb:
        assert fetch(repo, ssb.url, monkeypatch, *SERVED) == 0
    out = capsys.readouterr().out
    assert "SSB tabell 13556" in out and "SSB tabell 01223" in out
    # The cell itself, a sum of two levels, and K-/F- codes on today's region codes.
    assert stored(repo, "1D-02", "32", "2024") == 9.5
    assert stored(repo, "1D-02", "0", "2021") == 10.0
    assert stored(repo, "1D-02", "3203", "2024") == 5.5
    assert stored(repo, "1D-03", "32", "2024", "16 år og over") == 32.3  # its own series
    assert stored(repo, "1D-03", "32", "2024") is None
    assert stored(repo, "2B-06", "3201", "2024K4") == 6004
    assert stored(repo, "2B-06", "32", "2024K3") == 4003
    # A cell SSB has no figure for never wipes out a stored one.
    assert stored(repo, "1D-02", "3201", "2021") == missing_before
    # Each region group went in its own request with the codelist from the model.
    codelists = {(s.path.split("/")[-2], s.codelists().get("Region")) for s in ssb.seen}
    assert ("13556", "agg_KommGjeldende") in codelists and ("01223", "agg_KommSummer") in codelists
    assert len(ssb.seen) == 9
    imports = history(repo)
    ssb_rows = imports[imports["kind"] == "ssb"].sort_values("id")
    assert list(ssb_rows["file_name"]) == ["ssb-13556.csv", "ssb-09429.csv", "ssb-01223.csv"]
    assert set(ssb_rows["source"]) == {f"SSB tabell {t}, oppdatert {UPDATED}" for t in TABLES}
    for import_id in reversed(list(ssb_rows["id"])):
        store.undo(repo / "data" / "dashboard.duckdb", int(import_id))
    assert exported_csv(repo / "data" / "dashboard.duckdb") == before


def test_ssb_figures_are_dated_by_ssb_and_undo_takes_the_date_back(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SSB's `updated` is shown as "publisert" beside the figures the fetch brought."""
    db = repo / "data" / "dashboard.duckdb"
    model = load_model(repo / "config" / "goals.yaml")

    def latest() -> views.Summary:
        con = store.connect(db)
        try:
            return views.summaries(model, store.latest(con, [("2B-06", "32")]))["2B-06"]
        finally:
            con.close()

    shipped = latest()
    with serve(StandIn(tables=dict(TABLES))) as ssb:
        assert fetch(repo, ssb.url, monkeypatch, "2B-06") == 0
    fetched = latest()
    assert fetched.period != shipped.period
    assert fetched.published == date.fromisoformat(UPDATED[:10])
    assert f"publisert {format_date(fetched.published)}" in views.dates_text(fetched, "nb")
    ssb_import = int(history(repo).query("kind == 'ssb'")["id"].max())
    store.undo(db, ssb_import)
    assert latest() == shipped  # the shipped figure, with the model's (unknown) date again


def test_unreachable_ssb_fails_in_one_sentence_and_changes_nothing(repo: Path) -> None:
    db = repo / "data" / "dashboard.duckdb"
    before, digest = exported_csv(db), hashlib.sha256(db.read_bytes()).hexdigest()
    result = run_cli("fetch", "ssb", *args(repo),
                     env={"SSB_API_URL": f"http://127.0.0.1:{closed_port()}/api/pxwebapi/v2"})
    assert result.returncode != 0
    message = result.stderr.strip()
    assert "SSB" in message and "\n" not in message and message.endswith(".")
    assert "ingenting er endret" in message
    assert result.stdout == ""
    assert exported_csv(repo / "data" / "dashboard.duckdb") == before
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_dry_run_writes_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture) -> None:
    before = exported_csv(repo / "data" / "dashboard.duckdb")
    with serve(StandIn(tables=dict(TABLES))) as ssb:
        assert fetch(repo, ssb.url, monkeypatch, "--dry-run", "2B-06") == 0
    assert "prøvekjøring" in capsys.readouterr().out
    assert exported_csv(repo / "data" / "dashboard.duckdb") == before


def test_fetch_rewrites_the_data_files_like_an_import(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSB_API_URL", "unused")
    with serve(StandIn(tables=dict(TABLES))) as ssb:
        monkeypatch.setenv("SSB_API_URL", ssb.url)
        assert cli.main(["fetch", "ssb", "2B-06", *args(repo)]) == 0
    text = (repo / "data" / "observations" / "2B-06.csv").read_text(encoding="utf-8")
    assert "2B-06,3201,2024K4,6004,count,,," in text.splitlines()


# ---- region history ------------------------------------------------------------------------------


def old_numbers(request: Seen) -> dict:
    """SSB answering with Viken-era and pre-2020 codes next to today's."""
    sel = request.selection()
    values = {"3201": 7.0, "3024": 6.0, "3023": 4.5, "0220": 50.0, "3203": 8.0, "0": 11.0}
    regions = list(values) if "3201" in sel["Region"] else sel["Region"]
    return dataset([("Region", regions), ("ContentsCode", sel["ContentsCode"]),
                    ("Tid", ["2023"])], lambda Region, **_: values.get(Region, 9.0))  # noqa: N803


def test_renumbered_codes_move_and_merged_ones_are_left_out(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    with serve(StandIn(tables={"13556": old_numbers})) as ssb:
        assert fetch(repo, ssb.url, monkeypatch, "1D-02") == 0
    notes = capsys.readouterr().err
    assert stored(repo, "1D-02", "3212", "2023") == 4.5  # 3023 Nesodden -> 3212
    assert stored(repo, "1D-02", "3201", "2023") == 7.0  # SSB's figure under today's number wins
    assert stored(repo, "1D-02", "3203", "2023") == 8.0  # 0220 (old Asker) is not added to it
    con = store.connect(repo / "data" / "dashboard.duckdb")
    try:
        codes = {r[0] for r in con.execute("SELECT DISTINCT region_code FROM observations "
                                           "WHERE indicator_id = '1D-02'").fetchall()}
    finally:
        con.close()
    assert not codes & {"3024", "3023", "0220"}
    assert "0220" in notes and "sammenslåtte" in notes
    assert "3023" in notes and "3212" in notes
    assert "to ulike tall for 3201 2023" in notes


def test_region_for_follows_renumbering_only(model: PlanModel) -> None:
    assert region_for(model, "K-3201") == ("3201", None)
    assert region_for(model, "F-32") == ("32", None)
    assert region_for(model, "3024") == ("3201", "renumbered")
    assert region_for(model, "0219") == ("3201", "renumbered")  # 0219 -> 3024 -> 3201
    assert region_for(model, "0213") == ("3207", "merged")  # Ski, now part of Nordre Follo
    assert region_for(model, "0627") == ("3203", "merged")  # Røyken, now part of Asker
    assert region_for(model, "02") == ("02", None)  # old Akershus stays itself, labelled
    assert region_for(model, "3301") == (None, "unknown")


# ---- failures --------------------------------------------------------------------------------------


def test_a_refused_table_fails_its_indicator_and_the_others_are_saved(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    tables = {k: v for k, v in TABLES.items() if k != "09429"}
    with serve(StandIn(tables=tables)) as ssb:
        assert fetch(repo, ssb.url, monkeypatch, *SERVED) == 1
    err = capsys.readouterr().err
    assert "1D-03 ble ikke hentet" in err and "09429" in err and "HTTP 404" in err
    assert stored(repo, "2B-06", "32", "2024K4") == 4004
    assert set(history(repo)["file_name"]) >= {"ssb-13556.csv", "ssb-01223.csv"}


def test_fetched_figures_get_the_file_checks(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture) -> None:
    def too_big(request: Seen) -> dict:
        sel = request.selection()
        return dataset([("Region", sel["Region"]), ("ContentsCode", sel["ContentsCode"]),
                        ("Tid", ["2024"])], lambda **_: 150.0)

    before = exported_csv(repo / "data" / "dashboard.duckdb")
    with serve(StandIn(tables={"13556": too_big})) as ssb:
        assert fetch(repo, ssb.url, monkeypatch, "1D-02") == 1
    err = capsys.readouterr().err
    assert "ssb-13556.csv" in err and "150" in err and "Ingenting ble hentet" in err
    assert exported_csv(repo / "data" / "dashboard.duckdb") == before


def test_an_indicator_without_an_ssb_block_is_a_usage_error(
        repo: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["fetch", "ssb", "2B-04", *args(repo)]) == 2
    assert "2B-04 har ingen SSB-kobling" in capsys.readouterr().err


# ---- how a value is made ---------------------------------------------------------------------------


def cells(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["Region", "ContentsCode", "Tid", "value", "status"])
    frame["status"] = frame["status"].astype(object).where(frame["status"].notna(), None)
    return frame


def spec(**fields: object) -> SsbSource:
    return SsbSource(table="12345", selection={"Region": "*"}, **fields)


def test_share_of_two_contents_codes() -> None:
    frame = cells([("32", "Neet", "2024", 30.0, None), ("32", "Alle", "2024", 400.0, None),
                   ("03", "Neet", "2024", np.nan, ":"), ("03", "Alle", "2024", 500.0, None),
                   ("0", "Neet", "2024", 5.0, None), ("0", "Alle", "2024", 0.0, None)])
    out = compute(frame, spec(value="share", numerator=["Neet"], denominator=["Alle"]))
    got = {r.region: (r.value, r.status) for r in out.itertuples()}
    assert got["32"] == (7.5, None)
    assert np.isnan(got["03"][0]) and got["03"][1] == ":"  # suppressed stays suppressed
    assert np.isnan(got["0"][0]) and got["0"][1] == "."  # a share of nothing: not applicable


def test_sum_counts_nil_as_zero_but_never_a_missing_cell() -> None:
    frame = cells([("32", "A", "2024", 1.1, None), ("32", "B", "2024", 2.2, None),
                   ("03", "A", "2024", 0.0, "-"), ("03", "B", "2024", 4.0, None),
                   ("0", "A", "2024", np.nan, ".."), ("0", "B", "2024", 4.0, None)])
    out = compute(frame, spec(value="sum", parts=["A", "B"]))
    got = {r.region: (r.value, r.status) for r in out.itertuples()}
    assert got["32"] == (3.3, None)  # float noise (3.3000000000000003) is rounded away
    assert got["03"] == (4.0, None)
    assert np.isnan(got["0"][0]) and got["0"][1] == ".."


def test_a_selection_with_several_cells_per_region_and_period_is_refused() -> None:
    frame = cells([("32", "A", "2024", 1.0, None), ("32", "A", "2024", 2.0, None)])
    frame["Kjonn"] = ["1", "2"]
    with pytest.raises(Exception, match="velg én verdi for Kjonn"):
        compute(frame, spec(contents="A"))


def test_requests_put_each_region_group_in_its_own_query(model: PlanModel) -> None:
    queries = requests(model.indicator("2B-06").ssb)
    assert [q[0]["Region"] for q in queries][0] == ["*"]
    assert [q[1]["Region"] for q in queries] == ["vs_Landet", "agg_KommFylker", "agg_KommSummer"]
    assert queries[2][2] == {"Region": "aggregated"}
    assert all(q[0]["ContentsCode"] == ["Folketallet11"] and q[0]["Tid"] == "*" for q in queries)
    sums = requests(model.indicator("1D-03").ssb)[0][0]
    assert sums["Nivaa"] == ["03a", "04a"] and sums["ContentsCode"] == ["PersonerProsent"]


# ---- the update page's button ----------------------------------------------------------------------


def button_page() -> None:
    from ui.ssb_button import ssb_refresh_button

    ssb_refresh_button("nb", "Kari Nordmann")


def test_the_button_fetches_imports_and_reports(repo: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DB", str(repo / "data" / "dashboard.duckdb"))
    with serve(StandIn(tables=dict(TABLES))) as ssb:
        monkeypatch.setenv("SSB_API_URL", ssb.url)
        at = AppTest.from_function(button_page, default_timeout=60)
        at.run()
        assert at.button(key="ssb_refresh").label == "Hent nyeste fra SSB"
        at.button(key="ssb_refresh").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Hentet fra SSB" in at.success[0].value
    assert any("Tabell 13556" in c.value for c in at.caption)
    imports = history(repo)
    assert set(imports.loc[imports["kind"] == "ssb", "user_name"]) == {"Kari Nordmann"}
    assert stored(repo, "1D-02", "32", "2024") == 9.5
    assert stored(repo, "2B-06", "32", "2024K4") is None  # awaits a check: not fetched unasked
    # When each connected indicator was last refreshed, and from which SSB table update.
    table = at.table[0].value.set_index("Indikator")
    neet_row = table.loc[next(i for i in table.index if i.startswith("1D-02"))]
    assert neet_row["Fra tabell (SSBs oppdatering)"] == "tabell 13556, oppdatert 12. juni 2025"
    assert neet_row["Sist hentet"] != "aldri"
    population_row = table.loc[next(i for i in table.index if i.startswith("2B-06"))]
    assert population_row["Sist hentet"] == "aldri"
    assert population_row["Kobling"] == "venter på sjekk mot SSB"


def test_the_button_says_when_ssb_cannot_be_reached(repo: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    before = exported_csv(repo / "data" / "dashboard.duckdb")
    monkeypatch.setenv("DASHBOARD_DB", str(repo / "data" / "dashboard.duckdb"))
    monkeypatch.setenv("SSB_API_URL", f"http://127.0.0.1:{closed_port()}/api/pxwebapi/v2")
    at = AppTest.from_function(button_page, default_timeout=60)
    at.run()
    at.button(key="ssb_refresh").click().run()
    assert not at.exception
    assert "Fikk ikke svar fra SSB" in at.error[0].value
    assert exported_csv(repo / "data" / "dashboard.duckdb") == before
