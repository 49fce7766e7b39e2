"""Koble til SSB's core: a block made from SSB's metadata, previewed without writing, saved into
goals.yaml with its comments (in the history, undone byte for byte), then fetched."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indicators import build, config_edit, county_rank, ssb_connect, store
from indicators.model import load_model
from indicators.sources.ssb import SsbClient
from tests.conftest import FIXTURE_DATA, copy_repo
from tests.indicators.sources.fou_table import LABEL, TABLE, fou_standin
from tests.indicators.sources.standin import Dim, metadata, serve

ID = "2A-03"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_repo(tmp_path, FIXTURE_DATA)
    assert build.build(load_model(root / "config" / "goals.yaml"), root / "data",
                       root / "data" / "dashboard.duckdb").ok
    return root


def paths(repo: Path) -> tuple[Path, Path]:
    return repo / "config" / "goals.yaml", repo / "data" / "dashboard.duckdb"


def business_draft(client: SsbClient, model: object, counties: bool = False
                   ) -> tuple[ssb_connect.Draft, object]:
    """What a planner gets by searching, taking the first table and the business sector."""
    [hit] = ssb_connect.find_tables("FoU næringslivet", client)
    meta = ssb_connect.load_table(hit["id"], client)
    regions = ssb_connect.region_dimension(meta)
    groups = ssb_connect.suggest_regions(meta, regions)
    if counties:
        groups.append(ssb_connect.all_counties(model, meta, regions))
    draft = ssb_connect.Draft(meta.table, "FoUutgifter", {"Sektor": "NAER"}, groups, regions,
                              ssb_connect.time_dimension(meta))
    return draft, meta


def test_the_preview_shows_akershus_oslo_and_norway_and_writes_nothing(repo: Path) -> None:
    config, db = paths(repo)
    before, stamp = config.read_bytes(), db.stat().st_mtime_ns
    model = load_model(config)
    with serve(fou_standin()) as ssb:
        client = SsbClient(ssb.url)
        draft, meta = business_draft(client, model)
        assert ssb_connect.check(draft, meta, client) == []
        shown = ssb_connect.preview(model, ID, draft, client)
    assert shown.failed is None
    assert shown.table.iloc[0].to_dict() == {
        "Periode": "2025", "Akershus": "9\xa0500,5\xa0mill. kr", "Oslo": "21\xa0000\xa0mill. kr",
        "Hele landet": "80\xa0000\xa0mill. kr"}
    assert list(shown.table["Periode"]) == ["2025", "2024"]
    assert config.read_bytes() == before and db.stat().st_mtime_ns == stamp


def test_a_code_the_table_lacks_is_named_with_the_nearest_before_anything_is_fetched() -> None:
    with serve(fou_standin()) as ssb:
        client = SsbClient(ssb.url)
        meta = ssb_connect.load_table(TABLE, client)
        draft = ssb_connect.Draft(TABLE, "FoUutgift", {"Sektor": "NAER"},
                                  [ssb_connect.RegionGroup(["0", "32", "3"])])
        findings = ssb_connect.check(draft, meta, client)
        assert not any(s.method == "POST" for s in ssb.seen)
    text = "\n".join(f.message() for f in findings)
    assert "innholdskoden «FoUutgift» finnes ikke" in text and "FoUutgifter" in text
    assert "koden «3» finnes ikke i variabelen Region" in text


def test_saving_writes_a_verified_block_keeps_comments_and_angre_restores_the_file(
        repo: Path) -> None:
    config, db = paths(repo)
    before = config.read_text("utf-8")
    with serve(fou_standin()) as ssb:
        draft, _meta = business_draft(SsbClient(ssb.url), load_model(config))
    import_id = ssb_connect.save(config, db, ID, draft, user="Kari", today=date(2026, 12, 2))
    after = config.read_text("utf-8")
    gone = [line for line in before.splitlines() if line not in after.splitlines()]
    assert gone == []  # every comment and line is still there; the block was added
    assert f'    ssb:\n      table: "{TABLE}"\n' in after
    assert '      selection: {Sektor: "NAER", Tid: "*"}\n' in after
    assert '        - {codes: ["0", "32", "03"]}\n' in after  # one line, as the hand-written blocks
    spec = load_model(config).indicator(ID).ssb
    assert spec.table == TABLE and spec.contents == "FoUutgifter"
    assert spec.verified == date(2026, 12, 2) and spec.ready
    assert [g.codes for g in spec.regions] == [["0", "32", "03"]]
    config_edit.undo(config, db, import_id, user="Kari")
    assert config.read_text("utf-8") == before


def test_a_new_connection_replaces_an_old_block_but_keeps_its_series(repo: Path) -> None:
    """1D-03's block keeps its own series ("16 år og over") when a planner connects it anew."""
    config, db = paths(repo)
    old = load_model(config).indicator("1D-03").ssb
    assert old.series and old.needs_check
    with serve(fou_standin()) as ssb:
        draft, _meta = business_draft(SsbClient(ssb.url), load_model(config))
    ssb_connect.save(config, db, "1D-03", draft, user="Kari")
    spec = load_model(config).indicator("1D-03").ssb
    assert spec.table == TABLE and spec.series == old.series
    assert spec.needs_check is None and spec.value == "cell" and not spec.numerator


