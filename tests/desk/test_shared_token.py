"""Desk workers share one Management API token through a file in the data directory.

``userdesk serve --workers N`` builds each worker with a ``TokenFile``; two desks in one
process given the same file stand for two workers here. Exchanges are counted where Auth0
counts them, in the tenant's logs (``seccft``).
"""

from __future__ import annotations

import stat
from pathlib import Path

from tests.desk.conftest import count_logs
from tests.support.desk import start_desk
from tests.support.servers import RunningTenant


def test_two_desks_sharing_a_token_file_make_one_exchange(
    desk_tenant: RunningTenant,
    management_token: str,
    staff_tokens: dict[str, str],
    tmp_path: Path,
) -> None:
    shared = tmp_path / "management-token.json"
    before = count_logs(desk_tenant, "seccft", management_token)
    desks = [start_desk(desk_tenant, shared_token=shared) for _ in range(2)]
    try:
        for desk in desks:
            with desk.client(staff_tokens["Admin"]) as client:
                assert client.get("/api/users", params={"per_page": 5}).status_code == 200
    finally:
        for desk in desks:
            desk.stop()
    assert count_logs(desk_tenant, "seccft", management_token) == before + 1
    assert stat.S_IMODE(shared.stat().st_mode) == 0o600
