"""Fixtures shared by every test: real servers over real HTTP, real databases."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.servers import RunningTenant, start_tenant


@pytest.fixture(scope="session")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    """One embedded tenant for the session. Tests that change global state use ``fresh_tenant``."""
    running = start_tenant(tmp_path_factory.mktemp("tenant"))
    yield running
    running.stop()


@pytest.fixture
def fresh_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    running = start_tenant(tmp_path_factory.mktemp("fresh-tenant"), demo_users=0)
    yield running
    running.stop()


@pytest.fixture
def tenant_http(tenant: RunningTenant) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tenant.url, timeout=10) as client:
        yield client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Everything under tests/e2e drives a browser, whether or not its module says so.
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)
