"""The audit log on SQLite writes on the event loop when the write lock is free or nearly
(``sqlite_writes``). Another connection holding the lock longer (a second desk process on the
same file, ``userdesk audit prune``) makes the write wait for it in a worker thread: the
delete still goes through with its entry committed first, and reads go on meanwhile."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from pathlib import Path

import httpx

from tests.desk.conftest import STAFF_PASSWORD
from tests.support.databases import query
from tests.support.desk import desk_settings, start_desk
from tests.support.servers import RunningTenant
from tests.support.tokens import create_user_with_role

HOLD_SECONDS = 0.5  # twenty times sqlite_writes.SHORT_WAIT_MS


def test_a_delete_waits_for_an_audit_log_locked_elsewhere_and_is_recorded(
    desk_tenant: RunningTenant, staff_tokens: dict[str, str], tmp_path: Path
) -> None:
    database = tmp_path / "audit.db"
    settings = desk_settings(desk_tenant, database_url=f"sqlite:///{database}")
    victim = create_user_with_role(
        desk_tenant, f"locked.{uuid.uuid4().hex[:8]}@userdesk.test", STAFF_PASSWORD, "Viewer"
    )
    desk = start_desk(settings)
    try:
        with desk.client(staff_tokens["Admin"]) as admin:
            holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
            holder.execute("BEGIN IMMEDIATE")
            answered: list[tuple[httpx.Response, float]] = []
            deleting = threading.Thread(
                target=lambda: answered.append(
                    (admin.delete(f"/api/users/{victim}"), time.monotonic())
                )
            )
            deleting.start()
            time.sleep(HOLD_SECONDS)
            # Reads are answered meanwhile: the write waits off the event loop.
            assert admin.get("/api/users", params={"per_page": 1}, timeout=10).status_code == 200
            assert answered == [], "the delete went through before its entry could be written"
            assert admin.get(f"/api/users/{victim}").status_code == 200
            released_at = time.monotonic()
            holder.execute("ROLLBACK")
            holder.close()
            deleting.join(timeout=30)
            [(answer, answered_at)] = answered
            assert answer.status_code == 204, answer.text
            assert answered_at >= released_at
            assert admin.get(f"/api/users/{victim}").status_code == 404
    finally:
        desk.stop()
    rows = query(
        settings.audit_database_url,
        "SELECT outcome FROM audit_entries WHERE target = :target",
        {"target": victim},
    )
    assert [row[0] for row in rows] == ["succeeded"]
