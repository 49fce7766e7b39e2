"""A client for Statistics Norway's PxWebApi v2 and a decoder for its json-stat2 datasets."""

from __future__ import annotations

import json
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

JsonDoc = dict[str, Any]  # a JSON document as SSB sends it: Any, until it is checked

DEFAULT_URL = "https://data.ssb.no/api/pxwebapi/v2"
URL_ENV = "SSB_API_URL"
# PxWebApi v2 at SSB allows 30 calls per 60-second window (its /config: maxCallsPerTimeWindow).
MAX_CALLS, WINDOW_SECONDS = 30, 60.0
MAX_RETRY_AFTER = 60.0  # never wait longer than this on one Retry-After header
SYMBOLS = ("..", ".", ":", "-")


class SsbError(Exception):
    """Something went wrong talking to SSB."""


class SsbUnavailable(SsbError):
    """SSB could not be reached, or kept answering "busy" (429) or "server error" (5xx)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


class SsbRequestError(SsbError):
    """SSB refused the request itself (a 4xx other than 429): the query must change."""

    def __init__(self, url: str, status: int, detail: str) -> None:
        super().__init__(f"{url}: HTTP {status}: {detail}")
        self.url, self.status, self.detail = url, status, detail


class JsonStatError(SsbError, ValueError):
    """A document that is not a json-stat2 dataset we can decode."""


# ---- json-stat2 ---------------------------------------------------------------------------------


def parse_jsonstat2(doc: Mapping[str, Any]) -> pd.DataFrame:
    """One row per cell: a column per dimension (its id, holding category codes), then `value`
    (float, NaN when missing) and `status` (the cell's symbol, or None).

    Cells are in json-stat's row-major order (the last dimension varies fastest), whatever the
    order of the dimensions.
    """
    ids, sizes = _shape(doc)
    codes = [_category_codes(doc, d, n) for d, n in zip(ids, sizes, strict=True)]
    total = math.prod(sizes)
    columns: dict[str, Any] = {}
    # Dimension i repeats each code `inner` times, the whole pattern `outer` times.
    for i, (dim, labels) in enumerate(zip(ids, codes, strict=True)):
        inner, outer = math.prod(sizes[i + 1:]), math.prod(sizes[:i])
        columns[dim] = np.tile(np.repeat(np.array(labels, dtype=object), inner), outer)
    columns["value"] = _values(doc.get("value"), total)
    frame = pd.DataFrame(columns, columns=[*ids, "value"])
    # An object column keeps None for "no symbol" (a str column would turn it into NaN).
    frame["status"] = pd.Series(_statuses(doc.get("status"), total), dtype=object)
    return frame


def _shape(doc: Mapping[str, Any]) -> tuple[list[str], list[int]]:
    if not isinstance(doc, Mapping) or doc.get("class", "dataset") != "dataset":
        raise JsonStatError("not a json-stat2 dataset (class must be 'dataset')")
    ids, sizes = doc.get("id"), doc.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise JsonStatError("'id' and 'size' must be lists of the same length")
    if any(not isinstance(n, int) or n < 0 for n in sizes):
        raise JsonStatError("'size' must hold whole numbers")
    if not isinstance(doc.get("dimension"), Mapping):
        raise JsonStatError("'dimension' is missing")
    return [str(d) for d in ids], sizes


def _category_codes(doc: Mapping[str, Any], dim: str, size: int) -> list[str]:
    """The dimension's category codes in index order (index as a list, an object, or absent)."""
    try:
        category = doc["dimension"][dim]["category"]
    except (KeyError, TypeError):
        raise JsonStatError(f"dimension '{dim}' has no category") from None
    index = category.get("index")
    if isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, Mapping):
        codes = [str(c) for c, _ in sorted(index.items(), key=lambda item: item[1])]
        if sorted(index.values()) != list(range(len(codes))):
            raise JsonStatError(f"dimension '{dim}': index positions are not 0..{len(codes) - 1}")
    elif isinstance(category.get("label"), Mapping) and len(category["label"]) == 1:
        codes = [str(c) for c in category["label"]]  # a single category may omit its index
    else:
        raise JsonStatError(f"dimension '{dim}' has no category index")
    if len(codes) != size:
        raise JsonStatError(f"dimension '{dim}' has {len(codes)} categories but size {size}")
    return codes


