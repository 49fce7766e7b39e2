"""Reminders for `python -m indicators due`: one plain-text message per owner, printed, written or sent.

Sending is the county's mail relay's job: the command prints the messages, writes them as .eml
files for the relay to pick up (--out), or, only when asked (--send) and only with an [smtp]
section in secrets.toml, hands them to that server.
"""

from __future__ import annotations

import re
import smtplib
import tomllib
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from typing import Any

import duckdb

from indicators import store, worklist
from indicators.model import Owner, PlanModel
from indicators.views import headline_pairs

DEFAULT_SENDER = "noreply@localhost"


@dataclass(frozen=True)
class Message:
    owner: Owner
    subject: str
    body: str
    tasks: tuple[worklist.Task, ...]


def due_tasks(model: PlanModel, con: duckdb.DuckDBPyConnection, today: date,
              horizon: int = worklist.HORIZON_DAYS) -> list[worklist.Task]:
    """Everything late or due within `horizon` days, and indicators with no figures, from the
    database as it is."""
    latest = worklist.latest_periods(store.latest(con, headline_pairs(model)))
    return worklist.tasks(model, latest, store.read_table(con, "actions"), today, horizon)


def messages(found: list[worklist.Task], today: date, lang: str = "nb",
             base_url: str | None = None) -> tuple[list[Message], list[worklist.Task]]:
    """One message per owner, and the tasks that have nobody to remind."""
    groups, nobody = worklist.by_owner(found)
    out = []
    for owner, tasks in groups:
        subject, body = worklist.reminder(owner, tasks, today, lang, base_url)
        out.append(Message(owner, subject, body, tuple(tasks)))
    return out, nobody


def as_email(message: Message, sender: str = DEFAULT_SENDER) -> EmailMessage:
    """The message as an e-mail in UTF-8 plain text, as a mail relay takes it."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = formataddr((message.owner.name, message.owner.email))
    mail["Subject"] = message.subject
    mail.set_content(message.body)
    return mail


def file_name(index: int, message: Message) -> str:
    """`01-kari.nordmann-akershusfk.no.eml`: numbered, and safe on any file system."""
    slug = re.sub(r"[^a-z0-9.-]+", "-", message.owner.email.casefold()).strip("-")
    return f"{index:02d}-{slug}.eml"


def write(found: list[Message], folder: Path, sender: str = DEFAULT_SENDER) -> list[Path]:
    """Each message as an .eml file in `folder` (made if missing); the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, message in enumerate(found, start=1):
        path = folder / file_name(index, message)
        path.write_bytes(bytes(as_email(message, sender)))
        paths.append(path)
    return paths


class SmtpMissing(Exception):
    """--send without an [smtp] section (host, from) in secrets.toml."""


def smtp_settings(secrets: Path) -> dict[str, Any]:
    """The [smtp] section of secrets.toml: host, port (587), from, username, password,
    starttls (true) — Any: as the TOML file has them."""
    try:
        found = tomllib.loads(secrets.read_text("utf-8")).get("smtp")
    except (OSError, tomllib.TOMLDecodeError):
        found = None
    if not isinstance(found, dict) or not found.get("host") or not found.get("from"):
        raise SmtpMissing(str(secrets))
    return found


def send(found: list[Message], settings: dict[str, Any],
         smtp: type[smtplib.SMTP] = smtplib.SMTP) -> int:
    """Hand every message to the SMTP server in `settings`; the number sent."""
    with smtp(settings["host"], int(settings.get("port", 587)), timeout=30) as server:
        if settings.get("starttls", True):
            server.starttls()
        if settings.get("username"):
            server.login(settings["username"], settings.get("password", ""))
        for message in found:
            server.send_message(as_email(message, settings["from"]))
    return len(found)


def records(found: list[Message], nobody: list[worklist.Task]) -> list[dict[str, Any]]:
    """The messages and the tasks without an owner, for `due --json` (Any: a JSON value)."""
    def task(item: worklist.Task) -> dict[str, Any]:
        return {"kind": item.kind, "id": item.id, "titles": item.titles, "state": item.state,
                "due": item.due.isoformat() if item.due else None, "latest_period": item.latest,
                "percent_complete": item.percent,
                "owner": item.owner.model_dump() if item.owner else None}

    out: list[dict[str, Any]] = [{"owner": m.owner.model_dump(), "subject": m.subject, "body": m.body,
            "tasks": [task(item) for item in m.tasks]} for m in found]
    if nobody:
        out.append({"owner": None, "subject": None, "body": None,
                    "tasks": [task(item) for item in nobody]})
    return out
