"""Changing users through the desk, against a real tenant: edit, metadata, block, create."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.desk.conftest import AUDIT_ON_BOTH, STAFF_PASSWORD, as_role
from tests.support.desk import RunningDesk
from tests.support.servers import RunningTenant
from tests.support.tokens import CONNECTION, create_user_with_role, token_request

# The audit entries these tests read back are written to SQLite, then to PostgreSQL.
pytestmark = AUDIT_ON_BOTH


def new_user(tenant: RunningTenant) -> tuple[str, str]:
    email = f"action-{uuid.uuid4().hex[:10]}@userdesk.test"
    return create_user_with_role(tenant, email, STAFF_PASSWORD, "Viewer"), email


def last_entry(client: httpx.Client, target: str) -> dict[str, Any]:
    entries = client.get("/api/audit", params={"target": target}).json()["entries"]
    assert entries, f"no audit entry for {target}"
    entry: dict[str, Any] = entries[0]
    return entry


def sign_in(tenant: RunningTenant, email: str, password: str = STAFF_PASSWORD) -> httpx.Response:
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
            "scope": "openid",
        },
    )


def test_support_edits_a_name_and_the_audit_keeps_before_and_after(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Support") as client:
        before = client.get(f"/api/users/{user_id}").json()
        answer = client.patch(f"/api/users/{user_id}", json={"name": "Ada Lovelace"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["name"] == "Ada Lovelace"
        assert client.get(f"/api/users/{user_id}").json()["name"] == "Ada Lovelace"
    with as_role(desk, staff_tokens, "Admin") as client:
        entry = last_entry(client, user_id)
    assert entry["action"] == "users.update"
    assert entry["outcome"] == "succeeded"
    assert entry["before"] == {"name": before["name"]}
    assert entry["after"] == {"name": "Ada Lovelace"}
    assert entry["actor_email"] == "support.staff@userdesk.test"


def test_metadata_merges_at_the_root_and_null_deletes_a_key(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Support") as client:
        first = client.patch(
            f"/api/users/{user_id}",
            json={"user_metadata": {"theme": "dark", "lang": "en", "nested": {"a": 1}}},
        )
        assert first.status_code == 200, first.text
        second = client.patch(
            f"/api/users/{user_id}",
            json={"user_metadata": {"lang": None, "nested": {"b": 2}, "tz": "UTC"}},
        )
        assert second.status_code == 200, second.text
    # Root keys merge, a null deletes, a nested object is replaced whole.
    assert second.json()["user_metadata"] == {"theme": "dark", "nested": {"b": 2}, "tz": "UTC"}


@pytest.mark.parametrize(
    "body",
    [
        {"user_metadata": "not an object"},
        {"app_metadata": [1, 2]},
        {"blocked": "perhaps"},
        {"user_id": "auth0|other"},
        {},
    ],
    ids=["metadata-string", "metadata-list", "blocked-string", "unknown-field", "empty"],
)
def test_malformed_changes_are_400_and_change_nothing(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str], body: Any
) -> None:
    user_id, _ = new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Support") as client:
        before = client.get(f"/api/users/{user_id}").json()
        answer = client.patch(f"/api/users/{user_id}", json=body)
        assert answer.status_code == 400, answer.text
        assert set(answer.json()) == {"error", "message"}
        assert client.get(f"/api/users/{user_id}").json()["updated_at"] == before["updated_at"]


def test_editing_an_unknown_user_is_404(desk: RunningDesk, staff_tokens: dict[str, str]) -> None:
    with as_role(desk, staff_tokens, "Support") as client:
        answer = client.patch("/api/users/auth0|nosuchuser0000000000", json={"name": "x"})
    assert answer.status_code == 404


def test_a_viewers_edit_is_refused_and_audited_as_denied(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Viewer") as client:
        assert client.patch(f"/api/users/{user_id}", json={"name": "x"}).status_code == 403
    with as_role(desk, staff_tokens, "Admin") as client:
        entry = last_entry(client, user_id)
        assert client.get(f"/api/users/{user_id}").json()["name"] != "x"
    assert (entry["action"], entry["outcome"]) == ("users.update", "denied")


def test_blocking_refuses_the_next_sign_in_and_unblocking_lets_them_back(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, email = new_user(desk_tenant)
    assert sign_in(desk_tenant, email).status_code == 200
    with as_role(desk, staff_tokens, "Support") as client:
        assert client.patch(f"/api/users/{user_id}", json={"blocked": True}).json()["blocked"]
        refused = sign_in(desk_tenant, email)
        assert refused.status_code in (401, 403), refused.text
        assert "blocked" in refused.json()["error_description"]
        assert not client.patch(f"/api/users/{user_id}", json={"blocked": False}).json()["blocked"]
    assert sign_in(desk_tenant, email).status_code == 200


def test_unblocking_also_lifts_brute_force_blocks(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, email = new_user(desk_tenant)
    for _ in range(11):
        sign_in(desk_tenant, email, "Wrong-password-1")
    locked = sign_in(desk_tenant, email)
    assert locked.status_code == 429, locked.text
    with as_role(desk, staff_tokens, "Support") as client:
        blocks = client.get(f"/api/users/{user_id}/blocks").json()["blocked_for"]
        assert [b["identifier"] for b in blocks] == [email]
        assert client.patch(f"/api/users/{user_id}", json={"blocked": False}).status_code == 200
        assert client.get(f"/api/users/{user_id}/blocks").json()["blocked_for"] == []
    assert sign_in(desk_tenant, email).status_code == 200


def test_admin_creates_a_user_who_can_then_sign_in(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    email = f"created-{uuid.uuid4().hex[:8]}@userdesk.test"
    with as_role(desk, staff_tokens, "Admin") as client:
        created = client.post(
            "/api/users",
            json={
                "email": email,
                "password": "Created-password-1",
                "name": "Created Person",
                "user_metadata": {"source": "desk"},
            },
        )
        assert created.status_code == 201, created.text
        user = created.json()
        assert (user["email"], user["name"]) == (email, "Created Person")
        assert user["identities"][0]["connection"] == CONNECTION
        again = client.post("/api/users", json={"email": email, "password": "Created-password-1"})
        assert again.status_code == 409
        assert again.json()["error"] == "user_exists"
        entries = client.get("/api/audit", params={"target": email}).json()["entries"]
    assert sign_in(desk_tenant, email, "Created-password-1").status_code == 200
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("users.create", "failed"),
        ("users.create", "succeeded"),
    ]
    assert entries[1]["after"]["user_id"] == user["user_id"]
    assert "password" not in entries[1]["after"]
    assert "already exists" in entries[0]["message"]


def test_support_cannot_create_users(desk: RunningDesk, staff_tokens: dict[str, str]) -> None:
    with as_role(desk, staff_tokens, "Support") as client:
        answer = client.post(
            "/api/users", json={"email": "nope@userdesk.test", "password": "Whatever-1"}
        )
    assert answer.status_code == 403


def test_a_weak_password_is_400_with_the_providers_reason_and_creates_nobody(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    email = f"weak-{uuid.uuid4().hex[:8]}@userdesk.test"
    with as_role(desk, staff_tokens, "Admin") as client:
        answer = client.post("/api/users", json={"email": email, "password": "short"})
        found = client.get("/api/users", params={"q": f'email:"{email}"'}).json()["users"]
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "weak_password",
        "message": "PasswordStrengthError: Password is too weak",
    }
    assert found == []


def test_the_database_connections_are_offered_to_creators_only(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    with as_role(desk, staff_tokens, "Admin") as client:
        listed = client.get("/api/connections").json()["connections"]
    with as_role(desk, staff_tokens, "Support") as client:
        refused = client.get("/api/connections")
    assert [c["name"] for c in listed] == [CONNECTION]
    assert listed[0]["id"].startswith("con_") and listed[0]["strategy"] == "auth0"
    assert refused.status_code == 403
