"""Every route of the desk against every kind of token, over real HTTP.

``RULES`` says what each route requires. The routes themselves come from the running app, so a
route added without a rule here fails ``test_every_route_has_a_rule``: deciding who may call it
is part of adding it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import httpx
import pytest

from tests.hardening.conftest import RouteKey, app_routes, create_user, user_exists
from tests.support.desk import RunningDesk
from tests.support.forge import BAD_TOKENS, Forge, Forgery, bearer
from tests.support.servers import RunningTenant
from tests.support.tokens import create_user_with_role, password_token

PUBLIC = "public"
ANY_TOKEN = "any valid token"

RULES: dict[RouteKey, str] = {
    RouteKey("GET", "/openapi.json"): PUBLIC,
    RouteKey("GET", "/docs"): PUBLIC,
    RouteKey("GET", "/docs/start.js"): PUBLIC,
    RouteKey("GET", "/redoc"): PUBLIC,
    RouteKey("GET", "/api/health"): PUBLIC,
    RouteKey("GET", "/api/config"): PUBLIC,
    RouteKey("GET", "/api/events"): PUBLIC,
    RouteKey("GET", "/{path:path}"): PUBLIC,
    RouteKey("GET", "/api/events/{event_id}"): ANY_TOKEN,
    RouteKey("GET", "/api/me"): ANY_TOKEN,
    RouteKey("GET", "/api/users"): "read:users",
    RouteKey("GET", "/api/users/{user_id}"): "read:users",
    RouteKey("DELETE", "/api/users/{user_id}"): "delete:users",
    RouteKey("POST", "/api/users"): "create:users",
    RouteKey("PATCH", "/api/users/{user_id}"): "update:users",
    RouteKey("GET", "/api/users/{user_id}/blocks"): "read:users",
    RouteKey("GET", "/api/connections"): "create:users",
    RouteKey("GET", "/api/roles"): "read:users",
    RouteKey("GET", "/api/users/{user_id}/roles"): "read:users",
    RouteKey("POST", "/api/users/{user_id}/roles"): "update:roles",
    RouteKey("DELETE", "/api/users/{user_id}/roles"): "update:roles",
    RouteKey("GET", "/api/users/{user_id}/logs"): "read:users",
    RouteKey("GET", "/api/users/{user_id}/sessions"): "read:users",
    RouteKey("DELETE", "/api/users/{user_id}/sessions"): "update:users",
    RouteKey("POST", "/api/users/{user_id}/password-change-ticket"): "update:users",
    RouteKey("POST", "/api/users/{user_id}/verification-email"): "update:users",
    RouteKey("GET", "/api/audit"): "read:audit",
    RouteKey("GET", "/api/audit/{entry_id}"): "read:audit",
    RouteKey("POST", "/api/exports"): "read:users",
    RouteKey("GET", "/api/exports/{export_id}"): "read:users",
    RouteKey("GET", "/api/exports/{export_id}/file"): "read:users",
}

# Permissions the tenant's seeded roles carry (DESIGN.md); Admin's manage:users implies all.
ROLE_PERMISSIONS = {
    "Admin": {
        "read:users",
        "update:users",
        "create:users",
        "delete:users",
        "update:roles",
        "read:audit",
    },
    "Support": {"read:users", "update:users"},
    "Auditor": {"read:users", "read:audit"},
    "Viewer": {"read:users"},
}
STAFF_PASSWORD = "Matrix-staff-password-1"


def fill(path: str, user_id: str) -> str:
    return (
        path.replace("{user_id}", user_id)
        .replace("{event_id}", "1")
        .replace("{entry_id}", "1")
        .replace("{export_id}", "exp_1")
        .replace("{path:path}", "users/some-page")
    )


def rights_for(rule: str) -> list[str]:
    return [] if rule in (PUBLIC, ANY_TOKEN) else [rule]


DELETE_USER = RouteKey("DELETE", "/api/users/{user_id}")


def expected_success(route: RouteKey) -> set[int]:
    if route == DELETE_USER:
        return {204}
    if route.method in ("POST", "PATCH") or (
        route.path.endswith("/roles") and route.method == "DELETE"
    ):
        # The matrix sends no body: an authorised caller gets to body validation (400), or
        # to the unknown user the path names (404).
        return {400, 404}
    # An audit entry, an SPA build or the user may not exist: 404 is an authorised answer.
    return {200, 204, 404}


@pytest.fixture(scope="module")
def client(hard_desk: RunningDesk) -> Iterator[httpx.Client]:
    with hard_desk.client() as http:
        yield http


def call(client: httpx.Client, route: RouteKey, url_path: str, token: str | None) -> httpx.Response:
    return client.request(route.method, url_path, headers=bearer(token))


def test_every_route_has_a_rule(hard_desk: RunningDesk) -> None:
    routes = app_routes(hard_desk.app)
    missing = sorted(str(r) for r in routes - RULES.keys())
    stale = sorted(str(r) for r in RULES.keys() - routes)
    assert not missing, f"routes with no authorization rule: {missing}"
    assert not stale, f"rules for routes that no longer exist: {stale}"


CASES = [
    pytest.param(route, forgery, id=f"{route}-{forgery}")
    for route, forgery in itertools.product(RULES, Forgery)
]


@pytest.mark.parametrize(("route", "forgery"), CASES)
def test_matrix(
    client: httpx.Client,
    hard_tenant: RunningTenant,
    hard_machine_token: str,
    desk_forge: Forge,
    route: RouteKey,
    forgery: Forgery,
) -> None:
    rule = RULES[route]
    deleting = route == DELETE_USER
    # Deletes get a user of their own, so that a wrongly allowed delete is visible.
    target = (
        create_user(hard_tenant, hard_machine_token, f"matrix-{forgery}@hardening.test")
        if deleting
        else "auth0|nosuchuser000000000000"
    )
    token = desk_forge.token(forgery, rights_for(rule))
    response = call(client, route, fill(route.path, target), token)

    if rule == PUBLIC:
        assert response.status_code < 400 or response.status_code == 404, response.text
        return
    allowed = forgery is Forgery.WITH_PERMISSION or (
        rule == ANY_TOKEN and forgery is Forgery.WITHOUT_PERMISSION
    )
    if allowed:
        assert response.status_code in expected_success(route), response.text
        if deleting:
            assert not user_exists(hard_tenant, hard_machine_token, target)
        return
    if forgery in BAD_TOKENS:
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"].startswith("Bearer")
    else:
        assert response.status_code == 403, response.text
    assert set(response.json()) == {"error", "message"}
    if deleting:
        assert user_exists(hard_tenant, hard_machine_token, target), "refused, yet deleted"


@pytest.fixture(scope="module")
def role_tokens(hard_tenant: RunningTenant) -> dict[str, str]:
    """Real access tokens from /oauth/token for a staff member of each seeded role."""
    tokens = {}
    for role in ROLE_PERMISSIONS:
        email = f"matrix.{role.lower()}@hardening.test"
        create_user_with_role(hard_tenant, email, STAFF_PASSWORD, role)
        answer = password_token(
            hard_tenant, email, STAFF_PASSWORD, audience=hard_tenant.config["api_audience"]
        )
        tokens[role] = answer["access_token"]
    return tokens


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_real_role_tokens_get_exactly_their_permissions(
    client: httpx.Client,
    hard_tenant: RunningTenant,
    hard_machine_token: str,
    role_tokens: dict[str, str],
    role: str,
) -> None:
    granted = ROLE_PERMISSIONS[role]
    for route, rule in RULES.items():
        if rule == PUBLIC:
            continue
        target = (
            create_user(hard_tenant, hard_machine_token, f"role-{role.lower()}@hardening.test")
            if route == DELETE_USER
            else "auth0|nosuchuser000000000000"
        )
        response = call(client, route, fill(route.path, target), role_tokens[role])
        if rule == ANY_TOKEN or rule in granted:
            assert response.status_code in expected_success(route), (route, response.text)
        else:
            assert response.status_code == 403, (route, response.text)
            assert user_exists(hard_tenant, hard_machine_token, target) or route != DELETE_USER
