"""Every /api/v2 route of the tenant against every kind of token, over real HTTP.

``SCOPES`` lists, per route, the scopes that open it (any one is enough, as at Auth0). Each route
is called with every forgery (401), with a token holding every *other* Management scope (403
``insufficient_scope``: this is what catches a route that checks the wrong scope), and with a
token holding just one of its scopes (anything but 401/403). A new /api/v2 route without an
entry fails ``test_every_management_route_has_scopes``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.hardening.conftest import RouteKey, app_routes
from tests.support.forge import BAD_TOKENS, Forge, Forgery, bearer
from tests.support.servers import RunningTenant, start_tenant
from userdesk.tenant.provisioning.first_start import MANAGEMENT_SCOPES

R = RouteKey
SCOPES: dict[RouteKey, set[str]] = {
    R("GET", "/api/v2/users"): {"read:users"},
    R("POST", "/api/v2/users"): {"create:users"},
    R("GET", "/api/v2/users/{user_id}"): {"read:users"},
    R("PATCH", "/api/v2/users/{user_id}"): {"update:users"},
    R("DELETE", "/api/v2/users/{user_id}"): {"delete:users"},
    R("GET", "/api/v2/users-by-email"): {"read:users"},
    R("GET", "/api/v2/user-blocks/{user_id}"): {"read:users"},
    R("DELETE", "/api/v2/user-blocks/{user_id}"): {"update:users"},
    R("GET", "/api/v2/user-blocks"): {"read:users"},
    R("DELETE", "/api/v2/user-blocks"): {"update:users"},
    R("GET", "/api/v2/roles"): {"read:roles"},
    R("POST", "/api/v2/roles"): {"create:roles"},
    R("GET", "/api/v2/roles/{role_id}"): {"read:roles"},
    R("PATCH", "/api/v2/roles/{role_id}"): {"update:roles"},
    R("DELETE", "/api/v2/roles/{role_id}"): {"delete:roles"},
    R("GET", "/api/v2/roles/{role_id}/permissions"): {"read:roles"},
    R("POST", "/api/v2/roles/{role_id}/permissions"): {"update:roles"},
    R("DELETE", "/api/v2/roles/{role_id}/permissions"): {"update:roles"},
    R("GET", "/api/v2/roles/{role_id}/users"): {"read:role_members", "read:roles"},
    R("POST", "/api/v2/roles/{role_id}/users"): {"create:role_members", "update:roles"},
    R("GET", "/api/v2/users/{user_id}/roles"): {"read:roles"},
    R("POST", "/api/v2/users/{user_id}/roles"): {"create:role_members", "update:roles"},
    R("DELETE", "/api/v2/users/{user_id}/roles"): {"delete:role_members", "update:roles"},
    R("GET", "/api/v2/users/{user_id}/permissions"): {"read:users"},
    R("POST", "/api/v2/users/{user_id}/permissions"): {"update:users"},
    R("DELETE", "/api/v2/users/{user_id}/permissions"): {"update:users"},
    R("GET", "/api/v2/logs"): {"read:logs", "read:logs_users"},
    R("GET", "/api/v2/users/{user_id}/logs"): {"read:logs", "read:logs_users"},
    R("GET", "/api/v2/connections"): {"read:connections"},
    R("GET", "/api/v2/connections/{connection_id}"): {"read:connections"},
    R("GET", "/api/v2/users/{user_id}/sessions"): {"read:sessions"},
    R("DELETE", "/api/v2/users/{user_id}/sessions"): {"delete:sessions"},
    R("GET", "/api/v2/users/{user_id}/refresh-tokens"): {"read:refresh_tokens"},
    R("DELETE", "/api/v2/users/{user_id}/refresh-tokens"): {"delete:refresh_tokens"},
    R("POST", "/api/v2/tickets/password-change"): {"create:user_tickets"},
    R("POST", "/api/v2/tickets/email-verification"): {"create:user_tickets"},
    R("POST", "/api/v2/jobs/verification-email"): {"update:users"},
    R("GET", "/api/v2/jobs/{job_id}"): {"create:users", "read:users"},
    R("GET", "/api/v2/jobs/{job_id}/errors"): {"create:users", "read:users"},
    R("POST", "/api/v2/jobs/users-imports"): {"create:users"},
    R("POST", "/api/v2/jobs/users-exports"): {"read:users"},
}

MISSING_USER = "auth0|000000000000000000000000"
MISSING_ROLE = "rol_0000000000000000"
MISSING_CONNECTION = "con_0000000000000000"
MISSING_JOB = "job_0000000000000000"


@pytest.fixture(scope="module")
def mgmt_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    running = start_tenant(tmp_path_factory.mktemp("management-matrix"), demo_users=0)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def forge(mgmt_tenant: RunningTenant) -> Forge:
    return Forge.for_tenant(
        mgmt_tenant, mgmt_tenant.config["management_audience"], grant_claim="scope"
    )


@pytest.fixture(scope="module")
def client(mgmt_tenant: RunningTenant) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mgmt_tenant.url, timeout=10) as http:
        yield http


def request_for(route: RouteKey, tag: str, api: str) -> dict[str, Any]:
    """A well-formed request, so a refusal can only come from the token, never the input."""
    permission = [{"resource_server_identifier": api, "permission_name": "read:users"}]
    bodies: dict[RouteKey, Any] = {
        R("POST", "/api/v2/users"): {
            "connection": "Username-Password-Authentication",
            "email": f"{tag}@mgmt-matrix.test",
            "password": "Matrix-password-1",
        },
        R("PATCH", "/api/v2/users/{user_id}"): {"name": "renamed"},
        R("POST", "/api/v2/roles"): {"name": tag, "description": "made by the matrix"},
        R("PATCH", "/api/v2/roles/{role_id}"): {"description": "changed"},
        R("POST", "/api/v2/roles/{role_id}/permissions"): {"permissions": permission},
        R("DELETE", "/api/v2/roles/{role_id}/permissions"): {"permissions": permission},
        R("POST", "/api/v2/roles/{role_id}/users"): {"users": [MISSING_USER]},
        R("POST", "/api/v2/users/{user_id}/roles"): {"roles": [MISSING_ROLE]},
        R("DELETE", "/api/v2/users/{user_id}/roles"): {"roles": [MISSING_ROLE]},
        R("POST", "/api/v2/users/{user_id}/permissions"): {"permissions": permission},
        R("DELETE", "/api/v2/users/{user_id}/permissions"): {"permissions": permission},
        R("POST", "/api/v2/tickets/password-change"): {"user_id": MISSING_USER},
        R("POST", "/api/v2/tickets/email-verification"): {"user_id": MISSING_USER},
        R("POST", "/api/v2/jobs/verification-email"): {"user_id": MISSING_USER},
        # A JSON body where a multipart one belongs: refused for want of a users file.
        R("POST", "/api/v2/jobs/users-imports"): {"connection_id": MISSING_CONNECTION},
        R("POST", "/api/v2/jobs/users-exports"): {"format": "json", "limit": 1},
    }
    params: dict[RouteKey, dict[str, str]] = {
        R("GET", "/api/v2/users-by-email"): {"email": "nobody@mgmt-matrix.test"},
        R("GET", "/api/v2/user-blocks"): {"identifier": "nobody@mgmt-matrix.test"},
        R("DELETE", "/api/v2/user-blocks"): {"identifier": "nobody@mgmt-matrix.test"},
    }
    path = (
        route.path.replace("{user_id}", MISSING_USER)
        .replace("{role_id}", MISSING_ROLE)
        .replace("{connection_id}", MISSING_CONNECTION)
        .replace("{job_id}", MISSING_JOB)
    )
    request: dict[str, Any] = {"method": route.method, "url": path}
    if route in bodies:
        request["json"] = bodies[route]
    if route in params:
        request["params"] = params[route]
    return request


def test_every_management_route_has_scopes(mgmt_tenant: RunningTenant) -> None:
    routes = {r for r in app_routes(mgmt_tenant.app) if r.path.startswith("/api/v2")}
    missing = sorted(str(r) for r in routes - SCOPES.keys())
    stale = sorted(str(r) for r in SCOPES.keys() - routes)
    assert not missing, f"Management API routes with no scope rule: {missing}"
    assert not stale, f"scope rules for routes that do not exist: {stale}"


CASES = [
    pytest.param(route, forgery, id=f"{route}-{forgery}")
    for route, forgery in itertools.product(SCOPES, Forgery)
]


@pytest.mark.parametrize(("route", "forgery"), CASES)
def test_management_matrix(
    client: httpx.Client,
    mgmt_tenant: RunningTenant,
    forge: Forge,
    route: RouteKey,
    forgery: Forgery,
) -> None:
    accepted = SCOPES[route]
    if forgery is Forgery.WITHOUT_PERMISSION:
        token = forge.sign(forge.claims(sorted(set(MANAGEMENT_SCOPES) - accepted)))
    else:
        token = forge.token(forgery, [sorted(accepted)[0]])
    tag = f"m{abs(hash((str(route), str(forgery)))) % 10**8}"
    request = request_for(route, tag, mgmt_tenant.config["api_audience"])
    response = client.request(**request, headers=bearer(token))

    if forgery is Forgery.WITH_PERMISSION:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
        return
    body = response.json()
    if forgery in BAD_TOKENS:
        assert response.status_code == 401, response.text
        assert body["statusCode"] == 401
    else:
        assert response.status_code == 403, response.text
        assert body["errorCode"] == "insufficient_scope"
    if route in (R("POST", "/api/v2/users"), R("POST", "/api/v2/roles")):
        assert not created(mgmt_tenant, forge, route, tag), "refused, yet created"


def created(tenant: RunningTenant, forge: Forge, route: RouteKey, tag: str) -> bool:
    token = forge.sign(forge.claims(["read:users", "read:roles"]))
    if route.path.endswith("/users"):
        found = httpx.get(
            f"{tenant.url}/api/v2/users-by-email",
            params={"email": f"{tag}@mgmt-matrix.test"},
            headers=bearer(token),
            timeout=10,
        )
        return bool(found.json())
    roles = httpx.get(
        f"{tenant.url}/api/v2/roles",
        params={"name_filter": tag},
        headers=bearer(token),
        timeout=10,
    ).json()
    return any(role["name"] == tag for role in roles)


def test_a_real_machine_token_opens_every_route(
    client: httpx.Client, mgmt_tenant: RunningTenant
) -> None:
    from tests.support.tokens import machine_token

    token = machine_token(mgmt_tenant)
    for route in SCOPES:
        response = client.request(
            **request_for(route, "real-token", mgmt_tenant.config["api_audience"]),
            headers=bearer(token),
        )
        assert response.status_code not in (401, 403), (str(route), response.text)
        assert response.status_code < 500, (str(route), response.text)
