"""CORS for the endpoints SPAs call with fetch, for each client's allowed web origins.

spa-js sends a custom ``Auth0-Client`` header, so every call is preflighted. Starlette's
CORS middleware does the protocol; the allowed origins are read from the clients table on
each request, since the Management API can change them at any time.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from userdesk.tenant.oidc.repository import ClientRepository

CORS_PATHS = frozenset({"/oauth/token", "/oauth/revoke", "/userinfo"})
# Public documents: browser OIDC libraries (oidc-client-ts and the like) fetch them from any
# origin, and Auth0 serves them to all.
PUBLIC_PATHS = frozenset({"/.well-known/openid-configuration", "/.well-known/jwks.json"})


class WebOriginsCors(CORSMiddleware):
    def __init__(self, app: ASGIApp, sessions: sessionmaker[Session]) -> None:
        super().__init__(
            app,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            max_age=86400,
        )
        self.inner = app
        self.sessions = sessions
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
        with self.sessions() as session:
            return origin.rstrip("/") in ClientRepository(session).web_origins()
