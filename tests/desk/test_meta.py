"""Health, the SPA's config, the sample events, the OpenAPI document and the error shape."""

from __future__ import annotations

import httpx

from tests.support.desk import RunningDesk
from tests.support.servers import RunningTenant


def test_health(desk_http: httpx.Client) -> None:
    response = desk_http.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"]


def test_config_tells_the_spa_where_to_sign_in_and_nothing_secret(
    desk_http: httpx.Client, desk_tenant: RunningTenant
) -> None:
    body = desk_http.get("/api/config").json()
    assert body == {
        "domain": desk_tenant.url,
        "clientId": desk_tenant.config["spa_client_id"],
        "audience": desk_tenant.config["api_audience"],
        "remoteAvatars": False,
    }
    assert desk_tenant.config["backend"]["client_secret"] not in desk_http.get("/api/config").text


def test_events_list_is_public(desk_http: httpx.Client) -> None:
    events = desk_http.get("/api/events").json()
    assert [e["name"] for e in events] == ["Charity Ball", "Rescue Center Goods Drive"]


def test_one_event_needs_any_valid_token(
    desk: RunningDesk, desk_http: httpx.Client, staff_tokens: dict[str, str]
) -> None:
    assert desk_http.get("/api/events/1").status_code == 401
    with desk.client(staff_tokens["Viewer"]) as client:
        assert client.get("/api/events/2").json()["id"] == 2
        missing = client.get("/api/events/99")
        assert missing.status_code == 404
        assert missing.json() == {"error": "not_found", "message": "No event with id 99"}


def test_errors_have_one_shape(desk_http: httpx.Client, staff_tokens: dict[str, str]) -> None:
    unknown = desk_http.get("/api/nothing-here")
    assert unknown.status_code == 404
    assert set(unknown.json()) == {"error", "message"}
    invalid = desk_http.get(
        "/api/users",
        params={"page": 0},
        headers={"Authorization": f"Bearer {staff_tokens['Viewer']}"},
    )
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["error"] == "invalid_request"
    assert "page" in body["message"]


def test_an_incoming_request_id_is_kept(desk_http: httpx.Client) -> None:
    response = desk_http.get("/api/health", headers={"X-Request-ID": "trace-42"})
    assert response.headers["x-request-id"] == "trace-42"


def test_openapi_names_every_schema_the_spa_uses(desk_http: httpx.Client) -> None:
    document = desk_http.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    for name in ("UserRead", "UserList", "EventRead", "AuditEntryRead", "AuditList", "ErrorRead"):
        assert name in schemas, name
    users = document["paths"]["/api/users"]["get"]["responses"]
    assert users["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/UserList")
    assert users["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorRead")
    invalid = users["422"]["content"]["application/json"]["schema"]["$ref"]
    assert invalid.endswith("/ErrorRead"), "422 must document the desk's error shape"
    assert "HTTPValidationError" not in schemas
    assert "/api/users/{user_id}" in document["paths"]
    assert desk_http.get("/docs").status_code == 200
