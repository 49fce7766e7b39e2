"""Who may update data: the planner password's scrypt hash and the log-in allow-list (config/access.yaml)."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from indicators.files import YAML_LOADER

# scrypt cost: 2**14 × 8 × 1 takes ~50 ms and 16 MB here; slow enough to make guessing costly.
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES, SALT_BYTES = 2**14, 8, 1, 32, 16
MAX_N = 2**20  # a stored hash asking for more than this is refused rather than run
MIN_PASSWORD = 10  # characters; a planner password guards every write


class AccessError(Exception):
    """config/access.yaml is not as documented."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt:N:r:p$SALT_HEX$KEY_HEX`, the value of `planner_password_scrypt` in secrets.toml."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}${salt.hex()}${key.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash; False for a wrong password or a bad hash."""
    try:
        method, salt_hex, key_hex = stored.strip().split("$")
        name, *costs = method.split(":")
        n, r, p = (int(c) for c in costs)
        salt, key = bytes.fromhex(salt_hex), bytes.fromhex(key_hex)
    except ValueError:
        return False
    if name != "scrypt" or not (1 < n <= MAX_N) or not key:
        return False
    try:
        candidate = _scrypt(password, salt, n, r, p, len(key))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(candidate, key)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=256 * n * r * p + 2**20)


def address_key(email: str | None) -> str | None:
    """The form an e-mail address is compared in (case folded), or None: it never matches.

    Only plain ASCII is compared. Folding Unicode (str.lower, casefold, NFKC, even NFC) is what
    turns a look-alike into someone else's address: the Kelvin sign in '\u212Aari@…' becomes
    the k of 'kari@…' under all four, full-width letters become ASCII under NFKC. So an
    address that is not ASCII as received is refused rather than normalised ("ASCII after
    NFKC" would still let the Kelvin sign through); ASCII itself never changes under NFKC, and
    its case folding maps no two different addresses together except by letter case.
    """
    text = (email or "").strip()
    if not text or not text.isascii():
        return None
    return text.casefold()


def verified_email(claims: Mapping[str, object]) -> str | None:
    """The e-mail address of an OIDC log-in, or None when the provider says it is unverified.

    A provider that sends `email_verified` must send it as true (some send the text "true");
    a provider that does not send the claim vouches for the address by issuing it.
    """
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    if "email_verified" in claims:
        verified = claims["email_verified"]
        if not (verified is True or (isinstance(verified, str)
                                     and verified.strip().lower() == "true")):
            return None
    return email.strip()


@dataclass(frozen=True)
class Access:
    """The planners allowed to update data when they log in with OIDC (e-mail, any case)."""

    planners: frozenset[str]  # address_key of each entry
    provider: str | None = None  # the [auth.<provider>] section to log in with; None: [auth]

    def allows(self, email: str | None) -> bool:
        key = address_key(email)
        return key is not None and key in self.planners


def load_access(path: Path | str) -> Access:
    """Read config/access.yaml; a missing file allows nobody."""
    path = Path(path)
    if not path.exists():
        return Access(frozenset())
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
    if not isinstance(data, dict) or set(data) - {"planners", "provider"}:
        raise AccessError(f"{path}: expected the keys planners and (optionally) provider")
    planners = data.get("planners") or []
    if not isinstance(planners, list) or not all(isinstance(p, str) and "@" in p
                                                 for p in planners):
        raise AccessError(f"{path}: planners must be a list of e-mail addresses")
    # An entry that could not match as written is a mistake to show, not to drop silently.
    unusable = [p for p in planners if address_key(p) is None]
    if unusable:
        raise AccessError(f"{path}: planners must be plain ASCII e-mail addresses, not "
                          + ", ".join(ascii(p) for p in unusable))  # ascii(): \u212a, not a K
    provider = data.get("provider")
    if provider is not None and not isinstance(provider, str):
        raise AccessError(f"{path}: provider must be the name of an [auth.NAME] section")
    keys = (address_key(p) for p in planners)
    return Access(frozenset(k for k in keys if k is not None), provider or None)
