"""Browser fixtures: the real app served by `streamlit run` and driven in headless Debian Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from indicators.access import hash_password
from indicators.build import build
from indicators.model import load_model
from tests.conftest import FIXTURE_DATA, copy_repo
from tools.chromium import CHROMIUM, launch
from ui.page_list import DEFAULT, PAGES

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/e2e-shots")
# An exception, an st.error box, or Streamlit's "Page not found" dialog.
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'
VIEWPORT = {"width": 1280, "height": 1600}
START_TIMEOUT_S = 60
# Generous: two cores shared with the Streamlit server and the rest of the suite.
READY_TIMEOUT_MS = 60_000
expect.set_options(timeout=READY_TIMEOUT_MS)
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")


@dataclass(frozen=True)
class AppPage:
    """One entry of dashboard.PAGES; the default page is served at the app's root."""

    file: str
    url_path: str
    title_key: str
    default: bool = False

    @property
    def path(self) -> str:
        return "" if self.default else self.url_path


def app_pages() -> list[AppPage]:
    """Every listed page of the app (ui/page_list.py), so new pages are tested as they come."""
    return [AppPage(*entry[:3], default=entry[1] == DEFAULT) for entry in PAGES]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test asking for `app_page` runs once per registered page."""
    if "app_page" in metafunc.fixturenames:
        pages = app_pages()
        metafunc.parametrize("app_page", pages, ids=[p.url_path for p in pages])


def _missing(what: str) -> None:
    """CI must run the browser tests; a laptop without Chromium may skip them, saying why."""
    message = f"{what} is missing; run `make install` (it installs Debian chromium and axe-core)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def running_app(db: Path, log_path: Path, extra_args: tuple[str, ...] = (),
                env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free port against `db`, stopped afterwards; yields its URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
               *extra_args]
    environment = {**os.environ, **(env or {}), "DASHBOARD_DB": str(db)}
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                  env=environment)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start on {url}:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


PASSWORD = "riktig hest batteri"  # the planner password of every planner_site


@dataclass(frozen=True)
class PlannerSite:
    """A served, writable copy of config/ and the test data set that a planner may change."""

    url: str
    config: Path
    data: Path

    @property
    def db(self) -> Path:
        return self.data / "dashboard.duckdb"


@contextmanager
def planner_site(folder: Path, files: dict[str, str] | None = None,
                 env: dict[str, str] | None = None) -> Iterator[PlannerSite]:
    """`streamlit run` (with `env`) on a copy of config/ and the test data set in `folder` (with
    `files`, name to text, written into its data/), built, and PASSWORD as the planner password in
    a temp secrets file (never .streamlit/secrets.toml in the repo). Uploads write to it: an app
    of its own. Log in with AppTab.log_in."""
    copy_repo(folder, FIXTURE_DATA)
    for name, text in (files or {}).items():
        (folder / "data" / name).write_text(text, "utf-8")
    site = PlannerSite("", folder / "config" / "goals.yaml", folder / "data")
    assert build(load_model(site.config), site.data, site.db).ok
    secrets = folder / "secrets.toml"
    secrets.write_text(f'planner_password_scrypt = "{hash_password(PASSWORD)}"\n', "utf-8")
    env = {**(env or {}), "DASHBOARD_DATA": str(site.data), "DASHBOARD_CONFIG": str(site.config)}
    with running_app(site.db, folder / "streamlit.log", ("--secrets.files", str(secrets)), env) as url:
        yield PlannerSite(url, site.config, site.data)


@pytest.fixture(scope="session")
def app_url(db: Path) -> Iterator[str]:
    """One app for the whole session, on the database built from the shipped files."""
    with running_app(db, db.parent / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the session; each test gets its own context (its own Streamlit session)."""
    if not Path(CHROMIUM).exists():
        _missing(CHROMIUM)
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        _missing(str(AXE))
    return AXE


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    """Screenshots and axe reports of the last run, outside the repo."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


_NOT_RUNNING = '[data-testid="stApp"][data-test-script-state="notRunning"]'


# Streamlit's App component state as its page knows it. The script run's id and state reach the
# DOM only in part (a short run may start and end within one render, so the script-state
# attribute need not change), and a page may run once more after its own run has ended.
_APP_STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const key = app && Object.keys(app).find(k => k.startsWith('__reactFiber$'));
    for (let fiber = key && app[key]; fiber; fiber = fiber.return) {
        const state = fiber.stateNode && fiber.stateNode.state;
        if (state && 'scriptRunId' in state) return state;
    }
    return null;
}"""
# A run after `before` has ended, it ran the page at `path` with `params` in its address, and
# what the run before it drew is gone (Streamlit clears it in a step of its own).
_ARRIVED = f"""({{before, path, params}}) => {{
    const state = ({_APP_STATE})();
    const page = state.appPages.find(p => path ? p.urlPathname === path : p.isDefault);
    const shown = new URLSearchParams(state.queryParams);
    const run = state.scriptRunId;
    const stale = node => (node.scriptRunId !== undefined && node.scriptRunId !== run)
        || (node.children || []).some(stale);
    return run !== before && state.scriptRunState === 'notRunning'
        && page && state.currentPageScriptHash === page.pageScriptHash
        && Object.entries(params).every(([name, value]) => shown.get(name) === value)
        && !stale(state.elements.main);
}}"""


