"""The desk in front of a real embedded tenant, and staff tokens for each seeded role."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.desk import RunningDesk, start_desk
from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import create_user_with_role, machine_token, password_token

ROLES = ("Admin", "Support", "Auditor", "Viewer")
STAFF_PASSWORD = "Staff-password-for-tests-1"


@pytest.fixture(scope="session")
def desk_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    """The desk tests' own tenant: they delete users, so they do not share the session one."""
    running = start_tenant(tmp_path_factory.mktemp("desk-tenant"), demo_users=5)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def desk(desk_tenant: RunningTenant) -> Iterator[RunningDesk]:
    running = start_desk(desk_tenant)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def staff_tokens(desk_tenant: RunningTenant) -> dict[str, str]:
    """An access token for the desk API per seeded role, from the password grant."""
    tokens = {}
    audience = desk_tenant.config["api_audience"]
    for role in ROLES:
        email = f"{role.lower()}.staff@userdesk.test"
        create_user_with_role(desk_tenant, email, STAFF_PASSWORD, role)
        answer = password_token(desk_tenant, email, STAFF_PASSWORD, audience=audience)
        tokens[role] = answer["access_token"]
    return tokens


@pytest.fixture
def desk_http(desk: RunningDesk) -> Iterator[httpx.Client]:
    with desk.client() as client:
        yield client


def as_role(desk: RunningDesk, staff_tokens: dict[str, str], role: str) -> httpx.Client:
    return desk.client(staff_tokens[role])


def count_logs(tenant: RunningTenant, event_type: str, token: str) -> int:
    """How many log events of ``event_type`` the tenant's Management API reports."""
    response = httpx.get(
        f"{tenant.url}/api/v2/logs",
        params={"q": f"type:{event_type}", "include_totals": "true", "per_page": 1},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    response.raise_for_status()
    body = response.json()
    return int(body["total"]) if isinstance(body, dict) else len(body)


@pytest.fixture
def management_token(desk_tenant: RunningTenant) -> str:
    return machine_token(desk_tenant)
