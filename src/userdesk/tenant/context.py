"""The tenant's runtime context and the dependencies routes use to reach it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from userdesk.tenant.keys import KeyRing
from userdesk.tenant.oidc.cors import WebOrigins
from userdesk.tenant.settings import TenantSettings


@dataclass
class TenantContext:
    settings: TenantSettings
    engine: Engine
    sessions: sessionmaker[Session]
    keys: KeyRing
    web_origins: WebOrigins

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


def get_db(tenant: Tenant) -> Iterator[Session]:
    # scope="function" below: the transaction commits before the response is sent, so a
    # client that reads right after a write always sees it.
    with tenant.sessions() as session, session.begin():
        yield session


DbSession = Annotated[Session, Depends(get_db, scope="function")]
