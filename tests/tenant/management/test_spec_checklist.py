"""What a client of Auth0's Management API relies on, one test per behaviour: a checklist.

The other modules here go deeper into each item; this one is the list a reader ticks.
"""

from __future__ import annotations

import re
import time
from functools import partial

import httpx

from tests.support.forge import bearer
from tests.support.management import new_user
from tests.support.servers import RunningTenant
from tests.tenant.management.conftest import auth0_error, mint

CONNECTION = "Username-Password-Authentication"


_user = partial(new_user, prefix="spec")


def test_item_bearer_rs256_https_audience_and_per_endpoint_scope(tenant: RunningTenant) -> None:
    url = f"{tenant.url}/api/v2/users"
    host = tenant.url.split("://", 1)[1]
    https_token = mint(tenant, "read:users", aud=f"https://{host}/api/v2/")
    assert httpx.get(url, headers=bearer(https_token)).status_code == 200
    auth0_error(httpx.get(url, headers=bearer(https_token + "x")), 401, "invalid_token")
    wrong_scope = mint(tenant, "read:logs", aud=f"https://{host}/api/v2/")
    auth0_error(httpx.get(url, headers=bearer(wrong_scope)), 403, "insufficient_scope")


def test_item_users_crud_status_codes(api: httpx.Client) -> None:
    user = _user(api)
    auth0_error(
        api.post(
            "/users", json={"connection": CONNECTION, "email": user["email"], "password": "x"}
        ),
        409,
        "auth0_idp_error",
    )
    assert api.delete(f"/users/{user['user_id']}").status_code == 204
    assert api.delete(f"/users/{user['user_id']}").status_code == 204
    auth0_error(api.get(f"/users/{user['user_id']}"), 404, "inexistent_user")


def test_item_metadata_merge_encoded_ids_and_dates(api: httpx.Client) -> None:
    user = _user(api, app_metadata={"keep": 1, "drop": 2, "nested": {"a": 1}})
    encoded = user["user_id"].replace("|", "%7C")
    patched = api.patch(
        f"/users/{encoded}", json={"app_metadata": {"drop": None, "nested": {"b": 2}}}
    ).json()
    assert patched["app_metadata"] == {"keep": 1, "nested": {"b": 2}}
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", patched["updated_at"])


def test_item_users_paging_sort_fields_q_and_users_by_email(api: httpx.Client) -> None:
    assert isinstance(api.get("/users").json(), list)
    assert len(api.get("/users").json()) <= 50
    envelope = api.get("/users", params={"include_totals": "true", "per_page": 2}).json()
    assert set(envelope) == {"start", "limit", "length", "total", "users"}
    auth0_error(api.get("/users", params={"per_page": 101}), 400, "invalid_query_string")
    auth0_error(api.get("/users", params={"page": 10, "per_page": 100}), 400, "invalid_paging")
    sorted_ = api.get("/users", params={"sort": "created_at:1", "fields": "created_at"}).json()
    assert [u["created_at"] for u in sorted_] == sorted(u["created_at"] for u in sorted_)
    user = _user(api, app_metadata={"plan": "spec"})
    found = api.get("/users", params={"q": f'app_metadata.plan:spec AND email:"{user["email"]}"'})
    assert [u["user_id"] for u in found.json()] == [user["user_id"]]
    by_email = api.get("/users-by-email", params={"email": user["email"]}).json()
    assert [u["user_id"] for u in by_email] == [user["user_id"]]


def test_item_roles_and_permissions_array_and_envelope(
    api: httpx.Client, tenant: RunningTenant
) -> None:
    user = _user(api)
    viewer = next(r for r in api.get("/roles").json() if r["name"] == "Viewer")
    assert api.post(f"/users/{user['user_id']}/roles", json={"roles": [viewer["id"]]}).is_success
    assert api.get(f"/users/{user['user_id']}/roles").json() == [viewer]
    envelope = api.get(
        f"/users/{user['user_id']}/permissions", params={"include_totals": "true"}
    ).json()
    assert envelope["total"] == 1
    assert envelope["permissions"][0]["permission_name"] == "read:users"
    assert envelope["permissions"][0]["resource_server_identifier"] == tenant.config["api_audience"]
    role_perms = api.get(f"/roles/{viewer['id']}/permissions").json()
    assert [p["permission_name"] for p in role_perms] == ["read:users"]


def test_item_logs(api: httpx.Client) -> None:
    user = _user(api)
    api.delete(f"/users/{user['user_id']}")
    logs = api.get("/logs", params={"q": f'user_id:"{user["user_id"]}"'}).json()
    assert {e["type"] for e in logs} == {"sapi", "du"}


def test_item_error_body_rate_limit_headers_and_high_default_limit(api: httpx.Client) -> None:
    answer = api.get("/users/auth0|ffffffffffffffffffffffff")
    body = auth0_error(answer, 404, "inexistent_user")
    assert body["error"] == "Not Found"
    assert int(answer.headers["x-ratelimit-limit"]) >= 1000
    assert int(answer.headers["x-ratelimit-reset"]) >= int(time.time())
