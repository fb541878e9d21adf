"""Tokens from a real tenant for tests: machine tokens, password-grant tokens, users with roles.

``tenant`` is always a running ``tests.support.servers.RunningTenant``; every helper talks to
it over HTTP, as any client of the tenant would.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import httpx

from tests.support.servers import RunningTenant

PASSWORD_GRANT = "http://auth0.com/oauth/grant-type/password-realm"
CONNECTION = "Username-Password-Authentication"


def token_request(tenant: RunningTenant, data: dict[str, Any]) -> httpx.Response:
    """POST /oauth/token as a form; the raw answer, for tests of refusals."""
    return httpx.post(f"{tenant.url}/oauth/token", data=data, timeout=10)


def machine_token(tenant: RunningTenant, audience: str | None = None) -> str:
    """A client-credentials token of the desk's backend client, for the Management API."""
    backend = tenant.config["backend"]
    response = token_request(
        tenant,
        {
            "grant_type": "client_credentials",
            "client_id": backend["client_id"],
            "client_secret": backend["client_secret"],
            "audience": audience or tenant.config["management_audience"],
        },
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def password_grant_form(
    tenant: RunningTenant, email: str, password: str, **extra: str
) -> dict[str, str]:
    """The password-realm grant's form, as ``script_client`` sends it."""
    script = tenant.config["script_client"]
    return {
        "grant_type": PASSWORD_GRANT,
        "realm": CONNECTION,
        "client_id": script["client_id"],
        "client_secret": script["client_secret"],
        "username": email,
        "password": password,
        **extra,
    }


def password_token(
    tenant: RunningTenant,
    email: str,
    password: str,
    audience: str | None = None,
    scope: str = "openid profile email",
) -> dict[str, Any]:
    """The whole token answer of the password-realm grant through ``script_client``."""
    data = password_grant_form(tenant, email, password, scope=scope)
    if audience:
        data["audience"] = audience
    response = token_request(tenant, data)
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


def create_user_with_role(tenant: RunningTenant, email: str, password: str, role_name: str) -> str:
    """Create a database user holding ``role_name`` through the Management API; its user_id."""
    with httpx.Client(
        base_url=f"{tenant.url}/api/v2",
        headers={"Authorization": f"Bearer {_management_token(tenant)}"},
        timeout=10,
    ) as api:
        roles = api.get("/roles", params={"name_filter": role_name, "per_page": 100})
        roles.raise_for_status()
        role_ids = [r["id"] for r in roles.json() if r["name"] == role_name]
        if not role_ids:
            raise LookupError(f"no role named {role_name!r}")
        created = api.post(
            "/users",
            json={
                "connection": CONNECTION,
                "email": email,
                "password": password,
                "email_verified": True,
            },
        )
        created.raise_for_status()
        user_id: str = created.json()["user_id"]
        assigned = api.post(f"/users/{quote(user_id, safe='')}/roles", json={"roles": role_ids})
        assigned.raise_for_status()
    return user_id


# One Management token per tenant for the helpers above, so that creating users does not add
# a client-credentials exchange (a seccft event) each time: some tests count those.
_management_tokens: dict[str, tuple[str, float]] = {}


def _management_token(tenant: RunningTenant) -> str:
    cached = _management_tokens.get(tenant.url)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    token = machine_token(tenant)
    _management_tokens[tenant.url] = (token, time.monotonic() + 3600)
    return token


def find_or_create_user(tenant: RunningTenant, email: str) -> str:
    """The user_id of the database user with ``email``, created (with no role) if missing."""
    with httpx.Client(
        base_url=f"{tenant.url}/api/v2",
        headers={"Authorization": f"Bearer {_management_token(tenant)}"},
        timeout=10,
    ) as api:
        found = api.get("/users-by-email", params={"email": email})
        found.raise_for_status()
        if found.json():
            existing: str = found.json()[0]["user_id"]
            return existing
        created = api.post(
            "/users",
            json={"connection": CONNECTION, "email": email, "password": "Forged-staff-password-1"},
        )
        created.raise_for_status()
        user_id: str = created.json()["user_id"]
    return user_id
