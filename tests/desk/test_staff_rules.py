"""Rules about staff themselves: removed accounts lose access, nobody removes the last admin,
and refused writes are on record."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from tests.desk.conftest import AUDIT_ON_BOTH, STAFF_PASSWORD
from tests.desk.test_token_source import DeskClock
from tests.support.desk import RunningDesk, start_desk
from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import create_user_with_role, machine_token, password_token

# The audit entries these tests read back are written to SQLite, then to PostgreSQL.
pytestmark = AUDIT_ON_BOTH


def staff_member(tenant: RunningTenant, email: str, role: str) -> tuple[str, str]:
    """A new staff member of ``role``: their user_id and a desk access token."""
    user_id = create_user_with_role(tenant, email, STAFF_PASSWORD, role)
    answer = password_token(tenant, email, STAFF_PASSWORD, audience=tenant.config["api_audience"])
    return user_id, answer["access_token"]


def management(tenant: RunningTenant) -> httpx.Client:
    return httpx.Client(
        base_url=f"{tenant.url}/api/v2",
        headers={"Authorization": f"Bearer {machine_token(tenant)}"},
        timeout=10,
    )


@pytest.fixture
def clocked_desk(desk_tenant: RunningTenant) -> Iterator[tuple[RunningDesk, DeskClock]]:
    clock = DeskClock()
    running = start_desk(desk_tenant, clock=clock)
    yield running, clock
    running.stop()


@pytest.mark.parametrize("removal", ["deleted", "blocked"])
def test_a_removed_staff_members_token_is_refused_within_a_minute(
    clocked_desk: tuple[RunningDesk, DeskClock], desk_tenant: RunningTenant, removal: str
) -> None:
    desk, clock = clocked_desk
    user_id, token = staff_member(desk_tenant, f"leaver.{removal}@userdesk.test", "Admin")
    with desk.client(token) as client:
        assert client.get("/api/users").status_code == 200
        with management(desk_tenant) as api:
            path = f"/users/{quote(user_id, safe='')}"
            if removal == "deleted":
                assert api.delete(path).status_code == 204
            else:
                assert api.patch(path, json={"blocked": True}).status_code == 200
        clock.now += 60
        refused = client.get("/api/users")
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_token"
        assert (
            removal in refused.json()["message"] or "no longer exists" in refused.json()["message"]
        )
        assert refused.headers["www-authenticate"].startswith("Bearer")
        # Nor may it write: the scenario that mattered was a deleted admin deleting others.
        assert client.delete("/api/users/auth0|000000000000000000000001").status_code == 401


def test_staff_cannot_delete_their_own_account(
    desk: RunningDesk, desk_tenant: RunningTenant
) -> None:
    user_id, token = staff_member(
        desk_tenant, f"self.deleter.{uuid.uuid4().hex[:8]}@userdesk.test", "Admin"
    )
    with desk.client(token) as client:
        answer = client.delete(f"/api/users/{user_id}")
        assert answer.status_code == 409
        assert answer.json()["error"] == "conflict"
        assert "own account" in answer.json()["message"]
        assert client.get(f"/api/users/{user_id}").status_code == 200
        [entry] = client.get("/api/audit", params={"target": user_id}).json()["entries"]
    assert entry["outcome"] == "failed"


def test_a_refused_delete_is_audited_as_denied(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    target, _ = staff_member(desk_tenant, f"denied.{uuid.uuid4().hex[:8]}@userdesk.test", "Viewer")
    with desk.client(staff_tokens["Viewer"]) as client:
        assert client.delete(f"/api/users/{target}").status_code == 403
    with desk.client(staff_tokens["Admin"]) as client:
        [entry] = client.get("/api/audit", params={"target": target}).json()["entries"]
        assert client.get(f"/api/users/{target}").status_code == 200
    assert entry["outcome"] == "denied"
    assert entry["action"] == "users.delete"
    assert entry["actor_email"] == "viewer.staff@userdesk.test"
    assert "delete:users" in entry["message"]


def test_the_last_holder_of_manage_users_cannot_be_deleted(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # A tenant of its own: how many admins there are is the point of the test.
    tenant = start_tenant(tmp_path_factory.mktemp("last-admin"), demo_users=0)
    desk = start_desk(tenant)
    try:
        with management(tenant) as api:
            [admin] = api.get(
                "/users-by-email", params={"email": tenant.config["admin"]["email"]}
            ).json()
            # A role that may delete users without holding manage:users itself.
            role = api.post("/roles", json={"name": "Deleter", "description": "test"}).json()
            granted = api.post(
                f"/roles/{role['id']}/permissions",
                json={
                    "permissions": [
                        {
                            "resource_server_identifier": tenant.config["api_audience"],
                            "permission_name": name,
                        }
                        for name in ("read:users", "delete:users")
                    ]
                },
            )
            assert granted.status_code in (200, 201, 204), granted.text
        _, deleter = staff_member(tenant, "deleter@userdesk.test", "Deleter")

        with desk.client(deleter) as client:
            refused = client.delete(f"/api/users/{admin['user_id']}")
            assert refused.status_code == 409
            assert "last staff member who holds manage:users" in refused.json()["message"]
            assert client.get(f"/api/users/{admin['user_id']}").status_code == 200

        second_id, _ = staff_member(tenant, "second.admin@userdesk.test", "Admin")
        with desk.client(deleter) as client:
            assert client.delete(f"/api/users/{admin['user_id']}").status_code == 204
            assert client.delete(f"/api/users/{second_id}").status_code == 409
            assert client.get(f"/api/users/{second_id}").status_code == 200
    finally:
        desk.stop()
        tenant.stop()


def test_the_embedded_tenant_issues_desk_tokens_for_an_hour(desk_tenant: RunningTenant) -> None:
    email = "hour.token@userdesk.test"
    create_user_with_role(desk_tenant, email, STAFF_PASSWORD, "Viewer")
    answer = password_token(
        desk_tenant, email, STAFF_PASSWORD, audience=desk_tenant.config["api_audience"]
    )
    assert answer["expires_in"] == 3600
