"""The database connection's password policy: levels as Auth0 rates them, and the 400 that
POST and PATCH /api/v2/users answer for a weak password."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.servers import RunningTenant
from tests.support.tokens import CONNECTION, machine_token
from userdesk.tenant.management.connections.policy import (
    PasswordPolicy,
    generate_password,
)
from userdesk.tenant.oidc.repository import ConnectionRepository
from userdesk.tenant.store.db import transaction

WEAK = {
    "statusCode": 400,
    "error": "Bad Request",
    "message": "PasswordStrengthError: Password is too weak",
}


@pytest.mark.parametrize(
    ("level", "accepted", "refused"),
    [
        ("none", ["x"], [""]),
        ("low", ["abcdef"], ["abcde"]),
        ("fair", ["abcdEF12", "Aa345678"], ["abcdefgh", "ABCDEF12", "abcdEFgh", "Abcde12"]),
        ("good", ["abcdEF12", "abcd!EFG", "abcd 123"], ["abcdefgh", "abcd1234", "Ab1!xyz"]),
        ("excellent", ["abcdEF1234", "aabbCC11!!"], ["abcdEF123", "aaabCC1234", "abcdefghij"]),
    ],
)
def test_levels(level: str, accepted: list[str], refused: list[str]) -> None:
    policy = PasswordPolicy.of({"passwordPolicy": level})
    assert all(policy.accepts(p) for p in accepted), level
    assert not any(policy.accepts(p) for p in refused), level


def test_min_length_overrides_the_level_and_a_missing_policy_is_none() -> None:
    options = {"passwordPolicy": "fair", "password_complexity_options": {"min_length": 12}}
    assert not PasswordPolicy.of(options).accepts("abcdEF123456"[:11])
    assert PasswordPolicy.of(options).accepts("abcdEF123456")
    assert PasswordPolicy.of({}).accepts("x")
    assert PasswordPolicy.of(None) == PasswordPolicy("none", 1)


def test_generated_passwords_pass_every_level() -> None:
    for _ in range(50):
        password = generate_password()
        for level in ("none", "low", "fair", "good", "excellent"):
            assert PasswordPolicy.of({"passwordPolicy": level}).accepts(password)


@pytest.fixture(scope="module")
def policy_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    from tests.support.servers import start_tenant

    running = start_tenant(tmp_path_factory.mktemp("password-policy"), demo_users=0)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def policy_api(policy_tenant: RunningTenant) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{policy_tenant.url}/api/v2",
        headers={"Authorization": f"Bearer {machine_token(policy_tenant)}"},
        timeout=30,
    ) as client:
        yield client


def set_policy(tenant: RunningTenant, options: dict[str, Any]) -> None:
    """Stands in for PATCH /api/v2/connections/{id}, which the tenant does not serve."""
    with transaction(tenant.app.state.tenant.sessions) as session:
        connection = ConnectionRepository(session).by_name(CONNECTION)
        assert connection is not None
        connection.options = options


def create(api: httpx.Client, password: str) -> httpx.Response:
    email = f"policy-{uuid.uuid4().hex[:10]}@example.com"
    return api.post("/users", json={"connection": CONNECTION, "email": email, "password": password})


@pytest.mark.parametrize(
    ("options", "weak", "strong"),
    [
        ({"passwordPolicy": "none"}, None, "x"),
        ({"passwordPolicy": "low"}, "abcde", "abcdef"),
        ({"passwordPolicy": "fair"}, "abcdefgh1", "abcdEF12"),
        ({"passwordPolicy": "good"}, "abcd1234", "abcd!EFG"),
        ({"passwordPolicy": "excellent"}, "aaabCC1234", "abcdEF1234"),
        (
            {"passwordPolicy": "low", "password_complexity_options": {"min_length": 10}},
            "abcdefghi",
            "abcdefghij",
        ),
    ],
)
def test_create_and_patch_refuse_weak_passwords_per_level(
    policy_tenant: RunningTenant,
    policy_api: httpx.Client,
    options: dict[str, Any],
    weak: str | None,
    strong: str,
) -> None:
    set_policy(policy_tenant, options)
    try:
        created = create(policy_api, strong)
        assert created.status_code == 201, created.text
        user_id = created.json()["user_id"]
        assert policy_api.patch(f"/users/{user_id}", json={"password": strong}).status_code == 200
        if weak is None:
            return
        refused = create(policy_api, weak)
        assert refused.status_code == 400
        assert refused.json() == WEAK  # no errorCode, as at Auth0
        patched = policy_api.patch(f"/users/{user_id}", json={"password": weak, "name": "n"})
        assert patched.status_code == 400 and patched.json() == WEAK
        # A refused change changes nothing.
        assert policy_api.get(f"/users/{user_id}").json()["name"] != "n"
    finally:
        set_policy(policy_tenant, {"passwordPolicy": "fair"})


def test_a_new_tenant_is_fair(api: httpx.Client) -> None:
    assert create(api, "abcdefgh").json() == WEAK
    assert create(api, "Abcdefg1").status_code == 201
