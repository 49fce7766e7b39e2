"""The gate to the update page: OIDC log-in with an allow-list, else a planner password, else closed."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import streamlit as st

from indicators import paths, throttle
from indicators.access import (
    Access,
    AccessError,
    address_key,
    load_access,
    verified_email,
    verify_password,
)
from indicators.i18n import t, t_n
from ui import upload_guard
from ui.widgets import md_escape

ROOT = Path(__file__).resolve().parents[1]
ACCESS_ENV = "DASHBOARD_ACCESS"  # another access.yaml (tests); default config/access.yaml
PASSWORD_KEY = "planner_password_scrypt"
SESSION_KEY = "auth_planner"

Mode = Literal["oidc", "password", "closed"]


@dataclass(frozen=True)
class Planner:
    """Who is logged in to update data; `name` is what the import log records."""

    name: str
    method: Literal["oidc", "password"]


def secrets() -> Mapping[str, object]:
    """st.secrets, or nothing when there is no secrets.toml at all."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no secrets file
        return {}


def mode(found: Mapping[str, object] | None = None) -> Mode:
    """OIDC when secrets.toml has [auth]; else a password when it has the planner hash."""
    found = secrets() if found is None else found
    if "auth" in found:
        return "oidc"
    return "password" if found.get(PASSWORD_KEY) else "closed"


def access() -> Access:
    return load_access(os.environ.get(ACCESS_ENV) or ROOT / "config" / "access.yaml")


def gate(lang: str, why: str = "auth.login_needed") -> Planner | None:
    """Show the log-in that applies and return the planner, or None (and nothing is writable).
    `why` is the locale key of the line that says what logging in is for."""
    planner = None
    try:
        planner = _gate(lang, why)
    finally:  # also when the run stops or fails half-way: then this session may not upload
        upload_guard.allow_uploads(planner is not None)  # what the upload endpoint asks
    return planner


def _gate(lang: str, why: str) -> Planner | None:
    found = secrets()
    current = mode(found)
    if current == "oidc":
        return _oidc(lang, why)
    if current == "password":
        return _password(str(found[PASSWORD_KEY]), lang, why)
    st.info(t("auth.closed", lang), icon=":material/lock:")
    st.markdown(t("auth.how_to_enable", lang))
    return None


def _oidc(lang: str, why: str = "auth.login_needed") -> Planner | None:
    try:
        allowed = access()
    except AccessError as error:
        st.error(t("auth.access_broken", lang, problem=md_escape(str(error))))
        return None
    if not st.user.get("is_logged_in"):
        st.info(t(why, lang), icon=":material/lock:")
        if st.button(t("auth.login_oidc", lang), type="primary", icon=":material/login:"):
            st.login(*([allowed.provider] if allowed.provider else []))
        return None
    email = verified_email(st.user)
    if email is None and st.user.get("email"):
        st.error(t("auth.email_unverified", lang), icon=":material/block:")
        _logout_button(lang, oidc=True)
        return None
    if not allowed.allows(email):
        st.error(t("auth.not_allowed", lang, email=md_escape(email or "?")))
        _logout_button(lang, oidc=True)
        return None
    planner = Planner(str(address_key(email)), "oidc")
    _logged_in_line(planner, lang)
    return planner


def _password(stored: str, lang: str, why: str = "auth.login_needed") -> Planner | None:
    planner = st.session_state.get(SESSION_KEY)
    if isinstance(planner, Planner):
        _logged_in_line(planner, lang)
        return planner
    st.info(t(why, lang), icon=":material/lock:")
    with st.form("planner_login"):
        name = st.text_input(t("auth.name", lang), max_chars=80)
        password = st.text_input(t("auth.password", lang), type="password")
        submitted = st.form_submit_button(t("auth.login", lang), type="primary",
                                          icon=":material/login:")
    if not submitted:
        return None
    if not name.strip():
        st.error(t("auth.name_needed", lang))
        return None
    guard = throttle.shared(paths.login_state())
    held = guard.attempt(name)
    if held is not None:  # the password is not even checked while the wait lasts
        st.error(t(f"auth.held_back.{held.scope}", lang, wait=_wait_text(held, lang)),
                 icon=":material/hourglass_top:")
        return None
    if not verify_password(password, stored):
        held = guard.failed(name, _client())
        st.error(t("auth.wrong_password_wait", lang, wait=_wait_text(held, lang)))
        return None
    guard.succeeded(name)
    st.session_state[SESSION_KEY] = Planner(" ".join(name.split()), "password")
    st.rerun()
    return None


def _wait_text(held: throttle.HeldBack, lang: str) -> str:
    seconds = throttle.wait_seconds(held)
    if seconds < 120:
        return t_n("auth.wait_seconds", seconds, lang)
    return t_n("auth.wait_minutes", -(-seconds // 60), lang)  # rounded up


def _client() -> str:
    """Who sent the password, for the log: the address, and a proxy's X-Forwarded-For (as sent)."""
    address = st.context.ip_address or "localhost"  # Streamlit gives None for a local browser
    forwarded = st.context.headers.get("X-Forwarded-For")
    return f"{address} (X-Forwarded-For {forwarded!r})" if forwarded else address


def _logged_in_line(planner: Planner, lang: str) -> None:
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.caption(t(f"auth.logged_in_{planner.method}", lang, name=md_escape(planner.name)))
    with right:
        _logout_button(lang, oidc=planner.method == "oidc")


def _logout_button(lang: str, oidc: bool) -> None:
    if st.button(t("auth.logout", lang), icon=":material/logout:", key="planner_logout"):
        st.session_state.pop(SESSION_KEY, None)
        if oidc:
            st.logout()
        else:
            st.rerun()
