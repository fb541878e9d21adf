"""The desk when the tenant is really stopped or really rate limiting.

Faults a real tenant does not produce on demand (5xx, resets, slow or malformed answers) are
injected by the fault proxy in tests/hardening/desk/test_upstream_faults.py, the one place for
them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.desk import start_desk
from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import password_token


def admin_token(tenant: RunningTenant) -> str:
    admin = tenant.config["admin"]
    answer = password_token(
        tenant, admin["email"], admin["password"], audience=tenant.config["api_audience"]
    )
    token: str = answer["access_token"]
    return token


@pytest.mark.slow
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
