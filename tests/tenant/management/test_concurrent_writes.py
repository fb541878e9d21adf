"""Many Management API writes at once: every one finishes, none is lost.

Writes used to wait for their turn in the server's worker threads (40 of them): once that
many queued, the write holding the turn found no thread for its own route and every write
stopped for good. The turn is now waited for on the event loop, and the users' writes run
whole on the tenant's writer thread; these tests send more writes at once than the pool has
threads, of both kinds together.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from tests.support.management import new_user
from tests.support.servers import RunningTenant
from userdesk.tenant.store.models import LogEvent

AT_ONCE = 60  # more than the server's 40 worker threads


def all_at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(len(calls)) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def deletion_logs(tenant: RunningTenant, user_id: str) -> int:
    query = select(func.count()).where(LogEvent.type == "du", LogEvent.user_id == user_id)
    with tenant.app.state.tenant.sessions() as session:
        return int(session.scalar(query) or 0)


def test_more_writes_at_once_than_worker_threads_all_finish(api: httpx.Client) -> None:
    names = [f"Concurrent {uuid.uuid4().hex[:10]}" for _ in range(AT_ONCE)]
    answers = all_at_once(
        [lambda name=name: api.post("/roles", json={"name": name}) for name in names]
    )
    assert [a.status_code for a in answers] == [200] * AT_ONCE, [a.text for a in answers]
    for answer, name in zip(answers, names, strict=True):
        role_id = answer.json()["id"]
        assert api.get(f"/roles/{role_id}").json()["name"] == name
        assert api.delete(f"/roles/{role_id}").status_code in (200, 204)


def test_user_deletes_and_other_writes_at_once_all_finish(
    api: httpx.Client, tenant: RunningTenant
) -> None:
    users = [new_user(api, "concurrent")["user_id"] for _ in range(AT_ONCE // 2)]
    names = [f"Alongside {uuid.uuid4().hex[:10]}" for _ in range(AT_ONCE // 2)]
    calls: list[Callable[[], httpx.Response]] = []
    for user_id, name in zip(users, names, strict=True):
        calls.append(lambda user_id=user_id: api.delete(f"/users/{user_id}"))
        calls.append(lambda name=name: api.post("/roles", json={"name": name}))
    answers = all_at_once(calls)
    assert sorted(a.status_code for a in answers) == [200] * len(names) + [204] * len(users)
    for user_id in users:
        assert api.get(f"/users/{user_id}").status_code == 404
        assert deletion_logs(tenant, user_id) == 1
    for answer in answers:
        if answer.status_code == 200:
            assert api.delete(f"/roles/{answer.json()['id']}").status_code in (200, 204)
