"""Owners, due dates and reminders: what is late or due within 30 days, and whose it is.

Owners and the figures' latest periods are made here; the due dates follow from each indicator's
frequency and its source's lag in config/goals.yaml, never from a date written in a test.
"""

from __future__ import annotations

import email
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from indicators import explain, reminders, worklist
from indicators.model import Owner, PlanModel, load_model, validate_config
from indicators.periods import parse_period
from tests.conftest import CliResult, run_cli

ROOT = Path(__file__).resolve().parents[2]
KARI = Owner(name="Kari Nordmann", email="kari.nordmann@akershusfk.no")
OLA = Owner(name="Ola Hansen", email="ola.hansen@akershusfk.no")


def with_owners(model: PlanModel, owners: dict[str, Owner]) -> PlanModel:
    indicators = [i.model_copy(update={"owner": owners.get(i.id)}) for i in model.indicators]
    return model.model_copy(update={"indicators": indicators})


def due_of(model: PlanModel, indicator_id: str, period: str) -> date:
    p = parse_period(period)
    return explain.next_update_due(model.indicator(indicator_id), p.year, p.sub, p.freq)


def actions(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", "title_nb", "title_en", "start", "end", "owner",
                                       "percent_complete", "goal_id", "note", "owner_email"])


def test_figures_from_2019_are_overdue_and_listed_for_their_owner(model: PlanModel) -> None:
    """1D-01 with figures to 2019 is late once the month its 2020 figures were due has passed;
    its headline area (the old county) is gone, and the task says new figures are for today's."""
    plan = with_owners(model, {"1D-01": KARI, "2B-04": OLA})
    due = due_of(plan, "1D-01", "2019")
    today = date(due.year + 1, 1, 15)
    found = worklist.tasks(plan, {"1D-01": "2019"}, None, today)
    task = next(t for t in found if t.id == "1D-01")
    assert (task.state, task.due, task.owner) == ("overdue", due, KARI)
    assert worklist.mine(found, "KARI.nordmann@akershusfk.no") == [task]  # any letter case
    assert worklist.mine(found, "Kari  Nordmann") == [task]  # a password log-in gives the name
    text = worklist.due_text(task, "nb")
    assert "siste tall: 2019" in text and "ikke finnes lenger" in text


def test_due_soon_and_not_yet_due(model: PlanModel) -> None:
    """The month figures are due counts as due soon until it has passed; a month due more
    than 30 days ahead is not listed."""
    due = due_of(model, "2B-04", "2026M01")
    assert worklist.tasks(model, {"2B-04": "2026M01"}, None, due)[0].state == "due_soon"
    assert worklist.tasks(model, {"2B-04": "2026M01"}, None, due.replace(day=28))[0].state \
        == "due_soon"
    before = date.fromordinal(due.toordinal() - 31)
    assert [t.id for t in worklist.tasks(model, {"2B-04": "2026M01"}, None, before)
            if t.kind == "indicator" and t.state != "no_data"] == []


def test_an_indicator_without_figures_is_listed_last(model: PlanModel) -> None:
    due = due_of(model, "1D-01", "2019")
    found = worklist.tasks(model, {"1D-01": "2019"}, None, date(due.year + 1, 1, 1))
    assert found[0].id == "1D-01"
    assert {t.state for t in found[1:]} == {"no_data"}
    assert len(found) == len(model.indicators)


