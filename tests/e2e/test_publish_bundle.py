"""The published bundle from a plain web server (`python -m http.server`), no Streamlit running:
pages that work with JavaScript off, an embed that draws with it on, nothing loaded from another
site, no axe violations, and a bundle that follows an import while it is being served."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from indicators import publish, republish, workflow
from indicators.build import build
from indicators.ingest.reader import read_observations
from indicators.model import PlanModel, load_model
from tests.conftest import FIXTURE_DATA, copy_repo
from tests.e2e.test_accessibility import describe, run_axe

pytestmark = pytest.mark.e2e

PHONE, SCREEN = {"width": 390, "height": 844}, {"width": 1400, "height": 1000}
LOCAL = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, PlanModel]:
    """A copy of the repository on the test data set, built and published: (repo, bundle, model)."""
    repo = copy_repo(tmp_path_factory.mktemp("publish-e2e") / "repo", FIXTURE_DATA)
    model = load_model(repo / "config" / "goals.yaml")
    db = repo / "data" / "dashboard.duckdb"
    assert build(model, repo / "data", db).ok
    out = repo.parent / "site"
    publish.publish(model, db, out)
    return repo, out, model


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _serving(folder: Path) -> Iterator[str]:
    """`python -m http.server` on `folder` until the block ends; yields its address."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(folder)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "no http.server"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def served(site: tuple[Path, Path, PlanModel]) -> Iterator[str]:
    with _serving(site[1]) as url:
        yield url


