"""The planner's workbench in a real browser: upload a grants file, adopt the 2B-04 target with
its case number, see both saved to the files, and take both back with Angre; then all of issue
16's done-when in one session (milestone, action, owner and comment too), file diff by file diff."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator

from indicators import cli
from tests.e2e.conftest import PlannerSite as Site
from tests.e2e.conftest import new_tab, planner_site

pytestmark = pytest.mark.e2e

GRANTS = ("year,scheme_id,recipient,project,municipality_code,focus_area_id,amount_nok_million,"
          "description,focus_area_basis\n"
          "2024,nui,,Prosjekt B,,vekstbedrifter,,Beskrivelse B.,assessed\n")
NEW_GRANT = "2024,nui,Kjeller Innovasjon AS,Romfartsinkubator,3205,inkubatorer,1.2,Inkubator.,source\n"
# The site's own timeline and action items (the test data set has neither), as planners keep them.
MILESTONES = ("id,start,end,kind,status,owner,title_nb,title_en,description_nb,description_en\n"
              "planprogram,2025-01-01,2025-06-30,phase,planned,Fylkeskommunen,Planprogram,"
              "Planning programme,,\n")
ACTIONS = ("id,title_nb,title_en,start,end,owner,percent_complete,goal_id,note,owner_email\n"
           "T-01,Kartlegge inkubatorene,Map the incubators,2025-01-01,2027-12-31,Kari Nordmann,10,"
           "2B,,\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The test data set served for a planner, with grants, milestones and actions files of its own."""
    files = {"grants.csv": GRANTS, "milestones.csv": MILESTONES, "actions.csv": ACTIONS}
    with planner_site(tmp_path_factory.mktemp("workbench"), files) as served:
        yield served


def test_upload_grants_adopt_a_target_and_undo_both(browser: Browser, site: Site,
                                                    tmp_path: Path) -> None:
    config_before = site.config.read_bytes()
    upload = tmp_path / "grants.csv"  # by its name: the grants table
    upload.write_text(GRANTS + NEW_GRANT, "utf-8")
    tab = new_tab(browser, site.url)
    page, context = tab.page, tab.page.context
    try:
        tab.log_in()

        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
        page.get_by_text("Dette vil endres i tilskuddene (grants.csv)").wait_for()
        page.get_by_role("button", name="Lagre 1 endring").click()
        page.get_by_text(re.compile(r"Import \d+ er lagret")).wait_for()
        tab.wait_ready()
        assert (site.data / "grants.csv").read_text("utf-8") == GRANTS + NEW_GRANT

        page.get_by_label("Indikator", exact=True).click()
        page.get_by_role("option", name=re.compile(r"^2B-04 ")).click()
        # The rerun's own form, not the run before the click (script state alone can be that).
        page.locator(".st-key-wb_target_case_2B-04").first.wait_for()
        tab.wait_ready()
        page.get_by_label("Saksnummer i fylkestinget").fill("PS 12/2026")
        page.get_by_role("spinbutton", name="day, Vedtaksdato").click()
        page.keyboard.type("12032026")
        page.get_by_role("button", name="Lagre målet").click()
        page.get_by_text("Lagret: 2B-04").wait_for()
        tab.wait_ready()
        tab.screenshot("workbench-adopted")
        assert "decision:\n        case: PS 12/2026\n        date: 2026-03-12\n" in \
            site.config.read_text("utf-8")
        assert "vedtatt 12. mars 2026, sak PS 12/2026" in page.inner_text('[data-testid="stMain"]')

        for _ in range(2):  # Angre, newest first: the target, then the grants file
            page.get_by_role("button", name="Angre", exact=True).first.click()
            page.get_by_role("button", name="Ja, angre").click()
            page.get_by_text("er angret").wait_for()
            tab.wait_ready()
        assert site.config.read_bytes() == config_before
        assert (site.data / "grants.csv").read_text("utf-8") == GRANTS
    finally:
        context.close()


# ---- the whole workbench, as a new planner tries it ----------------------------------------------

OWNER_EMAIL = "kari.nordmann@akershusfk.no"
COMMENT = "Ledigheten gikk opp etter at permitteringene økte."
PLAN_FILES = (".csv", ".yaml", ".yml", ".md")
Diff = dict[str, tuple[list[str], list[str]]]


def snapshot(site: Site) -> dict[str, bytes]:
    """Every planner's file under config/ and data/ (not the database), by its path there."""
    root = site.data.parent
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("config", "data") for p in sorted((root / folder).rglob("*"))
            if p.is_file() and p.suffix in PLAN_FILES}


