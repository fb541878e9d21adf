"""Desk replicas sharing one Redis (``REDIS_URL``) in front of one tenant, over real HTTP.

Two desks in one process, each with its own token source and caches, stand for two replicas
on two machines: nothing is shared between them but Redis (no token file). Exchanges are
counted where Auth0 counts them, in the tenant's logs (``seccft``).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.desk.conftest import STAFF_PASSWORD, count_logs
from tests.support.desk import RunningDesk, desk_settings, start_desk
from tests.support.redis_servers import SHARED_URL, OwnRedis, run_prefix
from tests.support.servers import RunningTenant
from tests.support.tokens import create_user_with_role, password_token


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    with run_prefix() as prefix:
        yield prefix


def replicas(tenant: RunningTenant, url: str, prefix: str, count: int = 2) -> list[RunningDesk]:
    settings = desk_settings(tenant, redis_url=url, redis_prefix=prefix)
    return [start_desk(settings) for _ in range(count)]


async def _burst(urls: list[str], token: str, requests: int) -> list[int]:
    async with httpx.AsyncClient(
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
        limits=httpx.Limits(max_connections=requests),
    ) as client:
        answers = await asyncio.gather(
            *(
                client.get(f"{urls[n % len(urls)]}/api/users", params={"per_page": 5})
                for n in range(requests)
            )
        )
    return [answer.status_code for answer in answers]


def test_a_cold_burst_over_two_replicas_costs_one_exchange(
    desk_tenant: RunningTenant,
    management_token: str,
    staff_tokens: dict[str, str],
    redis_prefix: str,
) -> None:
    before = count_logs(desk_tenant, "seccft", management_token)
    desks = replicas(desk_tenant, SHARED_URL, redis_prefix)
    try:
        statuses = asyncio.run(_burst([d.url for d in desks], staff_tokens["Admin"], 100))
        # Both replicas answered, each from its own memory now.
        assert all(d.context.tokens._token is not None for d in desks)
    finally:
        for desk in desks:
            desk.stop()
    assert statuses == [200] * 100
    assert count_logs(desk_tenant, "seccft", management_token) == before + 1
    stored = redis.Redis.from_url(SHARED_URL).keys(f"{redis_prefix}:desk:management-token:*")
    assert len(stored) == 1  # the token; the lock is gone


def test_without_redis_two_replicas_exchange_twice(
    desk_tenant: RunningTenant, management_token: str, staff_tokens: dict[str, str]
) -> None:
    """The count above is Redis's doing: two desks sharing nothing make one exchange each."""
    before = count_logs(desk_tenant, "seccft", management_token)
    desks = [start_desk(desk_tenant) for _ in range(2)]
    try:
        statuses = asyncio.run(_burst([d.url for d in desks], staff_tokens["Admin"], 20))
    finally:
        for desk in desks:
            desk.stop()
    assert statuses == [200] * 20
    assert count_logs(desk_tenant, "seccft", management_token) == before + 2


def test_a_staff_member_blocked_through_one_replica_is_refused_by_the_other_at_once(
    desk_tenant: RunningTenant, staff_tokens: dict[str, str], redis_prefix: str
) -> None:
    email = f"replica.{uuid.uuid4().hex[:8]}@userdesk.test"
    user_id = create_user_with_role(desk_tenant, email, STAFF_PASSWORD, "Viewer")
    token = password_token(
        desk_tenant, email, STAFF_PASSWORD, audience=desk_tenant.config["api_audience"]
    )["access_token"]
    first, second = replicas(desk_tenant, SHARED_URL, redis_prefix)
    try:
        with second.client(token) as viewer:
            # The second replica now remembers the account as active (for 30 s).
            assert viewer.get("/api/me").status_code == 200
            with first.client(staff_tokens["Admin"]) as admin:
                answer = admin.patch(f"/api/users/{user_id}", json={"blocked": True})
                assert answer.status_code == 200, answer.text
            refused_after = None
            started = time.monotonic()
            while time.monotonic() - started < 10:
                if viewer.get("/api/me").status_code == 401:
                    refused_after = time.monotonic() - started
                    break
                time.sleep(0.05)
    finally:
        first.stop()
        second.stop()
    # Well within the 30 s the second replica would otherwise trust what it remembered.
    assert refused_after is not None


def test_redis_stopped_mid_run_the_desk_serves_from_memory_and_says_degraded(
    desk_tenant: RunningTenant, staff_tokens: dict[str, str], tmp_path: Path
) -> None:
    password = "redis-password-" + uuid.uuid4().hex
    own = OwnRedis(tmp_path, password=password).start()
    desk = start_desk(desk_settings(desk_tenant, redis_url=own.url, redis_prefix="outage"))
    try:
        with desk.client(staff_tokens["Admin"]) as admin, desk.client() as anonymous:
            assert admin.get("/api/users", params={"per_page": 5}).status_code == 200
            assert anonymous.get("/api/health").json() == {"status": "ok"}

            own.stop()
            for _ in range(5):
                assert admin.get("/api/users", params={"per_page": 5}).status_code == 200
            health = anonymous.get("/api/health")
            assert health.status_code == 200
            body = health.json()
            assert body["status"] == "degraded"
            assert f"127.0.0.1:{own.port}" in body["reason"]
            assert password not in health.text

            own.start()
            deadline = time.monotonic() + 15
            while anonymous.get("/api/health").json() != {"status": "ok"}:
                assert time.monotonic() < deadline, "health did not recover"
                time.sleep(0.2)
            assert admin.get("/api/users", params={"per_page": 5}).status_code == 200
    finally:
        desk.stop()
        own.stop()


def test_a_desk_started_while_redis_is_down_exchanges_on_its_own(
    desk_tenant: RunningTenant,
    management_token: str,
    staff_tokens: dict[str, str],
    tmp_path: Path,
) -> None:
    own = OwnRedis(tmp_path)  # never started: nothing listens on its port
    before = count_logs(desk_tenant, "seccft", management_token)
    desk = start_desk(desk_settings(desk_tenant, redis_url=own.url, redis_prefix="down"))
    try:
        with desk.client(staff_tokens["Admin"]) as admin:
            assert admin.get("/api/users", params={"per_page": 5}).status_code == 200
            assert admin.get("/api/health").json()["status"] == "degraded"
    finally:
        desk.stop()
    assert count_logs(desk_tenant, "seccft", management_token) == before + 1
