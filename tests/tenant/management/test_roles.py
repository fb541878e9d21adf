"""Roles, role permissions and members, user roles and user permissions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.servers import RunningTenant
from tests.tenant.management.conftest import auth0_error

pytestmark = pytest.mark.both_stores


@pytest.fixture
def role(api: httpx.Client) -> Iterator[dict[str, Any]]:
    answer = api.post(
        "/roles", json={"name": f"Role {uuid.uuid4().hex[:8]}", "description": "for a test"}
    )
    assert answer.status_code == 200, answer.text
    yield answer.json()
    api.delete(f"/roles/{answer.json()['id']}")


@pytest.fixture
def user(api: httpx.Client) -> dict[str, Any]:
    answer = api.post(
        "/users",
        json={
            "connection": "Username-Password-Authentication",
            "email": f"roles-{uuid.uuid4().hex[:10]}@example.com",
            "password": "Roles-pass-1",
        },
    )
    assert answer.status_code == 201
    return dict(answer.json())


def desk_permission(tenant: RunningTenant, name: str) -> dict[str, str]:
    return {"resource_server_identifier": tenant.config["api_audience"], "permission_name": name}


def test_the_seeded_roles_are_listed(api: httpx.Client) -> None:
    roles = api.get("/roles").json()
    assert {"Admin", "Support", "Auditor", "Viewer"} <= {r["name"] for r in roles}
    assert all(set(r) == {"id", "name", "description"} for r in roles)
    assert all(r["id"].startswith("rol_") for r in roles)


def test_roles_envelope_and_name_filter(api: httpx.Client) -> None:
    body = api.get("/roles", params={"include_totals": "true", "per_page": 2, "page": 0}).json()
    assert set(body) == {"start", "limit", "total", "roles"}
    assert (body["start"], body["limit"], len(body["roles"])) == (0, 2, 2)
    assert body["total"] >= 4
    assert [r["name"] for r in api.get("/roles", params={"name_filter": "aud"}).json()] == [
        "Auditor"
    ]


def test_role_lifecycle(api: httpx.Client) -> None:
    name = f"Lifecycle {uuid.uuid4().hex[:8]}"
    created = api.post("/roles", json={"name": name, "description": "first"}).json()
    assert api.get(f"/roles/{created['id']}").json() == created
    auth0_error(api.post("/roles", json={"name": name}), 409, "role_exists")
    patched = api.patch(f"/roles/{created['id']}", json={"description": "second"}).json()
    assert patched == {**created, "description": "second"}
    assert api.delete(f"/roles/{created['id']}").status_code == 204
    auth0_error(api.get(f"/roles/{created['id']}"), 404, "inexistent_role")
    auth0_error(api.post("/roles", json={"description": "no name"}), 400, "invalid_body")


def test_role_permissions(api: httpx.Client, tenant: RunningTenant, role: dict[str, Any]) -> None:
    path = f"/roles/{role['id']}/permissions"
    grants = [desk_permission(tenant, "read:users"), desk_permission(tenant, "read:audit")]
    assert api.post(path, json={"permissions": grants}).status_code == 201
    listed = api.get(path).json()
    assert {p["permission_name"] for p in listed} == {"read:users", "read:audit"}
    assert all(p["resource_server_name"] and "description" in p for p in listed)
    removed = api.request("DELETE", path, json={"permissions": grants[:1]})
    assert removed.status_code == 204
    body = api.get(path, params={"include_totals": "true"}).json()
    assert body["total"] == 1 and body["permissions"][0]["permission_name"] == "read:audit"
    unknown = {"permissions": [desk_permission(tenant, "fly:planes")]}
    auth0_error(api.post(path, json=unknown), 400, "invalid_body")
    nowhere = {"permissions": [{"resource_server_identifier": "x", "permission_name": "y"}]}
    auth0_error(api.post(path, json=nowhere), 404, "inexistent_resource_server")


def test_user_roles_assign_list_and_remove_with_a_json_body(
    api: httpx.Client, role: dict[str, Any], user: dict[str, Any]
) -> None:
    path = f"/users/{user['user_id'].replace('|', '%7C')}/roles"
    assert api.post(path, json={"roles": [role["id"]]}).status_code == 204
    assert api.get(path).json() == [role]
    envelope = api.get(path, params={"include_totals": "true"}).json()
    assert envelope == {"start": 0, "limit": 50, "total": 1, "roles": [role]}
    assert api.request("DELETE", path, json={"roles": [role["id"]]}).status_code == 204
    assert api.get(path).json() == []
    auth0_error(api.post(path, json={"roles": ["rol_doesnotexist"]}), 404, "inexistent_role")


def test_role_members_by_page_and_by_checkpoint(api: httpx.Client, role: dict[str, Any]) -> None:
    members = []
    for _ in range(3):
        answer = api.post(
            "/users",
            json={
                "connection": "Username-Password-Authentication",
                "email": f"member-{uuid.uuid4().hex[:10]}@example.com",
                "password": "Member-pass-1",
            },
        )
        members.append(answer.json()["user_id"])
    path = f"/roles/{role['id']}/users"
    assert api.post(path, json={"users": members}).status_code == 201
    body = api.get(path, params={"page": 0, "per_page": 2, "include_totals": "true"}).json()
    assert (body["total"], len(body["users"])) == (3, 2)
    assert set(body["users"][0]) <= {"user_id", "email", "name", "picture"}
    first = api.get(path, params={"take": 2}).json()
    assert len(first["users"]) == 2 and "next" in first
    rest = api.get(path, params={"take": 2, "from": first["next"]}).json()
    assert len(rest["users"]) == 1 and "next" not in rest
    seen = [u["user_id"] for u in first["users"] + rest["users"]]
    assert sorted(seen) == sorted(members)


def test_user_permissions_direct_and_through_roles(
    api: httpx.Client, tenant: RunningTenant, role: dict[str, Any], user: dict[str, Any]
) -> None:
    api.post(
        f"/roles/{role['id']}/permissions",
        json={"permissions": [desk_permission(tenant, "read:users")]},
    )
    api.post(f"/users/{user['user_id']}/roles", json={"roles": [role["id"]]})
    path = f"/users/{user['user_id']}/permissions"
    body = {
        "permissions": [
            desk_permission(tenant, "read:users"),
            desk_permission(tenant, "read:audit"),
        ]
    }
    assert api.post(path, json=body).status_code == 201
    listed = {p["permission_name"]: p for p in api.get(path).json()}
    assert set(listed) == {"read:users", "read:audit"}
    kinds = sorted(s["source_type"] for s in listed["read:users"]["sources"])
    assert kinds == ["DIRECT", "ROLE"]
    assert api.request("DELETE", path, json=body).status_code == 204
    left = api.get(path, params={"include_totals": "true"}).json()
    assert [p["permission_name"] for p in left["permissions"]] == ["read:users"]
    assert left["permissions"][0]["sources"][0]["source_id"] == role["id"]


def test_deleting_a_role_unassigns_it(
    api: httpx.Client, role: dict[str, Any], user: dict[str, Any]
) -> None:
    api.post(f"/users/{user['user_id']}/roles", json={"roles": [role["id"]]})
    api.delete(f"/roles/{role['id']}")
    assert api.get(f"/users/{user['user_id']}/roles").json() == []