def changes(before: dict[str, bytes], after: dict[str, bytes]) -> Diff:
    """What `git diff` would show: per changed file, the lines taken out and the lines put in."""
    found = {}
    for name in sorted(before.keys() | after.keys()):
        if before.get(name) == after.get(name):
            continue
        old = before.get(name, b"").decode("utf-8").splitlines()
        new = after.get(name, b"").decode("utf-8").splitlines()
        diff = list(difflib.unified_diff(old, new, n=0, lineterm=""))[2:]
        found[name] = ([d[1:] for d in diff if d.startswith("-")],
                       [d[1:] for d in diff if d.startswith("+")])
    return found


def validate_clean(site: Site, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m indicators validate` on the site's files, as the server sees them."""
    monkeypatch.setenv("DASHBOARD_CONFIG", str(site.config))
    monkeypatch.setenv("DASHBOARD_DATA", str(site.data))
    code = cli.main(["validate"])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err


def line(text: str, old: str, new: str) -> tuple[list[str], list[str]]:
    """The diff of one line of a CSV text (its second line) with `old` changed to `new`."""
    row = text.splitlines()[1]
    return [row], [row.replace(old, new)]


def test_a_new_planner_makes_every_change_sees_it_and_angre_takes_it_all_back(
        browser: Browser, site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 16's done-when in one session: each change shows at once where people read it,
    changes exactly its lines of one file, keeps validate clean, and Angre takes it back."""
    upload = tmp_path / "grants.csv"
    upload.write_text(GRANTS + NEW_GRANT, "utf-8")
    tab = new_tab(browser, site.url)
    page, context = tab.page, tab.page.context
    main = page.locator('[data-testid="stMain"]')
    states = [snapshot(site)]  # the files before each step, to compare and to come back to

    def step_done(expected: Diff) -> None:
        """The files changed by exactly `expected`, and validate is clean on them."""
        tab.wait_ready()
        after = snapshot(site)
        assert changes(states[-1], after) == expected
        validate_clean(site, monkeypatch, capsys)
        states.append(after)

    def shown() -> str:
        """The page's text as read, one line per paragraph or table cell: no-break spaces as
        spaces, no word joiners."""
        text = main.inner_text().replace("\xa0", " ").replace("\u2060", "")
        return re.sub(r"[ \t]*\n\s*", "\n", text)

    def go(name: str, path: str) -> None:
        """Another page through the menu: the same session, so the planner stays logged in."""
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name,
                                                                  exact=True).click()
        page.wait_for_url(re.compile(f"/{path}"))
        tab.wait_ready()

    def choose(label: str, option: str, then: str) -> None:
        """Pick `option` in a select box, and wait for the rerun to show `then` (a selector):
        script state alone may still be the run before the click."""
        page.get_by_label(label, exact=True).click()
        page.get_by_role("option", name=re.compile(f"^{option} ")).click()
        page.locator(then).first.wait_for()
        tab.wait_ready()

    def workbench_tab(name: str) -> Locator:
        page.get_by_role("tab", name=name, exact=True).click()
        return page.get_by_role("tabpanel", name=name, exact=True)

    try:
        tab.log_in()

        # 1. A grants file: a new row in grants.csv, and on Tilskudd.
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
        page.get_by_role("button", name="Lagre 1 endring").click()
        page.get_by_text(re.compile(r"Import \d+ er lagret")).wait_for()
        step_done({"data/grants.csv": ([], [NEW_GRANT.rstrip("\n")])})
        page.get_by_role("link", name="Se tilskuddene").click()
        page.wait_for_url(re.compile("/tilskudd"))
        tab.wait_ready()
        assert "Romfartsinkubator" in shown()
        go("Oppdater data", "oppdater")

        # 2. The 2B-04 target adopted, with the fylkesting's case number and date.
        choose("Indikator", "2B-04", ".st-key-wb_target_case_2B-04")
        page.get_by_label("Saksnummer i fylkestinget").fill("PS 12/2026")
        page.get_by_role("spinbutton", name="day, Vedtaksdato").click()
        page.keyboard.type("12032026")
        page.get_by_role("button", name="Lagre målet").click()
        page.get_by_text("Lagret: 2B-04").wait_for()
        step_done({"config/goals.yaml": (
            ["      status: proposed", "      note: {nb: 'Forslag for å prøve dashbordet, ikke "
             "vedtatt', en: 'Proposal for trying the dashboard, not adopted'}"],
            ["      status: adopted", "      decision:", "        case: PS 12/2026",
             "        date: 2026-03-12"])})

        # 3. The planprogram milestone done; 4. the action item at 40 %: both on Tidslinje.
        panel = workbench_tab("Tidslinje")
        panel.get_by_label("Status", exact=True).click()
        page.get_by_role("option", name="Gjennomført", exact=True).click()
        panel.get_by_role("button", name="Lagre endringen").click()
        page.get_by_text("Lagret: planprogram").wait_for()
        step_done({"data/milestones.csv": line(MILESTONES, ",planned,", ",done,")})
        panel = workbench_tab("Tiltak")
        panel.get_by_label("Fullført (prosent)").first.fill("40")
        panel.get_by_role("button", name="Lagre endringen").first.click()
        page.get_by_text("Lagret: T-01").wait_for()
        step_done({"data/actions.csv": line(ACTIONS, ",10,", ",40,")})
        go("Tidslinje", "tidslinje")
        timeline = shown()
        # Table rows (cells apart by tabs) at this width; cards on a phone.
        assert "januar–juni 2025\tPlanprogram\tPlanfase\tGjennomført" in timeline
        assert "Kartlegge inkubatorene\tKari Nordmann\t1. januar 2025\t31. desember 2027\t" \
               "40 %" in timeline

        # 5. An owner for 1D-01 (no figures yet): at once a task of hers on Mine oppgaver.
        go("Mine oppgaver", "oppgaver")
        choose("Indikator", "1D-01", 'text="ansvarlig: ingen ansvarlig"')
        page.get_by_label("Navn", exact=True).fill("Kari Nordmann")
        page.get_by_label("E-post", exact=True).fill(OWNER_EMAIL)
        page.get_by_role("button", name="Lagre ansvarlig").click()
        page.get_by_text("Lagret: 1D-01: ansvarlig Kari Nordmann").wait_for()
        step_done({"config/goals.yaml": ([], ["    owner:", "      name: Kari Nordmann",
                                              f"      email: {OWNER_EMAIL}"])})
        tasks = shown()
        mine = tasks[tasks.index("Tildelt deg"):tasks.index("Alle oppgaver")]
        assert "1D-01 Fullført og bestått videregående opplæring innen fem år" in mine
        assert f"Kari Nordmann <{OWNER_EMAIL}>\nIngen tall ennå · 1D-01 " in tasks

        # 6. A comment on 2B-04's latest period, on its page (which shows the adopted target).
        go("Indikator", "indikator")
        choose("Velg indikator", "2B-04", 'h1:has-text("2B-04 Registrerte helt ledige")')
        assert "Mål 2030: 2,0 % (vedtatt 12. mars 2026, sak PS 12/2026)" in shown()
        box = page.get_by_label(re.compile(r"^Kommentar til "))
        if not box.is_visible():  # open by itself when a Forverring asks for a comment
            page.get_by_text("Skriv en kommentar (planleggere)").click()
        box.fill(COMMENT)
        page.get_by_role("button", name="Lagre kommentaren").click()
        page.get_by_text("Kommentaren er lagret").wait_for()
        # The test data set has no comments.csv: the first comment makes it.
        step_done({"data/comments.csv": ([], ["indicator_id,period,text,author,at",
                                              f"2B-04,2026M01,{COMMENT},Kari Nordmann,"
                                              f"{date.today().isoformat()}"])})
        assert f"Kommentar til januar 2026 — Kari Nordmann\n{COMMENT}" in \
               re.sub(r", \d+\. \w+ \d{4}\n", "\n", shown())

        # All six in the import log on Oppdater data, newest first; Angre takes each back.
        go("Oppdater data", "oppdater")
        log = shown()
        entries = ["comments.csv: 2B-04: kommentar til januar 2026",
                   "goals.yaml: 1D-01: ansvarlig Kari Nordmann", "actions.csv: T-01: 40 % fullført",
                   "milestones.csv: planprogram: gjennomført",
                   "goals.yaml: 2B-04: mål 2,0 % i 2030 vedtatt (sak PS 12/2026)", "grants.csv"]
        at = [log.index(f"Kari Nordmann · {entry} · ") for entry in entries]
        assert at == sorted(at)
        for _ in entries:
            page.get_by_role("button", name="Angre", exact=True).first.click()
            page.get_by_role("button", name="Ja, angre").click()
            page.get_by_text("er angret").wait_for()
            tab.wait_ready()
            states.pop()
            assert snapshot(site) == states[-1]  # byte for byte
            validate_clean(site, monkeypatch, capsys)
        go("Tidslinje", "tidslinje")
        assert "Planprogram\tPlanfase\tPlanlagt" in shown()
    finally:
        context.close()
