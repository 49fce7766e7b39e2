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


# ---- metadata, codelists and search in PxWebApi v2's shapes ---------------------------------------
# The shapes follow PxWebApi 2.0's OpenAPI types and the clients that read them: a table's
# /tables/{id}/metadata is a json-stat2 dataset without values whose dimensions carry
# `extension.elimination` and `extension.codelists` ([{id, label, type, links}]) and whose contents
# categories carry `unit` ({base, decimals}), with `role.time` / `role.metric` (PxWebApi spec
# types extension_dimension and Dimension; rOpenGov/pxweb R/pxweb_metadata.R pxweb_metadata_v2 and
# R/pxweb_codelists.R, which also accept the older spelling `codeLists`); /codelists/{id} is
# {id, label, language, type, elimination, values: [{code, label, valueMap}], links} (spec types
# CodeListResponse and ValueMap); /tables?query= is {language, tables: [{id, label, description,
# updated, firstPeriod, lastPeriod, variableNames, links, ...}], page, links}
# (rOpenGov/pxweb R/pxweb_search.R pxweb_search_parse_v2).


@dataclass
class Dim:
    """One variable of a stand-in table: its codes (code -> label) and what the table allows."""

    id: str
    codes: dict[str, str]
    label: str = ""
    elimination: bool = False
    codelists: Sequence[str] = ()
    units: dict[str, tuple[str, int]] = field(default_factory=dict)  # contents code -> (base, decimals)


def metadata(table: str, label: str, dims: Sequence[Dim], *, updated: str = UPDATED) -> dict:
    """A table's /tables/{id}/metadata answer (json-stat2, no values)."""
    dimension = {}
    for d in dims:
        category: dict = {"index": {c: i for i, c in enumerate(d.codes)}, "label": dict(d.codes)}
        if d.units:
            category["unit"] = {c: {"base": b, "decimals": n} for c, (b, n) in d.units.items()}
        extension = {"elimination": d.elimination, "show": "code_value"}
        if d.codelists:
            extension["codelists"] = [
                {"id": c, "label": c, "type": "Aggregation" if c.startswith("agg_") else "Valueset",
                 "links": [{"rel": "metadata", "href": f"/codelists/{c}"}]} for c in d.codelists]
        dimension[d.id] = {"label": d.label or d.id.lower(), "category": category,
                           "extension": extension}
    return {"version": "2.0", "class": "dataset", "label": f"{table}: {label}",
            "source": "Statistisk sentralbyrå", "updated": updated,
            "id": [d.id for d in dims], "size": [len(d.codes) for d in dims],
            "dimension": dimension, "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
            "extension": {"px": {"tableid": table, "language": "no"}}}


def codelist(codelist_id: str, codes: dict[str, str]) -> dict:
    """A /codelists/{id} answer."""
    return {"id": codelist_id, "label": codelist_id, "language": "no", "languages": ["no", "en"],
            "elimination": False,
            "type": "Aggregation" if codelist_id.startswith("agg_") else "Valueset",
            "values": [{"code": c, "label": name, "valueMap": [c]} for c, name in codes.items()],
            "links": []}


def table_entry(table: str, label: str, *, updated: str = UPDATED, first: str = "2015",
                last: str = "2024", variables: Sequence[str] = ()) -> dict:
    """One table as /tables and /tables/{id} describe it."""
    return {"type": "Table", "id": table, "label": f"{table}: {label}", "description": "",
            "updated": updated, "firstPeriod": first, "lastPeriod": last, "category": "public",
            "variableNames": list(variables), "source": "Statistisk sentralbyrå",
            "subjectCode": "al", "timeUnit": "Annual", "paths": [],
            "links": [{"rel": "metadata", "href": f"/tables/{table}/metadata"},
                      {"rel": "data", "href": f"/tables/{table}/data"}]}


Reply = tuple[int, dict[str, str], bytes]


@dataclass
class StandIn:
    """A PxWebApi v2 look-alike. `tables` maps a table id to fn(Seen) -> json-stat2 dict;
    `script` is a queue of canned replies (status, headers, body) served before any table."""

    tables: dict[str, Callable[[Seen], dict]] = field(default_factory=dict)
    meta: dict[str, dict] = field(default_factory=dict)  # table id -> its metadata answer
    codelists: dict[str, dict] = field(default_factory=dict)  # codelist id -> its answer
    catalogue: list[dict] = field(default_factory=list)  # table entries for search and table info
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
        if "codelists" in parts:
            found = self.codelists.get(parts[-1])
            return (200, {}, json.dumps(found).encode()) if found else _not_found("codelist", parts[-1])
        at = parts.index("tables") if "tables" in parts else len(parts)
        table = parts[at + 1] if at + 1 < len(parts) else None
        if table is None and request.method == "GET":
            return 200, {}, json.dumps(self.search(request.query.get("query", ""))).encode()
        entry = next((e for e in self.catalogue if e["id"] == table), None)
        if table not in self.tables and table not in self.meta and entry is None:
            return _not_found("table", table)
        if request.method == "GET" and parts[-1] == "metadata" and table in self.meta:
            return 200, {}, json.dumps(self.meta[table]).encode()
        if request.method == "GET":
            return 200, {}, json.dumps(entry or {"id": table, "updated": UPDATED}).encode()
        if table not in self.tables:
            return _not_found("table", table)
        return 200, {}, json.dumps(self.tables[table](request)).encode()

    def search(self, query: str) -> dict:
        """Tables whose label holds every word of the query (case-insensitive)."""
        words = query.lower().split()
        hits = [e for e in self.catalogue if all(w in e["label"].lower() for w in words)]
        return {"language": "no", "tables": hits,
                "page": {"pageNumber": 1, "pageSize": 20, "totalElements": len(hits),
                         "totalPages": 1, "links": []}, "links": []}


def _not_found(kind: str, name: str | None) -> Reply:
    return 404, {}, json.dumps({"title": f"{kind} {name} not found"}).encode()


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
