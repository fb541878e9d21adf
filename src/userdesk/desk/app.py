"""The desk's ASGI application.

Creating it touches no network and no database: the lifespan opens the HTTP client and the
audit database, so importing or building the app (for the OpenAPI document, say) is free.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from userdesk import __version__
from userdesk.desk import docs, errors, meta, spa
from userdesk.desk.audit import db as audit_db
from userdesk.desk.audit.routes import router as audit_router
from userdesk.desk.audit.service import AuditLog
from userdesk.desk.auth import JwksCache, TokenVerifier
from userdesk.desk.connections.routes import router as connections_router
from userdesk.desk.context import DeskContext
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.client import ManagementClient, RetryPolicy
from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.directory.shared_token import SharedTokens
from userdesk.desk.directory.tokens import (
    SHARED_TOKEN_FILE,
    ClientCredentials,
    Clock,
    TokenFile,
    TokenSource,
)
from userdesk.desk.directory.transport import AiohttpTransport, new_session
from userdesk.desk.events.routes import router as events_router
from userdesk.desk.exports.routes import router as exports_router
from userdesk.desk.exports.service import ExportService
from userdesk.desk.head import HeadAsGet
from userdesk.desk.logs.routes import router as logs_router
from userdesk.desk.mail.routes import router as mail_router
from userdesk.desk.news import CacheNews
from userdesk.desk.roles.routes import router as roles_router
from userdesk.desk.security import install_security_headers
from userdesk.desk.sessions.routes import router as sessions_router
from userdesk.desk.settings import Settings, SettingsError, load_settings
from userdesk.desk.shared import SharedState
from userdesk.desk.staff.accounts import StaffAccounts
from userdesk.desk.staff.routes import router as staff_router
from userdesk.desk.staff.service import StaffService
from userdesk.desk.users.routes import router as users_router
from userdesk.desk.users.service import UserService

log = logging.getLogger("userdesk.desk")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestIdMiddleware:
    """Give each request an id (a sane incoming ``X-Request-ID`` is kept) for logs and audit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


async def _prune_daily(audit: AuditLog, older_than: timedelta) -> None:
    """``userdesk audit prune`` once a day for as long as the desk runs."""
    while True:
        try:
            count = await audit.redact_snapshots(older_than)
            if count:
                log.info("redacted %d audit snapshots older than %s", count, older_than)
        except Exception as exc:  # the desk must keep serving; the next day tries again
            log.warning("audit snapshot pruning failed: %s", type(exc).__name__)
        await asyncio.sleep(86400)


def create_app(
    settings: Settings,
    *,
    static_dir: Path | None = None,
    clock: Clock | None = None,
    retry: RetryPolicy | None = None,
    upstream_timeout: float = 10.0,
    shared_token: Path | None = None,
) -> FastAPI:
    """The desk for ``settings``; the keyword options exist for tests of expiry and faults."""
    secret = settings.client_secret
    audience = settings.auth0_audience
    if not (settings.auth0_domain and audience and settings.client_id and secret):
        raise SettingsError(
            "The desk needs AUTH0_DOMAIN, AUTH0_AUDIENCE, CLIENT_ID and CLIENT_SECRET "
            "(or an embedded tenant's tenant.json)"
        )
    credentials = ClientCredentials(
        token_url=f"{settings.origin}/oauth/token",
        client_id=settings.client_id,
        client_secret=secret.get_secret_value(),
        audience=settings.management_audience,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = audit_db.make_engine(settings.audit_database_url)
        await audit_db.ensure_current(engine)
        write_engine = audit_db.make_write_engine(settings.audit_database_url)
        user_agent = f"userdesk/{__version__}"
        connect_timeout = min(3.0, upstream_timeout)
        # httpx for the token exchange and the signing keys; the Management API calls, one
        # for nearly every request the desk answers, go through aiohttp (transport.py).
        async with (
            httpx.AsyncClient(
                timeout=httpx.Timeout(upstream_timeout, connect=connect_timeout),
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                headers={"User-Agent": user_agent},
            ) as http,
            new_session(
                timeout=upstream_timeout, connect_timeout=connect_timeout, user_agent=user_agent
            ) as management_http,
        ):
            news = CacheNews()
            redis_url = settings.redis_url
            shared = (
                SharedState(redis_url.get_secret_value(), settings.redis_prefix, news)
                if redis_url is not None
                else None
            )
            tokens = TokenSource(
                http,
                credentials,
                **({"clock": clock} if clock else {}),
                shared=TokenFile(shared_token) if shared_token else None,
                redis=SharedTokens(shared, credentials.identity) if shared else None,
            )
            directory = DirectoryGateway(
                ManagementClient(
                    AiohttpTransport(management_http, settings.origin),
                    f"{settings.origin}/api/v2",
                    tokens,
                    retry,
                    files=http,
                ),
                news,
            )
            actors = ActorEmails(directory)
            audit = AuditLog(
                audit_db.make_sessions(engine),
                write_engine,
            )
            accounts = StaffAccounts(directory, **({"clock": clock} if clock else {}), news=news)
            app.state.desk = DeskContext(
                settings=settings,
                http=http,
                tokens=tokens,
                directory=directory,
                verifier=TokenVerifier(
                    JwksCache(http, f"{settings.origin}/.well-known/jwks.json", news),
                    issuer=settings.issuer,
                    audience=audience,
                    news=news,
                ),
                audit_engine=engine,
                audit=audit,
                actors=actors,
                staff=StaffService(directory, actors),
                accounts=accounts,
                users=UserService(directory, audit, actors, accounts, staff_api=audience),
                shared=shared,
            )
            if shared is not None:
                shared.start()
            app.state.exports = ExportService(directory, settings.data_dir)
            pruning = asyncio.create_task(
                _prune_daily(app.state.desk.audit, timedelta(days=settings.audit_snapshot_days))
            )
            try:
                yield
            finally:
                pruning.cancel()
                if shared is not None:
                    await shared.close()
                await app.state.exports.close()
                await engine.dispose()
                if write_engine is not None:
                    write_engine.dispose()

    app = FastAPI(
        title="Userdesk API",
        version=__version__,
        description="User administration for Auth0 and Auth0-compatible tenants.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)
    docs.install(app)
    app.include_router(meta.router)
    app.include_router(staff_router)
    app.include_router(events_router)
    app.include_router(users_router)
    app.include_router(roles_router)
    app.include_router(sessions_router)
    app.include_router(logs_router)
    app.include_router(mail_router)
    app.include_router(connections_router)
    app.include_router(audit_router)
    app.include_router(exports_router)
    # Last: its catch-all route must not shadow the API.
    spa.install(app, static_dir)
    app.add_middleware(HeadAsGet)
    app.add_middleware(RequestIdMiddleware)
    install_security_headers(
        app,
        tenant_origin=settings.origin,
        cors_origins=settings.cors_origins,
        remote_images=settings.remote_avatars,
    )
    return app


def from_environment() -> FastAPI:
    """The app each worker of ``userdesk serve --workers N`` builds from the environment.

    The workers share one Management API token through a file in the data directory, so the
    deployment still makes one client-credentials exchange, not one per worker.
    """
    settings = load_settings()
    return create_app(settings, shared_token=settings.data_dir / SHARED_TOKEN_FILE)
