"""Streamlit's upload endpoint takes files only from a browser session where a planner is logged in.

Hiding the uploader is not enough: `/_stcore/upload_file/<session>/<file>` accepts a file for any
open session, and Streamlit keeps it in memory until the session ends (5 × 40 MB from an
anonymous tab took 206 MB). The gate marks the sessions with a planner; the endpoint asks
`Runtime.is_active_session` before it reads a byte of the body (Streamlit 1.67 asks it there and
nowhere else; tests/pages/test_update.py checks that stays so), and gets "no" for every other.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

LOG = logging.getLogger(__name__)
_PLANNER_SESSIONS: set[str] = set()
_LOCK = threading.Lock()


def allow_uploads(allowed: bool) -> None:
    """Called by the gate on every run: whether this session may send files (from now on)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        mark_session(ctx.session_id, allowed)


def mark_session(session_id: str, allowed: bool) -> None:
    with _LOCK:
        (_PLANNER_SESSIONS.add if allowed else _PLANNER_SESSIONS.discard)(session_id)


def may_upload(session_id: str) -> bool:
    with _LOCK:
        return session_id in _PLANNER_SESSIONS


def install(runtime: object | None = None) -> None:
    """Put the planner check in front of the upload endpoint; once per server, on every run."""
    if runtime is None:
        if not Runtime.exists():
            return  # `python dashboard.py` or a test without a server: there is no endpoint
        runtime = Runtime.instance()
    if getattr(runtime.is_active_session, "planner_guard", False) is True:
        return
    runtime.is_active_session = _guarded(runtime.is_active_session)


def _guarded(is_active_session: Callable[[str], bool]) -> Callable[[str], bool]:
    def planner_session(session_id: str) -> bool:
        if not is_active_session(session_id):
            mark_session(session_id, False)  # a closed session: forget it
            return False
        if may_upload(session_id):
            return True
        LOG.warning("Refused a file sent to the upload endpoint by a session where no planner "
                    "is logged in")
        return False

    planner_session.planner_guard = True
    return planner_session
