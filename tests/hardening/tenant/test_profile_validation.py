"""Profile fields are validated as Auth0 validates them: email, username, picture.

Markup in an email or a username and script URLs as pictures were stored with 201; they are
400s in Auth0's words now, on create and on update alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import CONNECTION, machine_token

XSS_EMAIL = '"><svg/onload=alert(1)>@evil.test'

INVALID: list[tuple[str, str, str]] = [
    ("email", XSS_EMAIL, "Object didn't pass validation for format email"),
    ("email", "no-at-sign.example.com", "Object didn't pass validation for format email"),
    ("email", "two@@example.com", "Object didn't pass validation for format email"),
    ("username", "<b>bold</b>", "String does not match pattern"),
    ("username", "has space", "String does not match pattern"),
    ("username", "", "String is too short (0 chars), minimum 1"),
    ("username", "u" * 129, "String is too long (129 chars), maximum 128"),
    ("picture", "javascript:alert(1)", "Object didn't pass validation for format uri"),
    ("picture", "data:image/svg+xml,<svg onload=alert(1)>", "format uri"),
    ("picture", "JaVaScRiPt:alert(1)", "format uri"),
    ("picture", "ftp://files.example.com/me.png", "format uri"),
    ("picture", "https://", "format uri"),
]

DESCRIPTION = {
    "email": "(The user's email address).",
    "username": "(The user's username. Only valid if the connection requires a username).",
    "picture": "(A URI pointing to the user's picture).",
}


@pytest.fixture
def api(hard_tenant: RunningTenant, hard_machine_token: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{hard_tenant.url}/api/v2",
        headers={"Authorization": f"Bearer {hard_machine_token}"},
        timeout=30,
    ) as client:
        yield client


def assert_invalid_body(response: httpx.Response, field: str, value: str, problem: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["statusCode"] == 400
    assert body["error"] == "Bad Request"
    assert body["errorCode"] == "invalid_body"
    message = body["message"]
    assert message.startswith("Payload validation error: '")
    assert problem in message
    assert message.endswith(f"' on property {field} {DESCRIPTION[field]}")
    if "String is too" not in problem:
        assert value in message


def test_the_exact_auth0_message_for_an_email(api: httpx.Client) -> None:
    answer = api.post(
        "/users", json={"connection": CONNECTION, "email": XSS_EMAIL, "password": "Valid-pass-1"}
    )
    assert answer.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Payload validation error: 'Object didn't pass validation for format email: "
        f"{XSS_EMAIL}' on property email (The user's email address).",
        "errorCode": "invalid_body",
    }


@pytest.mark.parametrize(("field", "value", "problem"), INVALID)
def test_create_refuses_an_invalid_field(
    api: httpx.Client, field: str, value: str, problem: str
) -> None:
    body: dict[str, Any] = {
        "connection": CONNECTION,
        "email": f"valid-{abs(hash((field, value)))}@validation.test",
        "password": "Valid-password-1",
        field: value,
    }
    answer = api.post("/users", json=body)
    assert_invalid_body(answer, field, value, problem)
    if field == "email":
        return
    found = api.get("/users-by-email", params={"email": body["email"]})
    assert found.json() == []


@pytest.fixture(scope="module")
def target(hard_tenant: RunningTenant) -> str:
    answer = httpx.post(
        f"{hard_tenant.url}/api/v2/users",
        json={
            "connection": CONNECTION,
            "email": "patched@validation.test",
            "password": "Valid-password-1",
            "username": "patched_user",
            "picture": "https://cdn.example.com/patched.png",
        },
        headers={"Authorization": f"Bearer {machine_token(hard_tenant)}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    user_id: str = answer.json()["user_id"]
    return quote(user_id, safe="")


@pytest.mark.parametrize(("field", "value", "problem"), INVALID)
def test_update_refuses_an_invalid_field(
    api: httpx.Client, target: str, field: str, value: str, problem: str
) -> None:
    answer = api.patch(f"/users/{target}", json={field: value})
    assert_invalid_body(answer, field, value, problem)
    kept = api.get(f"/users/{target}").json()
    assert kept["email"] == "patched@validation.test"
    assert kept["username"] == "patched_user"
    assert kept["picture"] == "https://cdn.example.com/patched.png"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "First.Last+tag@sub.example.co.uk"),
        ("email", "ünï@exämple.com"),
        ("email", "someone@intranet.local"),
        ("username", "a_b+c-d.e!f#g$h'i^j`k~l@m"),
        ("username", "u" * 128),
        ("picture", "http://cdn.example.com/a.png?s=480&d=https%3A%2F%2Fcdn"),
    ],
)
def test_valid_values_are_taken(api: httpx.Client, target: str, field: str, value: str) -> None:
    answer = api.patch(f"/users/{target}", json={field: value})
    assert answer.status_code == 200, answer.text
    assert answer.json()[field] == value
    restore = {
        "email": "patched@validation.test",
        "username": "patched_user",
        "picture": "https://cdn.example.com/patched.png",
    }
    assert api.patch(f"/users/{target}", json={field: restore[field]}).status_code == 200


def test_the_demo_seed_and_the_admin_are_valid(tmp_path: Path) -> None:
    from userdesk.tenant.management.users.validation import check_profile

    tenant = start_tenant(tmp_path, demo_users=300)
    try:
        token = machine_token(tenant)
        users: list[dict[str, Any]] = []
        for page in range(4):
            answer = httpx.get(
                f"{tenant.url}/api/v2/users",
                params={"page": page, "per_page": 100},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            users += answer.json()
    finally:
        tenant.stop()
    assert len(users) == 301
    for user in users:
        check_profile(
            email=user.get("email"), username=user.get("username"), picture=user.get("picture")
        )