def _same_address(a: str, b: str) -> bool:
    """The same path and the same parameters, in any order."""
    parts = urlsplit(a), urlsplit(b)
    return (parts[0].path.rstrip("/") == parts[1].path.rstrip("/")
            and sorted(parse_qsl(parts[0].query)) == sorted(parse_qsl(parts[1].query)))


class AppTab:
    """A browser tab on the app: open a page, wait for Streamlit to finish, take a screenshot."""

    def __init__(self, page: Page, app_url: str) -> None:
        self.page = page
        self.app_url = app_url

    def url(self, url_path: str = "", **params: str) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.app_url}/{url_path}{query}"

    def open(self, url_path: str = "", **params: str) -> Page:
        """Open a page (url path from dashboard.PAGES) and wait until it has rendered."""
        self.page.goto(self.url(url_path, **params))
        self.wait_ready()
        return self.page

    def navigate(self, url_path: str = "", **params: str) -> Page:
        """Go to another view in the same session, as the browser's back and forward buttons do:
        Streamlit runs the page for the new address without loading the app again (about half
        the cost of `open`). Streamlit starts no run for the address it shows (a page writes its
        choices into the address): that one is loaded whole."""
        if _same_address(self.page.url, self.url(url_path, **params)):
            return self.open(url_path, **params)
        before = self.page.evaluate(f"() => {{ const s = ({_APP_STATE})(); return s && s.scriptRunId; }}")
        assert before, "Streamlit's App state was not found: has its frontend changed?"
        self.page.evaluate("url => { history.pushState({}, '', url);"
                           " dispatchEvent(new PopStateEvent('popstate')); }",
                           self.url(url_path, **params))
        self.page.wait_for_function(_ARRIVED, arg={"before": before, "path": url_path,
                                                   "params": params})
        self.wait_ready()
        return self.page

    def wait_ready(self) -> None:
        """Wait until Streamlit has finished the script run and every element has rendered."""
        self.page.wait_for_selector(_NOT_RUNNING, state="attached")
        # Elements stream in after the run ends: skeletons stand in until their data has arrived.
        self.page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')")
        # Every chart container must hold a drawn Plotly figure, annotations (the source line)
        # included: Plotly draws them last and clears `_replotting` when done.
        self.page.wait_for_function("""() => {
            const boxes = document.querySelectorAll('[data-testid="stPlotlyChart"]');
            return [...boxes].every(box => {
                const plot = box.querySelector('.js-plotly-plot');
                return plot && plot.querySelector('.main-svg') && plot._fullLayout
                    && !plot._fullLayout._replotting;
            });
        }""")

    def log_in(self, name: str = "Kari Nordmann") -> None:
        """Log in on Oppdater with a planner_site's PASSWORD. The default page is opened first: the
        first session on a fresh server that opens another page gets a spurious "Page not found"
        modal (streamlit/streamlit#9992)."""
        self.open()
        self.open("oppdater")
        self.page.get_by_label("Navnet ditt").fill(name)
        self.page.get_by_label("Planleggerpassord").fill(PASSWORD)
        self.page.get_by_role("button", name="Logg inn").click()
        self.page.get_by_text(f"Logget inn som {name}").wait_for()
        self.wait_ready()  # the run after logging in draws the planner's forms

    def errors(self) -> list[str]:
        """The text of every error the page shows."""
        return self.page.locator(ERRORS).all_inner_texts()

    def screenshot(self, name: str) -> Path:
        """Save a whole-page screenshot outside the repo, for people to look at after a run."""
        # Streamlit scrolls an inner container, so `full_page` sees one viewport: grow the
        # viewport to the content for the shot instead.
        height = self.page.evaluate("""() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return main ? main.scrollHeight : document.body.scrollHeight; }""")
        self.page.set_viewport_size({**VIEWPORT, "height": min(max(height, VIEWPORT["height"]), 8000)})
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size(VIEWPORT)
        return path


