"""Tenant replicas sharing one database and one Redis (``REDIS_URL``), over real HTTP.

Two tenant apps in one process, each with its own limiters and caches, stand for two
replicas behind one public URL: what they share is the database and Redis.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.redis_servers import SHARED_URL, run_prefix
from tests.support.servers import RunningTenant, ServerThread, bind_loopback, start_tenant
from tests.support.tokens import PASSWORD_GRANT, create_user_with_role, machine_token

PASSWORD = "Replica-password-for-tests-1"


def replica_of(first: RunningTenant, **options: Any) -> RunningTenant:
    """A second server of ``first``'s tenant: same data directory, same public URL."""
    from userdesk.tenant.app import create_app
    from userdesk.tenant.settings import TenantSettings

    settings = TenantSettings(
        data_dir=first.data_dir,
        public_url=first.url,
        demo_users=0,
        admin_password="Admin-password-for-tests-1",
        **options,
    )
    app = create_app(settings)
    sock = bind_loopback()
    thread = ServerThread(app, sock).start()
    return RunningTenant(
        url=f"http://127.0.0.1:{thread.port}",
        data_dir=first.data_dir,
        config=first.config,
        app=app,
        thread=thread,
    )


Pair = Callable[..., tuple[RunningTenant, RunningTenant]]


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[Pair]:
    running: list[RunningTenant] = []

    def start(*, redis: bool = True, **limits: Any) -> tuple[RunningTenant, RunningTenant]:
        options: dict[str, Any] = {
            "auth_rate_limit_per_minute": None,
            "rate_limit_burst": None,
            **limits,
        }
        if redis:
            options |= {"redis_url": SHARED_URL, "redis_prefix": prefix}
        first = start_tenant(tmp_path, demo_users=0, configure=lambda o: o.update(options))
        running.append(first)
        second = replica_of(first, **options)
        running.append(second)
        return first, second

    with run_prefix() as prefix:
        yield start
        for tenant in running:
            tenant.stop()


def password_form(tenant: RunningTenant, email: str, password: str) -> dict[str, str]:
    return {
        "grant_type": PASSWORD_GRANT,
        "realm": "Username-Password-Authentication",
        "username": email,
        "password": password,
        **tenant.config["script_client"],
    }


def test_ten_failures_spread_over_two_replicas_block_the_pair(replicas: Pair) -> None:
    first, second = replicas()
    email = f"brute.{uuid.uuid4().hex[:8]}@userdesk.test"
    create_user_with_role(first, email, PASSWORD, "Viewer")
    for n in range(10):
        target = (first, second)[n % 2]
        answer = httpx.post(f"{target.url}/oauth/token", data=password_form(first, email, "no"))
        assert answer.json()["error"] == "invalid_grant"
    for target in (first, second):
        eleventh = httpx.post(
            f"{target.url}/oauth/token", data=password_form(first, email, PASSWORD)
        )
        assert eleventh.status_code == 429
        assert eleventh.json()["error"] == "too_many_attempts"


def _attempts_until_refused(first: RunningTenant, second: RunningTenant) -> list[int]:
    """Anonymous refused token requests from this IP, alternating between the replicas."""
    statuses = []
    for n in range(6):
        target = (first, second)[n % 2]
        answer = httpx.post(f"{target.url}/oauth/token", data={"grant_type": "client_credentials"})
        statuses.append(answer.status_code)
    return statuses


def test_the_per_ip_limit_counts_attempts_on_every_replica(replicas: Pair) -> None:
    first, second = replicas(auth_rate_limit_per_minute=3)
    assert _attempts_until_refused(first, second) == [400, 400, 400, 429, 429, 429]


def test_without_redis_each_replica_counts_its_own(replicas: Pair) -> None:
    """What the test above owes to Redis: alone, each replica admits three of its own."""
    first, second = replicas(redis=False, auth_rate_limit_per_minute=3)
    assert _attempts_until_refused(first, second) == [400] * 6


def test_the_management_quota_is_one_for_every_replica(replicas: Pair) -> None:
    first, second = replicas(rate_limit_burst=4, rate_limit_per_second=0.1)
    headers = {"Authorization": f"Bearer {machine_token(first)}"}
    statuses = [
        httpx.get(f"{t.url}/api/v2/roles", headers=headers).status_code
        for t in (first, second, first, second, first, second)
    ]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_replicas_that_lease_tokens_in_batches_never_exceed_the_shared_quota(
    replicas: Pair,
) -> None:
    # A burst of 40 leases 4 tokens at a time: each replica asks Redis once per 4 requests.
    first, second = replicas(rate_limit_burst=40, rate_limit_per_second=0.01)
    assert first.app.state.management_rate_limiter.lease_size == 4
    headers = {"Authorization": f"Bearer {machine_token(first)}"}
    with httpx.Client(headers=headers) as client:
        statuses = [
            client.get(f"{t.url}/api/v2/roles").status_code
            for _ in range(40)
            for t in (first, second)
        ]
    granted = statuses.count(200)
    # Leased tokens left unspent for a second are dropped, never handed out twice.
    assert 32 <= granted <= 40
    assert set(statuses[-10:]) == {429}


def test_a_client_change_on_one_replica_reaches_the_others_cors(replicas: Pair) -> None:
    first, second = replicas()
    origin = f"https://app-{uuid.uuid4().hex[:6]}.example.test"
    preflight = {"Origin": origin, "Access-Control-Request-Method": "POST"}

    def allowed(tenant: RunningTenant) -> bool:
        answer = httpx.options(f"{tenant.url}/oauth/token", headers=preflight)
        return answer.headers.get("access-control-allow-origin") == origin

    assert not allowed(second)  # the second replica now holds the origins in memory
    # A client written through the first replica's sessions (as provisioning and the
    # tenant commands write them).
    from userdesk.tenant.store.models import Client

    with first.app.state.tenant.sessions() as session, session.begin():
        spa = session.get(Client, first.config["spa_client_id"])
        spa.web_origins = [*spa.web_origins, origin]
    deadline = time.monotonic() + 5
    while not allowed(second):
        assert time.monotonic() < deadline, "the second replica kept its old origins"
        time.sleep(0.05)


def test_with_redis_down_a_replica_still_limits_on_its_own_and_logs_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.support.redis_servers import OwnRedis

    own = OwnRedis(tmp_path).start()
    options = {"auth_rate_limit_per_minute": 3, "redis_url": own.url, "redis_prefix": "down"}
    tenant = start_tenant(tmp_path / "data", demo_users=0, configure=lambda o: o.update(options))
    try:
        own.stop()
        with caplog.at_level("WARNING", logger="userdesk.redis"):
            statuses = _attempts_until_refused(tenant, tenant)
        assert statuses == [400, 400, 400, 429, 429, 429]
        assert any("unreachable" in r.getMessage() for r in caplog.records)
    finally:
        tenant.stop()
        own.stop()
