"""Back-off after wrong planner passwords, per name typed and for everyone, outside any session.

The planner password is one shared secret and the name beside it is free text, so a guesser
who changes the name escapes a per-name counter: the counter for everyone is what bounds the
rate of guessing. The state lives outside any browser session and, when a file is given, in a
small JSON file beside the database, so neither a new session, another app process nor a
restart starts the count again. Names are kept only as hashes; passwords never reach this module.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import math
import os
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

LOG = logging.getLogger(__name__)

Scope = Literal["name", "everyone"]


@dataclass(frozen=True)
class Policy:
    """How waiting grows: `free` failures cost nothing, then `base_s` doubling up to `cap_s`."""

    free: int
    base_s: float
    cap_s: float

    def delay(self, failures: int) -> float:
        over = failures - self.free
        return 0.0 if over <= 0 else min(self.base_s * 2.0 ** min(over - 1, 64), self.cap_s)


# One name: 1, 2, 4 … s, at most 5 min. Everyone: 5 free (planners mistype), then 1 s doubling to
# 1 min, so guessing under any names settles at one try a minute while a planner waits at most that.
NAME = Policy(free=0, base_s=1.0, cap_s=300.0)
EVERYONE = Policy(free=5, base_s=1.0, cap_s=60.0)
FORGET_AFTER_S = 3600.0  # an hour without a wrong password clears a count
MAX_NAMES = 10_000  # names remembered at once; the oldest go first (a guesser may invent many)
_EVERYONE_KEY = "*"


@dataclass(frozen=True)
class HeldBack:
    """Wait `wait_s` seconds before the next try; `scope` says whose wrong passwords caused it."""

    scope: Scope
    wait_s: float


@dataclass
class _Count:
    failures: int
    last: float  # clock time of the latest counted try


def name_key(name: str) -> str:
    """The account a typed name stands for: case, width and spacing do not make a new one."""
    folded = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


class Throttle:
    """Thread-safe counts of wrong passwords; `clock` returns seconds (injectable for tests).

    With a file, the file is the record: each try reads it and writes it back under a lock
    (`.lock` beside it), so app processes behind one address (tools/serve.py) share one count.
    A folder it cannot write leaves the counts in this process alone.
    """

    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time,
                 name: Policy = NAME, everyone: Policy = EVERYONE,
                 max_names: int = MAX_NAMES) -> None:
        self.path, self.clock = path, clock
        self._policies = {"name": name, "everyone": everyone}
        self._max_names = max_names
        self._lock = threading.Lock()
        self._in_memory = path is None
        self._counts: dict[str, _Count] = {}

    def attempt(self, name: str) -> HeldBack | None:
        """Before a password is checked: how long to wait, or None to go ahead.

        A try that goes ahead counts as wrong at once, so sessions trying in parallel cannot
        all slip through before the first result is known; `succeeded` takes it back.
        """
        key = name_key(name)
        with self._shared() as now:
            held = self._held_back(key, now)
            if held is None:
                for k in (key, _EVERYONE_KEY):
                    count = self._current(k, now)
                    self._counts[k] = _Count(count.failures + 1, now)
                self._save(now)
            return held

    def failed(self, name: str, client: str | None = None) -> HeldBack:
        """Log a wrong password (the name and the client, never the password); the wait now."""
        key = name_key(name)
        with self._shared() as now:
            held = self._held_back(key, now) or HeldBack("name", 0.0)
            everyone = self._current(_EVERYONE_KEY, now).failures
        LOG.warning("Wrong planner password for the name %r from %s at %s (%d wrong from anyone "
                    "without an hour's pause); next try in %.0f s", name[:80],
                    client or "an unknown client",
                    datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"), everyone,
                    held.wait_s)
        return held

    def succeeded(self, name: str) -> None:
        """The password was right: this name starts afresh, and the try no longer counts for all."""
        key = name_key(name)
        with self._shared() as now:
            self._counts.pop(key, None)
            count = self._current(_EVERYONE_KEY, now)
            if count.failures > 0:
                self._counts[_EVERYONE_KEY] = _Count(count.failures - 1, count.last)
            self._save(now)

    @contextlib.contextmanager
    def _shared(self) -> Iterator[float]:
        """The counts as they stand (read from the file, under its lock); yields the time."""
        with self._lock, self._file_lock() as locked:
            if locked:
                self._counts = self._load()
            yield self.clock()

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[bool]:
        handle = None
        if not self._in_memory and self.path is not None:
            try:
                handle = self.path.with_name(f"{self.path.name}.lock").open("a")
            except OSError as error:
                self._keep_in_memory(error)
        if handle is None:
            yield False
            return
        with handle:  # closing it releases the lock
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield True

    def _current(self, key: str, now: float) -> _Count:
        count = self._counts.get(key)
        if count is None or now - count.last >= FORGET_AFTER_S:
            return _Count(0, now)
        return count

    def _held_back(self, key: str, now: float) -> HeldBack | None:
        waits = []
        scopes: tuple[tuple[Scope, str], ...] = (("name", key), ("everyone", _EVERYONE_KEY))
        for scope, k in scopes:
            count, policy = self._current(k, now), self._policies[scope]
            # At most the cap, even when the wall clock has been set back since the last try.
            wait = min(count.last + policy.delay(count.failures) - now, policy.cap_s)
            if wait > 0:
                waits.append(HeldBack(scope, wait))
        return max(waits, key=lambda h: h.wait_s, default=None)

    def _load(self) -> dict[str, _Count]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): _Count(int(v[0]), float(v[1])) for k, v in data.items()}
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
            LOG.warning("Wrong-password counts in %s cannot be read (%s); starting from none",
                        self.path, error)
            return {}

    def _save(self, now: float) -> None:
        self._counts = {k: c for k, c in self._counts.items() if now - c.last < FORGET_AFTER_S}
        names = [k for k in self._counts if k != _EVERYONE_KEY]
        if len(names) > self._max_names:
            for k in sorted(names, key=lambda k: self._counts[k].last)[:len(names) - self._max_names]:
                del self._counts[k]
        if self._in_memory or self.path is None:
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({k: [c.failures, c.last] for k, c in self._counts.items()}),
                           encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as error:
            self._keep_in_memory(error)
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    def _keep_in_memory(self, error: OSError) -> None:
        """A folder it cannot write (read-only, full): the counts still hold in this process."""
        LOG.warning("Wrong-password counts cannot be kept in %s (%s); they are kept in this "
                    "process only", self.path, error)
        self._in_memory = True


def wait_seconds(held: HeldBack) -> int:
    """The wait to show: whole seconds, rounded up, never 0 while held back."""
    return max(1, math.ceil(held.wait_s))


_SHARED: dict[Path | None, Throttle] = {}
_SHARED_LOCK = threading.Lock()


def shared(path: Path | None) -> Throttle:
    """The one Throttle of this process for `path` (every session of the app asks for the same)."""
    key = None if path is None else path.resolve()
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Throttle(key)
        return _SHARED[key]
