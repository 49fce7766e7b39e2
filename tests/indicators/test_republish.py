"""The bundle remade in the background (indicators/republish.py): one publish at a time, one more
after it however many changes came meanwhile, and an outcome Oppdater data can word."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

from indicators import republish


def _request(n: int) -> republish.Request:
    return republish.Request(db=f"db-{n}", config="goals.yaml")


def test_changes_during_a_publish_cost_one_more_publish_not_a_queue(tmp_path: Path) -> None:
    out = tmp_path / "site"
    started, release, made = threading.Event(), threading.Event(), []

    def make(request: republish.Request) -> SimpleNamespace:
        made.append(request.db)
        started.set()
        release.wait(30)
        return SimpleNamespace(pages=1, charts=0, problems=[])

    republish.queue(out, _request(0))
    runner = threading.Thread(target=republish.serve, args=(out,),
                              kwargs={"wait": False, "make": make})
    runner.start()
    assert started.wait(30)
    for n in range(1, 11):  # ten imports while the first publish runs, each starting a runner
        republish.queue(out, _request(n))
        republish.serve(out, wait=False, make=make)  # returns at once: one is at work
    assert made == ["db-0"] and republish.state(out).running_since is not None
    assert republish.state(out).waiting
    release.set()
    runner.join(30)
    assert made == ["db-0", "db-10"]  # one more, with the newest request
    now = republish.state(out)
    assert not now.busy and now.error is None and now.last_ok is not None


def test_a_failed_publish_is_kept_and_worded_with_what_the_bundle_still_shows(
        tmp_path: Path) -> None:
    out = tmp_path / "site"

    def fine(request: republish.Request) -> SimpleNamespace:
        return SimpleNamespace(pages=3, charts=1, problems=[])

    def broken(request: republish.Request) -> SimpleNamespace:
        raise OSError("disk full")

    for make in (fine, broken):
        republish.queue(out, _request(1))
        republish.serve(out, wait=True, make=make)
    now = republish.state(out)
    assert now.error == "OSError: disk full" and now.last_ok is not None
    kind, line = republish.status_text(now, "nb") or ("", "")
    assert kind == "warning" and "kunne ikke lages på nytt" in line and "disk full" in line
    assert "viser fortsatt det den viste" in line
    kind, line = republish.status_text(now, "en") or ("", "")
    assert "could not be made again" in line and "still shows" in line


def test_a_publish_whose_process_is_gone_is_not_running_for_ever(tmp_path: Path) -> None:
    out = tmp_path / "site"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    # What a runner killed half-way leaves: its pid in the status as running.
    republish._write_json(republish.beside(out, "status.json"), {"running": {
        "pid": int(gone.stdout), "host": republish.socket.gethostname(),
        "started": "2026-12-02T10:00:00+01:00"}})
    now = republish.state(out)
    assert not now.busy and now.died
    kind, line = republish.status_text(now, "nb") or ("", "")
    assert kind == "warning" and "stoppet før det var ferdig" in line