def new_tab(browser: Browser, app_url: str) -> AppTab:
    """A tab in a new browser context (its own Streamlit session); close it with page.context."""
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    context.set_default_timeout(READY_TIMEOUT_MS)
    return AppTab(context.new_page(), app_url)


@pytest.fixture(scope="session")
def warm_app(browser: Browser, app_url: str) -> str:
    """Open the front page once: until a first run has registered the pages, Streamlit answers a
    deep link (/indikator) with a "Page not found" dialog (streamlit/streamlit#9624)."""
    warm = new_tab(browser, app_url)
    warm.open()
    warm.page.context.close()
    return app_url


def visible_text(page: Page) -> str:
    """The page's text as a reader sees it; babel's no-break spaces in numbers ("2,6 %") become
    ordinary spaces, so tests can compare with plain strings."""
    return page.inner_text('[data-testid="stApp"]').replace("\u00a0", " ").replace("\u202f", " ")


PLOTLY = '[data-testid="stPlotlyChart"]'


@dataclass(frozen=True)
class Visit:
    """What a page showed once it had rendered: text, errors, title, language and charts."""

    text: str
    errors: tuple[str, ...]
    title: str
    lang: str
    charts: int  # chart containers
    drawn: int  # of them, drawn Plotly figures
    traces: int  # data traces drawn in them


ViewKey = tuple[str, tuple[tuple[str, str], ...]]


class Visits:
    """The read-only browser tests (pages, verdicts, axe) read the same 40-odd views: each is
    opened once a session and what it showed is kept. One tab per language goes from view to view
    as the browser's back and forward buttons do (AppTab.navigate; a whole load costs about twice
    that): a reader who changed language takes the language switch, not the address, so each
    tab keeps its own. `lang="nb"` is the default language and the same view as no `lang`.
    A tab handed out by `open` may have been changed (axe opens expanders): a view of the same
    page is then loaded whole, since Streamlit keeps an element's state when the page stays."""

    def __init__(self, browser: Browser, app_url: str) -> None:
        self.browser = browser
        self.app_url = app_url
        self.tabs: dict[str, AppTab] = {}
        self.seen: dict[ViewKey, Visit] = {}
        self.showing: dict[str, ViewKey | None] = {}  # per language: the view as it rendered
        self.changed: dict[str, str] = {}  # per language: the page a caller may have changed

    @staticmethod
    def key(url_path: str, params: dict[str, str]) -> ViewKey:
        return url_path, tuple(sorted((k, v) for k, v in params.items() if (k, v) != ("lang", "nb")))

    @staticmethod
    def lang(key: ViewKey) -> str:
        return dict(key[1]).get("lang", "nb")

    def __call__(self, url_path: str = "", **params: str) -> Visit:
        key = self.key(url_path, params)
        if key not in self.seen:
            self._load(key)
        return self.seen[key]

    def open(self, url_path: str = "", **params: str) -> AppTab:
        """The tab showing the view, for checks that act on the page (axe opens its expanders)."""
        key = self.key(url_path, params)
        lang = self.lang(key)
        if self.showing.get(lang) != key:
            self._load(key)
        self.showing[lang] = None
        self.changed[lang] = key[0]
        return self.tabs[lang]

    def close(self) -> None:
        for tab in self.tabs.values():
            tab.page.context.close()

    def _load(self, key: ViewKey) -> None:
        lang = self.lang(key)
        tab = self.tabs.get(lang)
        if tab is None:
            tab = self.tabs[lang] = new_tab(self.browser, self.app_url)
        if self.changed.get(lang) == key[0] or lang not in self.showing:
            page = tab.open(key[0], **dict(key[1]))
        else:
            page = tab.navigate(key[0], **dict(key[1]))
        self.seen[key] = Visit(
            visible_text(page), tuple(tab.errors()), page.title(),
            page.evaluate("document.documentElement.lang"), page.locator(PLOTLY).count(),
            page.locator(f"{PLOTLY} .js-plotly-plot").count(),
            page.locator(f"{PLOTLY} .scatterlayer .trace").count())
        self.showing[lang] = key
        self.changed.pop(lang, None)


@pytest.fixture(scope="session")
def visits(browser: Browser, warm_app: str) -> Iterator[Visits]:
    opened = Visits(browser, warm_app)
    yield opened
    opened.close()


@pytest.fixture
def tab(browser: Browser, warm_app: str) -> Iterator[AppTab]:
    """A fresh tab in a new context, so no session state (e.g. the language) leaks between tests."""
    fresh = new_tab(browser, warm_app)
    yield fresh
    fresh.page.context.close()
