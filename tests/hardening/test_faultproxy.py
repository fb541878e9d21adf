"""The fault proxy itself: it must forward faithfully and inject exactly what it is told,
or every upstream-fault test built on it proves nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.faultproxy import Fault, FaultProxy
from tests.support.servers import RunningTenant

PATH = "/openapi.json"


@pytest.fixture
def proxy(tenant: RunningTenant) -> Iterator[FaultProxy]:
    with FaultProxy(tenant.url) as running:
        yield running


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=proxy.url, timeout=5) as http:
        yield http


def test_without_faults_the_tenant_answers_through_the_proxy(
    client: httpx.Client, proxy: FaultProxy, tenant: RunningTenant
) -> None:
    direct = httpx.get(f"{tenant.url}{PATH}", timeout=5)
    proxied = client.get(PATH, params={"x": "1"})
    assert proxied.status_code == direct.status_code == 200
    assert proxied.json() == direct.json()
    assert [(s.method, s.path, s.query, s.reached_tenant) for s in proxy.seen] == [
        ("GET", PATH, "x=1", True)
    ]


def test_injected_rate_limit_carries_reset_headers_and_stops_at_the_proxy(
    client: httpx.Client, proxy: FaultProxy
) -> None:
    proxy.inject("GET", PATH, Fault.rate_limited(retry_after=3), times=1)
    limited = client.get(PATH)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "3"
    assert int(limited.headers["x-ratelimit-reset"]) >= int(time.time())
    assert limited.json()["errorCode"] == "too_many_requests"
    assert client.get(PATH).status_code == 200, "times=1 must fault one request only"
    assert proxy.reached_tenant("GET", PATH) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_injected_server_error(client: httpx.Client, proxy: FaultProxy, status: int) -> None:
    proxy.inject("*", "/openapi.*", Fault.server_error(status))
    assert client.get(PATH).status_code == status
    assert proxy.reached_tenant() == 0


def test_injected_fault_after_forward_reaches_the_tenant(
    client: httpx.Client, proxy: FaultProxy
) -> None:
    proxy.inject("GET", PATH, Fault.server_error(503, after_forward=True))
    assert client.get(PATH).status_code == 503
    [seen] = proxy.requests("GET", PATH)
    assert seen.reached_tenant and seen.upstream_status == 200


def test_injected_reset_drops_the_connection(client: httpx.Client, proxy: FaultProxy) -> None:
    proxy.inject("GET", PATH, Fault.reset(), times=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.get(PATH)
    assert proxy.reached_tenant() == 0
    assert client.get(PATH).status_code == 200


def test_injected_malformed_json(client: httpx.Client, proxy: FaultProxy) -> None:
    proxy.inject("GET", PATH, Fault.malformed_json())
    response = client.get(PATH)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_injected_slow_answer_outlasts_a_client_timeout(
    client: httpx.Client, proxy: FaultProxy
) -> None:
    proxy.inject("GET", PATH, Fault.slow(1.0, after_forward=True), times=1)
    with pytest.raises(httpx.ReadTimeout):
        client.get(PATH, timeout=0.3)
    # The slow request still reached the tenant: a timeout says nothing about what happened.
    assert proxy.reached_tenant("GET", PATH) == 1
