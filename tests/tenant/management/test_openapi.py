"""The tenant's OpenAPI document describes what the Management API really answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.servers import RunningTenant
from tests.tenant.management.conftest import auth0_error

LISTS = [
    "/api/v2/users",
    "/api/v2/logs",
    "/api/v2/roles",
    "/api/v2/roles/{role_id}/permissions",
    "/api/v2/roles/{role_id}/users",
    "/api/v2/users/{user_id}/roles",
    "/api/v2/users/{user_id}/permissions",
    "/api/v2/users/{user_id}/logs",
    "/api/v2/connections",
]


@pytest.fixture(scope="module")
def openapi(tenant: RunningTenant) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{tenant.url}/openapi.json").json()
    return document


@pytest.mark.parametrize("path", LISTS)
def test_list_routes_document_the_array_and_the_envelope(
    openapi: dict[str, Any], path: str
) -> None:
    schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    shapes = schema["schema"]["anyOf"]
    assert {"type": "array"}.items() <= shapes[0].items()
    assert any("$ref" in shape for shape in shapes[1:])


@pytest.mark.parametrize("path", ["/users", "/logs", "/roles"])
def test_absurd_pages_are_400_not_500(api: httpx.Client, path: str) -> None:
    answer = api.get(path, params={"page": 10**19, "per_page": 50})
    auth0_error(answer, 400, "invalid_query_string")


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/v2/users/{user_id}/sessions", "SessionsCheckpoint"),
        ("/api/v2/users/{user_id}/refresh-tokens", "RefreshTokensCheckpoint"),
        ("/api/v2/connections/{connection_id}", "ConnectionRead"),
    ],
)
def test_session_token_and_connection_routes_document_their_models(
    openapi: dict[str, Any], path: str, model: str
) -> None:
    schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"] == {"$ref": f"#/components/schemas/{model}"}
    assert model in openapi["components"]["schemas"]


@pytest.mark.parametrize("path", ["sessions", "refresh-tokens"])
def test_deletes_of_sessions_and_tokens_document_202(openapi: dict[str, Any], path: str) -> None:
    assert "202" in openapi["paths"][f"/api/v2/users/{{user_id}}/{path}"]["delete"]["responses"]
