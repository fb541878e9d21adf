"""Checklist: CORS with preflight on /oauth/token, /oauth/revoke and /userinfo."""

from __future__ import annotations

import httpx
import pytest

from tests.support.servers import RunningTenant

SPA_ORIGIN = "http://localhost:8000"


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/revoke", "/userinfo"])
def test_checklist_preflight_echoes_an_allowed_web_origin(http: httpx.Client, path: str) -> None:
    answer = http.options(
        path,
        headers={
            "Origin": SPA_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,auth0-client",
        },
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == SPA_ORIGIN
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "auth0-client" in answer.headers["access-control-allow-headers"].lower()


def test_preflight_from_an_unknown_origin_is_refused(http: httpx.Client) -> None:
    answer = http.options(
        "/oauth/token",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert answer.status_code == 400
    assert "access-control-allow-origin" not in answer.headers


def test_token_answers_carry_the_origin_even_for_errors(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    answer = http.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": tenant.config["spa_client_id"],
            "refresh_token": "nope",
        },
        headers={"Origin": SPA_ORIGIN, "Auth0-Client": "eyJuYW1lIjoiYXV0aDAtc3BhLWpzIn0="},
    )
    assert answer.status_code == 403
    assert answer.headers["access-control-allow-origin"] == SPA_ORIGIN


def test_other_paths_get_no_cors_headers(http: httpx.Client) -> None:
    answer = http.get("/v2/logout", headers={"Origin": SPA_ORIGIN})
    assert "access-control-allow-origin" not in answer.headers


@pytest.mark.parametrize("path", ["/.well-known/openid-configuration", "/.well-known/jwks.json"])
def test_public_documents_are_readable_from_any_origin(http: httpx.Client, path: str) -> None:
    answer = http.get(path, headers={"Origin": "http://any.example"})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"


def preflight(http: httpx.Client, origin: str) -> httpx.Response:
    return http.options(
        "/oauth/token", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )


def test_allowed_origins_are_read_once_and_again_after_a_client_changes(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    from sqlalchemy import event

    from userdesk.tenant.store.models import Client

    context = tenant.app.state.tenant
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    preflight(http, SPA_ORIGIN)
    event.listen(context.engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert preflight(http, SPA_ORIGIN).status_code == 200
        assert statements == []

        new_origin = "http://localhost:5999"
        assert preflight(http, new_origin).status_code == 400
        with context.sessions() as session, session.begin():
            spa = session.get(Client, tenant.config["spa_client_id"])
            spa.web_origins = [*spa.web_origins, new_origin]
        try:
            assert preflight(http, new_origin).status_code == 200
        finally:
            with context.sessions() as session, session.begin():
                spa = session.get(Client, tenant.config["spa_client_id"])
                spa.web_origins = [o for o in spa.web_origins if o != new_origin]
        assert preflight(http, new_origin).status_code == 400
    finally:
        event.remove(context.engine, "before_cursor_execute", count)
