"""`python -m indicators publish OUT/`: the static bundle says what the app says, carries its data
as files a tool can read unaided (frictionless), and is remade after every import and undo."""

from __future__ import annotations

import html
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from frictionless import validate

from indicators import canonical, explain, export, publish, republish, store, views
from indicators.assessment import rollups
from indicators.i18n import t
from indicators.model import PlanModel
from indicators.verdict import rollup_text
from tests.conftest import FIXTURE_DATA, ROOT, copy_repo, run_cli
from tests.indicators.sources.standin import StandIn, serve

LANGS = {"nb": "", "en": "en/"}


@pytest.fixture(scope="module")
def bundle(fixture_db: Path, model: PlanModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle of the test data set (tests/fixtures/README.md), made once for this module."""
    out = tmp_path_factory.mktemp("publish") / "site"
    done = publish.publish(model, fixture_db, out)
    assert done.problems == [] and done.charts > 0
    return out


def text(path: Path) -> str:
    """A page's words as a reader gets them: tags dropped, entities read, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text("utf-8"), flags=re.S)
    # Only the markup's own spaces: no-break spaces are part of the words ("2,6\u00a0%").
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def test_every_goal_and_indicator_has_a_page_and_an_embed_in_both_languages(
        bundle: Path, model: PlanModel) -> None:
    for lang, root in LANGS.items():
        pages = [f"{root}index.html", *(f"{root}delmal/{g.id}.html" for g in model.goals),
                 *(f"{root}indikator/{i.id}.html" for i in model.indicators),
                 *(f"{root}embed/{i.id}.html" for i in model.indicators)]
        for page in pages:
            assert f'<html lang="{lang}">' in (bundle / page).read_text("utf-8"), page


def test_the_indicator_page_words_its_figures_as_the_app_does(
        bundle: Path, model: PlanModel, fixture_con: object) -> None:
    data = export.load_indicator(model, fixture_con, "2B-04")
    for lang, root in LANGS.items():
        page = text(bundle / root / "indikator" / "2B-04.html")
        assert ("2,6\u00a0%" if lang == "nb" else "2.6%") in page
        assert explain.sentence(data.indicator, data.assessment, lang) in page
        assert views.change_text(data.summary, lang) in page
        for date_part in views.date_parts(data.summary, lang):  # Tall for, publisert, hentet
            assert date_part in page
        assert views.source_text(data.indicator, lang) in page
        trend = views.trend_data(model, data.indicator, data.frame, lang)
        assert views.trend_summary(model, data.indicator, trend, lang) in page
    raw = (bundle / "indikator" / "2B-04.html").read_text("utf-8")
    assert raw.count('<svg class="chart-svg" role="img"') == 2  # drawn wide and narrow
    assert f'href="{data.indicator.source.url}"' in raw


def test_the_chart_table_holds_every_period_of_the_chart(bundle: Path) -> None:
    raw = (bundle / "indikator" / "2B-04.html").read_text("utf-8")
    table = raw[raw.index('<table class="figures">'):raw.index("</table>", raw.index(
        '<table class="figures">'))]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', table)
    # The test data: January 2021 to January 2026, month by month.
    assert rows[0] == "januar 2021" and rows[-1] == "januar 2026" and len(rows) == 61


def test_the_municipalities_are_shown_with_the_note_that_they_stop_earlier(bundle: Path) -> None:
    # The test data: four municipalities, January to June 2022 only; the county to January 2026.
    page = text(bundle / "indikator" / "2B-04.html")
    assert views.municipal_period_note("2022M06", "2026M01", "nb") in page
    assert "Høyest: Lillestrøm" in page and "Lavest: Bærum" in page


def test_a_single_value_is_a_card_not_a_chart(bundle: Path) -> None:
    page = (bundle / "indikator" / "2B-06.html").read_text("utf-8")
    assert "chart-svg" not in page and "700" in text(bundle / "indikator" / "2B-06.html")


def test_the_goal_verdicts_are_the_apps(bundle: Path, model: PlanModel, fixture_con: object) -> None:
    assessments = {i.id: export.load_indicator(model, fixture_con, i.id).assessment
                   for i in model.indicators}
    goals = {g.id: g for g in rollups(model, assessments)["goal"]}
    for lang, root in LANGS.items():
        index = text(bundle / root / "index.html")
        for goal in model.goals:
            verdict = rollup_text(model, goals[goal.id].rollup, assessments, lang)
            page = text(bundle / root / "delmal" / f"{goal.id}.html")
            for shown in (index, page):
                assert f"{verdict.label} — {verdict.basis}" in shown
                assert goal.text.get(lang) in shown
    assert "Foreløpig: Forverring" in text(bundle / "delmal" / "2B.html")


def test_the_data_files_are_the_stored_figures(bundle: Path, model: PlanModel,
                                               fixture_con: object) -> None:
    for indicator in model.indicators:
        frame = store.all_observations(fixture_con, indicator.id)
        csv = (bundle / "data" / f"{indicator.id}.csv").read_text("utf-8")
        assert csv == canonical.to_csv(frame, {indicator.id: indicator.unit})
        records = json.loads((bundle / "data" / f"{indicator.id}.json").read_text("utf-8"))
        assert len(records["observations"]) == len(frame)
        assert records["indicator"]["name"]["nb"] == indicator.name.nb
    catalogue = json.loads((bundle / "catalogue.json").read_text("utf-8"))
    entries = {e["id"]: e for e in catalogue["indicators"]}
    assert set(entries) == {i.id for i in model.indicators}
    assert entries["2B-04"]["latest"]["period"] == "2026M01"
    assert entries["2B-04"]["status"] == "deterioration"


def test_the_datapackage_describes_every_file_and_validates(bundle: Path) -> None:
    report = validate(str(bundle / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:10]
    package = json.loads((bundle / "datapackage.json").read_text("utf-8"))
    described = {r["path"] for r in package["resources"]}
    files = {p.relative_to(bundle).as_posix() for p in (bundle / "data").iterdir()}
    assert described == files | {"catalogue.json"}


def test_a_broken_data_file_fails_validation(bundle: Path, tmp_path: Path) -> None:
    """The check above can fail: an area code the regions file does not know is caught."""
    copy = tmp_path / "site"
    shutil.copytree(bundle, copy)
    path = copy / "data" / "2B-04.csv"
    path.write_text(path.read_text("utf-8").replace("2B-04,32,", "2B-04,99,", 1), "utf-8")
    assert not validate(str(copy / "datapackage.json")).valid


def test_embeds_share_one_plotly_file_and_load_nothing_from_elsewhere(bundle: Path,
                                                                      model: PlanModel) -> None:
    shipped = publish.PLOTLY_JS.read_bytes()
    assert (bundle / "assets" / "plotly.min.js").read_bytes() == shipped
    for root in LANGS.values():
        embed = (bundle / root / "embed" / "2B-04.html").read_text("utf-8")
        depth = "../" * (root.count("/") + 1)
        assert embed.count("<script src=") == 1
        assert f'<script src="{depth}assets/plotly.min.js">' in embed
        assert "Plotly.newPlot" in embed and len(embed) < len(shipped) / 10  # not inlined
    for page in bundle.rglob("*.html"):
        raw = page.read_text("utf-8")
        # Scripts, styles and images only from the bundle; links out go to the sources.
        assert not re.search(r'<(script|img|iframe|link)\b[^>]*\b(src|href)="(https?:)?//', raw), page


def test_publish_refuses_a_folder_that_is_not_a_bundle(fixture_db: Path, model: PlanModel,
                                                       tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    with pytest.raises(publish.PublishError):
        publish.publish(model, fixture_db, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "mine"


def test_a_failed_publish_leaves_the_last_bundle_whole(bundle: Path, fixture_db: Path,
                                                       model: PlanModel, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    shutil.copytree(bundle, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def broken(self: publish.Bundle) -> publish.Published:
        (self.folder / "index.html").write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr(publish.Bundle, "write", broken)
    with pytest.raises(OSError):
        publish.publish(model, fixture_db, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert "half" not in (out / "index.html").read_text("utf-8")
    assert [p.name for p in tmp_path.iterdir() if ".new-" in p.name] == []


# ---- remade after every import and undo ------------------------------------------------------------


def _cli(repo: Path, *args: str, publish_to: Path | None) -> object:
    return run_cli(*args, "--db", str(repo / "data" / "t.duckdb"),
                   "--config", str(repo / "config" / "goals.yaml"),
                   env={"DASHBOARD_PUBLISH": str(publish_to) if publish_to else None})


def _february(tmp_path: Path) -> Path:
    new = tmp_path / "nav.csv"
    new.write_text("indikator;region;år;verdi\n2B-04;32;2026M02;2,7\n", encoding="utf-8")
    return new


def _seeded(bundle: Path, site: Path) -> Path:
    """`site` given the module bundle's drawn charts (same data, same figures): a publish there
    draws only the charts a test changed, as a server's republish does."""
    shutil.copytree(publish._cache(bundle), publish._cache(site))
    return site


def _settled(out: Path, timeout: float = 180) -> republish.State:
    """The bundle's status once no publish is running or waiting (the background runner's)."""
    deadline = time.monotonic() + timeout
    while (now := republish.state(out)).busy:
        assert time.monotonic() < deadline, f"still republishing after {timeout} s: {now}"
        time.sleep(0.2)
    return now


def test_import_and_undo_remake_the_bundle(bundle: Path, tmp_path: Path) -> None:
    """--wait-publish: the command returns once the bundle shows the change (as a script wants)."""
    repo = copy_repo(tmp_path / "repo", FIXTURE_DATA)
    site = _seeded(bundle, tmp_path / "site")
    assert _cli(repo, "build", publish_to=None).returncode == 0
    made = _cli(repo, "publish", str(site), publish_to=None)
    assert made.returncode == 0, made.stderr
    assert "januar 2026" in text(site / "indikator" / "2B-04.html")
    imported = _cli(repo, "import", str(_february(tmp_path)), "--user", "planlegger",
                    "--wait-publish", publish_to=site)
    assert imported.returncode == 0, imported.stderr
    assert f"laget på nytt: {site}" in imported.stdout
    page = text(site / "indikator" / "2B-04.html")
    assert "Tall for februar 2026" in page and "2,7\u00a0%" in page
    assert "2B-04,32,2026M02,2.7" in (site / "data" / "2B-04.csv").read_text("utf-8")
    history = _cli(repo, "history", publish_to=None).stdout
    import_id = history.splitlines()[1].split()[0]
    assert _cli(repo, "undo", import_id, "--wait-publish", publish_to=site).returncode == 0
    assert "Tall for januar 2026" in text(site / "indikator" / "2B-04.html")
    assert "2026M02" not in (site / "data" / "2B-04.csv").read_text("utf-8")


def test_an_import_returns_at_once_and_the_bundle_follows_in_the_background(
        bundle: Path, tmp_path: Path) -> None:
    """Without --wait-publish a detached `publish --queued` process remakes the bundle: the
    import is done while the bundle still shows the old figures, and then it shows the new."""
    repo = copy_repo(tmp_path / "repo", FIXTURE_DATA)
    site = _seeded(bundle, tmp_path / "site")
    assert _cli(repo, "build", publish_to=None).returncode == 0
    assert _cli(repo, "publish", str(site), publish_to=None).returncode == 0
    imported = _cli(repo, "import", str(_february(tmp_path)), publish_to=site)
    assert imported.returncode == 0, imported.stderr
    assert "lages på nytt i bakgrunnen" in imported.stdout
    assert "Tall for januar 2026" in text(site / "indikator" / "2B-04.html")  # not waited for
    assert republish.state(site).busy
    done = _settled(site)
    assert done.error is None and done.pages > 0
    assert "Tall for februar 2026" in text(site / "indikator" / "2B-04.html")
    assert "2B-04,32,2026M02,2.7" in (site / "data" / "2B-04.csv").read_text("utf-8")
    shown = republish.status_text(done, "nb")
    assert shown is not None and shown[0] == "ok"
    assert shown[1].startswith("Den offentlige utgaven (de statiske sidene) ble laget på nytt ")


def test_a_failed_publish_does_not_fail_the_import(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo", FIXTURE_DATA)
    assert _cli(repo, "build", publish_to=None).returncode == 0
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("not a bundle")
    imported = _cli(repo, "import", str(_february(tmp_path)), "--wait-publish",
                    publish_to=taken)
    assert imported.returncode == 0
    assert "nav.csv" in _cli(repo, "history", publish_to=None).stdout  # the import is saved
    assert "ikke laget på nytt" in imported.stderr and str(taken) in imported.stderr
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    # …and Oppdater data says so from the status file, with what the bundle shows instead.
    kind, line = republish.status_text(republish.state(taken), "nb") or ("", "")
    assert kind == "warning" and "kunne ikke lages på nytt" in line and str(taken) in line
    assert "ikke laget ennå" in line


def test_a_refresh_from_ssb_remakes_the_bundle(built_fixture_repo: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The scheduled `refresh` (SSB's stand-in here) goes through the same workflow as an import."""
    from tests.indicators.test_refresh import Neet, refresh

    site = tmp_path / "site"
    monkeypatch.setenv("DASHBOARD_PUBLISH", str(site))
    with serve(StandIn(tables={"13556": Neet()})) as ssb:
        assert refresh(built_fixture_repo, ssb.url, monkeypatch, "--wait-publish") == 0
    page = text(site / "indikator" / "1D-02.html")
    assert "Tall for 2024" in page and "9,5\u00a0%" in page
    assert "1D-02,32,2024,9.5" in (site / "data" / "1D-02.csv").read_text("utf-8")


# ---- the method page and the embed code ------------------------------------------------------------


def test_the_method_the_pages_point_to_is_in_the_bundle(bundle: Path) -> None:
    """"se siden Metode" on every indicator page leads to the Metode page's texts in the bundle."""
    for lang, root in LANGS.items():
        method = text(bundle / root / "metode.html")
        assert t("method.sentence", lang) in method
        assert t("method.rollup.heading", lang) in method and t("method.sources.heading", lang) in method
        assert t("status.deterioration", lang) in method  # the statuses, in words
        raw = (bundle / root / "indikator" / "2B-04.html").read_text("utf-8")
        link = f'<a href="../metode.html">{t("nav.method", lang)}</a>'
        assert link in raw[raw.index('id="method"'):]  # in the explanation, not only the menu
        assert '<a href="metode.html">' in (bundle / root / "index.html").read_text("utf-8")


def test_the_embed_code_has_a_placeholder_until_the_address_is_known(
        bundle: Path, fixture_db: Path, model: PlanModel, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle may be served anywhere: no `/embed/…` that is right only at a site's root."""
    page = text(bundle / "indikator" / "2B-04.html")
    assert 'src="https://ADRESSEN-TIL-SIDENE/embed/2B-04.html"' in page
    assert "Bytt ut https://ADRESSEN-TIL-SIDENE med nettadressen" in page
    assert 'src="https://ADDRESS-OF-THESE-PAGES/en/embed/2B-04.html"' in text(
        bundle / "en" / "indikator" / "2B-04.html")
    monkeypatch.setenv("DASHBOARD_PUBLISH_URL", "https://akershus.example/tall")
    made = run_cli("publish", str(_seeded(bundle, tmp_path / "site")), "--db", str(fixture_db),
                   "--config", str(ROOT / "config" / "goals.yaml"))
    assert made.returncode == 0, made.stderr
    served = text(tmp_path / "site" / "indikator" / "2B-04.html")
    assert 'src="https://akershus.example/tall/embed/2B-04.html"' in served
    assert "ADRESSEN-TIL-SIDENE" not in served
