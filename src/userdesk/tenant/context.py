"""The tenant's runtime context and the dependencies routes use to reach it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from userdesk.sqlite_writes import (
    WriteLockTaken,
    short_write_sessions,
    transaction_now,
    transaction_soon,
)
from userdesk.tenant.keys import KeyRing
from userdesk.tenant.management.jobs.runner import JobRunner
from userdesk.tenant.oidc.cors import WebOrigins
from userdesk.tenant.settings import TenantSettings
from userdesk.tenant.shared import TenantShared
from userdesk.tenant.store.db import make_read_sessionmaker

T = TypeVar("T")


@dataclass
class TenantContext:
    settings: TenantSettings
    engine: Engine
    sessions: sessionmaker[Session]
    keys: KeyRing
    web_origins: WebOrigins
    # Held by a Management API write for its whole transaction: SQLite lets one writer in at
    # a time anyway, and a waiter on this lock wakes the moment the writer ends, where one
    # waiting in SQLite's busy handler polls with sleeps that grow to 100 ms. An asyncio lock,
    # waited for on the event loop: a thread lock was waited for in worker threads, and once
    # as many writes queued as the pool has threads (40), the holder's own route found no
    # thread to run in and every write stopped for good.
    write_turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Bulk jobs write from their own threads (a job's progress, its start and end): they take
    # turns among themselves on this lock, never waiting on the event loop's, and meet the
    # other writers in SQLite's busy handler.
    jobs_write_lock: threading.Lock = field(default_factory=threading.Lock)
    # Redis, when REDIS_URL is set: counters and cache news the replicas share.
    shared: TenantShared | None = None

    @cached_property
    def writer(self) -> ThreadPoolExecutor:
        """The thread that runs the users' writes (``write``), one whole transaction each."""
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="tenant-writer")

    async def write(self, work: Callable[[Session], T], *, short: bool = False) -> T:
        """``work`` in one committed write transaction, on the writer thread.

        A ``short`` write (a few statements, no password to hash) runs right here on the
        event loop when SQLite's write lock is free or nearly (``sqlite_writes``): a
        millisecond or two, where the writer thread costs a turn of a busy loop each way.

        The hot writes (a user created, changed, deleted) take their turn in the writer's
        own queue: the next starts the moment the last commits, on that thread, where a
        turn taken on the event loop (``get_db``) costs two trips through a busy loop and
        three through the shared thread pool. Other writes still take ``write_turn``; the
        two meet only in SQLite's busy handler.
        """
        loop = asyncio.get_running_loop()
        if short and self.in_process_store:
            sessions = self._short_write_sessions
            try:
                return transaction_now(sessions, work)
            except WriteLockTaken:
                # Another writer holds on: try again, the same way, on the writer thread.
                return await loop.run_in_executor(self.writer, transaction_soon, sessions, work)
        return await loop.run_in_executor(self.writer, self._transaction, work)

    def _transaction(self, work: Callable[[Session], T]) -> T:
        with self.sessions() as session, session.begin():
            return work(session)

    @cached_property
    def _short_write_sessions(self) -> sessionmaker[Session]:
        return short_write_sessions(self.engine)

    @cached_property
    def in_process_store(self) -> bool:
        """Whether the store is SQLite, read in this process with no network between."""
        return self.engine.dialect.name == "sqlite"

    @cached_property
    def read_sessions(self) -> sessionmaker[Session]:
        """Sessions for requests that only read (no write lock on SQLite)."""
        return make_read_sessionmaker(self.engine)

    @cached_property
    def jobs(self) -> JobRunner:
        """The bulk jobs this process runs."""
        return JobRunner(
            self.sessions, self.read_sessions, self.jobs_write_lock, self.settings.data_dir
        )

    @property
    def issuer(self) -> str:
        return self.settings.issuer

    @property
    def management_audiences(self) -> set[str]:
        """The Management API audience in both forms SDKs send (they hard-code https://)."""
        origin = self.settings.origin
        host = origin.split("://", 1)[-1]
        return {f"{origin}/api/v2/", f"https://{host}/api/v2/", f"http://{host}/api/v2/"}


async def get_tenant(request: Request) -> TenantContext:
    # async: a sync dependency would cost every request a trip to the thread pool.
    tenant: TenantContext = request.app.state.tenant
    return tenant


Tenant = Annotated[TenantContext, Depends(get_tenant)]


_READS = frozenset({"GET", "HEAD"})


def _only_reads(request: Request) -> bool:
    # Management API reads never write, so they take no write lock.
    return request.method in _READS and request.scope["path"].startswith("/api/v2/")


async def get_db(request: Request, tenant: Tenant) -> AsyncIterator[Session]:
    """The request's session; a request that may write first waits for its turn.

    The turn is waited for on the event loop, holding no thread. scope="function" below:
    the transaction commits before the response is sent, so a client that reads right after
    a write always sees it, and before the next write's turn begins. Every transaction but
    a read's takes SQLite's write lock when it begins (store/db.py).
    """
    if _only_reads(request):
        session = tenant.read_sessions()
        try:
            yield session
        finally:
            # Ending a read transaction writes nothing: not worth a trip to a thread.
            session.close()
        return
    async with tenant.write_turn:
        session = tenant.sessions()
        try:
            yield session
        except BaseException:
            await _end(session, commit=False)
            raise
        await _end(session, commit=True)


async def _end(session: Session, *, commit: bool) -> None:
    def end() -> None:
        try:
            if commit:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()

    # Its own limiter, as FastAPI gives a dependency's exit: the transaction holds the write
    # lock, and must not wait for a thread of a pool that reads may fill.
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(end, limiter=anyio.CapacityLimiter(1))


DbSession = Annotated[Session, Depends(get_db, scope="function")]
