"""Password hashes for paper accounts (scrypt from the standard library): no plaintext is stored.

scrypt costs ~55 ms of CPU by design: that is what a guess must pay. A password already proved right
against a stored hash needs no second proof in the same process (every session of a strategy, every
reconnect logs in again), so successes are remembered as a keyed digest of (stored hash, password) under
a key that exists only in this process: no password is kept, and a wrong guess still pays in full.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1
_PROOF_KEY = secrets.token_bytes(32)
_PROVED: set[bytes] = set()
_PROVED_MAX = 4096  # distinct (account, password) pairs remembered; beyond that all are proved again


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    proof = hmac.digest(_PROOF_KEY, stored.encode() + b"\0" + password.encode(), "sha256")
    if proof in _PROVED:
        return True
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=_N, r=_R, p=_P)
    if not hmac.compare_digest(digest.hex(), digest_hex):
        return False
    if len(_PROVED) >= _PROVED_MAX:
        _PROVED.clear()
    _PROVED.add(proof)
    return True