def test_actions_are_due_on_their_end_date_until_complete(model: PlanModel) -> None:
    today = date(2026, 12, 2)
    rows = actions(("a1", "Kartlegging", "Mapping", "2026-01-01", "2026-11-30", "Kari Nordmann",
                    40.0, "2A", "", "kari.nordmann@akershusfk.no"),
                   ("a2", "Veikart", "", "2026-01-01", "2026-12-20", "Ola Hansen", 90.0, "2A",
                    "", ""),
                   ("a3", "Ferdig", "", "2026-01-01", "2026-11-01", "Kari Nordmann", 100.0,
                    "2A", "", "kari.nordmann@akershusfk.no"),
                   ("a4", "Senere", "", "2026-01-01", "2027-06-01", "Kari Nordmann", 10.0,
                    "2A", "", "kari.nordmann@akershusfk.no"))
    found = worklist.action_tasks(rows, today)
    assert [(t.id, t.state) for t in found] == [("a1", "overdue"), ("a2", "due_soon")]
    assert found[0].owner == KARI and found[1].owner is None  # a name without an address
    assert worklist.mine(found, "Ola Hansen") == [found[1]]
    assert worklist.due_text(found[0], "nb") == "Sluttdatoen 30. november 2026 er passert, " \
                                                "40\xa0% fullført."
    assert worklist.owner_text(found[1], "nb") == "Ola Hansen (ingen e-postadresse)"


def test_one_reminder_per_owner_in_plain_norwegian(model: PlanModel) -> None:
    plan = with_owners(model, {"1D-01": KARI, "1D-04": KARI, "2B-04": OLA})
    due = due_of(plan, "1D-01", "2019")
    today = date(due.year + 1, 1, 15)
    found = worklist.tasks(plan, {"1D-01": "2019", "1D-04": "2018/19", "2B-04": "2011M01"},
                           None, today)
    messages, nobody = reminders.messages(found, today, "nb", "https://dashbord.example.no/")
    # The owner with the longest-late task first.
    assert [m.owner for m in messages] == [OLA, KARI]
    kari = messages[1]
    assert kari.subject.startswith("Næringsmål Akershus: 2 oppgaver venter")
    assert kari.body.startswith("Hei Kari Nordmann,\n")
    assert "https://dashbord.example.no/oppdater?nye_tall=1D-01&lang=nb" in kari.body
    assert "2B-04" not in kari.body and "Forsinket:" in kari.body
    assert {t.id for t in nobody} == {i.id for i in plan.indicators} - {"1D-01", "1D-04", "2B-04"}
    mail = email.message_from_bytes(bytes(reminders.as_email(kari, "dashbord@akershusfk.no")))
    assert mail["To"] == "Kari Nordmann <kari.nordmann@akershusfk.no>"
    assert mail.get_content_charset() == "utf-8"
    assert "Hei Kari Nordmann" in mail.get_payload(decode=True).decode("utf-8")


def test_an_owner_needs_a_real_address(tmp_path: Path) -> None:
    config = tmp_path / "goals.yaml"
    text = (ROOT / "config" / "goals.yaml").read_text("utf-8")
    config.write_text(text.replace("  - id: 1D-01\n", "  - id: 1D-01\n    owner: {name: Kari, "
                                   "email: kari.akershusfk.no}\n", 1), "utf-8")
    (tmp_path / "regions.yaml").write_text((ROOT / "config" / "regions.yaml").read_text("utf-8"),
                                           "utf-8")
    problems = [str(p) for p in validate_config(config)]
    line = text.splitlines().index("  - id: 1D-01") + 2  # the owner line inserted after it
    assert len(problems) == 1 and "owner.email" in problems[0]
    assert "er ikke en e-postadresse" in problems[0] and f":{line}:" in problems[0]


# ---- the command a scheduled job runs ------------------------------------------------------------

