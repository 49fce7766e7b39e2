"""Planner passwords (scrypt) and the OIDC allow-list in config/access.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.access import (
    AccessError,
    address_key,
    hash_password,
    load_access,
    verified_email,
    verify_password,
)
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_hash_format_and_verification() -> None:
    stored = hash_password("et langt passord", salt=bytes(16))
    method, salt, key = stored.split("$")
    assert method == "scrypt:16384:8:1" and salt == "00" * 16 and len(key) == 64
    assert verify_password("et langt passord", stored)
    assert not verify_password("et langt passorD", stored)
    assert hash_password("et langt passord") != hash_password("et langt passord")  # fresh salt


@pytest.mark.parametrize("stored", ["", "scrypt", "md5:1:1:1$00$00", "scrypt:x:8:1$00$00",
                                    "scrypt:16384:8:1$zz$00", "scrypt:4194304:8:1$00$00",
                                    "scrypt:16384:8:1$00$"])
def test_a_malformed_or_too_costly_hash_never_lets_anyone_in(stored: str) -> None:
    assert not verify_password("", stored)
    assert not verify_password("x", stored)


def test_hash_password_command_prints_the_secrets_line() -> None:
    result = run_cli("hash-password", input="et langt passord\n")
    assert result.returncode == 0, result.stderr
    name, _, value = result.stdout.strip().partition(" = ")
    assert name == "planner_password_scrypt"
    assert verify_password("et langt passord", value.strip('"'))
    short = run_cli("hash-password", input="kort\n")
    assert short.returncode == 1 and "minst 10 tegn" in short.stderr


def test_the_shipped_access_file_allows_nobody_yet() -> None:
    access = load_access(ROOT / "config" / "access.yaml")
    assert access.planners == frozenset() and not access.allows("noen@example.no")


def test_allow_list_ignores_case_and_names_the_provider(tmp_path: Path) -> None:
    path = tmp_path / "access.yaml"
    path.write_text("planners:\n  - Kari.Nordmann@Example.no\nprovider: microsoft\n", "utf-8")
    access = load_access(path)
    assert access.allows("kari.nordmann@example.no") and access.allows(" KARI.NORDMANN@EXAMPLE.NO")
    assert not access.allows("ola@example.no") and not access.allows(None)
    assert access.provider == "microsoft"
    assert load_access(tmp_path / "missing.yaml").planners == frozenset()


@pytest.mark.parametrize("text", ["planners: kari@example.no\n", "planners:\n  - kari\n",
                                  "planner:\n  - kari@example.no\n", "provider: [1]\n"])
def test_a_broken_access_file_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "access.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(AccessError):
        load_access(path)


# ---- look-alike addresses and unverified e-mail (issue 14, item 12) ----------------------------


@pytest.mark.parametrize("look_alike", [
    "\u212Aari@example.no",  # KELVIN SIGN: str.lower() and NFKC both make it a plain k
    "ＫＡＲＩ@example.no",  # full-width letters: NFKC makes them ASCII
    "kari@exampl\u0435.no",  # Cyrillic е
    "kar\u0131@example.no",  # dotless ı
    "kari@example.no\u200b",  # a zero-width space after the address
    "kari\u0301@example.no",  # a combining accent
])
def test_a_look_alike_address_never_matches_someone_elses_entry(tmp_path: Path,
                                                               look_alike: str) -> None:
    path = tmp_path / "access.yaml"
    path.write_text("planners:\n  - kari@example.no\n", "utf-8")
    access = load_access(path)
    assert access.allows("Kari@Example.NO")
    assert not access.allows(look_alike)
    assert address_key(look_alike) is None


def test_an_allow_list_entry_that_is_not_plain_ascii_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "access.yaml"
    path.write_text("planners:\n  - ola@example.no\n  - \u212Aari@example.no\n", "utf-8")
    with pytest.raises(AccessError, match=r"\\u212aari@example\.no"):  # shown escaped, not as K
        load_access(path)


@pytest.mark.parametrize(("claims", "email"), [
    ({"email": "kari@example.no"}, "kari@example.no"),  # the provider does not send the claim
    ({"email": "kari@example.no", "email_verified": True}, "kari@example.no"),
    ({"email": "kari@example.no", "email_verified": "true"}, "kari@example.no"),  # as some send it
    ({"email": "kari@example.no", "email_verified": False}, None),
    ({"email": "kari@example.no", "email_verified": "false"}, None),
    ({"email": "kari@example.no", "email_verified": None}, None),
    ({"email": "kari@example.no", "email_verified": 1}, None),
    ({"email_verified": True}, None),
    ({}, None),
])
def test_only_an_address_the_provider_has_verified_is_used(claims: dict, email: str | None) -> None:
    assert verified_email(claims) == email
