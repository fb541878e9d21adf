"""CORS: closed by default, open to exactly the configured origins."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.desk import RunningDesk, desk_settings, start_desk
from tests.support.servers import RunningTenant

ALLOWED = "https://tools.example.com"
PREFLIGHT = {
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "authorization",
}


@pytest.fixture
def open_desk(desk_tenant: RunningTenant) -> Iterator[RunningDesk]:
    running = start_desk(desk_settings(desk_tenant, cors_origins=[ALLOWED]))
    yield running
    running.stop()


def test_default_desk_grants_no_cross_origin_access(desk: RunningDesk) -> None:
    answer = httpx.options(
        f"{desk.url}/api/users", headers={"Origin": ALLOWED, **PREFLIGHT}, timeout=10
    )
    assert "access-control-allow-origin" not in answer.headers
    simple = httpx.get(f"{desk.url}/api/health", headers={"Origin": ALLOWED}, timeout=10)
    assert "access-control-allow-origin" not in simple.headers


def test_configured_origin_is_allowed_and_others_are_not(open_desk: RunningDesk) -> None:
    allowed = httpx.options(
        f"{open_desk.url}/api/users", headers={"Origin": ALLOWED, **PREFLIGHT}, timeout=10
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    other = httpx.options(
        f"{open_desk.url}/api/users",
        headers={"Origin": "https://evil.example", **PREFLIGHT},
        timeout=10,
    )
    assert other.headers.get("access-control-allow-origin") != "https://evil.example"
