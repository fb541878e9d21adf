"""CORS for the endpoints SPAs call with fetch, for each client's allowed web origins.

spa-js sends a custom ``Auth0-Client`` header, so every call is preflighted. Starlette's
CORS middleware does the protocol. The allowed origins are held in memory: read from the
clients table on first use and again after any write to a client through this process's
sessions, so a CORS request costs no query. With ``REDIS_URL`` a write through one replica
is news to every replica (``tenant/shared.py``), which drop their copies too.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from userdesk.tenant.oidc.repository import ClientRepository
from userdesk.tenant.shared import TenantShared
from userdesk.tenant.store.db import READ_ONLY
from userdesk.tenant.store.models import Client

CORS_PATHS = frozenset({"/oauth/token", "/oauth/revoke", "/userinfo"})
# Public documents: browser OIDC libraries (oidc-client-ts and the like) fetch them from any
# origin, and Auth0 serves them to all.
PUBLIC_PATHS = frozenset({"/.well-known/openid-configuration", "/.well-known/jwks.json"})
_CHANGED = "userdesk.clients_changed"
NEWS = "web-origins"


class WebOrigins:
    """The union of every client's web origins, cached until a client is written."""

    def __init__(self, sessions: sessionmaker[Session], shared: TenantShared | None = None) -> None:
        self._sessions = sessions
        self._shared = shared
        if shared is not None:
            shared.on(NEWS, self.invalidate)
        self._origins: frozenset[str] | None = None
        self._generation = 0
        self._lock = threading.Lock()
        event.listen(sessions, "after_flush", self._note_client_writes)
        event.listen(sessions, "after_commit", self._refresh_if_changed)

    def allows(self, origin: str) -> bool:
        return origin.rstrip("/") in self.current()

    def current(self) -> frozenset[str]:
        origins = self._origins
        if origins is None:
            generation = self._generation
            with self._sessions() as session:
                # A read on the event loop: it must never wait for a writer's lock.
                session.connection(execution_options={READ_ONLY: True})
                origins = frozenset(ClientRepository(session).web_origins())
            with self._lock:
                # A write committed during the read leaves the cache empty for the next call.
                if generation == self._generation:
                    self._origins = origins
        return origins

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._origins = None

    @staticmethod
    def _note_client_writes(session: Session, _context: Any) -> None:
        written = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(obj, Client) for obj in written):
            session.info[_CHANGED] = True

    def _refresh_if_changed(self, session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            self.invalidate()
            if self._shared is not None:
                self._shared.announce(NEWS)


class WebOriginsCors(CORSMiddleware):
    def __init__(self, app: ASGIApp, origins: WebOrigins) -> None:
        super().__init__(
            app,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            max_age=86400,
        )
        self.inner = app
        self.origins = origins
        self.public = CORSMiddleware(app, allow_origins=["*"], allow_methods=["GET"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path in CORS_PATHS:
            await super().__call__(scope, receive, send)
        elif path in PUBLIC_PATHS:
            await self.public(scope, receive, send)
        else:
            await self.inner(scope, receive, send)

    def is_allowed_origin(self, origin: str) -> bool:
        return self.origins.allows(origin)
