"""Tokens from a real tenant for tests: machine tokens, password-grant tokens, users with roles.

``tenant`` is always a running ``tests.support.servers.RunningTenant``; every helper talks to
it over HTTP, except where noted.
"""

from __future__ import annotations

from typing import Any

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


def password_token(
    tenant: RunningTenant,
    email: str,
    password: str,
    audience: str | None = None,
    scope: str = "openid profile email",
) -> dict[str, Any]:
    """The whole token answer of the password-realm grant through ``script_client``."""
    script = tenant.config["script_client"]
    data = {
        "grant_type": PASSWORD_GRANT,
        "realm": CONNECTION,
        "client_id": script["client_id"],
        "client_secret": script["client_secret"],
        "username": email,
        "password": password,
        "scope": scope,
    }
    if audience:
        data["audience"] = audience
    response = token_request(tenant, data)
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


def create_user_with_role(tenant: RunningTenant, email: str, password: str, role_name: str) -> str:
    """Create a database user holding ``role_name``; returns its ``auth0|…`` user_id.

    Writes through the tenant's own database session until the Management API can create
    users and assign roles over HTTP.
    """
    from sqlalchemy import select

    from userdesk.tenant import ids
    from userdesk.tenant.keys import utcnow
    from userdesk.tenant.passwords import hash_password
    from userdesk.tenant.store.models import Role, User, UserRole

    sessions = tenant.app.state.tenant.sessions
    user_id = f"auth0|{ids.local_user_id()}"
    now = utcnow()
    with sessions() as session, session.begin():
        role = session.scalar(select(Role).where(Role.name == role_name))
        if role is None:
            raise LookupError(f"no role named {role_name!r}")
        session.add(
            User(
                user_id=user_id,
                connection=CONNECTION,
                email=email,
                email_domain=email.rsplit("@", 1)[-1],
                email_verified=True,
                name=email,
                nickname=email.split("@", 1)[0],
                password_hash=hash_password(password),
                created_at=now,
                updated_at=now,
                app_metadata={},
                user_metadata={},
            )
        )
        session.flush()
        session.add(UserRole(user_id=user_id, role_id=role.id))
    return user_id
