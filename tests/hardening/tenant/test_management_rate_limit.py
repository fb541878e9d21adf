"""The Management API is rate limited by default, per client, as a token bucket.

A burst of 50, then 20 requests a second: no script or desk notices it, and one client can
no longer take the whole tenant. Settings and ``tenant serve --management-rate-limit`` change
or disable it; the test tenants disable it unless a test turns it on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer

from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import machine_token


def users(tenant: RunningTenant, token: str) -> httpx.Response:
    return httpx.get(
        f"{tenant.url}/api/v2/users",
        params={"per_page": 1},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


@pytest.fixture
def default_tenant(tmp_path: Path) -> Iterator[RunningTenant]:
    def defaults(options: dict[str, Any]) -> None:
        del options["rate_limit_burst"]  # the test servers' override

    running = start_tenant(tmp_path, demo_users=0, configure=defaults)
    yield running
    running.stop()


def test_the_limit_is_on_by_default(default_tenant: RunningTenant) -> None:
    from userdesk.tenant.settings import TenantSettings

    settings = TenantSettings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.rate_limit_burst, settings.rate_limit_per_second) == (50, 20.0)
    token = machine_token(default_tenant)
    first, second = users(default_tenant, token), users(default_tenant, token)
    assert first.status_code == second.status_code == 200
    assert first.headers["x-ratelimit-limit"] == "50"
    assert int(first.headers["x-ratelimit-remaining"]) == 49
    assert int(second.headers["x-ratelimit-remaining"]) in (48, 49)
    assert int(first.headers["x-ratelimit-reset"]) >= int(time.time())


def test_a_client_past_its_burst_gets_429_and_refills(tmp_path: Path) -> None:
    tenant = start_tenant(
        tmp_path,
        demo_users=0,
        configure=lambda o: o.update(rate_limit_burst=5, rate_limit_per_second=1.0),
    )
    try:
        token = machine_token(tenant)
        answers = [users(tenant, token) for _ in range(6)]
        statuses = [a.status_code for a in answers]
        assert statuses.count(429) >= 1, statuses
        assert statuses[:4] == [200] * 4, statuses
        limited = next(a for a in answers if a.status_code == 429)
        assert limited.json()["errorCode"] == "too_many_requests"
        assert limited.headers["retry-after"] == "1"
        assert limited.headers["x-ratelimit-limit"] == "5"
        assert limited.headers["x-ratelimit-remaining"] == "0"
        time.sleep(1.1)
        assert users(tenant, token).status_code == 200
    finally:
        tenant.stop()


def test_tenant_serve_takes_the_limit_or_off() -> None:
    from userdesk.cli import _management_rate_limit

    assert _management_rate_limit("100/50") == {
        "rate_limit_burst": 100,
        "rate_limit_per_second": 50.0,
    }
    assert _management_rate_limit("off") == {"rate_limit_burst": None}
    for bad in ("", "50", "0/20", "50/0", "fast"):
        with pytest.raises(typer.BadParameter):
            _management_rate_limit(bad)
