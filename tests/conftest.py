"""Fixtures shared by every test: real servers over real HTTP, real databases."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.databases import STORES
from tests.support.servers import RunningTenant, tenant_on


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--stores",
        default=",".join(STORES),
        help="tenant stores the tests marked both_stores run on (default: sqlite,postgresql)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Tests marked both_stores run once per tenant store; the others on SQLite only.
    if "store" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_stores"):
        stores = [s for s in metafunc.config.getoption("stores").split(",") if s]
        metafunc.parametrize("store", stores, indirect=True, scope="session")


@pytest.fixture(scope="session")
def postgresql_selected(request: pytest.FixtureRequest) -> None:
    """For tests that need PostgreSQL whatever the store: skipped under --stores=sqlite."""
    if "postgresql" not in request.config.getoption("stores").split(","):
        pytest.skip("--stores leaves PostgreSQL out")


@pytest.fixture(scope="session")
def store(request: pytest.FixtureRequest) -> str:
    """Which database the tenant keeps its data in: "sqlite" or "postgresql"."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def tenant(store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    """One embedded tenant for the session. Tests that change global state use ``fresh_tenant``."""
    with tenant_on(store, tmp_path_factory.mktemp(f"tenant-{store}")) as running:
        yield running


@pytest.fixture
def fresh_tenant(store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    with tenant_on(store, tmp_path_factory.mktemp(f"fresh-{store}"), demo_users=0) as running:
        yield running


@pytest.fixture
def tenant_http(tenant: RunningTenant) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tenant.url, timeout=10) as client:
        yield client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Everything under tests/e2e drives a browser, whether or not its module says so.
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)
