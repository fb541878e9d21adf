"""The embedded tenant's ASGI application."""

from __future__ import annotations

from fastapi import FastAPI

from userdesk import __version__
from userdesk.tenant import management, oidc
from userdesk.tenant.bootstrap import BootResult, bootstrap
from userdesk.tenant.context import TenantContext
from userdesk.tenant.keys import KeyRing
from userdesk.tenant.settings import TenantSettings


def create_app(settings: TenantSettings, boot: BootResult | None = None) -> FastAPI:
    boot = boot or bootstrap(settings)
    with boot.sessions() as session:
        keys = KeyRing.load(session)
    app = FastAPI(
        title="Userdesk embedded tenant",
        version=__version__,
        description="A local identity server that speaks Auth0's protocols.",
    )
    app.state.tenant = TenantContext(settings, boot.engine, boot.sessions, keys)
    # Each part installs its own routes, middleware and exception handlers.
    oidc.install(app)
    management.install(app)
    return app
