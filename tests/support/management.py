"""Users made through the tenant's Management API, for tests that need one to act on."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

DATABASE = "Username-Password-Authentication"


def new_user(
    api: httpx.Client, prefix: str = "user", domain: str = "example.com", **extra: Any
) -> dict[str, Any]:
    """A new user of the database connection, as ``POST /users`` answered it (201)."""
    body = {
        "connection": DATABASE,
        "email": f"{prefix}-{uuid.uuid4().hex[:10]}@{domain}",
        "password": "Correct-horse-9",
        **extra,
    }
    answer = api.post("/users", json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())
