"""Password hashing with bcrypt, Auth0's own choice (so its exported hashes can be imported).

Client secrets are hashed too, but with SHA-256: they are 256-bit random values that no
dictionary holds, and bcrypt would cost every client-credentials request 100 ms of CPU.
"""

from __future__ import annotations

import hashlib
import hmac

import bcrypt

ROUNDS = 10
CLIENT_SECRET_SCHEME = "sha256$"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(ROUNDS)).decode()


def verify_password(password: str, hashed: str | None) -> bool:
    if not hashed:
        return False
    try:
        return bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:
        return False


def hash_client_secret(secret: str) -> str:
    return CLIENT_SECRET_SCHEME + hashlib.sha256(secret.encode()).hexdigest()


def verify_client_secret(secret: str, stored: str) -> bool:
    return hmac.compare_digest(hash_client_secret(secret).encode(), stored.encode())
