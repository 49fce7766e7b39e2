"""Remaking the static bundle after a change without keeping the planner waiting.

A change (import, undo, fetch) asks for a republish and returns at once: the request is written
beside the bundle and a detached `python -m indicators publish OUT --queued` process does the
work. Several app processes (behind nginx) and the command line share one bundle, so the files
beside it coordinate them: one runner at a time (`.OUT.queue.lock`), and one waiting request
(`.OUT.pending.json`) however many changes come while a publish runs, so a burst of imports
costs one more publish, never a queue of them. The outcome is kept in `.OUT.status.json`, which
Oppdater data shows ("Den offentlige utgaven ble sist oppdatert …", or why it failed) and
`--wait-publish` reads. A failed publish never fails the change that asked for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from indicators import paths
from indicators.i18n import format_date, t

NICENESS = 10  # the app's readers come first on a small server; a bundle can wait a few seconds


@dataclass(frozen=True)
class Request:
    """What to publish from: the database, the plan model file, the address it is served at."""

    db: str
    config: str
    base_url: str = ""


@dataclass(frozen=True)
class State:
    """The bundle's republishing as the status file and the request file tell it."""

    running_since: datetime | None = None  # a publish is running (since then)
    waiting: bool = False  # another is asked for (after the running one, or about to start)
    finished: datetime | None = None  # when the last publish ended
    error: str | None = None  # why the last one failed (None: it succeeded)
    last_ok: datetime | None = None  # when the bundle was last made whole
    pages: int = 0
    charts: int = 0
    problems: tuple[str, ...] = ()  # what the last publish could not draw
    died: bool = False  # the last one stopped before it finished (its process is gone)

    @property
    def busy(self) -> bool:
        """A publish is running or about to: the bundle does not yet show the latest change."""
        return self.running_since is not None or self.waiting


def beside(out: Path, what: str) -> Path:
    """`.OUT.<what>` in the folder that holds OUT (where publish keeps its lock and cache too)."""
    out = Path(out).resolve()
    return out.with_name(f".{out.name}.{what}")


# ---- asking -------------------------------------------------------------------------------------


def ask(out: Path, request: Request, *, wait: bool = False) -> State:
    """Ask for a republish of `out` after a change. Without `wait` a detached process does it and
    this returns at once; with `wait` it is done (or waited for) here. Never raises for a failed
    publish: its reason is in the returned State."""
    queue(out, request)
    if wait:
        serve(out, wait=True)
    else:
        start(out, request)
    return state(out)


def queue(out: Path, request: Request) -> None:
    """Leave the request for a runner: the newest replaces any waiting one (they differ at most
    in which database copy or model file a test used; a server always asks for the same)."""
    _write_json(beside(out, "pending.json"), asdict(request))


