"""Authentication, scopes, error bodies and rate-limit headers of every Management route."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.forge import BAD_TOKENS, Forge, Forgery, bearer
from tests.support.servers import RunningTenant, start_tenant
from tests.tenant.management.conftest import auth0_error, mint

# (method, path, the scope it needs); "{user}" is replaced by a real user id.
ROUTES = [
    ("GET", "/users", "read:users"),
    ("GET", "/users/{user}", "read:users"),
    ("GET", "/users-by-email?email=x@example.com", "read:users"),
    ("DELETE", "/users/auth0|000000000000000000000000", "delete:users"),
    ("PATCH", "/users/{user}", "update:users"),
    ("POST", "/users", "create:users"),
    ("GET", "/user-blocks/{user}", "read:users"),
    ("GET", "/logs", "read:logs"),
    ("GET", "/users/{user}/logs", "read:logs"),
    ("GET", "/roles", "read:roles"),
    ("POST", "/roles", "create:roles"),
    ("GET", "/users/{user}/roles", "read:roles"),
    ("GET", "/users/{user}/permissions", "read:users"),
    ("DELETE", "/user-blocks/{user}", "update:users"),
]


@pytest.fixture(scope="module")
def forge(tenant: RunningTenant) -> Forge:
    return Forge.for_tenant(tenant, tenant.config["management_audience"], grant_claim="scope")


@pytest.fixture(scope="module")
def some_user(tenant: RunningTenant) -> str:
    token = mint(tenant, "read:users")
    answer = httpx.get(
        f"{tenant.url}/api/v2/users", params={"per_page": 1, "page": 0}, headers=bearer(token)
    )
    return str(answer.json()[0]["user_id"])


def call(
    tenant: RunningTenant, method: str, path: str, user: str, token: str | None
) -> httpx.Response:
    body = {"blocked": False} if method == "PATCH" else {} if method == "POST" else None
    return httpx.request(
        method,
        f"{tenant.url}/api/v2{path.replace('{user}', user)}",
        headers=bearer(token),
        json=body,
        timeout=10,
    )


@pytest.mark.parametrize("forgery", BAD_TOKENS, ids=str)
@pytest.mark.parametrize(("method", "path", "scope"), ROUTES, ids=lambda r: str(r))
def test_every_bad_token_is_refused_with_401(
    tenant: RunningTenant,
    forge: Forge,
    some_user: str,
    forgery: Forgery,
    method: str,
    path: str,
    scope: str,
) -> None:
    answer = call(tenant, method, path, some_user, forge.token(forgery, [scope]))
    auth0_error(
        answer, 401, "missing_authentication" if forgery is Forgery.NO_TOKEN else "invalid_token"
    )
    assert answer.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES, ids=lambda r: str(r))
def test_a_valid_token_without_the_scope_is_403_insufficient_scope(
    tenant: RunningTenant, forge: Forge, some_user: str, method: str, path: str, scope: str
) -> None:
    answer = call(tenant, method, path, some_user, forge.token(Forgery.WITHOUT_PERMISSION, [scope]))
    body = auth0_error(answer, 403, "insufficient_scope")
    assert body["message"].startswith("Insufficient scope, expected any of: ")
    assert scope in body["message"]


def test_the_exact_insufficient_scope_message(tenant: RunningTenant) -> None:
    answer = httpx.get(f"{tenant.url}/api/v2/users", headers=bearer(mint(tenant, "read:logs")))
    body = auth0_error(answer, 403, "insufficient_scope")
    assert body["message"] == "Insufficient scope, expected any of: read:users"


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_both_forms_of_the_management_audience_are_accepted(
    tenant: RunningTenant, scheme: str
) -> None:
    host = tenant.url.split("://", 1)[1]
    token = mint(tenant, "read:users", aud=[f"{scheme}://{host}/api/v2/", "other"])
    answer = httpx.get(f"{tenant.url}/api/v2/users", headers=bearer(token))
    assert answer.status_code == 200


def test_a_token_for_another_api_is_refused(tenant: RunningTenant) -> None:
    token = mint(tenant, "read:users", aud=tenant.config["api_audience"])
    auth0_error(
        httpx.get(f"{tenant.url}/api/v2/users", headers=bearer(token)), 401, "invalid_token"
    )


def test_a_non_bearer_scheme_is_refused(tenant: RunningTenant) -> None:
    answer = httpx.get(f"{tenant.url}/api/v2/users", headers={"Authorization": "Basic abc"})
    auth0_error(answer, 401, "invalid_token")


def test_an_unknown_route_answers_auth0s_error_body(tenant: RunningTenant) -> None:
    answer = httpx.get(f"{tenant.url}/api/v2/no-such-thing", headers=bearer(mint(tenant, "")))
    auth0_error(answer, 404, "not_found")


@pytest.mark.parametrize("path", ["/users", "/no-such-thing"])
def test_rate_limit_headers_are_on_every_answer(tenant: RunningTenant, path: str) -> None:
    for headers in ({}, bearer(mint(tenant, "read:users"))):
        answer = httpx.get(f"{tenant.url}/api/v2{path}", headers=headers)
        limit = int(answer.headers["x-ratelimit-limit"])
        remaining = int(answer.headers["x-ratelimit-remaining"])
        reset = int(answer.headers["x-ratelimit-reset"])
        assert 0 <= remaining <= limit
        # Epoch seconds, not a delay.
        assert time.time() - 1 <= reset <= time.time() + 61


def test_rate_limit_headers_stay_off_other_routes(tenant: RunningTenant) -> None:
    answer = httpx.get(f"{tenant.url}/.well-known/jwks.json")
    assert "x-ratelimit-limit" not in answer.headers


@pytest.fixture
def limited_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    running = start_tenant(
        tmp_path_factory.mktemp("limited"),
        demo_users=3,
        configure=lambda options: options.update(rate_limit_per_minute=3),
    )
    yield running
    running.stop()


def test_over_the_limit_a_client_gets_429_with_retry_after(limited_tenant: RunningTenant) -> None:
    url = f"{limited_tenant.url}/api/v2/users"
    mine, other = mint(limited_tenant, "read:users"), mint(limited_tenant, "read:users", azp="b")
    answers = [httpx.get(url, headers=bearer(mine)) for _ in range(4)]
    if answers[-1].status_code == 200:
        # The minute turned over between calls: the window restarted, so try once more.
        answers = [httpx.get(url, headers=bearer(mine)) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert [int(a.headers["x-ratelimit-remaining"]) for a in answers[:3]] == [2, 1, 0]
    limited = answers[3]
    auth0_error(limited, 429, "too_many_requests")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.headers["x-ratelimit-remaining"] == "0"
    # The quota is per client: another client is still served.
    assert httpx.get(url, headers=bearer(other)).status_code == 200
