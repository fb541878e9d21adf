"""The desk when the tenant is down, rate limiting, or failing.

The first tests use a real tenant that is really stopped or really rate limiting. The
``injected`` ones put tests.support.faultproxy between desk and tenant for the faults a real
tenant does not produce on demand (5xx, slow answers).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.desk import RunningDesk, desk_settings, start_desk
from tests.support.faultproxy import Fault, FaultProxy
from tests.support.forge import Forge, Forgery, bearer
from tests.support.servers import RunningTenant, bind_loopback, start_tenant
from tests.support.tokens import password_token


def admin_token(tenant: RunningTenant) -> str:
    admin = tenant.config["admin"]
    answer = password_token(
        tenant, admin["email"], admin["password"], audience=tenant.config["api_audience"]
    )
    token: str = answer["access_token"]
    return token


def test_tenant_stopped_is_503_and_the_desk_recovers_when_it_is_back(tmp_path: Path) -> None:
    tenant = start_tenant(tmp_path, demo_users=3)
    desk = start_desk(tenant)
    try:
        token = admin_token(tenant)
        with desk.client(token) as client:
            assert client.get("/api/users").status_code == 200
            tenant.stop()

            down = client.get("/api/users")
            assert down.status_code == 503
            assert down.json()["error"] == "upstream_unavailable"
            assert "Cannot reach the identity provider at" in down.json()["message"]

            # A write while it is down is still on record, as attempted and then failed.
            victim = client.delete("/api/users/auth0|000000000000000000000001")
            assert victim.status_code == 503
            entries = client.get(
                "/api/audit", params={"target": "auth0|000000000000000000000001"}
            ).json()["entries"]
            assert [e["outcome"] for e in entries] == ["failed"]
            assert "Cannot reach" in entries[0]["message"]

            port = int(tenant.url.rsplit(":", 1)[1])
            tenant = start_tenant(tmp_path, port=port, demo_users=3)
            assert client.get("/api/users").status_code == 200
    finally:
        desk.stop()
        tenant.stop()


def test_tenant_rate_limiting_is_429_with_retry_after(tmp_path: Path) -> None:
    tenant = start_tenant(
        tmp_path, demo_users=0, configure=lambda o: o.update(rate_limit_per_minute=4)
    )
    desk = start_desk(tenant)
    try:
        with desk.client(admin_token(tenant)) as client:
            # The tenant's window is a fixed minute: near its end a request may land in the
            # next one, so ask until the limit shows rather than a fixed number of times.
            answers = []
            for _ in range(20):
                answers.append(client.get("/api/users"))
                if answers[-1].status_code == 429:
                    break
        assert answers[0].status_code == 200
        limited = answers[-1]
        assert limited.status_code == 429
        assert limited.json()["error"] == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1
    finally:
        desk.stop()
        tenant.stop()


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[RunningTenant, FaultProxy, RunningDesk]]:
    """A tenant whose public URL is a fault proxy in front of it; the desk talks to the proxy."""
    probe = bind_loopback()
    port = probe.getsockname()[1]
    probe.close()
    proxy = FaultProxy(f"http://127.0.0.1:{port}").start()
    tenant = start_tenant(
        tmp_path, port=port, demo_users=3, configure=lambda o: o.update(public_url=proxy.url)
    )
    desk = start_desk(desk_settings(tenant), upstream_timeout=1.0)
    yield tenant, proxy, desk
    desk.stop()
    tenant.stop()
    proxy.stop()


def test_injected_503_once_is_retried_for_a_read(
    proxied: tuple[RunningTenant, FaultProxy, RunningDesk],
) -> None:
    tenant, proxy, desk = proxied
    with desk.client(admin_token(tenant)) as client:
        proxy.inject("GET", r"/api/v2/users$", Fault.server_error(503), times=1)
        assert client.get("/api/users").status_code == 200
    assert len(proxy.requests("GET", r"/api/v2/users$")) == 2


def test_injected_500_every_time_is_502_after_bounded_retries(
    proxied: tuple[RunningTenant, FaultProxy, RunningDesk],
) -> None:
    tenant, proxy, desk = proxied
    with desk.client(admin_token(tenant)) as client:
        proxy.inject("GET", r"/api/v2/users$", Fault.server_error(500))
        response = client.get("/api/users")
    assert response.status_code == 502
    assert response.json()["error"] == "upstream_error"
    assert "failed (500)" in response.json()["message"]
    assert len(proxy.requests("GET", r"/api/v2/users$")) == 3


def test_injected_rate_limit_with_a_short_retry_after_is_waited_out(
    proxied: tuple[RunningTenant, FaultProxy, RunningDesk],
) -> None:
    tenant, proxy, desk = proxied
    with desk.client(admin_token(tenant)) as client:
        proxy.inject("GET", r"/api/v2/users$", Fault.rate_limited(retry_after=1), times=1)
        assert client.get("/api/users").status_code == 200


def test_injected_slow_answer_is_503_timeout(
    proxied: tuple[RunningTenant, FaultProxy, RunningDesk],
) -> None:
    tenant, proxy, desk = proxied
    with desk.client(admin_token(tenant)) as client:
        proxy.inject("GET", r"/api/v2/users$", Fault.slow(3.0))
        response = client.get("/api/users")
    assert response.status_code == 503
    assert "timed out" in response.json()["message"]


def test_injected_503_after_a_delete_reached_the_tenant_is_retried_safely(
    proxied: tuple[RunningTenant, FaultProxy, RunningDesk],
) -> None:
    tenant, proxy, desk = proxied
    with desk.client(admin_token(tenant)) as client:
        users = client.get("/api/users").json()["users"]
        target = next(u for u in users if u["email"] != tenant.config["admin"]["email"])
        proxy.inject(
            "DELETE", r"/api/v2/users/.+", Fault.server_error(503, after_forward=True), times=1
        )
        # Auth0's delete is idempotent, so the retry is safe although the first one landed.
        assert client.delete(f"/api/users/{target['user_id']}").status_code == 204
        assert client.get(f"/api/users/{target['user_id']}").status_code == 404
    assert proxy.reached_tenant("DELETE", r"/api/v2/users/.+") == 2


def test_injected_malformed_json_is_502_not_500(
    proxied: tuple[RunningTenant, FaultProxy, RunningDesk],
) -> None:
    tenant, proxy, desk = proxied
    with desk.client(admin_token(tenant)) as client:
        proxy.inject("GET", r"/api/v2/users", Fault.malformed_json())
        response = client.get("/api/users")
    assert response.status_code == 502
    assert response.json()["error"] == "upstream_error"
    assert "not JSON" in response.json()["message"]


def test_unknown_kids_cannot_make_the_desk_hammer_the_jwks_endpoint(
    proxied: tuple[RunningTenant, FaultProxy, RunningDesk],
) -> None:
    tenant, proxy, desk = proxied
    forge = Forge.for_tenant(tenant, tenant.config["api_audience"])
    with desk.client(admin_token(tenant)) as client:
        assert client.get("/api/users").status_code == 200  # keys fetched once, cached
        for _ in range(10):
            response = client.get(
                "/api/users", headers=bearer(forge.token(Forgery.UNKNOWN_KID, ["read:users"]))
            )
            assert response.status_code == 401
    # The first unknown kid may refetch (a key may have rotated); the next ones may not.
    assert len(proxy.requests("GET", r"/\.well-known/jwks\.json")) <= 2
