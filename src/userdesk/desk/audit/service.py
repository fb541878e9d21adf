"""The audit log: every staff write is committed as attempted before the provider is called.

A write that crashes the desk half-way, or whose upstream call never returns, still leaves its
``attempted`` record behind; the outcome and the provider's status are added when it ends.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from userdesk.desk.audit.models import AuditEntry
from userdesk.desk.audit.repository import AuditFilter, AuditRepository, is_redacted
from userdesk.desk.auth import Staff
from userdesk.desk.errors import DeskError, NotFound
from userdesk.sqlite_writes import (
    WriteLockTaken,
    short_write_sessions,
    transaction_now,
    transaction_soon,
)

T = TypeVar("T")

# Entries redacted per transaction, so a long backlog never holds the database for long.
BATCH = 500


@dataclass
class Recording:
    """What the write under way adds to its audit entry before it completes."""

    entry_id: int
    snapshot: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    upstream_status: int | None = None


class AuditLog:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        write_engine: Engine | None = None,
    ) -> None:
        self._sessions = sessions
        # With ``write_engine`` (SQLite: audit_db.make_write_engine), each write transaction
        # runs whole at once, not one trip through the event loop per statement. An audit
        # write is one or two statements: when SQLite's write lock is free (or nearly) it runs
        # right on the event loop, a millisecond where a worker thread costs a turn of a busy
        # loop each way; else in a worker thread, which tries again the same way until it has
        # the lock (``sqlite_writes``). One write at a time per process: SQLite admits one
        # writer anyway, and the next starts the moment the last commits.
        self._write_now = None if write_engine is None else short_write_sessions(write_engine)
        self._writing = threading.Lock()

    async def _write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one committed write transaction."""
        if self._write_now is None:
            async with self._sessions() as session, session.begin():
                return await session.run_sync(work)
        if self._writing.acquire(blocking=False):
            try:
                return transaction_now(self._write_now, work)
            except WriteLockTaken:
                pass
            finally:
                self._writing.release()
        return await asyncio.to_thread(self._write_in_thread, self._write_now, work)

    def _write_in_thread(self, sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
        with self._writing:
            return transaction_soon(sessions, work)

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

    async def denied(
        self, actor: Staff, action: str, target: str, request_id: str, message: str
    ) -> None:
        """Record a write refused before anything was attempted (missing permission)."""
        now = datetime.now(UTC)
        entry = AuditEntry(
            request_id=request_id,
            actor_sub=actor.sub,
            actor_email=actor.email,
            action=action,
            target=target,
            outcome="denied",
            attempted_at=now,
            completed_at=now,
            message=message,
        )
        await self._write(lambda session: AuditRepository.insert(session, entry))

    async def _attempted(self, actor: Staff, action: str, target: str, request_id: str) -> int:
        entry = AuditEntry(
            request_id=request_id,
            actor_sub=actor.sub,
            actor_email=actor.email,
            action=action,
            target=target,
            outcome="attempted",
            attempted_at=datetime.now(UTC),
        )
        return await self._write(lambda session: AuditRepository.insert(session, entry))

    async def _completed(
        self, recording: Recording, outcome: str, status: int | None, message: str | None
    ) -> None:
        def complete(session: Session) -> None:
            entry = session.get(AuditEntry, recording.entry_id)
            if entry is None:  # pragma: no cover - rows are never deleted
                return
            entry.outcome = outcome
            entry.upstream_status = status
            entry.message = message
            if recording.snapshot is not None:
                entry.snapshot = recording.snapshot
            if recording.before is not None:
                entry.before = recording.before
            if recording.after is not None:
                entry.after = recording.after
            entry.completed_at = datetime.now(UTC)

        await self._write(complete)

    async def redact_snapshots(self, older_than: timedelta, now: datetime | None = None) -> int:
        """Replace snapshots older than ``older_than`` by a stub; how many were redacted.

        A deleted user's whole profile must not outlive an erasure request in the audit log;
        who did what to which user id stays, in the entry's own columns.
        """
        cutoff = (now or datetime.now(UTC)) - older_than
        redacted_at = datetime.now(UTC).isoformat()
        done = 0
        last_id = 0
        while True:
            async with self._sessions() as session, session.begin():
                entries = await AuditRepository(session).with_snapshots_before(
                    cutoff, last_id, BATCH
                )
                for entry in entries:
                    last_id = entry.id
                    if entry.snapshot is None or is_redacted(entry.snapshot):
                        continue
                    entry.snapshot = {
                        "redacted": True,
                        "redacted_at": redacted_at,
                        "user_id": entry.target,
                    }
                    done += 1
            if len(entries) < BATCH:
                return done

    async def search(
        self, where: AuditFilter, page: int, per_page: int
    ) -> tuple[Sequence[AuditEntry], int, set[str]]:
        """A page of entries, the total, and which of their targets the desk has deleted."""
        async with self._sessions() as session:
            repository = AuditRepository(session)
            entries, total = await repository.page(where, (page - 1) * per_page, per_page)
            deleted = await repository.deleted_targets({entry.target for entry in entries})
        return entries, total, deleted

    async def get(self, entry_id: int) -> AuditEntry:
        async with self._sessions() as session:
            entry = await AuditRepository(session).get(entry_id)
        if entry is None:
            raise NotFound(f"No audit entry {entry_id}")
        return entry
