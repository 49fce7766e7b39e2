"""Oppdater data: closed without log-in set-up, a password or OIDC gate, and the upload round trip."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit
from streamlit.runtime import Runtime
from streamlit.testing.v1 import AppTest
from streamlit.web.server.starlette import starlette_routes

from indicators import paths, republish, store, throttle
from indicators.access import hash_password
from indicators.ingest.reader import MAX_BYTES
from tests.conftest import FIXTURE_DATA, exported_csv
from tests.pages.conftest import all_text, planner_site_template, use_planner_site
from ui import upload_guard
from ui.widgets import JOINER

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "riktig hest batteri"
HASH = hash_password(PASSWORD)
EMAIL = "kari.nordmann@example.no"
OIDC = {"auth": {"redirect_uri": "http://localhost:8613/oauth2callback", "cookie_secret": "x",
                 "client_id": "x", "client_secret": "x",
                 "server_metadata_url": "https://login.example.no/.well-known/openid-configuration"}}
PLANNER_FILE = ("indikator;region;år;verdi;merknad\r\n2B-04;32;2026M02;2,4;Ås kommune\r\n"
                "2B-04;32;2026M01;2,7;\r\n").encode("cp1252")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The allow-list in capitals: addresses are compared case-insensitively.
    # The test data set: January 2026 is stored (Akershus 2.6), February is not.
    return planner_site_template(tmp_path_factory.mktemp("update"), EMAIL.upper(), FIXTURE_DATA)


@pytest.fixture
def site(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of data/ with its database, and an allow-list naming one planner."""
    return use_planner_site(template, tmp_path, monkeypatch)


class Clock:
    """The log-in's clock, moved by hand: a test never sleeps through a back-off."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def login_clock(site: Path) -> Clock:
    """The clock of the wrong-password counts every session of this site's app shares."""
    clock = Clock()
    throttle.shared(paths.login_state(site / "data" / "dashboard.duckdb")).clock = clock
    return clock


