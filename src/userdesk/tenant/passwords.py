"""Password hashing with bcrypt, Auth0's own choice (so its exported hashes can be imported).

Client secrets are hashed too, but with SHA-256: they are 256-bit random values that no
dictionary holds, and bcrypt would cost every client-credentials request 100 ms of CPU.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

import bcrypt

ROUNDS = 10
# bcrypt reads at most this many bytes of a password; the library refuses longer ones.
MAX_BYTES = 72
CLIENT_SECRET_SCHEME = "sha256$"


@cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password")


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(ROUNDS)).decode()


def verify_password(password: str, hashed: str | None) -> bool:
    """Whether ``password`` matches; every refusal costs one bcrypt check of the same cost.

    A user without a password (imported or seeded without a hash) is checked against a dummy
    hash, so a wrong login takes as long for them as for anyone: timing does not tell which
    accounts have no password, nor which emails exist (callers pass None for those).
    """
    secret = password.encode()
    if not hashed or len(secret) > MAX_BYTES:
        # No password set here is longer (the policy refuses them): refused, at the same cost.
        bcrypt.checkpw(secret[:MAX_BYTES], _dummy_hash().encode())
        return False
    try:
        return bcrypt.checkpw(secret, hashed.encode())
    except ValueError:
        bcrypt.checkpw(secret, _dummy_hash().encode())
        return False


def hash_client_secret(secret: str) -> str:
    return CLIENT_SECRET_SCHEME + hashlib.sha256(secret.encode()).hexdigest()


def verify_client_secret(secret: str, stored: str) -> bool:
    return hmac.compare_digest(hash_client_secret(secret).encode(), stored.encode())
