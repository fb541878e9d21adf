"""The desk in front of a real embedded tenant, and staff tokens for each seeded role."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.databases import AUDIT_BACKENDS, fresh_postgres_database
from tests.support.desk import RunningDesk, desk_settings, start_desk
from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import create_user_with_role, machine_token, password_token

ROLES = ("Admin", "Support", "Auditor", "Viewer")
# In a module marked so, each test that uses the desk's audit log (the ``desk`` fixture,
# ``audit_url``) runs against SQLite, then against PostgreSQL.
AUDIT_ON_BOTH = pytest.mark.audit_on_both


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if (
        metafunc.definition.get_closest_marker("audit_on_both")
        and "audit_backend" in metafunc.fixturenames
    ):
        metafunc.parametrize("audit_backend", AUDIT_BACKENDS, indirect=True, scope="session")


STAFF_PASSWORD = "Staff-password-for-tests-1"


@pytest.fixture(scope="session")
def desk_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    """The desk tests' own tenant: they delete users, so they do not share the session one."""
    running = start_tenant(tmp_path_factory.mktemp("desk-tenant"), demo_users=5)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def audit_postgres() -> Iterator[str]:
    """A fresh PostgreSQL database for the session's audit log, dropped at the end."""
    with fresh_postgres_database("audit") as url:
        yield url


@pytest.fixture(scope="session")
def audit_backend(request: pytest.FixtureRequest) -> str:
    """Where the ``desk`` fixture keeps its audit log: SQLite unless a module parametrizes it
    (``pytestmark = AUDIT_ON_BOTH``) to run its tests on SQLite and on PostgreSQL."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def audit_url(audit_backend: str, request: pytest.FixtureRequest) -> str | None:
    """The ``DATABASE_URL`` of the ``desk`` fixture (None: SQLite in its data directory)."""
    if audit_backend == "postgresql":
        return str(request.getfixturevalue("audit_postgres"))
    return None


@pytest.fixture(scope="session")
def desk(desk_tenant: RunningTenant, audit_url: str | None) -> Iterator[RunningDesk]:
    if audit_url is None:
        running = start_desk(desk_tenant)
    else:
        running = start_desk(desk_settings(desk_tenant, database_url=audit_url))
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
