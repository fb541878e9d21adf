"""GET /api/v2/logs and /api/v2/users/{id}/logs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.support.servers import RunningTenant
from tests.tenant.management.conftest import auth0_error, client_credentials_token

pytestmark = pytest.mark.both_stores


def make_user(api: httpx.Client) -> dict[str, Any]:
    answer = api.post(
        "/users",
        json={
            "connection": "Username-Password-Authentication",
            "email": f"logs-{uuid.uuid4().hex[:10]}@example.com",
            "password": "Log-pass-123",
        },
    )
    assert answer.status_code == 201
    return dict(answer.json())


def test_logs_are_newest_first_with_auth0s_fields(api: httpx.Client) -> None:
    make_user(api)
    logs = api.get("/logs", params={"per_page": 10, "page": 0}).json()
    assert isinstance(logs, list) and logs
    dates = [e["date"] for e in logs]
    assert dates == sorted(dates, reverse=True)
    assert {"log_id", "date", "type", "description"} <= set(logs[0])
    oldest_first = api.get("/logs", params={"per_page": 10, "page": 0, "sort": "date:1"}).json()
    assert [e["date"] for e in oldest_first] == sorted(e["date"] for e in oldest_first)


def test_envelope_and_paging(api: httpx.Client) -> None:
    for _ in range(3):
        make_user(api)
    body = api.get("/logs", params={"include_totals": "true", "per_page": 2, "page": 1}).json()
    assert set(body) == {"start", "limit", "length", "total", "logs"}
    assert (body["start"], body["limit"], body["length"]) == (2, 2, 2)
    assert body["total"] >= 4
    auth0_error(api.get("/logs", params={"per_page": 101}), 400, "invalid_query_string")


def test_client_credentials_exchanges_are_logged_as_seccft(
    tenant: RunningTenant, api: httpx.Client
) -> None:
    client_id = tenant.config["backend"]["client_id"]
    client_credentials_token(tenant)
    found = api.get("/logs", params={"q": f"type:seccft AND client_id:{client_id}"}).json()
    assert found and all(e["type"] == "seccft" and e["client_id"] == client_id for e in found)


def test_fields_and_checkpoint_paging(api: httpx.Client) -> None:
    for _ in range(3):
        make_user(api)
    newest = api.get("/logs", params={"take": 3}).json()
    assert len(newest) == 3
    oldest_of_three = newest[-1]["log_id"]
    after = api.get("/logs", params={"from": oldest_of_three, "take": 10}).json()
    assert [e["log_id"] for e in after][:2] == [newest[1]["log_id"], newest[0]["log_id"]]
    only = api.get("/logs", params={"fields": "log_id,type", "per_page": 2, "page": 0}).json()
    assert all(set(e) == {"log_id", "type"} for e in only)


def test_user_logs_hold_only_that_user(api: httpx.Client) -> None:
    user = make_user(api)
    api.delete(f"/users/{user['user_id']}")
    other = make_user(api)
    api.patch(f"/users/{other['user_id']}", json={"name": "Changed"})
    mine = api.get(f"/users/{other['user_id']}/logs").json()
    assert [e["description"] for e in mine] == ["Update a User", "Create a User"]
    assert all(e.get("user_id") == other["user_id"] for e in mine)
    auth0_error(api.get(f"/users/{user['user_id']}/logs"), 404, "inexistent_user")


@pytest.mark.parametrize("q", ["type:(", "date:yesterday", "nope:1"])
def test_malformed_log_q_is_400(api: httpx.Client, q: str) -> None:
    auth0_error(api.get("/logs", params={"q": q}), 400, "invalid_query_string")
