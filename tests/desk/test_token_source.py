"""The desk's Management API token: one exchange for many requests, one more when it expires.

Exchanges are counted where Auth0 counts them, in the tenant's logs (``seccft``), read through
its Management API with a token fetched before the count starts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from pydantic import SecretStr

from tests.desk.conftest import count_logs
from tests.support.desk import RunningDesk, desk_settings, start_desk
from tests.support.servers import RunningTenant


class DeskClock:
    """The desk's view of time; moving it ages the cached token without waiting."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> DeskClock:
    return DeskClock()


@pytest.fixture
def cold_desk(desk_tenant: RunningTenant, clock: DeskClock) -> Iterator[RunningDesk]:
    running = start_desk(desk_tenant, clock=clock)
    yield running
    running.stop()


def concurrent_lists(desk: RunningDesk, token: str, n: int = 50) -> list[int]:
    async def run() -> list[int]:
        async with httpx.AsyncClient(
            base_url=desk.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            answers = await asyncio.gather(
                *(client.get("/api/users", params={"per_page": 5}) for _ in range(n))
            )
        return [a.status_code for a in answers]

    return asyncio.run(run())


def test_50_concurrent_requests_on_a_cold_desk_make_one_exchange_and_expiry_one_more(
    cold_desk: RunningDesk,
    desk_tenant: RunningTenant,
    staff_tokens: dict[str, str],
    management_token: str,
    clock: DeskClock,
) -> None:
    before = count_logs(desk_tenant, "seccft", management_token)

    assert concurrent_lists(cold_desk, staff_tokens["Viewer"]) == [200] * 50
    assert count_logs(desk_tenant, "seccft", management_token) == before + 1

    clock.now += 86400 + 1  # the tenant's Management token lifetime, and past it
    assert concurrent_lists(cold_desk, staff_tokens["Viewer"]) == [200] * 50
    assert count_logs(desk_tenant, "seccft", management_token) == before + 2


def test_a_token_near_expiry_is_refreshed_ahead_while_still_used(
    cold_desk: RunningDesk,
    desk_tenant: RunningTenant,
    staff_tokens: dict[str, str],
    management_token: str,
    clock: DeskClock,
) -> None:
    with cold_desk.client(staff_tokens["Viewer"]) as client:
        assert client.get("/api/users").status_code == 200
        before = count_logs(desk_tenant, "seccft", management_token)
        clock.now += 86400 * 0.9  # inside the refresh window, before expiry
        assert client.get("/api/users").status_code == 200
        for _ in range(100):  # the refresh runs in the background: wait for it to land
            if count_logs(desk_tenant, "seccft", management_token) == before + 1:
                break
            time.sleep(0.02)
        assert client.get("/api/users").status_code == 200
    assert count_logs(desk_tenant, "seccft", management_token) == before + 1


def test_a_token_the_management_api_refuses_is_replaced_once(
    cold_desk: RunningDesk,
    desk_tenant: RunningTenant,
    staff_tokens: dict[str, str],
    management_token: str,
) -> None:
    with cold_desk.client(staff_tokens["Viewer"]) as client:
        assert client.get("/api/users").status_code == 200
        before = count_logs(desk_tenant, "seccft", management_token)
        tokens = cold_desk.context.tokens
        # A token the tenant never issued: its 401 is real, only the cause is staged.
        tokens._token = replace(tokens._token, value="revoked.or.rotated")
        assert client.get("/api/users").status_code == 200
    assert count_logs(desk_tenant, "seccft", management_token) == before + 1


def test_wrong_credentials_give_a_clear_503_without_a_request_loop(
    desk_tenant: RunningTenant, staff_tokens: dict[str, str], management_token: str
) -> None:
    wrong = "definitely-not-the-secret"
    desk = start_desk(desk_settings(desk_tenant, client_secret=SecretStr(wrong)))
    try:
        before = count_logs(desk_tenant, "feccft", management_token)
        with desk.client(staff_tokens["Viewer"]) as client:
            answers = [client.get("/api/users") for _ in range(5)]
        assert [a.status_code for a in answers] == [503] * 5
        body = answers[-1].json()
        assert body["error"] == "upstream_unavailable"
        assert "refused the desk's machine credentials" in body["message"]
        assert "CLIENT_SECRET" in body["message"]
        assert wrong not in answers[-1].text
        assert count_logs(desk_tenant, "feccft", management_token) == before + 1
    finally:
        desk.stop()
