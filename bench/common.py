"""What every benchmark shares: the two scales, their databases, timing, the app server, the machine."""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synth import WORK, make_x100  # noqa: E402
from indicators.build import build  # noqa: E402
from indicators.model import load_model  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# What a visitor would open (by URL path): 2B is the goal with the monthly series, 2B-04 the
# longest of them.
PAGE_PARAMS: dict[str, dict[str, str]] = {
    "delmal": {"goal": "2B"},
    "indikator": {"id": "2B-04"},
    "embed": {"indikator": "2B-04", "region": "32"},
}


@dataclass(frozen=True)
class Scale:
    name: str
    config: Path  # goals.yaml (regions.yaml beside it)
    data: Path
    db: Path


def scales() -> dict[str, Scale]:
    """The shipped data as it is, and the ×100 synthetic set (made on first use)."""
    return {
        "shipped": Scale("shipped", ROOT / "config/goals.yaml", ROOT / "data", WORK / "shipped.duckdb"),
        "x100": Scale("x100", WORK / "x100/config/goals.yaml", WORK / "x100/data", WORK / "x100.duckdb"),
    }


def prepare(scale: Scale) -> Scale:
    """Make the scale's files and database if they are not there yet (never touches data/)."""
    if scale.name == "x100":
        make_x100()
    if not scale.db.exists():
        report = build(load_model(scale.config), scale.data, scale.db)
        if not report.ok:
            raise SystemExit(f"{scale.name}: build failed: {report.problems[:3]}")
    return scale


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(fn: Callable[[], object], runs: int = RUNS, warmup: int = 1) -> float:
    """Median wall time in seconds of `runs` calls after `warmup` unmeasured ones."""
    for _ in range(warmup):
        fn()
    return statistics.median(timed(fn) for _ in range(runs))


def machine() -> str:
    """One line on where the figures were taken."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 2**20
    return (f"{date.today().isoformat()} · {cpu} · {os.cpu_count()} cores · {mem:.0f} GiB · "
            f"Python {platform.python_version()}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(scale: Scale) -> dict[str, str]:
    """The environment that points the app at a scale's database and plan model."""
    return {**os.environ, "DASHBOARD_DB": str(scale.db), "DASHBOARD_CONFIG": str(scale.config)}


@contextmanager
def running_app(scale: Scale, script: Path = ROOT / "dashboard.py",
                port: int | None = None) -> Iterator[tuple[str, int]]:
    """`streamlit run` on `port` (default: a free one); yields (base url, server pid) once it answers."""
    port = port or free_port()
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/streamlit"), "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false",
         # No file watcher: a file saved mid-run would stop pages at "File change. Rerun?".
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=app_env(scale), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"the app did not start for {scale.name}") from None
                time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"