def start(out: Path, request: Request) -> None:
    """Start the runner, detached: it outlives this process (a restarted app, a finished CLI)."""
    command = [sys.executable, "-m", "indicators", "publish", str(out), "--queued",
               "--db", request.db, "--config", request.config]
    log = beside(out, "log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as output:
        process = subprocess.Popen(command, cwd=paths.ROOT, stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=output, start_new_session=True)
    # Reaped here when it ends, so a long-running app collects no zombies.
    threading.Thread(target=process.wait, name="republish-reaper", daemon=True).start()


# ---- running ------------------------------------------------------------------------------------


Make = Callable[[Request], Any]  # publishes as asked; returns a publish.Published


def serve(out: Path, *, wait: bool, make: Make | None = None) -> None:
    """Publish while a request is waiting. Another runner at work: return at once (it sees the
    request when it finishes), or with `wait`, wait for it and then do what is left.

    The lock is let go before the request file is looked at again, so a request written just
    as a runner finishes is served by it or by the runner started for it, never by neither."""
    pending, publish = beside(out, "pending.json"), make or _make(out)
    while pending.exists():
        with _queue_lock(out, wait) as mine:
            if not mine:
                return
            while (request := _take(out)) is not None:
                try:
                    recorded(out, functools.partial(publish, request))
                except Exception:  # noqa: BLE001 - recorded in the status; the next may work
                    traceback.print_exc()  # into the log beside the bundle


def run_queued(out: Path) -> None:
    """The detached runner (`publish OUT --queued`): at a lower priority than the app."""
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    serve(out, wait=False)


def _make(out: Path) -> Make:
    def make(request: Request) -> Any:
        from indicators import publish  # late: templates and charts load only when publishing
        from indicators.model import load_model

        return publish.publish(load_model(request.config), Path(request.db), out,
                               base_url=request.base_url)
    return make


def recorded(out: Path, run: Callable[[], Any]) -> Any:
    """Run one publish, with its start and outcome written to the status file; errors re-raised."""
    status = _read_json(beside(out, "status.json"))
    status["running"] = {"pid": os.getpid(), "host": socket.gethostname(),
                         "started": _now()}
    _write_json(beside(out, "status.json"), status)
    try:
        done = run()
    except BaseException as error:
        status.update(running=None, last={"ok": False, "finished": _now(),
                                          "error": f"{type(error).__name__}: {error}"})
        _write_json(beside(out, "status.json"), status)
        raise
    finished = _now()
    status.update(running=None, last_ok=finished, last={
        "ok": True, "finished": finished, "pages": done.pages, "charts": done.charts,
        "problems": list(done.problems)})
    _write_json(beside(out, "status.json"), status)
    return done


@contextlib.contextmanager
def _queue_lock(out: Path, wait: bool) -> Iterator[bool]:
    path = beside(out, "queue.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _take(out: Path) -> Request | None:
    """The waiting request, removed in one step (a rename), or None when there is none."""
    pending, taken = beside(out, "pending.json"), beside(out, f"taken-{os.getpid()}.json")
    try:
        pending.rename(taken)
    except FileNotFoundError:
        return None
    content = _read_json(taken)
    taken.unlink(missing_ok=True)
    try:
        return Request(**content)
    except TypeError:  # a request file from another version: publish as this process was told
        return None


# ---- reading -------------------------------------------------------------------------------------


def state(out: Path) -> State:
    """What the status and request files say now. A publish recorded as running whose process
    is gone (killed, the machine restarted) is reported as failed, not as running for ever."""
    status = _read_json(beside(out, "status.json"))
    running: dict[str, Any] = status.get("running") or {}
    last: dict[str, Any] = status.get("last") or {}
    error = None if last.get("ok", True) else str(last.get("error") or "")
    finished = _time(last.get("finished"))
    died = bool(running) and not _alive(running)
    if died:
        running, error, finished = {}, "", _time(running.get("started"))
    return State(running_since=_time(running.get("started")) if running else None,
                 waiting=beside(out, "pending.json").exists(), finished=finished, error=error,
                 died=died,
                 last_ok=_time(status.get("last_ok")), pages=int(last.get("pages") or 0),
                 charts=int(last.get("charts") or 0),
                 problems=tuple(last.get("problems") or ()))


def status_text(now: State, lang: str) -> tuple[str, str] | None:
    """One line for Oppdater data: ("info" | "warning" | "ok", text); None before any publish."""
    if now.running_since is not None:
        text = t("publish.status.running", lang, time=f"{now.running_since:%H:%M}")
        return "info", text + (" " + t("publish.status.again", lang) if now.waiting else "")
    if now.waiting:
        return "info", t("publish.status.waiting", lang)
    if now.error is not None:
        last = (t("publish.status.last_ok", lang, when=when(now.last_ok, lang))
                if now.last_ok else t("publish.status.never_ok", lang))
        reason = t("publish.status.died", lang) if now.died else now.error
        return "warning", t("publish.status.failed", lang, when=when(now.finished, lang),
                            reason=reason, last=last)
    if now.last_ok is not None:
        return "ok", t("publish.status.ok", lang, when=when(now.last_ok, lang))
    return None


def when(moment: datetime | None, lang: str) -> str:
    """`2. desember 2026 kl. 16:40`, in the reader's language."""
    if moment is None:
        return ""
    return t("publish.status.when", lang, date=format_date(moment, lang), time=f"{moment:%H:%M}")


def _alive(running: dict[str, Any]) -> bool:
    if running.get("host") != socket.gethostname():
        return True  # another machine's process: trust its word
    try:
        os.kill(int(running["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, KeyError, TypeError):
        return True
    return True


def _now() -> str:
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def _time(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        content = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return content if isinstance(content, dict) else {}


def _write_json(path: Path, content: dict[str, Any]) -> None:
    """Written whole or not at all (a reader never sees half): a new file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    new.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(new, path)
