"""Issue 15: two Streamlit processes behind nginx (`tools/serve.py`, as `make serve REPLICAS=2` runs
it); a planner imports through one, and a reader of the other, whose cache is warm, sees the new
figure on the next visit."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from indicators import store
from indicators.access import hash_password
from indicators.build import build
from indicators.explain import next_period
from indicators.i18n import format_number, format_period
from indicators.model import load_model
from tests.e2e.conftest import (
    READY_TIMEOUT_MS,
    ROOT,
    START_TIMEOUT_S,
    VIEWPORT,
    AppTab,
    _free_port,
    _healthy,
    _missing,
)
from tools.serve import NGINX

pytestmark = pytest.mark.e2e

PASSWORD = "riktig hest batteri"
INDICATOR, REGION = "2B-04", "32"


@dataclass(frozen=True)
class Served:
    url: str  # nginx
    ports: tuple[int, int]  # the two Streamlit processes, on 127.0.0.1
    run: Path
    db: Path

    def routed(self) -> list[int]:
        """The process nginx sent each logged request to, in order."""
        log = (self.run / "access.log").read_text("utf-8")
        return [int(port) for port in re.findall(r"-> 127\.0\.0\.1:(\d+)$", log, re.M)]


def _two_free_ports() -> int:
    """A port whose next port is free too (serve.py numbers its processes consecutively)."""
    for _ in range(50):
        first = _free_port()
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", first + 1))
                return first
            except OSError:
                continue
    raise AssertionError("no two consecutive free ports")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`python -m tools.serve --replicas 2` on a writable copy of data/ and a planner password."""
    if not Path(NGINX).exists():
        _missing(NGINX)
    folder = tmp_path_factory.mktemp("replicas")
    shutil.copytree(ROOT / "data", folder / "data",
                    ignore=shutil.ignore_patterns("*.duckdb*", "*.lock", "*.tmp"))
    db = folder / "data" / "dashboard.duckdb"
    assert build(load_model(ROOT / "config" / "goals.yaml"), folder / "data", db).ok
    secrets = folder / "secrets.toml"
    secrets.write_text(f'planner_password_scrypt = "{hash_password(PASSWORD)}"\n', "utf-8")
    port, first = _free_port(), _two_free_ports()
    command = [sys.executable, "-m", "tools.serve", "--replicas", "2", "--port", str(port),
               "--replica-port", str(first), "--run-dir", str(folder / "run"),
               "--", "--secrets.files", str(secrets)]
    env = {"DASHBOARD_DB": str(db), "DASHBOARD_DATA": str(folder / "data")}
    log_path = folder / "serve.log"
    with log_path.open("w") as log:
        serve = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                 env={**os.environ, **env})
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(f"http://127.0.0.1:{port}"):
            if serve.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"tools/serve.py did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield Served(f"http://127.0.0.1:{port}", (first, first + 1), folder / "run", db)
    finally:
        serve.terminate()  # serve.py stops nginx and both processes on SIGTERM
        serve.wait(timeout=30)
    assert serve.returncode == 0, log_path.read_text()[-3000:]


def _latest(db: Path) -> tuple[str, float]:
    con = store.connect(db)
    try:
        row = store.latest(con, [(INDICATOR, REGION)]).iloc[0]
    finally:
        con.close()
    return row["period"], float(row["value"])


def _metric(tab: AppTab) -> str:
    """The latest value as the indicator page shows it (on a new visit, so a new session)."""
    tab.open("indikator", id=INDICATOR)
    return tab.page.locator('[data-testid="stMetric"]').first.inner_text().replace("\u00a0", " ")


def _import(tab: AppTab, upload: Path) -> None:
    """Log in on «Oppdater data», upload the file and save it, as a planner does."""
    page = tab.open("oppdater")
    page.get_by_label("Navnet ditt").fill("Kari Nordmann")
    page.get_by_label("Planleggerpassord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Logget inn som Kari Nordmann").wait_for()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.get_by_role("button", name="Lagre 1 endring").click()
    # «Import 12 er lagret (…)»; a bare "er lagret" also matches the check's progress line.
    page.get_by_text(re.compile(r"Import \d+ er lagret")).wait_for()


def test_import_through_one_process_shows_in_the_other(browser: Browser, served: Served,
                                                       tmp_path: Path) -> None:
    period, value = _latest(served.db)
    new_period, new_value = next_period(period), round(value + 0.3, 1)
    shown = (format_period(new_period), format_number(new_value))
    upload = tmp_path / "Ledighet.csv"
    upload.write_bytes(f"indikator;region;år;verdi\r\n{INDICATOR};{REGION};{new_period};"
                      f"{shown[1]}\r\n".encode("cp1252"))
    context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    context.set_default_timeout(READY_TIMEOUT_MS)
    try:
        via_nginx = AppTab(context.new_page(), served.url)
        via_nginx.open()  # a fresh server's first visit must be the front page (streamlit#9992)
        pinned = served.routed()[-1]
        other = AppTab(context.new_page(), f"http://127.0.0.1:{sum(served.ports) - pinned}")
        other.open()
        # Both processes have shown the page once, so each holds the old figures in its cache.
        for tab in (via_nginx, other):
            assert format_period(period) in _metric(tab)

        _import(via_nginx, upload)
        assert set(served.routed()) == {pinned}  # sticky: the page, its websocket, the upload

        for tab in (other, via_nginx):
            metric = _metric(tab)
            assert shown[0] in metric and shown[1] in metric, (tab.app_url, metric)
    finally:
        context.close()
