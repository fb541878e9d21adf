"""Old snapshots in the audit log are redacted; who did what to which user id stays."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.databases import AUDIT_BACKENDS, fresh_postgres_database
from userdesk.desk.audit import db as audit_db
from userdesk.desk.audit.models import AuditEntry
from userdesk.desk.audit.service import AuditLog
from userdesk.desk.settings import Settings

USERDESK = str(Path(sys.executable).with_name("userdesk"))


def entry(target: str, age_days: int, snapshot: dict[str, object] | None) -> AuditEntry:
    at = datetime.now(UTC) - timedelta(days=age_days)
    return AuditEntry(
        request_id="r",
        actor_sub="auth0|staff",
        actor_email="staff@userdesk.test",
        action="users.delete",
        target=target,
        outcome="succeeded",
        snapshot=snapshot,
        attempted_at=at,
        completed_at=at,
    )


async def _seed(url: str) -> None:
    engine = audit_db.make_engine(url)
    await audit_db.migrate(engine)
    async with audit_db.make_sessions(engine)() as session, session.begin():
        session.add_all(
            [
                entry("auth0|old", 45, {"user_id": "auth0|old", "email": "old@example.test"}),
                entry("auth0|recent", 3, {"user_id": "auth0|recent", "email": "r@example.test"}),
                entry("auth0|nosnapshot", 90, None),
            ]
        )
    await engine.dispose()


async def _read(url: str) -> dict[str, AuditEntry]:
    engine = audit_db.make_engine(url)
    log = AuditLog(audit_db.make_sessions(engine))
    entries, _, _ = await log.search(audit_filter(), 1, 100)
    await engine.dispose()
    return {e.target: e for e in entries}


def audit_filter():  # type: ignore[no-untyped-def]
    from userdesk.desk.audit.repository import AuditFilter

    return AuditFilter()


@pytest.fixture(params=AUDIT_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """DATABASE_URL as an operator writes it: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.sqlite3'}"
        return
    with fresh_postgres_database("prune") as url:
        yield url


def test_audit_prune_redacts_old_snapshots_and_keeps_the_record(
    database_url: str, tmp_path: Path
) -> None:
    url = Settings(_env_file=None, database_url=database_url).audit_database_url  # type: ignore[call-arg]
    asyncio.run(_seed(url))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTH0_", "CLIENT_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "USERDESK_AUDIT_SNAPSHOT_DAYS": "30",
            "USERDESK_DATA_DIR": str(tmp_path / "data"),
        }
    )
    result = subprocess.run(
        [USERDESK, "audit", "prune"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Redacted 1 snapshot" in result.stdout

    entries = asyncio.run(_read(url))
    old = entries["auth0|old"]
    assert old.snapshot is not None
    assert old.snapshot["redacted"] is True
    assert "email" not in old.snapshot and "old@example.test" not in str(old.snapshot)
    assert (old.actor_email, old.action, old.target) == (
        "staff@userdesk.test",
        "users.delete",
        "auth0|old",
    )
    assert entries["auth0|recent"].snapshot == {
        "user_id": "auth0|recent",
        "email": "r@example.test",
    }
    assert entries["auth0|nosnapshot"].snapshot is None

    again = subprocess.run(
        [USERDESK, "audit", "prune", "--days", "30"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Redacted 0 snapshots" in again.stdout
