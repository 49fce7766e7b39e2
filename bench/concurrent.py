"""A council at once: each reading page opened by N simultaneous sessions, against a one-chart floor.

    .venv/bin/python -m bench.concurrent [--sessions 1,25] [--runs 3] [--scale shipped|x100]
                                         [--pages oversikt,indikator] [--port P]

The app and the floor (bench/floor_page.py: one Plotly chart of 181 points) each run as their own
`streamlit run`. A session is what a browser tab does, over Streamlit's own websocket protocol:
open /_stcore/stream, send a rerun request (BackMsg) with the page's name and query string, and
read ForwardMsgs until the run's `script_finished`. Its time runs from opening the socket to that
message, so it holds the server's whole work for the visit (script, caches, serialising every
element) but none of the browser's drawing; bench/browser.py measures that side.

For each page and each number of sessions: one unmeasured visit warms the caches, then `runs`
rounds in which the floor and the page take turns, each opening N sessions at once (a round of
fewer than 10 sessions is repeated up to 10). A page's figure is the median of all its session
times; its ratio is to the floor's median of the rounds taken in turn with it, so that noise on
a shared machine falls on both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect  # Streamlit's own server needs it: always installed

from bench.common import ROOT, Scale, free_port, machine, prepare, ratio, running_app, scales, verdict
from ui.page_list import DEFAULT

FLOOR = ROOT / "bench/floor_page.py"
TIMEOUT_S = 300  # 25 sessions of a slow page on two busy cores: long, but never a hang
GOAL, AIM = 2.0, 1.5  # issue 15: every reading page ≤ 2× the floor at 25 sessions (aim 1.5×)
SMALL = 10  # bursts of fewer sessions are repeated until a round holds about this many


@dataclass(frozen=True)
class Target:
    label: str
    page: str  # URL path without the leading slash: "" is the default page
    query: str = ""


# The reading pages, with the parameters a visitor would bring. The default page comes first:
# until one run has registered the pages, Streamlit answers a deep link with "Page not found".
TARGETS = [
    Target("oversikt", ""),
    Target("delmal 1D", "delmal", "goal=1D"),
    Target("delmal 2A", "delmal", "goal=2A"),
    Target("delmal 2B", "delmal", "goal=2B"),
    Target("indikator 2B-04", "indikator", "id=2B-04"),
    Target("indikator 1D-03", "indikator", "id=1D-03"),
    Target("plantema", "plantema"),
    Target("tilskudd", "tilskudd"),
    Target("tidslinje", "tidslinje"),
    Target("katalog", "katalog"),
    Target("metode", "metode"),
]
FLOOR_TARGET = Target("floor (one chart)", "")
assert DEFAULT == "oversikt"  # the first target is served at "/"


@dataclass
class Visit:
    seconds: float
    errors: list[str] = field(default_factory=list)


def rerun_request(port: int, target: Target) -> bytes:
    """The BackMsg a browser sends when a tab opens `target`."""
    msg = BackMsg()
    state = msg.rerun_script
    state.page_name = target.page
    state.query_string = target.query
    state.context_info.url = (f"http://127.0.0.1:{port}/{target.page}"
                              + (f"?{target.query}" if target.query else ""))
    state.context_info.timezone = "Europe/Oslo"
    state.context_info.locale = "nb-NO"
    return msg.SerializeToString()


def problems(msg: ForwardMsg) -> list[str]:
    """What a reader would see as a failure: a traceback, an error box, "page not found"."""
    kind = msg.WhichOneof("type")
    if kind == "page_not_found":
        return ["page not found"]
    if kind != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return []
    element = msg.delta.new_element
    if element.WhichOneof("type") == "exception":
        return [f"exception: {element.exception.message}"]
    if element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
        return [f"error: {element.alert.body[:80]}"]
    return []


async def visit(port: int, target: Target) -> Visit:
    """One tab's visit: socket opened, rerun asked for, run finished."""
    start = time.perf_counter()
    errors: list[str] = []
    async with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                       max_size=None, open_timeout=TIMEOUT_S, ping_interval=None) as socket:
        await socket.send(rerun_request(port, target))
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await socket.recv())
            errors += problems(msg)
            # A run that ends for a rerun (st.rerun) is followed by the run the reader gets.
            if (msg.WhichOneof("type") == "script_finished"
                    and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    errors.append("compile error")
                return Visit(time.perf_counter() - start, errors)


async def burst(port: int, target: Target, sessions: int) -> list[Visit]:
    """`sessions` tabs opening `target` at the same moment."""
    return list(await asyncio.wait_for(
        asyncio.gather(*(visit(port, target) for _ in range(sessions))), TIMEOUT_S))


@dataclass
class Result:
    page: list[Visit] = field(default_factory=list)
    floor: list[Visit] = field(default_factory=list)

    def median(self, side: str) -> float:
        return statistics.median(v.seconds for v in getattr(self, side))

    def errors(self) -> set[str]:
        return {e for v in self.page for e in v.errors}


def measure(app: int, floor: int, targets: list[Target], counts: list[int],
            runs: int) -> dict[tuple[str, int], Result]:
    """Per (page, sessions): the page's and the floor's session times, taking turns."""
    run = asyncio.run
    results: dict[tuple[str, int], Result] = {}
    run(visit(floor, FLOOR_TARGET))
    for target in targets:
        run(visit(app, target))  # warm-up: this page's caches
        for count in counts:
            result = results[(target.label, count)] = Result()
            # A burst of one is over in a blink: more of them, so that its median holds still.
            for _ in range(runs * max(1, SMALL // count)):
                result.floor += run(burst(floor, FLOOR_TARGET, count))
                result.page += run(burst(app, target, count))
    return results


def report(results: dict[tuple[str, int], Result], targets: list[Target], counts: list[int],
           runs: int, scale: str) -> None:
    print(machine())
    print(f"Server time per session over the websocket protocol ({scale} scale), median of "
          f"{runs} rounds × N sessions (N = 1: {runs * SMALL} visits), page and floor taking turns "
          "(seconds)")
    head = " | ".join(f"{n} session{'s' if n > 1 else ''} | × floor" for n in counts)
    print(f"| page | {head} | at {counts[-1]}: ≤ {GOAL:g}× (aim ≤ {AIM:g}×) |")
    print("|---|" + "---:|---:|" * len(counts) + "---|")
    floors = [statistics.median(v.seconds for (_, n), r in results.items() if n == count
                                for v in r.floor) for count in counts]
    print(f"| {FLOOR_TARGET.label} | " + " | ".join(f"{f:.2f} | 1.00×" for f in floors) + " | |")
    for target in targets:
        cells, last = [], 0.0
        for count in counts:
            result = results[(target.label, count)]
            page, floor = result.median("page"), result.median("floor")
            last = page / floor
            cells.append(f"{page:.2f} | {ratio(page, floor)}")
        aim = ", aim met" if last <= AIM else ""
        print(f"| {target.label} | " + " | ".join(cells) + f" | {verdict(last <= GOAL)}{aim} |")
    for target in targets:
        errors = set().union(*(results[(target.label, n)].errors() for n in counts))
        if errors:
            print(f"{target.label}: {sorted(errors)[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="1,25",
                        help="numbers of simultaneous sessions, e.g. 1,10,25")
    parser.add_argument("--runs", type=int, default=3, help="rounds per page and number of sessions")
    parser.add_argument("--scale", choices=["shipped", "x100"], default="shipped")
    parser.add_argument("--pages", help="only the pages whose label starts with one of these, "
                                        "comma-separated (e.g. indikator,delmal)")
    parser.add_argument("--port", type=int,
                        help="the app's port (the floor takes the next); default: free ports")
    args = parser.parse_args()
    counts = [int(n) for n in args.sessions.split(",")]
    wanted = args.pages.split(",") if args.pages else None
    targets = [t for t in TARGETS if wanted is None or any(t.label.startswith(w) for w in wanted)]
    if targets[0].page != "":
        targets.insert(0, TARGETS[0])  # registers the pages (see TARGETS); measured too
    scale: Scale = prepare(scales()[args.scale])
    app_port, floor_port = (args.port, args.port + 1) if args.port else (free_port(), free_port())
    with running_app(scale, port=app_port) as (_, _pid), running_app(scale, FLOOR, port=floor_port):
        results = measure(app_port, floor_port, targets, counts, args.runs)
    report(results, targets, counts, args.runs, scale.name)


if __name__ == "__main__":
    main()