@pytest.fixture
def open_update(site: Path) -> Callable[..., AppTest]:
    def _open(secrets: dict, user: dict | None = None, **params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.secrets.update(secrets)
        if user is not None:
            at.user = user
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page("app_pages/oppdater.py")
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at
    return _open


def next_import_id(site: Path) -> int:
    con = store.connect(site / "data" / "dashboard.duckdb")
    try:
        return int(store.history(con)["id"].max()) + 1
    finally:
        con.close()


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def logged_in(open_update: Callable[..., AppTest], **params: str) -> AppTest:
    return open_update(OIDC, {"is_logged_in": True, "email": EMAIL, "name": "Kari"}, **params)


def upload(at: AppTest, data: bytes, name: str = "Ledighet februar.csv") -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv"))
    return run(at)


# ---- the gate ----------------------------------------------------------------------------------


def test_without_log_in_set_up_the_page_explains_and_offers_no_upload(open_update) -> None:
    # Secrets without [auth] or a planner password; an indicator the test data set has figures for.
    at = open_update({"unrelated": "x"}, id="2B-04")
    assert not at.file_uploader
    assert "Oppdatering er ikke slått på" in at.info[0].value
    assert "python -m indicators hash-password" in all_text(at)
    assert "config/access.yaml" in all_text(at)
    assert len(at.get("download_button")) == 2  # reading (and downloading) stays open


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click()
    return run(at)


def test_password_gate(open_update, login_clock: Clock) -> None:
    at = open_update({"planner_password_scrypt": HASH})
    assert not at.file_uploader and len(at.text_input) == 2
    at.text_input[0].input("Kari Nordmann")
    at.text_input[1].input("feil passord!")
    at.button[0].click()
    run(at)
    assert at.error[0].value == "Feil passord. Du kan prøve igjen om 1 sekund."
    assert not at.file_uploader
    login_clock.now += 1
    at.text_input[1].input(PASSWORD)
    at.button[0].click()
    run(at)
    assert at.file_uploader
    assert "Logget inn som Kari Nordmann (planleggerpassord)" in all_text(at)
    at.button(key="planner_logout").click()
    run(at)
    assert not at.file_uploader


def test_a_wrong_password_holds_back_the_next_try_in_another_session(open_update,
                                                                    login_clock: Clock) -> None:
    first = log_in(open_update({"planner_password_scrypt": HASH}), "Kari Nordmann", "feil!")
    assert "Feil passord" in first.error[0].value
    # A new session (another tab, another browser) with the right password must still wait.
    second = log_in(open_update({"planner_password_scrypt": HASH}), "kari  nordmann", PASSWORD)
    assert second.error[0].value == ("Det er skrevet feil passord for dette navnet nylig. "
                                     "Vent 1 sekund før du prøver igjen.")
    assert not second.file_uploader
    login_clock.now += 1
    second.button[0].click()
    assert run(second).file_uploader  # the right password after the wait works


def test_wrong_passwords_under_many_names_hold_everyone_back(open_update,
                                                           login_clock: Clock) -> None:
    guesser = open_update({"planner_password_scrypt": HASH}, lang="en")
    for i in range(throttle.EVERYONE.free + 1):
        log_in(guesser, f"Gjetter {i}", f"gjetning {i}")
        assert "Wrong password" in guesser.error[0].value
    planner = log_in(open_update({"planner_password_scrypt": HASH}, lang="en"), "Kari", PASSWORD)
    assert planner.error[0].value == ("Many wrong passwords have been given lately. "
                                      "Wait 1 second before you try again.")
    assert not planner.file_uploader


def test_password_needs_a_name_for_the_log(open_update) -> None:
    at = open_update({"planner_password_scrypt": HASH})
    at.text_input[1].input(PASSWORD)
    at.button[0].click()
    run(at)
    assert "Skriv navnet ditt" in at.error[0].value and not at.file_uploader


def test_oidc_not_logged_in_offers_the_log_in_button(open_update) -> None:
    at = open_update(OIDC, {"is_logged_in": False})
    assert not at.file_uploader
    assert [b.label for b in at.button] == ["Logg inn"]


def test_oidc_logged_in_but_not_on_the_allow_list(open_update) -> None:
    at = open_update(OIDC, {"is_logged_in": True, "email": "ola@example.no"})
    assert not at.file_uploader
    shown = at.error[0].value.replace(JOINER, "")  # an address is split so it is not a link
    assert "ola@example.no" in shown and "config/access.yaml" in shown


def test_oidc_look_alike_of_a_planner_address_gets_no_upload(open_update) -> None:
    at = open_update(OIDC, {"is_logged_in": True, "email": "\u212A" + EMAIL[1:]})  # Kelvin sign
    assert not at.file_uploader
    assert "står ikke på listen over planleggere" in at.error[0].value


def test_oidc_address_the_provider_has_not_verified_gets_no_upload(open_update) -> None:
    at = open_update(OIDC, {"is_logged_in": True, "email": EMAIL, "email_verified": False})
    assert not at.file_uploader
    assert "ikke bekreftet e-postadressen din" in at.error[0].value
    verified = open_update(OIDC, {"is_logged_in": True, "email": EMAIL, "email_verified": True})
    assert verified.file_uploader


def test_oidc_planner_on_the_allow_list_can_upload(open_update) -> None:
    at = logged_in(open_update)
    assert at.file_uploader
    assert f"Logget inn som {EMAIL}" in all_text(at).replace(JOINER, "")
    # The page offers what the server takes: the reader's limit, the same as server.maxUploadSize.
    assert at.file_uploader[0].proto.max_upload_size_mb == MAX_BYTES // 2**20 == 50


# ---- the upload endpoint: files only from a planner's session (issue 14, item 11) ---------------


def test_the_gate_tells_the_upload_endpoint_whether_a_planner_is_logged_in(
        open_update, monkeypatch: pytest.MonkeyPatch) -> None:
    marked: list[bool] = []
    monkeypatch.setattr(upload_guard, "mark_session", lambda _id, allowed: marked.append(allowed))
    at = open_update(OIDC, {"is_logged_in": False})
    assert marked[-1] is False and not at.file_uploader
    at = logged_in(open_update)
    assert marked[-1] is True and at.file_uploader
    at.button(key="planner_logout").click()
    at.user = {"is_logged_in": False}  # what st.logout leaves behind
    run(at)
    assert marked[-1] is False


class Endpoint:
    """Streamlit's runtime as the upload endpoint sees it: which sessions are open."""

    def __init__(self, *open_sessions: str) -> None:
        self.open_sessions, self.asked = set(open_sessions), 0

    def is_active_session(self, session_id: str) -> bool:
        self.asked += 1
        return session_id in self.open_sessions


def test_the_upload_endpoint_refuses_every_session_without_a_planner(caplog) -> None:
    endpoint = Endpoint("planner", "anonymous")
    upload_guard.install(endpoint)
    upload_guard.install(endpoint)  # every run installs it; it wraps only once
    upload_guard.mark_session("planner", True)
    assert endpoint.is_active_session("planner")
    assert not endpoint.is_active_session("anonymous")
    assert "no planner is logged in" in caplog.text
    assert not endpoint.is_active_session("closed")
    assert endpoint.asked == 3
    upload_guard.mark_session("planner", False)  # logged out
    assert not endpoint.is_active_session("planner")


def test_streamlit_asks_about_the_session_before_it_reads_an_upload_and_nowhere_else() -> None:
    """The guard sits in Runtime.is_active_session: true of Streamlit 1.67, checked on upgrade."""
    package = Path(streamlit.__file__).parent
    callers = sorted(str(f.relative_to(package)) for f in package.rglob("*.py")
                     if ".is_active_session(" in f.read_text("utf-8"))
    assert callers == ["runtime/runtime.py", "web/server/starlette/starlette_routes.py"]
    route = inspect.getsource(starlette_routes.create_upload_routes)
    put = route[route.index("async def _upload_put"):]
    assert put.index("runtime.is_active_session(") < put.index("request.stream()")
    runtime = inspect.getsource(Runtime)
    assert runtime.count(".is_active_session(") == 1  # its own, handing over to the session manager


def test_no_user_text_is_rendered_as_html() -> None:
    for path in ("app_pages/oppdater.py", "ui/auth.py"):
        assert "unsafe_allow_html" not in (ROOT / path).read_text("utf-8"), path


# ---- upload, preview, confirm, undo -----------------------------------------------------------


def test_upload_preview_confirm_show_and_undo(open_update, site: Path) -> None:
    before = exported_csv(site / "data" / "dashboard.duckdb")
    file_before = (site / "data" / "observations" / "2B-04.csv").read_bytes()
    n = next_import_id(site)
    at = upload(logged_in(open_update), PLANNER_FILE)
    assert [(m.label, m.value) for m in at.metric] == [("Nye rader", "1"), ("Endrede rader", "1"),
                                                       ("Uendret", "0")]
    added, changed = at.table[0].value, at.table[1].value
    assert added.iloc[0].to_dict() == {"Indikator": "2B-04", "Region": "32 Akershus",
                                       "Periode": "2026M02", "Serie": "", "Nå": "2,4",
                                       "Merknad": "Ås kommune"}
    assert (changed.iloc[0]["Før"], changed.iloc[0]["Nå"]) == ("2,6", "2,7")
    assert exported_csv(site / "data" / "dashboard.duckdb") == before  # the preview wrote nothing

    at.button(key="update_confirm").click()
    run(at)
    assert f"Import {n} er lagret" in at.success[0].value
    assert "Oppdaterte filen data/observations/2B-04.csv." in all_text(at)
    assert at.file_uploader[0].value is None  # the uploader is emptied for the next file
    assert f"**{n}** · " in all_text(at) and EMAIL in all_text(at)
    stored = (site / "data" / "observations" / "2B-04.csv").read_text("utf-8")
    assert "2B-04,32,2026M02,2.4,percent,,Ås kommune," in stored

    # The Indikator page shows the new figure at once (queries are keyed on the file version).
    at.query_params["id"] = "2B-04"
    at.switch_page("app_pages/indikator.py")
    run(at)
    assert at.metric[0].value == "2,4\xa0%" and "februar 2026" in at.metric[0].label

    at.switch_page("app_pages/oppdater.py")
    run(at)
    at.button(key=f"undo_{n}").click()
    run(at)
    assert f"Angre import {n}" in at.warning[0].value
    at.button(key=f"undo_yes_{n}").click()
    run(at)
    assert f"Import {n} er angret (angring {n + 1})." in at.success[0].value
    assert exported_csv(site / "data" / "dashboard.duckdb") == before
    assert (site / "data" / "observations" / "2B-04.csv").read_bytes() == file_before


def test_a_bad_file_shows_line_column_problem_and_fix_and_writes_nothing(open_update,
                                                                          site: Path) -> None:
    before = exported_csv(site / "data" / "dashboard.duckdb")
    bad = "indikator;region;år;verdi\n2B-04;32;2026M01;2,6\n2B-04;32;2026M02;12,5,1\n"
    at = upload(logged_in(open_update), bad.encode("cp1252"), "feil.csv")
    assert "Filen feil.csv ble ikke lest inn: 1 feil. Ingenting er endret." in at.error[0].value
    table = at.table[0].value
    assert list(table.columns) == ["Linje", "Kolonne", "Problem", "Slik retter du det"]
    row = table.iloc[0]
    assert (row["Linje"], row["Kolonne"]) == ("3", "verdi")
    assert row["Problem"] == '«12,5,1» er ikke et tall'
    assert row["Slik retter du det"].startswith("Bruk ett desimalkomma, f.eks. 12,5")
    assert not [b for b in at.button if b.key == "update_confirm"]
    assert exported_csv(site / "data" / "dashboard.duckdb") == before


def test_english_report(open_update) -> None:
    at = upload(logged_in(open_update, lang="en"), b"indikator;region;aar\n2B-04;32;2026M02\n",
                "x.csv")
    table = at.table[0].value
    assert list(table.columns) == ["Line", "Column", "Problem", "How to fix it"]
    assert "The column value is missing" in table.iloc[0]["Problem"]


def test_missing_indicator_fix_points_to_the_list_and_choosing_it_works(open_update) -> None:
    at = upload(logged_in(open_update), b"region;periode;verdi\n32;2026M02;2,4\n", "nav.csv")
    assert "Velg indikatoren i listen" in at.table[0].value.iloc[0]["Slik retter du det"]
    at.selectbox(key="update_indicator").set_value("2B-04")
    run(at)
    assert [m.value for m in at.metric] == ["1", "0", "0"]


def test_a_file_with_nothing_new_cannot_be_saved(open_update, site: Path) -> None:
    same = (site / "data" / "observations" / "2B-06.csv").read_bytes()
    at = upload(logged_in(open_update), same, "2B-06.csv")
    assert "ingen endringer" in at.info[0].value
    assert not [b for b in at.button if b.key == "update_confirm"]


def test_undo_refuses_on_later_work_unless_forced(open_update, site: Path) -> None:
    db = site / "data" / "dashboard.duckdb"
    at = logged_in(open_update)
    n = next_import_id(site)
    for value in ("2,4", "2,2"):
        upload(at, PLANNER_FILE.replace(b"2,4", value.encode()), f"nav-{value}.csv")
        at.button(key="update_confirm").click()
        run(at)
    at.button(key=f"undo_{n}").click()
    run(at)
    assert f"senere import {n + 1}" in at.error[0].value
    at.button(key=f"undo_yes_{n}").click()  # now labelled "Tving angring"
    run(at)
    assert f"Import {n} er angret" in at.success[0].value
    con = store.connect(db)
    try:
        assert store.history(con).iloc[0]["kind"] == "undo"
    finally:
        con.close()


def test_a_save_refused_by_the_store_is_said_in_english_in_an_english_session(
        open_update, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Another import holds the database (e.g. the nightly refresh): the store refuses the save,
    # and an English session reads why in English (it was bokmål, or English for everyone).
    monkeypatch.setattr(store.connection, "LOCK_WAIT_SECONDS", 0.2)
    said = {}
    for lang in ("nb", "en"):
        at = upload(logged_in(open_update, lang=lang), PLANNER_FILE)
        with store.writer_lock(site / "data" / "dashboard.duckdb", wait=0):
            at.button(key="update_confirm").click()
            run(at)
        said[lang] = at.error[0].value
    assert said["nb"].endswith("En annen import pågår; ventet 0 s. Prøv igjen om litt.")
    assert said["en"].endswith("another import is running; waited 0 s. Try again shortly.")


def test_a_jump_from_the_stored_figure_is_shown_as_a_warning_and_can_still_be_saved(
        open_update) -> None:
    at = upload(logged_in(open_update), b"indikator;region;\xe5r;verdi\n2B-04;32;2026M02;12,5\n",
                "jump.csv")
    assert "1 advarsel:" in at.warning[0].value
    warning = at.table[0].value.iloc[0]
    assert warning["Linje"] == "2" and "avviker 381 % fra forrige periode 2026M01" in warning["Problem"]
    assert [b for b in at.button if b.key == "update_confirm"]


def test_an_import_that_leaves_a_status_at_forverring_asks_for_a_comment(open_update) -> None:
    # The test data set's 2B-04 is at Forverring (tests/fixtures/README.md); February is new and
    # has no comment yet, so the planner who saved it is asked for one, with the way to write it.
    at = upload(logged_in(open_update), PLANNER_FILE)
    at.button(key="update_confirm").click()
    run(at)
    asks = [w.value for w in at.warning if "ingen har forklart hvorfor" in w.value]
    assert len(asks) == 1 and "Forverring" in asks[0] and "februar 2026" in asks[0]
    links = [link for link in at.get("page_link") if "Skriv en kommentar" in link.proto.label]
    assert len(links) == 1
    assert links[0].proto.page == "indikator" and "id=2B-04" in links[0].proto.query_string


def test_an_import_is_saved_and_says_so_when_the_static_bundle_cannot_follow(
        open_update, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$DASHBOARD_PUBLISH names a folder publish must refuse: the import stands at once, the page
    says the public edition is being remade in the background, then that it could not be
    (indicators/republish.py)."""
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("not a bundle")
    monkeypatch.setenv("DASHBOARD_PUBLISH", str(taken))
    n = next_import_id(site)
    at = upload(logged_in(open_update), PLANNER_FILE)
    at.button(key="update_confirm").click()
    run(at)
    assert f"Import {n} er lagret" in at.success[0].value
    assert any("Den offentlige utgaven lages" in i.value for i in at.info)
    deadline = time.monotonic() + 180
    while republish.state(taken).busy:  # the detached `publish --queued` process at work
        assert time.monotonic() < deadline
        time.sleep(0.2)
    run(at)
    assert any("kunne ikke lages på nytt" in w.value and "taken" in w.value for w in at.warning)
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
