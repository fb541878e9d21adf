"""/api/v2/connections over real HTTP, and through the official auth0-python client."""

from __future__ import annotations

import httpx
import pytest
from auth0.management import Auth0

from tests.support.servers import RunningTenant
from tests.support.tokens import CONNECTION
from tests.tenant.management.conftest import auth0_error, mint

pytestmark = pytest.mark.both_stores

CONNECTION_KEYS = {
    "id",
    "name",
    "display_name",
    "strategy",
    "realms",
    "is_domain_connection",
    "show_as_button",
    "metadata",
    "options",
    "enabled_clients",
}


def test_no_paging_parameters_give_a_bare_array(api: httpx.Client, tenant: RunningTenant) -> None:
    answer = api.get("/connections")
    assert answer.status_code == 200, answer.text
    connections = answer.json()
    assert isinstance(connections, list)
    database = next(c for c in connections if c["name"] == CONNECTION)
    assert set(database) == CONNECTION_KEYS
    assert database["id"].startswith("con_") and len(database["id"]) == 20
    assert database["strategy"] == "auth0"
    assert database["realms"] == [CONNECTION]
    assert database["options"] == {
        "passwordPolicy": "fair",
        "password_complexity_options": {"min_length": 8},
    }
    assert tenant.config["spa_client_id"] in database["enabled_clients"]
    assert tenant.config["backend"]["client_id"] in database["enabled_clients"]


def test_include_totals_gives_the_page_envelope(api: httpx.Client) -> None:
    body = api.get("/connections", params={"page": 0, "per_page": 10, "include_totals": "true"})
    assert body.status_code == 200, body.text
    page = body.json()
    assert set(page) == {"start", "limit", "total", "connections"}
    assert (page["start"], page["limit"]) == (0, 10)
    assert page["total"] == len(page["connections"]) >= 1
    beyond = api.get("/connections", params={"page": 5, "per_page": 10}).json()
    assert beyond == []


def test_take_and_from_give_a_checkpoint(api: httpx.Client) -> None:
    first = api.get("/connections", params={"take": 1})
    assert first.status_code == 200, first.text
    body = first.json()
    assert "next" not in body  # one connection: nothing after it
    assert [c["name"] for c in body["connections"]] == [CONNECTION]
    after = api.get("/connections", params={"take": 1, "from": body["connections"][0]["id"]})
    assert after.json() == {"connections": []}
    auth0_error(api.get("/connections", params={"take": 0}), 400, "invalid_query_string")
    auth0_error(api.get("/connections", params={"take": 101}), 400, "invalid_query_string")


def test_filters_and_field_selection(api: httpx.Client) -> None:
    assert [c["name"] for c in api.get("/connections", params={"strategy": "auth0"}).json()] == [
        CONNECTION
    ]
    assert api.get("/connections", params={"strategy": "google-oauth2"}).json() == []
    assert api.get("/connections", params=[("strategy", "x"), ("strategy", "auth0")]).json()
    assert api.get("/connections", params={"name": "nope"}).json() == []
    only = api.get("/connections", params={"fields": "id,name"}).json()
    assert all(set(c) == {"id", "name"} for c in only)
    without = api.get("/connections", params={"fields": "options", "include_fields": "false"})
    assert all("options" not in c and "name" in c for c in without.json())


def test_one_connection_and_an_unknown_one(api: httpx.Client) -> None:
    listed = api.get("/connections", params={"name": CONNECTION}).json()[0]
    one = api.get(f"/connections/{listed['id']}")
    assert one.status_code == 200 and one.json() == listed
    assert api.get(f"/connections/{listed['id']}", params={"fields": "name"}).json() == {
        "name": CONNECTION
    }
    auth0_error(api.get("/connections/con_0000000000000000"), 404, "inexistent_connection")


@pytest.mark.parametrize("path", ["/connections", "/connections/con_0000000000000000"])
def test_read_connections_scope_is_required(tenant: RunningTenant, path: str) -> None:
    token = mint(tenant, "read:users read:clients")
    answer = httpx.get(
        f"{tenant.url}/api/v2{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    body = auth0_error(answer, 403, "insufficient_scope")
    assert "read:connections" in body["message"]


def test_the_official_client_lists_and_reads_connections(
    tenant: RunningTenant, management_token: str
) -> None:
    auth0 = Auth0(base_url=f"{tenant.url}/api/v2", token=management_token, max_retries=0)
    # auth0-python always sends take=50 (and include_totals): the checkpoint shape.
    listed = list(auth0.connections.list())
    database = next(c for c in listed if c.name == CONNECTION)
    assert database.strategy == "auth0"
    assert database.id is not None
    one = auth0.connections.get(database.id)
    assert one.name == CONNECTION
    assert one.options is not None
