"""Management API fixtures: real tokens from /oauth/token, and signed ones with chosen scopes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.servers import RunningTenant
from tests.support.tokens import machine_token


def client_credentials_token(tenant: RunningTenant) -> str:
    """A real Management token from /oauth/token (client credentials of the desk's client)."""
    return machine_token(tenant)


def mint(tenant: RunningTenant, scope: str, **claims: Any) -> str:
    """A Management token signed by the tenant's key, with the scopes a test needs."""
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": tenant.issuer,
        "sub": "test-client@clients",
        "aud": tenant.config["management_audience"],
        "azp": "test-client",
        "iat": now,
        "exp": now + 600,
        "scope": scope,
        "gty": "client-credentials",
    }
    body.update(claims)
    return str(tenant.app.state.tenant.keys.sign(body))


@pytest.fixture(scope="session")
def management_token(tenant: RunningTenant) -> str:
    return client_credentials_token(tenant)


@pytest.fixture
def api(tenant: RunningTenant, management_token: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{tenant.url}/api/v2",
        headers={"Authorization": f"Bearer {management_token}"},
        timeout=30,
    ) as client:
        yield client


def auth0_error(answer: httpx.Response, status: int, error_code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"statusCode", "error", "message", "errorCode"}, body
    assert body["statusCode"] == status
    assert body["errorCode"] == error_code, body
    return dict(body)
