"""/api/v2/user-blocks over real brute-force blocks from failed password grants."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.support.servers import RunningTenant
from tests.support.tokens import CONNECTION, PASSWORD_GRANT, token_request
from tests.tenant.management.conftest import auth0_error

PASSWORD = "Right-password-1"


def login(tenant: RunningTenant, email: str, password: str) -> httpx.Response:
    script = tenant.config["script_client"]
    return token_request(
        tenant,
        {
            "grant_type": PASSWORD_GRANT,
            "realm": CONNECTION,
            "client_id": script["client_id"],
            "client_secret": script["client_secret"],
            "username": email,
            "password": password,
            "scope": "openid",
        },
    )


@pytest.fixture
def blocked_user(tenant: RunningTenant, api: httpx.Client) -> dict[str, Any]:
    """A user whose pair (user, 127.0.0.1) brute-force protection has blocked."""
    email = f"blocked-{uuid.uuid4().hex[:10]}@example.com"
    answer = api.post(
        "/users", json={"connection": CONNECTION, "email": email, "password": PASSWORD}
    )
    user = dict(answer.json())
    for _ in range(10):
        assert login(tenant, email, "wrong-password").status_code in {401, 403}
    assert login(tenant, email, PASSWORD).status_code == 429
    return user


def test_a_user_without_blocks(api: httpx.Client) -> None:
    some = api.get("/users", params={"per_page": 1, "page": 0}).json()[0]
    assert api.get(f"/user-blocks/{some['user_id']}").json() == {"blocked_for": []}
    auth0_error(api.get("/user-blocks/auth0|ffffffffffffffffffffffff"), 404, "inexistent_user")


def test_blocks_are_listed_by_id_and_by_identifier(
    api: httpx.Client, blocked_user: dict[str, Any]
) -> None:
    expected = {"blocked_for": [{"identifier": blocked_user["email"], "ip": "127.0.0.1"}]}
    assert api.get(f"/user-blocks/{blocked_user['user_id']}").json() == expected
    by_identifier = api.get("/user-blocks", params={"identifier": blocked_user["email"]})
    assert by_identifier.json() == expected


def test_deleting_the_block_lets_the_user_in(
    tenant: RunningTenant, api: httpx.Client, blocked_user: dict[str, Any]
) -> None:
    assert (
        api.delete(f"/user-blocks/{blocked_user['user_id'].replace('|', '%7C')}").status_code == 204
    )
    assert api.get(f"/user-blocks/{blocked_user['user_id']}").json() == {"blocked_for": []}
    assert login(tenant, blocked_user["email"], PASSWORD).status_code == 200


def test_deleting_by_identifier(
    tenant: RunningTenant, api: httpx.Client, blocked_user: dict[str, Any]
) -> None:
    answer = api.delete("/user-blocks", params={"identifier": blocked_user["email"]})
    assert answer.status_code == 204
    assert login(tenant, blocked_user["email"], PASSWORD).status_code == 200


def test_a_password_change_lifts_the_block(
    tenant: RunningTenant, api: httpx.Client, blocked_user: dict[str, Any]
) -> None:
    changed = api.patch(f"/users/{blocked_user['user_id']}", json={"password": "New-password-2"})
    assert changed.status_code == 200
    assert "last_password_reset" in changed.json()
    assert api.get(f"/user-blocks/{blocked_user['user_id']}").json() == {"blocked_for": []}
    assert login(tenant, blocked_user["email"], "New-password-2").status_code == 200
    assert login(tenant, blocked_user["email"], PASSWORD).status_code in {401, 403}
