"""The Management API client's retry rules, driven directly against a proxied real tenant.

Each test runs through both transports: aiohttp, as the desk sends, and an httpx client, as
callers that hold one do.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import msgspec
import pytest

from tests.support.faultproxy import Fault, FaultProxy
from tests.support.servers import RunningTenant, bind_loopback, start_tenant
from tests.support.tokens import create_user_with_role
from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.directory.roles import HOLDERS_REFRESH, HOLDERS_TTL, RolesApi
from userdesk.desk.directory.tokens import ClientCredentials, TokenSource
from userdesk.desk.directory.transport import AiohttpTransport, new_session
from userdesk.desk.directory.users import UsersApi
from userdesk.desk.errors import UpstreamFailed, UpstreamRateLimited, UpstreamUnavailable
from userdesk.desk.users.schemas import USER_PAGE, UserRead

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


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


Run = Callable[[RunningTenant, Callable[[ManagementClient], Awaitable[Any]]], Any]


@pytest.fixture
def run_with_client(transport: str) -> Run:
    def run(tenant: RunningTenant, call: Callable[[ManagementClient], Awaitable[Any]]) -> Any:
        async def go() -> Any:
            domain = tenant.config["domain"]
            async with (
                httpx.AsyncClient(timeout=5) as http,
                new_session(timeout=5, connect_timeout=5, user_agent="tests") as session,
            ):
                backend = tenant.config["backend"]
                tokens = TokenSource(
                    http,
                    ClientCredentials(
                        token_url=f"{domain}/oauth/token",
                        client_id=backend["client_id"],
                        client_secret=backend["client_secret"],
                        audience=tenant.config["management_audience"],
                    ),
                )
                sender = AiohttpTransport(session, domain) if transport == "aiohttp" else http
                client = ManagementClient(sender, f"{domain}/api/v2", tokens)
                return await call(client)

        return asyncio.run(go())

    return run


def test_injected_503_after_a_create_reached_the_tenant_is_not_retried(
    proxied: tuple[RunningTenant, FaultProxy], run_with_client: Run
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
    proxied: tuple[RunningTenant, FaultProxy], run_with_client: Run
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    proxy.inject("GET", r"/api/v2/users", Fault.rate_limited(retry_after=30))
    with pytest.raises(UpstreamRateLimited) as caught:
        run_with_client(tenant, lambda client: client.get("/users"))
    assert 29 <= caught.value.retry_after <= 31
    assert len(proxy.requests("GET", r"/api/v2/users")) == 1


def test_injected_reset_connection_on_a_read_is_retried(
    proxied: tuple[RunningTenant, FaultProxy], run_with_client: Run
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    proxy.inject("GET", r"/api/v2/users", Fault.reset(), times=1)
    users = run_with_client(tenant, lambda client: client.get("/users"))
    assert isinstance(users, list)
    assert len(proxy.requests("GET", r"/api/v2/users")) == 2


def test_injected_429_on_the_token_endpoint_is_a_rate_limit_not_an_outage(
    proxied: tuple[RunningTenant, FaultProxy], run_with_client: Run
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    proxy.inject("POST", r"/oauth/token", Fault.rate_limited(retry_after=7))
    with pytest.raises(UpstreamRateLimited) as caught:
        run_with_client(tenant, lambda client: client.get("/users"))
    assert caught.value.retry_after == 7


# -- users pages read straight from the answer's bytes (PageReader) --------------------------


def provider_answer(body: Any) -> Fault:
    """A 200 with ``body`` (as JSON, unless already bytes): answers of providers other than
    the embedded tenant."""
    headers = (("content-type", "application/json"),)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Fault("status", 200, headers, raw)


def read_page(client: ManagementClient, page: int = 0, per_page: int = 50) -> Awaitable[Any]:
    return UsersApi(client).search_as(USER_PAGE, q=None, page=page, per_page=per_page, sort=None)


def test_a_page_read_from_bytes_is_the_page_read_through_directory_users(
    proxied: tuple[RunningTenant, FaultProxy], run_with_client: Run
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    api = "/users"
    creates = [
        {
            "connection": CONNECTION,
            "email": f"page-{uuid4().hex}@userdesk.test",
            "password": "Pw-1x-yz",
        }
        for _ in range(3)
    ]
    for body in creates:
        run_with_client(tenant, lambda client, body=body: client.post(api, body))

    async def both(client: ManagementClient) -> tuple[Any, Any]:
        users = UsersApi(client)
        fresh = await read_page(client)
        old = await users.search(q=None, page=0, per_page=50, sort=None)
        return fresh, old

    fresh, old = run_with_client(tenant, both)
    assert len(fresh.users) >= 3
    assert (fresh.total, fresh.total_is_capped) == (old.total, old.total_is_capped)
    assert [msgspec.to_builtins(u) for u in fresh.users] == [
        UserRead.from_directory(u).model_dump(mode="json", by_alias=True) for u in old.users
    ]


def test_a_provider_that_ignores_include_totals_still_gives_a_page(
    proxied: tuple[RunningTenant, FaultProxy], run_with_client: Run
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    rows = [
        {"user_id": "auth0|a1", "email": "a@userdesk.test", "created_at": "2024-01-02T03:04:05Z"},
        {"user_id": "auth0|b2", "unmodelled": {"kept": False}},
    ]
    proxy.inject("GET", r"/api/v2/users", provider_answer(rows))
    page = run_with_client(tenant, lambda client: read_page(client, page=2, per_page=2))
    assert [u.user_id for u in page.users] == ["auth0|a1", "auth0|b2"]
    assert page.users[0].created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (page.total, page.total_is_capped) == (6, False)


@pytest.mark.parametrize(
    "body",
    [
        {"users": [{"email": "no-id@userdesk.test"}], "total": 1},
        {"users": [], "total": -1},
        {"users": [], "total": True},
        {"users": "not a list"},
        "a string",
        b'{"users": [{"user_',  # not JSON: cut short
    ],
)
def test_a_malformed_page_is_the_providers_failure(
    proxied: tuple[RunningTenant, FaultProxy], run_with_client: Run, body: Any
) -> None:
    tenant, proxy = proxied
    proxy.clear()
    proxy.inject("GET", r"/api/v2/users", provider_answer(body))
    with pytest.raises(UpstreamFailed) as caught:
        run_with_client(tenant, read_page)
    assert caught.value.upstream_status == 200


def test_holders_past_the_refresh_age_are_answered_at_once_and_read_again_meanwhile(
    proxied: tuple[RunningTenant, FaultProxy], run_with_client: Run
) -> None:
    tenant, _proxy = proxied
    api = tenant.config["api_audience"]
    now = [1000.0]

    async def call(client: ManagementClient) -> None:
        roles = RolesApi(client, clock=lambda: now[0])
        first = await roles.holders_of("manage:users", api)
        # A new holder, given the Admin role behind the desk's back.
        email = f"holder.{uuid4().hex[:8]}@userdesk.test"
        newcomer = create_user_with_role(tenant, email, "Holder-pass-1", "Admin")
        assert newcomer not in first

        now[0] += HOLDERS_REFRESH - 1  # young: answered from memory, nothing read again
        assert await roles.holders_of("manage:users", api) == first
        await roles.refreshed()
        assert await roles.holders_of("manage:users", api) == first

        now[0] += 2  # past the refresh age, within the TTL: answered at once ...
        assert await roles.holders_of("manage:users", api) == first
        await roles.refreshed()  # ... and read again meanwhile
        assert await roles.holders_of("manage:users", api) == first | {newcomer}

        # Asked for fresh, or past the TTL, the holders are read before the answer.
        other = create_user_with_role(tenant, f"x{email}", "Holder-pass-1", "Admin")
        now[0] += 1
        assert other in await roles.holders_of("manage:users", api, fresh=True)
        last = create_user_with_role(tenant, f"y{email}", "Holder-pass-1", "Admin")
        now[0] += HOLDERS_TTL
        assert last in await roles.holders_of("manage:users", api)

    run_with_client(tenant, call)