def _values(raw: object, total: int) -> np.ndarray:
    out = np.full(total, np.nan)
    if isinstance(raw, list):
        if len(raw) != total:
            raise JsonStatError(f"'value' has {len(raw)} cells, the dimensions make {total}")
        items: Any = enumerate(raw)
    elif isinstance(raw, Mapping):  # sparse: {"position": value}
        items = ((_position(k, total), v) for k, v in raw.items())
    else:
        raise JsonStatError("'value' must be a list or an object")
    for i, v in items:
        if v is not None:
            try:
                out[i] = float(v)
            except (TypeError, ValueError):
                raise JsonStatError(f"cell {i} is not a number: {v!r}") from None
    return out


def _statuses(raw: object, total: int) -> np.ndarray:
    out = np.full(total, None, dtype=object)
    if raw is None:
        return out
    if isinstance(raw, str):  # one status for every cell
        out[:] = raw
    elif isinstance(raw, list):
        if len(raw) != total:
            raise JsonStatError(f"'status' has {len(raw)} entries, the dimensions make {total}")
        out[:] = [s if s not in ("", None) else None for s in raw]
    elif isinstance(raw, Mapping):
        for k, s in raw.items():
            out[_position(k, total)] = s if s not in ("", None) else None
    else:
        raise JsonStatError("'status' must be text, a list or an object")
    return out


def _position(key: object, total: int) -> int:
    try:
        pos = int(str(key))
    except ValueError:
        raise JsonStatError(f"cell position {key!r} is not a number") from None
    if not 0 <= pos < total:
        raise JsonStatError(f"cell position {pos} is outside 0..{total - 1}")
    return pos


# ---- the HTTP client ------------------------------------------------------------------------------


@dataclass
class RateLimiter:
    """At most `calls` requests in any `window` seconds; waits (with `sleep`) when at the limit.

    The clock and sleep are injectable so tests run in no time.
    """

    calls: int = MAX_CALLS
    window: float = WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _sent: deque[float] = field(default_factory=deque, repr=False)

    def wait(self) -> None:
        """Block until one more request is allowed, then count it."""
        now = self.clock()
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()
        if len(self._sent) >= self.calls:
            self.sleep(self._sent[0] + self.window - now)
            now = self.clock()
            while self._sent and now - self._sent[0] >= self.window:
                self._sent.popleft()
            if len(self._sent) >= self.calls:  # a clock that did not move: make room anyway
                self._sent.popleft()
        self._sent.append(now)


def selection_body(selection: Mapping[str, Sequence[str] | str],
                   codelists: Mapping[str, str] | None = None,
                   output_values: Mapping[str, str] | None = None) -> JsonDoc:
    """The JSON body of a v2 data POST: value codes or expressions ("*", "top(5)", "from(2015)")
    per variable, with an optional codelist (e.g. agg_KommFylker) and how its values come out."""
    codelists, output_values = codelists or {}, output_values or {}
    items = []
    for variable, codes in selection.items():
        item: dict[str, Any] = {"variableCode": variable,
                                "valueCodes": [codes] if isinstance(codes, str) else list(codes)}
        if variable in codelists:
            item["codeList"] = codelists[variable]
        if variable in output_values:
            item["outputValues"] = output_values[variable]
        items.append(item)
    return {"selection": items}