def repo_with_owners(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    text = (ROOT / "config" / "goals.yaml").read_text("utf-8")
    text = text.replace("  - id: 1D-01\n", "  - id: 1D-01\n    owner:\n      name: Kari Nordmann"
                        "\n      email: kari.nordmann@akershusfk.no\n", 1)
    (tmp_path / "config" / "goals.yaml").write_text(text, "utf-8")
    (tmp_path / "config" / "regions.yaml").write_text(
        (ROOT / "config" / "regions.yaml").read_text("utf-8"), "utf-8")
    data = tmp_path / "data" / "observations"
    data.mkdir(parents=True)
    rows = ["indicator_id,region_code,period,value,unit,series,note,source"]
    rows += [f"1D-01,02,{year},{70 + year - 2010},percent,,,Test" for year in range(2010, 2020)]
    (data / "1D-01.csv").write_text("\n".join(rows) + "\n", "utf-8")
    return tmp_path


def run(repo: Path, *args: str) -> CliResult:
    return run_cli(*args, "--db", str(repo / "data" / "t.duckdb"),
                   "--config", str(repo / "config" / "goals.yaml"))


@pytest.fixture
def due_repo(tmp_path: Path) -> Path:
    repo = repo_with_owners(tmp_path)
    assert run(repo, "build").returncode == 0
    return repo


def test_due_prints_one_reminder_per_owner(due_repo: Path) -> None:
    model = load_model(due_repo / "config" / "goals.yaml")
    due = due_of(model, "1D-01", "2019")
    as_of = date(due.year, due.month, 1).replace(year=due.year + 1).isoformat()
    result = run(due_repo, "due", "--as-of", as_of)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Til: Kari Nordmann <kari.nordmann@akershusfk.no>\n"
                                    "Emne: Næringsmål Akershus: 1 oppgave venter (1 forsinket)")
    assert "- 1D-01 Fullført og bestått" in result.stdout and "siste tall: 2019" in result.stdout
    assert "Uten ansvarlig" in result.stderr and "1D-02" in result.stderr


def test_due_json_and_files_for_the_mail_relay(due_repo: Path, tmp_path: Path) -> None:
    result = run(due_repo, "due", "--json")
    records = json.loads(result.stdout)
    kari = records[0]
    assert kari["owner"]["email"] == "kari.nordmann@akershusfk.no"
    assert [(t["id"], t["state"], t["latest_period"]) for t in kari["tasks"]] == \
        [("1D-01", "overdue", "2019")]
    assert records[-1]["owner"] is None  # the indicators nobody owns
    out = tmp_path / "outbox"
    result = run(due_repo, "due", "--out", str(out), "--sender", "dashbord@akershusfk.no")
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["01-kari.nordmann-akershusfk.no.eml"]
    mail = email.message_from_bytes(files[0].read_bytes())
    assert mail["From"] == "dashbord@akershusfk.no"
    assert "1D-01" in mail.get_payload(decode=True).decode("utf-8")


def test_due_send_needs_smtp_settings_and_sends_nothing_without(due_repo: Path,
                                                                 tmp_path: Path) -> None:
    result = run(due_repo, "due", "--send", "--secrets", str(tmp_path / "none.toml"))
    assert result.returncode == 2 and "[smtp]" in result.stderr


def test_send_hands_each_message_to_the_configured_server(model: PlanModel) -> None:
    """Through a stand-in for smtplib.SMTP: no mail leaves the machine in a test."""
    sent: list = []

    class Server:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            sent.append(("connect", host, port))

        def __enter__(self) -> Server:
            return self

        def __exit__(self, *exc: object) -> None:
            sent.append(("quit",))

        def starttls(self) -> None:
            sent.append(("starttls",))

        def login(self, user: str, password: str) -> None:
            sent.append(("login", user))

        def send_message(self, message: email.message.EmailMessage) -> None:
            sent.append(("send", message["To"], message["From"]))

    plan = with_owners(model, {"1D-01": KARI})
    found = worklist.tasks(plan, {"1D-01": "2019"}, None, date(2030, 1, 1))
    messages, _ = reminders.messages(found, date(2030, 1, 1))
    settings = {"host": "smtp.akershusfk.no", "from": "dashbord@akershusfk.no",
                "username": "dashbord"}
    assert reminders.send(messages, settings, smtp=Server) == 1
    assert sent == [("connect", "smtp.akershusfk.no", 587), ("starttls",), ("login", "dashbord"),
                    ("send", "Kari Nordmann <kari.nordmann@akershusfk.no>",
                     "dashbord@akershusfk.no"), ("quit",)]
