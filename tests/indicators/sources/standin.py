"""Test helpers: hand-made json-stat2 datasets and a small PxWebApi v2 stand-in on 127.0.0.1."""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPDATED = "2025-06-12T06:00:00Z"

Dims = Sequence[tuple[str, Sequence[str]]]


def dataset(dims: Dims, cell: Callable[..., float | None | tuple[float | None, str]],
            *, updated: str = UPDATED, index_as_list: bool = False) -> dict:
    """A json-stat2 dataset as PxWebApi v2 sends it (row-major, last dimension fastest).

    `cell(**codes)` gives each cell's value, None (missing) or (value, status).
    """
    ids = [d for d, _ in dims]
    values, status = [], {}
    for n, combo in enumerate(itertools.product(*[codes for _, codes in dims])):
        got = cell(**dict(zip(ids, combo, strict=True)))
        value, symbol = got if isinstance(got, tuple) else (got, None)
        values.append(value)
        if symbol is not None:
            status[str(n)] = symbol
    dimension = {}
    for d, codes in dims:
        index = list(codes) if index_as_list else {c: i for i, c in enumerate(codes)}
        dimension[d] = {"label": d.lower(),
                        "category": {"index": index, "label": {c: f"label {c}" for c in codes}}}
    doc = {"version": "2.0", "class": "dataset", "label": "test", "source": "Statistisk "
           "sentralbyrå", "updated": updated, "id": ids, "size": [len(c) for _, c in dims],
           "dimension": dimension, "value": values,
           "role": {"time": ["Tid"], "metric": ["ContentsCode"]}}
    if status:
        doc["status"] = status
    return doc


@dataclass
class Seen:
    """One request the stand-in received."""

    method: str
    path: str
    query: dict[str, str]
    body: dict | None
    at: float

    def selection(self) -> dict[str, list[str]]:
        return {s["variableCode"]: s["valueCodes"] for s in (self.body or {}).get("selection", [])}

    def codelists(self) -> dict[str, str]:
        return {s["variableCode"]: s["codeList"] for s in (self.body or {}).get("selection", [])
                if "codeList" in s}


Reply = tuple[int, dict[str, str], bytes]


@dataclass
class StandIn:
    """A PxWebApi v2 look-alike. `tables` maps a table id to fn(Seen) -> json-stat2 dict;
    `script` is a queue of canned replies (status, headers, body) served before any table."""

    tables: dict[str, Callable[[Seen], dict]] = field(default_factory=dict)
    script: list[Reply] = field(default_factory=list)
    delay: float = 0.0
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def reply(self, request: Seen) -> Reply:
        self.seen.append(request)
        if self.delay:
            time.sleep(self.delay)
        if self.script:
            return self.script.pop(0)
        parts = request.path.strip("/").split("/")
        at = parts.index("tables") if "tables" in parts else len(parts)
        table = parts[at + 1] if at + 1 < len(parts) else None
        if table not in self.tables:
            return 404, {}, json.dumps({"title": f"table {table} not found"}).encode()
        if request.method == "GET":
            return 200, {}, json.dumps({"id": table, "updated": UPDATED}).encode()
        return 200, {}, json.dumps(self.tables[table](request)).encode()


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            request = Seen(self.command, url.path, dict(urllib.parse.parse_qsl(url.query)), body,
                           time.monotonic())
            status, headers, payload = standin.reply(request)
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(payload)  # fails only when the client gave up (a timeout test)

        do_GET = do_POST = _serve

        def log_message(self, *_args: object) -> None:
            return None

    return Handler


@contextmanager
def serve(standin: StandIn) -> Iterator[StandIn]:
    """Run the stand-in in a thread on 127.0.0.1 (a free port) while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(standin))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    standin.url = f"http://127.0.0.1:{server.server_address[1]}/api/pxwebapi/v2"
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
