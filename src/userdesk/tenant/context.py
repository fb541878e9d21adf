"""The tenant's runtime context and the dependencies routes use to reach it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from userdesk.tenant.keys import KeyRing
from userdesk.tenant.management.jobs.runner import JobRunner
from userdesk.tenant.oidc.cors import WebOrigins
from userdesk.tenant.settings import TenantSettings
from userdesk.tenant.shared import TenantShared
from userdesk.tenant.store.db import make_read_sessionmaker


@dataclass
class TenantContext:
    settings: TenantSettings
    engine: Engine
    sessions: sessionmaker[Session]
    keys: KeyRing
    web_origins: WebOrigins
    # Held by a Management API write for its whole transaction: SQLite lets one writer in at
    # a time anyway, and a waiter on this lock wakes the moment the writer ends, where one
    # waiting in SQLite's busy handler polls with sleeps that grow to 100 ms.
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    # Redis, when REDIS_URL is set: counters and cache news the replicas share.
    shared: TenantShared | None = None

    @cached_property
    def read_sessions(self) -> sessionmaker[Session]:
        """Sessions for requests that only read (no write lock on SQLite)."""
        return make_read_sessionmaker(self.engine)

    @cached_property
    def jobs(self) -> JobRunner:
        """The bulk jobs this process runs."""
        return JobRunner(self.sessions, self.read_sessions, self.write_lock, self.settings.data_dir)

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


def get_db(request: Request, tenant: Tenant) -> Iterator[Session]:
    # scope="function" below: the transaction commits before the response is sent, so a
    # client that reads right after a write always sees it. Management API reads never write,
    # so they take no write lock; every other request's transaction takes it when it begins.
    if request.method in _READS and request.scope["path"].startswith("/api/v2/"):
        with tenant.read_sessions() as session, session.begin():
            yield session
        return
    with tenant.write_lock, tenant.sessions() as session, session.begin():
        yield session


DbSession = Annotated[Session, Depends(get_db, scope="function")]