class Visit:
    """A browser context on the bundle that records every request it makes."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.requests: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        self.page: Page = context.new_page()

    def elsewhere(self) -> list[str]:
        return [u for u in self.requests if urlparse(u).hostname not in LOCAL]


@pytest.fixture
def visit(browser: Browser) -> Iterator[Callable]:
    opened: list[Visit] = []

    def open_visit(js: bool, viewport: dict[str, int] = SCREEN) -> Visit:
        made = Visit(browser.new_context(viewport=viewport, java_script_enabled=js))
        opened.append(made)
        return made

    yield open_visit
    for made in opened:
        made.context.close()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_pages_work_without_javascript(visit: Callable, served: str, lang: str,
                                       shots_dir: Path) -> None:
    root = "" if lang == "nb" else "en/"
    seen = visit(js=False)
    page = seen.page
    page.goto(f"{served}{root}index.html")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text("Næringsmål Akershus" if lang == "nb"
                                           else "Business goals Akershus")
    row = page.locator("table.overview tr", has_text="2B-04")
    expect(row).to_contain_text("Forverring" if lang == "nb" else "Deterioration")
    expect(row).to_contain_text("NAV")  # the source, with its dates
    page.screenshot(path=str(shots_dir / f"publish-index-{lang}.png"), full_page=True)

    row.get_by_role("link").first.click()  # to the indicator page, by its link
    expect(page.locator("h1")).to_contain_text("2B-04")
    chart = page.locator("figure.chart .wide svg[role=img]")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] > 600  # drawn at the page's width, not as a thumbnail
    expect(page.locator("ul.dates li")).to_have_count(3)  # Tall for, publisert, hentet
    expect(page.locator("ul.dates")).to_contain_text("2026")
    expect(page.locator("dl.facts a[href^='http']")).to_contain_text("NAV")
    page.get_by_text("Vis tallene som tabell" if lang == "nb" else "Show the figures as a table"
                     ).click()  # a <details>: opens without JavaScript
    table = page.locator("table.figures")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(61)  # January 2021 to January 2026
    page.screenshot(path=str(shots_dir / f"publish-2B-04-{lang}.png"), full_page=True)
    assert seen.elsewhere() == []


def test_the_embed_draws_an_interactive_chart(visit: Callable, served: str) -> None:
    seen = visit(js=True)
    page = seen.page
    page.goto(f"{served}embed/2B-04.html")
    plot = page.locator(".js-plotly-plot .main-svg").first
    expect(plot).to_be_visible()
    # Akershus, Oslo and Norway, with the method's lines: a drawn figure, not an empty frame.
    assert page.locator(".scatterlayer .trace").count() >= 3
    assert [u for u in seen.requests if u.endswith(".js")] == [f"{served}assets/plotly.min.js"]
    assert seen.elsewhere() == []


def test_nothing_is_loaded_from_another_site(visit: Callable, served: str,
                                             site: tuple[Path, Path, PlanModel]) -> None:
    """Every page of both languages and the embeds of each kind of chart (a trend, a value card,
    none), with JavaScript on and requests elsewhere refused and counted."""
    seen = visit(js=True)
    seen.context.route(lambda url: urlparse(url).hostname not in LOCAL,
                       lambda route: route.abort())
    bundle = site[1]
    pages = [p for p in bundle.rglob("*.html") if p.parent.name != "embed"]
    embeds = [bundle / root / "embed" / f"{i}.html" for root in ("", "en")
              for i in ("2B-04", "2B-06", "1D-01")]
    for path in sorted(pages) + embeds:
        seen.page.goto(served + path.relative_to(bundle).as_posix())
        seen.page.wait_for_load_state("load")
    assert len(seen.requests) > 2 * len(pages)  # each page and its style sheet at least
    assert seen.elsewhere() == []


@pytest.mark.parametrize("path", ["index.html", "indikator/2B-04.html", "en/index.html",
                                  "en/indikator/2B-04.html", "metode.html"])
def test_no_axe_violations(visit: Callable, served: str, path: str, axe_script: Path) -> None:
    page = visit(js=True).page
    page.goto(served + path)
    for summary in page.locator("details:not([open]) > summary").all():
        summary.click()  # the figures' table is checked too
    result = run_axe(page, axe_script)
    assert result["violations"] == [], describe(result["violations"])


@pytest.mark.parametrize("path", ["index.html", "delmal/2B.html", "indikator/2B-04.html",
                                  "en/index.html", "en/indikator/2B-04.html", "metode.html"])
def test_pages_fit_a_phone(visit: Callable, served: str, path: str, shots_dir: Path) -> None:
    page = visit(js=False, viewport=PHONE).page
    page.goto(served + path)
    expect(page.locator("h1")).to_be_visible()
    if "indikator" in path:
        expect(page.locator("figure.chart .narrow svg[role=img]")).to_be_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, "
                          "document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{path} scrolls sideways on a phone: {width}"
    wide = page.evaluate("[...document.querySelectorAll('.table-wrap, pre')]"
                         ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.slice(0, 40))")
    assert wide == [], f"{path}: tables that hide columns to the right on a phone: {wide}"
    page.screenshot(path=str(shots_dir / f"publish-phone-{path.replace('/', '-')}.png"),
                    full_page=True)


def test_an_import_remakes_the_served_bundle(visit: Callable, site: tuple[Path, Path, PlanModel],
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A planner imports February while the bundle is served: once the background republish
    is done, a reload shows it."""
    repo, bundle, model = site
    copy = tmp_path / "site"
    shutil.copytree(bundle, copy)
    cache = publish._cache(bundle)
    if cache.exists():  # only the changed charts are drawn again
        shutil.copytree(cache, publish._cache(copy))
    monkeypatch.setenv("DASHBOARD_PUBLISH", str(copy))
    with _serving(copy) as url:
        page = visit(js=False).page
        page.goto(f"{url}indikator/2B-04.html")
        expect(page.locator("ul.dates")).to_contain_text("januar 2026")
        new = tmp_path / "nav.csv"
        new.write_text("indikator;region;år;verdi\n2B-04;32;2026M02;2,7\n", encoding="utf-8")
        read = read_observations(new, model)
        done = workflow.import_read(repo / "data" / "dashboard.duckdb", read, model,
                                    user="planlegger", back=workflow.WriteBack(
                                        wanted=False, config=repo / "config" / "goals.yaml"))
        assert done.republishing == copy  # remade in the background: the import is done
        deadline = time.monotonic() + 180
        while republish.state(copy).busy:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert republish.state(copy).error is None
        page.reload()
        expect(page.locator("ul.dates")).to_contain_text("februar 2026")
        expect(page.locator(".metric-value")).to_contain_text("2,7")
