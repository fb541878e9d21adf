"""Racing DELETEs of one user at the Management API: the user is deleted, every answer is 204
(Auth0's delete is idempotent), and the tenant's log records one ``du`` event, not one per
request that happened to read the user before the first delete committed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from tests.hardening.conftest import create_user, user_exists
from tests.support.forge import bearer
from tests.support.servers import RunningTenant

# The race shows in most trials; eight make a run that misses it very unlikely.
TRIALS = 8
RACERS = 8


def du_events(tenant: RunningTenant, user_id: str) -> int:
    from userdesk.tenant.store.models import LogEvent

    with tenant.app.state.tenant.sessions() as session:
        count = session.scalar(
            select(func.count())
            .select_from(LogEvent)
            .where(LogEvent.type == "du", LogEvent.user_id == user_id)
        )
    return int(count or 0)


@pytest.mark.slow
def test_racing_deletes_log_one_deletion(
    hard_tenant: RunningTenant, hard_machine_token: str
) -> None:
    logged = []
    for trial in range(TRIALS):
        user_id = create_user(hard_tenant, hard_machine_token, f"race{trial}@racing-deletes.test")

        def delete(_: int, user_id: str = user_id) -> int:
            return httpx.delete(
                f"{hard_tenant.url}/api/v2/users/{user_id}",
                headers=bearer(hard_machine_token),
                timeout=30,
            ).status_code

        with ThreadPoolExecutor(max_workers=RACERS) as pool:
            statuses = list(pool.map(delete, range(RACERS)))
        assert statuses == [204] * RACERS, statuses
        assert not user_exists(hard_tenant, hard_machine_token, user_id)
        logged.append(du_events(hard_tenant, user_id))
    assert logged == [1] * TRIALS, f"du events per deleted user: {logged}"
