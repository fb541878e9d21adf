"""The Management API client's retry rules, driven directly against a proxied real tenant."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.faultproxy import Fault, FaultProxy
from tests.support.servers import RunningTenant, bind_loopback, start_tenant
from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.directory.tokens import ClientCredentials, TokenSource
from userdesk.desk.errors import UpstreamRateLimited, UpstreamUnavailable

CONNECTION = "Username-Password-Authentication"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningTenant, FaultProxy]]:
    probe = bind_loopback()
    port = probe.getsockname()[1]
    probe.close()
    proxy = FaultProxy(f"http://127.0.0.1:{port}").start()
    data_dir: Path = tmp_path_factory.mktemp("directory-tenant")
    tenant = start_tenant(
        data_dir, port=port, demo_users=0, configure=lambda o: o.update(public_url=proxy.url)
    )
    yield tenant, proxy
    tenant.stop()
    proxy.stop()


def run_with_client(
    tenant: RunningTenant, call: Callable[[ManagementClient], Awaitable[Any]]
) -> Any:
    async def go() -> Any:
        async with httpx.AsyncClient(timeout=5) as http:
            backend = tenant.config["backend"]
            tokens = TokenSource(
                http,
                ClientCredentials(
                    token_url=f"{tenant.config['domain']}/oauth/token",
                    client_id=backend["client_id"],
                    client_secret=backend["client_secret"],
                    audience=tenant.config["management_audience"],
                ),
            )
            client = ManagementClient(http, f"{tenant.config['domain']}/api/v2", tokens)
            return await call(client)

    return asyncio.run(go())


def test_injected_503_after_a_create_reached_the_tenant_is_not_retried(
    proxied: tuple[RunningTenant, FaultProxy],
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    proxy.inject("POST", r"/api/v2/users", Fault.server_error(503, after_forward=True))
    body = {"connection": CONNECTION, "email": "once@userdesk.test", "password": "Pw-12345678-x"}
    with pytest.raises(UpstreamUnavailable):
        run_with_client(tenant, lambda client: client.post("/users", body))
    # The user exists upstream although the desk was told 503: a blind retry would be a 409.
    assert proxy.reached_tenant("POST", r"/api/v2/users") == 1


def test_injected_long_retry_after_is_answered_at_once_not_waited(
    proxied: tuple[RunningTenant, FaultProxy],
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    proxy.inject("GET", r"/api/v2/users", Fault.rate_limited(retry_after=30))
    with pytest.raises(UpstreamRateLimited) as caught:
        run_with_client(tenant, lambda client: client.get("/users"))
    assert 29 <= caught.value.retry_after <= 31
    assert len(proxy.requests("GET", r"/api/v2/users")) == 1


def test_injected_reset_connection_on_a_read_is_retried(
    proxied: tuple[RunningTenant, FaultProxy],
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    proxy.inject("GET", r"/api/v2/users", Fault.reset(), times=1)
    users = run_with_client(tenant, lambda client: client.get("/users"))
    assert isinstance(users, list)
    assert len(proxy.requests("GET", r"/api/v2/users")) == 2


def test_injected_429_on_the_token_endpoint_is_a_rate_limit_not_an_outage(
    proxied: tuple[RunningTenant, FaultProxy],
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    proxy.inject("POST", r"/oauth/token", Fault.rate_limited(retry_after=7))
    with pytest.raises(UpstreamRateLimited) as caught:
        run_with_client(tenant, lambda client: client.get("/users"))
    assert caught.value.retry_after == 7
