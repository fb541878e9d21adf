"""The audit database: its own migrations, DATABASE_URL, and attempted-before-the-call.

Every test runs twice: with the audit log on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.desk.conftest import AUDIT_ON_BOTH, STAFF_PASSWORD
from tests.support.databases import fresh_postgres_database, query
from tests.support.desk import RunningDesk, desk_settings, start_desk
from tests.support.faultproxy import Fault, FaultProxy
from tests.support.servers import RunningTenant, bind_loopback, start_tenant
from tests.support.tokens import create_user_with_role, password_token

pytestmark = AUDIT_ON_BOTH


def outcomes(url: str, target: str) -> list[str]:
    """The outcomes recorded for ``target``, read by a connection of our own."""
    rows = query(
        url,
        "SELECT outcome FROM audit_entries WHERE target = :target ORDER BY id",
        {"target": target},
    )
    return [r[0] for r in rows]


@pytest.fixture
def own_audit_url(audit_backend: str, tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL of the parametrized kind nobody has used: a new SQLite file, or a new
    PostgreSQL database, given in the form an operator writes it."""
    if audit_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'elsewhere' / 'audit.db'}"
        return
    with fresh_postgres_database("audit_own") as url:
        yield url


def test_database_url_moves_the_audit_log_and_survives_restarts(
    desk_tenant: RunningTenant, staff_tokens: dict[str, str], own_audit_url: str
) -> None:
    settings = desk_settings(desk_tenant, database_url=own_audit_url)
    url = settings.audit_database_url
    assert url.startswith(("sqlite+aiosqlite://", "postgresql+psycopg://"))
    email = f"moved.{uuid.uuid4().hex[:8]}@userdesk.test"
    victim = create_user_with_role(desk_tenant, email, STAFF_PASSWORD, "Viewer")
    desk = start_desk(settings)
    try:
        with desk.client(staff_tokens["Admin"]) as admin:
            assert admin.delete(f"/api/users/{victim}").status_code == 204
    finally:
        desk.stop()
    assert outcomes(url, victim) == ["succeeded"]
    assert query(url, "SELECT version_num FROM desk_alembic_version") == [("0002",)]

    again = start_desk(settings)  # migrating again changes nothing
    try:
        with again.client(staff_tokens["Auditor"]) as auditor:
            entries = auditor.get("/api/audit", params={"target": victim}).json()["entries"]
        assert [e["outcome"] for e in entries] == ["succeeded"]
        assert entries[0]["snapshot"]["email"] == email
    finally:
        again.stop()


@pytest.fixture
def slow_tenant(
    tmp_path: Path, audit_url: str | None
) -> Iterator[tuple[RunningTenant, FaultProxy, RunningDesk]]:
    probe = bind_loopback()
    port = probe.getsockname()[1]
    probe.close()
    proxy = FaultProxy(f"http://127.0.0.1:{port}").start()
    tenant = start_tenant(
        tmp_path, port=port, demo_users=0, configure=lambda o: o.update(public_url=proxy.url)
    )
    overrides = {"database_url": audit_url} if audit_url else {}
    desk = start_desk(desk_settings(tenant, **overrides), upstream_timeout=10.0)
    yield tenant, proxy, desk
    desk.stop()
    tenant.stop()
    proxy.stop()


@pytest.mark.slow
def test_injected_slow_delete_shows_the_entry_committed_as_attempted_before_the_call(
    slow_tenant: tuple[RunningTenant, FaultProxy, RunningDesk], tmp_path: Path
) -> None:
    tenant, proxy, desk = slow_tenant
    admin = tenant.config["admin"]
    token = password_token(
        tenant, admin["email"], admin["password"], audience=tenant.config["api_audience"]
    )["access_token"]
    victim = create_user_with_role(tenant, "slow@userdesk.test", STAFF_PASSWORD, "Viewer")
    url = desk.settings.audit_database_url
    proxy.inject("DELETE", r"/api/v2/users/.+", Fault.slow(2.0))
    answer: list[httpx.Response] = []

    def delete() -> None:
        with desk.client(token) as client:
            answer.append(client.delete(f"/api/users/{victim}"))

    worker = threading.Thread(target=delete)
    worker.start()
    seen_in_flight: list[str] = []
    deadline = time.monotonic() + 10
    while not seen_in_flight and time.monotonic() < deadline:
        if url.startswith("postgresql") or (tmp_path / "audit.sqlite3").exists():
            seen_in_flight = outcomes(url, victim)
        time.sleep(0.05)
    worker.join(timeout=30)

    # Read from the database by another connection while the DELETE was held upstream.
    assert seen_in_flight == ["attempted"]
    assert answer[0].status_code == 204
    assert outcomes(url, victim) == ["succeeded"]


def test_a_desk_does_not_migrate_on_its_own_and_says_what_to_run(
    desk_tenant: RunningTenant, own_audit_url: str
) -> None:
    import asyncio

    from userdesk.desk.app import create_app
    from userdesk.desk.audit.db import NotMigrated

    settings = desk_settings(desk_tenant, database_url=own_audit_url)
    app = create_app(settings)

    async def start() -> None:
        async with app.router.lifespan_context(app):
            pass

    with pytest.raises(NotMigrated, match="userdesk migrate"):
        asyncio.run(start())


def test_the_unfiltered_total_counts_every_entry(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    with desk.client(staff_tokens["Viewer"]) as client:
        for n in range(3):
            client.delete(f"/api/users/auth0|counted{n:020d}")  # refused: three denied entries
    with desk.client(staff_tokens["Admin"]) as client:
        first = client.get("/api/audit", params={"per_page": 1}).json()
        every = client.get("/api/audit", params={"per_page": 100}).json()
    assert len(first["entries"]) == 1
    assert first["total"] == every["total"] >= max(3, len(every["entries"]))


def test_entries_say_which_targets_the_desk_deleted(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    run = uuid.uuid4().hex[:8]
    kept = create_user_with_role(desk_tenant, f"kept.{run}@userdesk.test", STAFF_PASSWORD, "Viewer")
    gone = create_user_with_role(desk_tenant, f"gone.{run}@userdesk.test", STAFF_PASSWORD, "Viewer")
    with desk.client(staff_tokens["Admin"]) as client:
        assert (
            client.patch(f"/api/users/{kept}", json={"nickname": "still here"}).status_code == 200
        )
        assert client.delete(f"/api/users/{gone}").status_code == 204
        entries = client.get("/api/audit", params={"per_page": 100}).json()["entries"]
    flags = {e["target"]: e["target_deleted"] for e in entries if e["target"] in (kept, gone)}
    assert flags == {kept: False, gone: True}


def test_replicas_migrating_together_on_postgresql_migrate_once(tmp_path: Path) -> None:
    """``userdesk migrate`` run by several machines at once (no shared data directory, so
    no lock file between them): the advisory lock lets one migrate, the others find it done."""
    import os
    import subprocess
    import sys

    userdesk = str(Path(sys.executable).with_name("userdesk"))
    with fresh_postgres_database("migrate") as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTH0_", "CLIENT_"))}
        runs = [
            subprocess.Popen(
                [userdesk, "migrate"],
                env={**env, "DATABASE_URL": url, "USERDESK_DATA_DIR": str(tmp_path / f"m{n}")},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for n in range(3)
        ]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0], outputs
        assert query(url, "SELECT version_num FROM desk_alembic_version") == [("0002",)]
        assert query(url, "SELECT count(*) FROM audit_entries") == [(0,)]
