"""The upload round trip in a real browser: log in, upload a planner's file, preview, save, see, undo."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, WebSocket
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.conftest import exported_csv
from tests.e2e.conftest import (
    PASSWORD,
    PlannerSite,
    new_tab,
    planner_site,
)

pytestmark = pytest.mark.e2e

# What a planner's Norwegian Excel saves as "CSV": semicolons, decimal comma, Windows-1252.
PLANNER_FILE = ("indikator;region;år;verdi;merknad\r\n"
                "2B-04;32;2026M02;12,5;Ås kommune: foreløpig tall\r\n").encode("cp1252")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlannerSite]:
    """The test data set served for a planner: 2B-04 ends in January 2026, so the file's February
    is new."""
    with planner_site(tmp_path_factory.mktemp("upload")) as served:
        yield served


def test_upload_round_trip(browser: Browser, site: PlannerSite, tmp_path: Path) -> None:
    before = exported_csv(site.db)
    file_before = (site.data / "observations" / "2B-04.csv").read_bytes()
    upload = tmp_path / "Ledighet februar 2026.csv"
    upload.write_bytes(PLANNER_FILE)
    tab = new_tab(browser, site.url)
    page, context = tab.page, tab.page.context
    try:
        tab.log_in()

        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
        page.get_by_text("Dette vil endres").wait_for()
        tab.wait_ready()
        tab.screenshot("upload-preview")
        preview = page.inner_text('[data-testid="stMain"]')
        assert "Ås kommune: foreløpig tall" in preview and "12,5" in preview
        assert exported_csv(site.db) == before  # the preview wrote nothing

        page.get_by_role("button", name="Lagre 1 endring").click()
        page.get_by_text(re.compile(r"Import \d+ er lagret")).wait_for()  # not the progress line
        tab.wait_ready()
        tab.screenshot("upload-saved")
        stored = (site.data / "observations" / "2B-04.csv").read_text("utf-8")
        assert "2B-04,32,2026M02,12.5,percent,,Ås kommune: foreløpig tall," in stored

        page.locator("a", has_text="Se 2B-04").click()
        page.wait_for_url("**/indikator?id=2B-04*")
        tab.wait_ready()
        metric = page.locator('[data-testid="stMetric"]').first.inner_text()
        assert "februar 2026" in metric and "12,5" in metric.replace("\u00a0", " ")

        # Back through the navigation (a reload would start a new, logged-out session).
        page.locator('[data-testid="stSidebarNav"] a', has_text="Oppdater data").click()
        page.get_by_role("button", name="Angre").first.click()
        page.get_by_role("button", name="Ja, angre").click()
        page.get_by_text("er angret").wait_for()
        tab.wait_ready()
        tab.screenshot("upload-undone")
        assert exported_csv(site.db) == before
        assert (site.data / "observations" / "2B-04.csv").read_bytes() == file_before
    finally:
        context.close()


# What Streamlit's own uploader sends: a multipart PUT with the XSRF cookie echoed in a header.
PUT_FILE = """async (url) => {
    const token = (document.cookie.match(/(?:^|; )_streamlit_xsrf=([^;]*)/) || [])[1];
    const body = new FormData();
    body.append("file", new Blob(["x".repeat(1 << 20)]), "stor fil.csv");
    const response = await fetch(url, {method: "PUT", body, credentials: "same-origin",
        headers: token ? {"X-Xsrftoken": decodeURIComponent(token)} : {}});
    return response.status;
}"""


def session_ids(page: Page) -> list[str]:
    """The Streamlit session of each page load, as the server announces it over the websocket."""
    ids: list[str] = []

    def frame(payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg.FromString(payload)
            if message.WhichOneof("type") == "new_session":
                ids.append(message.new_session.initialize.session_id)

    def watch(socket: WebSocket) -> None:
        socket.on("framereceived", frame)

    page.on("websocket", watch)
    return ids


def test_the_upload_endpoint_takes_files_only_from_a_planner_s_session(browser: Browser,
                                                                       site: PlannerSite) -> None:
    tab = new_tab(browser, site.url)
    page, context = tab.page, tab.page.context
    ids = session_ids(page)

    def put() -> int:  # a new file each time, into the session of this tab
        return page.evaluate(PUT_FILE, f"{site.url}/_stcore/upload_file/{ids[-1]}/{uuid.uuid4()}")

    try:
        tab.open()
        tab.open("oppdater")
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        assert put() == 400  # anonymous: refused, whatever the page shows
        page.get_by_label("Navnet ditt").fill("Kari Nordmann")
        page.get_by_label("Planleggerpassord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_text("Logget inn som Kari Nordmann").wait_for()
        assert put() == 204  # the same session, now with a planner: taken
        page.get_by_role("button", name="Logg ut").click()
        page.get_by_text("Logg inn som planlegger for å laste opp tall.").wait_for()
        assert put() == 400  # logged out: refused again
    finally:
        context.close()
