"""Several staff members delete the same user at the same moment: each gets 204 or 404, and the
audit log tells each of them the truth about their own request.

That the tenant itself records the deletion once is tests/hardening/tenant/test_racing_deletes.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.hardening.conftest import create_user, user_exists
from tests.support.desk import RunningDesk
from tests.support.forge import Forge, Forgery, bearer
from tests.support.servers import RunningTenant

STAFF = 6


def test_racing_deletes_of_one_user_delete_once_and_audit_each_request(
    hard_desk: RunningDesk,
    hard_tenant: RunningTenant,
    hard_machine_token: str,
    desk_forge: Forge,
) -> None:
    user_id = create_user(hard_tenant, hard_machine_token, "raced@concurrent.test")
    token = desk_forge.token(Forgery.WITH_PERMISSION, ["delete:users"])

    def delete(i: int) -> httpx.Response:
        headers = {**bearer(token), "X-Request-ID": f"race-{i}"}
        return httpx.delete(f"{hard_desk.url}/api/users/{user_id}", headers=headers, timeout=30)

    with ThreadPoolExecutor(max_workers=STAFF) as pool:
        answers = list(pool.map(delete, range(STAFF)))

    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {204, 404}, statuses
    assert 204 in statuses
    assert not user_exists(hard_tenant, hard_machine_token, user_id)
    admin = desk_forge.token(Forgery.WITH_PERMISSION, ["read:audit"])
    entries: list[dict[str, Any]] = httpx.get(
        f"{hard_desk.url}/api/audit",
        params={"target": user_id},
        headers=bearer(admin),
        timeout=10,
    ).json()["entries"]
    by_request = {e["request_id"]: e["outcome"] for e in entries}
    assert len(entries) == STAFF, "one audit entry per request, no more, no less"
    for i, answer in enumerate(answers):
        expected = "succeeded" if answer.status_code == 204 else "failed"
        assert by_request[f"race-{i}"] == expected, (i, answer.status_code, by_request)
