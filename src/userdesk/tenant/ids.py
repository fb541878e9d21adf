"""Identifier shapes that match Auth0's (``auth0|<24 hex>``, ``rol_…``, ``cgr_…``)."""

from __future__ import annotations

import secrets
import string

_ALNUM = string.ascii_letters + string.digits


def prefixed(prefix: str, length: int = 16) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def client_id() -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(32))


def client_secret() -> str:
    return secrets.token_urlsafe(48)


def local_user_id() -> str:
    """The id part of ``auth0|<id>``: 24 hex digits, like a MongoDB ObjectId."""
    return secrets.token_hex(12)