def test_fetching_a_saved_block_stores_the_figures_and_the_counties_give_a_rank(
        repo: Path) -> None:
    config, db = paths(repo)
    with serve(fou_standin()) as ssb:
        client = SsbClient(ssb.url)
        draft, _meta = business_draft(client, load_model(config), counties=True)
        ssb_connect.save(config, db, ID, draft, user="Kari")
        model = load_model(config)
        fetched, imported = ssb_connect.fetch_now(db, model, ID, user="Kari", client=client)
    assert not fetched.failed and imported
    con = store.connect(db, read_only=True)
    try:
        rows = store.observations(con, ID, county_rank.current_counties(model))
        akershus = store.observations(con, ID, ["32"])
    finally:
        con.close()
    assert akershus.set_index("period")["value"].to_dict() == {"2024": 9000.5, "2025": 9500.5}
    rank = county_rank.rank(model, model.indicator(ID), rows)
    assert rank is not None and rank.text() == "Nr. 3 av 15 fylker i 2025 (høyest er best)"
    assert (repo / "data" / "observations" / f"{ID}.csv").exists()  # written back as a file


def test_suggested_regions_go_through_the_codelists_a_table_offers() -> None:
    """A table whose region variable holds municipalities only: Norway as * in vs_Landet, the
    counties as F-codes in agg_KommFylker (as the blocks of 2A-06 and 2B-03 ask for them)."""
    meta = ssb_connect.ssb_check.parse_metadata("13470", metadata("13470", LABEL, [
        Dim("Region", {"3201": "Bærum", "3203": "Asker"},
            codelists=["vs_Landet", "agg_KommFylker"]),
        Dim("ContentsCode", {"SysselsatteArb": "Sysselsatte"}), Dim("Tid", {"2024": "2024"})]))
    groups = ssb_connect.suggest_regions(meta, "Region")
    assert [(g.codes, g.codelist) for g in groups] == [(["*"], "vs_Landet"),
                                                        (["F-32", "F-03"], "agg_KommFylker")]
    model = load_model(Path(__file__).resolve().parents[2] / "config" / "goals.yaml")
    counties = ssb_connect.all_counties(model, meta, "Region")
    assert counties.codelist == "agg_KommFylker" and len(counties.codes) == 15
    assert "F-32" in counties.codes and "F-02" not in counties.codes
    assert ssb_connect.municipalities(model, meta, "Region") is None  # no way to ask for them


def test_the_municipalities_come_by_their_codes_or_through_agg_kommgjeldende(
        model: object) -> None:
    towns = [r.code for r in model.municipalities()]
    own = ssb_connect.ssb_check.parse_metadata("1", metadata("1", LABEL, [
        Dim("Region", {"0": "Hele landet", **{c: c for c in towns}}),
        Dim("ContentsCode", {"X": "X"}), Dim("Tid", {"2024": "2024"})]))
    assert ssb_connect.municipalities(model, own, "Region") == ssb_connect.RegionGroup(towns)
    listed = ssb_connect.ssb_check.parse_metadata("2", metadata("2", LABEL, [
        Dim("Region", {"0": "Hele landet"}, codelists=["agg_KommGjeldende"]),
        Dim("ContentsCode", {"X": "X"}), Dim("Tid", {"2024": "2024"})]))
    group = ssb_connect.municipalities(model, listed, "Region")
    assert group.codelist == "agg_KommGjeldende" and len(group.codes) == 21