class SsbClient:
    """PxWebApi v2: table info and metadata (GET), data (POST, json-stat2), politely.

    Keeps to SSB's 30 calls a minute, retries 429 and 5xx with back-off (honouring Retry-After),
    retries a failed connection once, and gives up with SsbUnavailable.
    """

    def __init__(self, base_url: str | None = None, *, timeout: float = 30.0, retries: int = 4,
                 connect_retries: int = 1, backoff: float = 2.0, connect_backoff: float = 1.0,
                 lang: str = "no",
                 limiter: RateLimiter | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = (base_url or os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")
        self.timeout, self.retries, self.connect_retries = timeout, retries, connect_retries
        self.backoff, self.connect_backoff = backoff, connect_backoff
        self.lang, self.sleep = lang, sleep
        self.limiter = limiter or RateLimiter(sleep=sleep)

    def table(self, table_id: str) -> JsonDoc:
        """Basic facts about a table: label, `updated`, first and last period."""
        return self._request("GET", f"/tables/{table_id}", {"lang": self.lang})

    def metadata(self, table_id: str) -> JsonDoc:
        """The table's variables, codes and codelists, as a json-stat2 document."""
        return self._request("GET", f"/tables/{table_id}/metadata",
                             {"lang": self.lang, "outputFormat": "json-stat2"})

    def codelist(self, codelist_id: str) -> JsonDoc:
        """A codelist's values (`values`: code, label, valueMap), e.g. agg_KommFylker's F- codes."""
        return self._request("GET", f"/codelists/{urllib.parse.quote(codelist_id)}",
                             {"lang": self.lang})

    def search(self, query: str, page_size: int = 20) -> JsonDoc:
        """Tables matching the words of `query` (`tables`: id, label, updated, periods, …)."""
        return self._request("GET", "/tables", {"query": query, "lang": self.lang,
                                                "pageSize": str(page_size)})

    def data(self, table_id: str, selection: Mapping[str, Sequence[str] | str],
             codelists: Mapping[str, str] | None = None,
             output_values: Mapping[str, str] | None = None) -> JsonDoc:
        """The selected cells as a json-stat2 dataset (decode it with parse_jsonstat2)."""
        body = selection_body(selection, codelists, output_values)
        return self._request("POST", f"/tables/{table_id}/data",
                             {"lang": self.lang, "outputFormat": "json-stat2"}, body)

    def _request(self, method: str, path: str, params: Mapping[str, str],
                 body: JsonDoc | None = None) -> JsonDoc:
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        data = None if body is None else json.dumps(body).encode("utf-8")
        busy = failed = 0
        while True:
            self.limiter.wait()
            try:
                return self._send(method, url, data)
            except urllib.error.HTTPError as error:
                if error.code != 429 and error.code < 500:
                    raise SsbRequestError(url, error.code, _error_text(error)) from None
                if busy >= self.retries:
                    raise SsbUnavailable(url, f"HTTP {error.code}") from None
                self.sleep(_retry_after(error) or self.backoff * 2 ** busy)
                busy += 1
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                if failed >= self.connect_retries:
                    raise SsbUnavailable(url, _reason(error)) from None
                self.sleep(self.connect_backoff)
                failed += 1

    def _send(self, method: str, url: str, data: bytes | None) -> JsonDoc:
        headers = {"Accept": "application/json", "User-Agent": "naeringsmaal-akershus"}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            raw = response.read()
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise JsonStatError(f"{url}: the answer is not JSON") from None
        if not isinstance(doc, dict):
            raise JsonStatError(f"{url}: the answer is not a JSON object")
        return doc


def _retry_after(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After") if error.headers else None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER) if value else None
    except ValueError:
        return None


def _error_text(error: urllib.error.HTTPError) -> str:
    """SSB's explanation of a refused query (often JSON with a title or a plain sentence)."""
    try:
        text = error.read().decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    try:
        doc = json.loads(text)
        if isinstance(doc, Mapping):
            text = str(doc.get("title") or doc.get("detail") or doc.get("message") or text)
    except json.JSONDecodeError:
        pass
    return (text or error.reason or f"HTTP {error.code}")[:300]


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    return str(reason) or type(error).__name__
