"""The desk's security headers and CORS, over real HTTP.

These run against a small app with the same shapes the desk serves (JSON API, SPA HTML, docs)
so they hold before the desk is wired; ``test_desk_app_*`` repeat the key checks on the real
desk app once it exists.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, StreamingResponse

from tests.support.desk import RunningDesk
from tests.support.forge import Forge, Forgery, bearer
from tests.support.servers import RunningTenant, ServerThread, bind_loopback
from userdesk.desk.security import content_security_policy, install_security_headers, origin_of

TENANT = "http://127.0.0.1:8001"
SPA_ORIGIN = "http://localhost:5173"


def sample_app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return "<!doctype html><div id=app></div>"

    @app.get("/stream")
    def stream() -> StreamingResponse:
        return StreamingResponse(iter([b"a", b"b"]), media_type="text/plain")

    @app.get("/framed", response_class=HTMLResponse)
    def framed() -> HTMLResponse:
        # A route that tries to loosen framing must not win over the desk's policy.
        return HTMLResponse("x", headers={"X-Frame-Options": "ALLOWALL"})

    return app


def serve(app: FastAPI) -> Iterator[httpx.Client]:
    server = ServerThread(app, bind_loopback()).start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client:
            yield client
    finally:
        server.stop()


@pytest.fixture(scope="module")
def closed() -> Iterator[httpx.Client]:
    app = sample_app()
    install_security_headers(app, tenant_origin=f"{TENANT}/", cors_origins=[])
    yield from serve(app)


@pytest.fixture(scope="module")
def open_to_spa() -> Iterator[httpx.Client]:
    app = sample_app()
    install_security_headers(app, tenant_origin=TENANT, cors_origins=[SPA_ORIGIN])
    yield from serve(app)


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name not in parsed, f"directive {name} given twice"
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("path", ["/", "/api/health", "/stream", "/missing"])
def test_every_answer_carries_the_headers(closed: httpx.Client, path: str) -> None:
    response = closed.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in ("no-referrer", "strict-origin")
    assert response.headers["x-frame-options"] == "DENY"
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]


def test_policy_allows_only_the_desk_and_the_tenant(closed: httpx.Client) -> None:
    policy = directives(closed.get("/").headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'", TENANT]
    assert policy["frame-src"] == [TENANT]
    assert policy["object-src"] == ["'none'"]
    assert set(policy["img-src"]) <= {"'self'", "data:", "https:"}
    for name, values in policy.items():
        # No wildcard host and no inline or eval script anywhere in the page's policy.
        assert "*" not in values, name
        if name in ("script-src", "default-src", "connect-src", "frame-src"):
            assert not {"'unsafe-inline'", "'unsafe-eval'", "https:", "http:"} & set(values)


def test_route_headers_cannot_loosen_framing(closed: httpx.Client) -> None:
    response = closed.get("/framed")
    assert response.headers.get_list("x-frame-options") == ["DENY"]


def test_streamed_answers_still_stream(closed: httpx.Client) -> None:
    response = closed.get("/stream")
    assert response.text == "ab"
    assert "content-security-policy" in response.headers


def test_docs_page_gets_the_same_strict_policy(closed: httpx.Client) -> None:
    # No wider policy for documentation: the desk serves its docs from its own assets.
    response = closed.get("/docs")
    assert response.status_code == 200
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]


def test_cors_closed_when_not_configured(closed: httpx.Client) -> None:
    simple = closed.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers
    preflight = closed.options(
        "/api/health",
        headers={
            "Origin": SPA_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code >= 400


def test_cors_open_only_to_configured_origins(open_to_spa: httpx.Client) -> None:
    preflight = open_to_spa.options(
        "/api/health",
        headers={
            "Origin": SPA_ORIGIN,
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SPA_ORIGIN
    assert "access-control-allow-credentials" not in preflight.headers
    other = open_to_spa.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    allowed = open_to_spa.get("/api/health", headers={"Origin": SPA_ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == SPA_ORIGIN
    assert allowed.headers["x-content-type-options"] == "nosniff"


def test_wildcard_cors_is_refused() -> None:
    with pytest.raises(ValueError):
        install_security_headers(sample_app(), tenant_origin=TENANT, cors_origins=["*"])


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        ("http://localhost:8001/", "http://localhost:8001"),
        ("https://Your-App.eu.auth0.com", "https://your-app.eu.auth0.com"),
        ("your-app.auth0.com", "https://your-app.auth0.com"),
        ("https://tenant.example/some/path", "https://tenant.example"),
    ],
)
def test_tenant_origin_is_normalised(given: str, origin: str) -> None:
    assert origin_of(given) == origin


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "http://evil.example; script-src *",
        "http://a.example 'unsafe-inline'",
        "http://user@evil.example",
        "ftp://files.example",
        "http://",
    ],
)
def test_tenant_origin_cannot_inject_directives(bad: str) -> None:
    with pytest.raises(ValueError):
        content_security_policy(origin_of(bad))


# -- the real desk --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/health", "/api/users", "/api/nope", "/", "/users/x"])
def test_desk_app_sends_the_headers_on_every_answer(hard_desk: RunningDesk, path: str) -> None:
    with hard_desk.client() as client:
        response = client.get(path)
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in ("no-referrer", "strict-origin")


def test_desk_app_policy_names_its_own_tenant(
    hard_desk: RunningDesk, hard_tenant: RunningTenant
) -> None:
    with hard_desk.client() as client:
        policy = directives(client.get("/").headers["content-security-policy"])
    tenant_origin = hard_tenant.url.rstrip("/")
    assert policy["connect-src"] == ["'self'", tenant_origin]
    assert policy["frame-src"] == [tenant_origin]
    assert policy["script-src"] == ["'self'"]


def test_desk_app_cors_is_closed(hard_desk: RunningDesk) -> None:
    with hard_desk.client() as client:
        preflight = client.options(
            "/api/users",
            headers={
                "Origin": "https://evil.example",
                "Access-Control-Request-Method": "DELETE",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        simple = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


def test_desk_app_error_answers_carry_the_headers_too(
    hard_desk: RunningDesk, desk_forge: Forge
) -> None:
    with hard_desk.client() as client:
        refused = client.get("/api/users", headers=bearer(desk_forge.token(Forgery.ALG_NONE)))
    assert refused.status_code == 401
    assert "frame-ancestors 'none'" in refused.headers["content-security-policy"]


def test_desk_app_cors_opens_only_to_configured_origins(hard_tenant: RunningTenant) -> None:
    from tests.support.desk import desk_settings, start_desk

    desk = start_desk(desk_settings(hard_tenant, cors_origins=[SPA_ORIGIN]))
    try:
        with desk.client() as client:
            allowed = client.options(
                "/api/users",
                headers={
                    "Origin": SPA_ORIGIN,
                    "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "authorization",
                },
            )
            other = client.get("/api/health", headers={"Origin": "https://evil.example"})
    finally:
        desk.stop()
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == SPA_ORIGIN
    assert "access-control-allow-credentials" not in allowed.headers
    assert "access-control-allow-origin" not in other.headers
