"""GET /api/me: who is signed in, with role names from the directory."""

from __future__ import annotations

import httpx

from tests.desk.conftest import STAFF_PASSWORD, as_role
from tests.support.desk import RunningDesk
from tests.support.servers import RunningTenant
from tests.support.tokens import create_user_with_role, machine_token, password_token


def test_viewer_sees_their_role_and_permissions(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    with as_role(desk, staff_tokens, "Viewer") as client:
        answer = client.get("/api/me")
    assert answer.status_code == 200
    body = answer.json()
    assert body["email"] == "viewer.staff@userdesk.test"
    assert [role["name"] for role in body["roles"]] == ["Viewer"]
    assert body["permissions"] == ["read:users"]
    assert body["sub"].startswith("auth0|")


def test_admin_permissions_are_expanded_from_manage_users(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    with as_role(desk, staff_tokens, "Admin") as client:
        body = client.get("/api/me").json()
    assert [role["name"] for role in body["roles"]] == ["Admin"]
    assert {"manage:users", "delete:users", "read:audit", "update:roles"} <= set(
        body["permissions"]
    )


def test_staff_with_two_roles_see_both(desk: RunningDesk, desk_tenant: RunningTenant) -> None:
    email = "two.roles@userdesk.test"
    user_id = create_user_with_role(desk_tenant, email, STAFF_PASSWORD, "Support")
    # The second role goes through the Management API directly.
    roles = httpx.get(
        f"{desk_tenant.url}/api/v2/roles",
        params={"name_filter": "Auditor"},
        headers={"Authorization": f"Bearer {machine_token(desk_tenant)}"},
        timeout=10,
    ).json()
    auditor = next(role["id"] for role in roles if role["name"] == "Auditor")
    assigned = httpx.post(
        f"{desk_tenant.url}/api/v2/users/{user_id}/roles",
        json={"roles": [auditor]},
        headers={"Authorization": f"Bearer {machine_token(desk_tenant)}"},
        timeout=10,
    )
    assert assigned.status_code in (200, 201, 204)
    token = password_token(
        desk_tenant, email, STAFF_PASSWORD, audience=desk_tenant.config["api_audience"]
    )["access_token"]
    with desk.client(token) as client:
        body = client.get("/api/me").json()
    assert [role["name"] for role in body["roles"]] == ["Auditor", "Support"]
    assert set(body["permissions"]) == {"read:users", "update:users", "read:audit"}


def test_no_token_is_401(desk_http: httpx.Client) -> None:
    answer = desk_http.get("/api/me")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
