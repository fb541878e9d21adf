"""The audit log: every staff write is committed as attempted before the provider is called.

A write that crashes the desk half-way, or whose upstream call never returns, still leaves its
``attempted`` record behind; the outcome and the provider's status are added when it ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from userdesk.desk.audit.models import AuditEntry
from userdesk.desk.audit.repository import AuditFilter, AuditRepository
from userdesk.desk.auth import Staff
from userdesk.desk.errors import DeskError, NotFound


@dataclass
class Recording:
    """What the write under way adds to its audit entry before it completes."""

    entry_id: int
    snapshot: dict[str, Any] | None = None
    upstream_status: int | None = None


class AuditLog:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def write(
        self, actor: Staff, action: str, target: str, request_id: str
    ) -> AsyncIterator[Recording]:
        recording = Recording(await self._attempted(actor, action, target, request_id))
        try:
            yield recording
        except DeskError as exc:
            status = recording.upstream_status or exc.upstream_status
            await self._completed(recording, "failed", status, exc.message)
            raise
        except BaseException:
            await self._completed(recording, "failed", recording.upstream_status, "desk error")
            raise
        await self._completed(recording, "succeeded", recording.upstream_status, None)

    async def _attempted(self, actor: Staff, action: str, target: str, request_id: str) -> int:
        async with self._sessions() as session, session.begin():
            entry = await AuditRepository(session).add(
                AuditEntry(
                    request_id=request_id,
                    actor_sub=actor.sub,
                    actor_email=actor.email,
                    action=action,
                    target=target,
                    outcome="attempted",
                    attempted_at=datetime.now(UTC),
                )
            )
            return entry.id

    async def _completed(
        self, recording: Recording, outcome: str, status: int | None, message: str | None
    ) -> None:
        async with self._sessions() as session, session.begin():
            entry = await AuditRepository(session).get(recording.entry_id)
            if entry is None:  # pragma: no cover - rows are never deleted
                return
            entry.outcome = outcome
            entry.upstream_status = status
            entry.message = message
            if recording.snapshot is not None:
                entry.snapshot = recording.snapshot
            entry.completed_at = datetime.now(UTC)

    async def search(
        self, where: AuditFilter, page: int, per_page: int
    ) -> tuple[Sequence[AuditEntry], int]:
        async with self._sessions() as session:
            return await AuditRepository(session).page(where, (page - 1) * per_page, per_page)

    async def get(self, entry_id: int) -> AuditEntry:
        async with self._sessions() as session:
            entry = await AuditRepository(session).get(entry_id)
        if entry is None:
            raise NotFound(f"No audit entry {entry_id}")
        return entry
