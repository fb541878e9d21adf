"""The embedded tenant's ASGI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from userdesk import __version__
from userdesk.tenant.context import TenantContext
from userdesk.tenant.keys import KeyRing
from userdesk.tenant.management.jobs.routes import files_router
from userdesk.tenant.management.routes import install as install_management
from userdesk.tenant.oidc.cors import WebOrigins
from userdesk.tenant.oidc.routes import install as install_oidc
from userdesk.tenant.outbox.routes import router as outbox_router
from userdesk.tenant.provisioning.first_start import BootResult, provision
from userdesk.tenant.settings import TenantSettings
from userdesk.tenant.shared import TenantShared
from userdesk.tenant.tickets.routes import router as ticket_pages_router


def create_app(settings: TenantSettings, boot: BootResult | None = None) -> FastAPI:
    """The tenant, provisioned (and its database migrated) now, before it takes a request."""
    boot = boot or provision(settings)
    with boot.sessions() as session:
        keys = KeyRing.load(session)
    redis_url = settings.redis_url
    shared = (
        TenantShared(redis_url.get_secret_value(), settings.redis_prefix) if redis_url else None
    )
    context = TenantContext(
        settings, boot.engine, boot.sessions, keys, WebOrigins(boot.sessions, shared), shared=shared
    )
    # Bulk jobs a stopped process of this machine left unfinished end as failed, now.
    context.jobs.sweep()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # Running bulk jobs stop at their next batch and say why.
        await run_in_threadpool(context.jobs.stop)
        if shared is not None:
            shared.close()

    app = FastAPI(
        title="Userdesk embedded tenant",
        version=__version__,
        description="A local identity server that speaks Auth0's protocols.",
        lifespan=lifespan,
    )
    app.state.tenant = context
    # Each part installs its own routes, middleware and exception handlers.
    install_oidc(app)
    install_management(app)
    app.include_router(ticket_pages_router)
    app.include_router(outbox_router)
    app.include_router(files_router)
    return app


def from_environment() -> FastAPI:
    """The app each worker of ``userdesk tenant serve --workers N`` builds.

    The command provisions the tenant first and hands its settings down in the environment
    (``USERDESK_DATA_DIR``, ``USERDESK_TENANT_PUBLIC_URL``), where ``TenantSettings`` reads them.
    """
    return create_app(TenantSettings())
