"""Passwords past bcrypt's 72 bytes: refused as weak or wrong, never a server error."""

from __future__ import annotations

import httpx

from tests.support.servers import RunningTenant
from tests.support.tokens import CONNECTION, token_request

LONG = "Aé1" * 40  # 200 bytes in UTF-8


def sign_in(tenant: RunningTenant, email: str, password: str) -> httpx.Response:
    script = tenant.config["script_client"]
    return token_request(
        tenant,
        {
            "grant_type": "http://auth0.com/oauth/grant-type/password-realm",
            "realm": CONNECTION,
            "client_id": script["client_id"],
            "client_secret": script["client_secret"],
            "username": email,
            "password": password,
        },
    )


def test_a_long_password_is_refused_as_too_weak_on_create(api: httpx.Client) -> None:
    answer = api.post(
        "/users",
        json={"connection": CONNECTION, "email": "long.create@example.test", "password": LONG},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"] == "PasswordStrengthError: Password is too weak"


def test_signing_in_with_a_long_password_is_a_wrong_password(
    api: httpx.Client, tenant: RunningTenant
) -> None:
    email = "long.signin@example.test"
    created = api.post(
        "/users",
        json={"connection": CONNECTION, "email": email, "password": "Short-enough-1"},
    )
    assert created.status_code == 201, created.text
    for who in (email, "nobody.long@example.test"):
        answer = sign_in(tenant, who, LONG)
        assert answer.status_code in (400, 401, 403), answer.text
        assert answer.json()["error"] in ("invalid_grant", "access_denied")
