"""Peak memory of the app server at each scale, after a visit to every page in headless Chromium.

    .venv/bin/python bench/memory.py [--scale shipped|x100|both] [--runs N]

For each scale a new `streamlit run dashboard.py` is started; every page of bench/browser.py is
opened once (the indicator page for several indicators), each in a fresh browser context and
until it is done. Then /proc gives the server's peak resident set (VmHWM, the kernel's high-water
mark), its resident set now (VmRSS) and the summed RSS of its child processes — kaleido's
Chromium, if an export started one. `--runs N` repeats that N times, each with a new server, and
reports the medians (memory is far steadier than time, so the default is 1).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: make `bench` importable

from playwright.sync_api import Browser  # noqa: E402

from bench.browser import app_targets, chosen_scales, chromium, visit  # noqa: E402
from bench.common import Scale, machine, prepare, running_app, verdict  # noqa: E402

TARGET_MB = 500
MB = 10**6  # decimal, so the target is read strictly (500 MB < 500 MiB)
# Monthly, monthly, quarterly, annual (2 shipped series), annual (no shipped data): different
# query and chart paths fill different caches.
INDICATORS = ("2B-04", "2B-05", "2B-06", "1D-02", "2A-03")


@dataclass(frozen=True)
class Memory:
    idle: int  # bytes: the server's RSS before any visitor (no app code imported yet)
    peak: int  # VmHWM after all visits
    now: int  # VmRSS after all visits
    children: int  # summed RSS of all descendants
    child_names: tuple[str, ...]
    errors: tuple[str, ...]


def status_bytes(pid: int, field: str) -> int:
    """A `kB` field (VmRSS, VmHWM) of /proc/<pid>/status in bytes; 0 if the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in lines if line.startswith(field + ":")), 0)


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from the parent pid in each /proc/<n>/stat."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The name (field 2) may hold spaces and parentheses: split after its last ")".
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [], [pid]
    while frontier:
        kids = [child for child, parent in parents.items() if parent in frontier]
        found += kids
        frontier = kids
    return found


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def measure(browser: Browser, scale: Scale) -> Memory:
    with running_app(prepare(scale)) as (url, pid):
        idle = status_bytes(pid, "VmRSS")
        errors: list[str] = []
        for target in app_targets(INDICATORS):
            result = visit(browser, url + target.path, settle=True)
            errors += [f"{target.label}: {' '.join(e.split())[:300]}" for e in result.errors]
        kids = descendants(pid)
        return Memory(idle, status_bytes(pid, "VmHWM"), status_bytes(pid, "VmRSS"),
                      sum(status_bytes(k, "VmRSS") for k in kids), tuple(_name(k) for k in kids),
                      tuple(dict.fromkeys(errors)))


def _median(samples: list[Memory], field: str) -> float:
    return statistics.median(getattr(s, field) for s in samples) / MB


def report(results: dict[str, list[Memory]]) -> None:
    runs = len(next(iter(results.values())))
    print(machine())
    print(f"App server memory after visiting every page once, MB (10^6 bytes), median of {runs}")
    print("| scale | idle RSS | peak RSS (VmHWM) | RSS after | children RSS |")
    print("|---|---:|---:|---:|---:|")
    for scale, samples in results.items():
        names = sorted({n for s in samples for n in s.child_names})
        kids = f"{_median(samples, 'children'):.0f}" + (f" ({', '.join(names)})" if names else "")
        print(f"| {scale} | {_median(samples, 'idle'):.0f} | {_median(samples, 'peak'):.0f} | "
              f"{_median(samples, 'now'):.0f} | {kids} |")
    for scale, samples in results.items():
        for error in dict.fromkeys(e for s in samples for e in s.errors):
            print(f"ERROR {scale} {error}")
    if "x100" in results:
        # Server peak plus whatever its children hold at the end: the app's whole footprint.
        total = _median(results["x100"], "peak") + _median(results["x100"], "children")
        print(f"app memory at x100 ≤ {TARGET_MB} MB: {verdict(total <= TARGET_MB)}  [{total:.0f} MB]")
    else:
        print(f"app memory at x100 ≤ {TARGET_MB} MB: not measured (run with --scale x100 or both)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["shipped", "x100", "both"], default="both")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    started = time.monotonic()
    with chromium() as browser:
        results = {scale.name: [measure(browser, scale) for _ in range(args.runs)]
                   for scale in chosen_scales(args.scale)}
    report(results)
    print(f"({time.monotonic() - started:.0f} s end to end)")


if __name__ == "__main__":
    main()
