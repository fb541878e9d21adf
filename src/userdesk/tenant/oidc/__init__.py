"""The Authentication API: discovery, JWKS, /authorize and login, /oauth/token, logout."""

from fastapi import FastAPI

from userdesk.tenant.oidc import authorize_routes, session_routes
from userdesk.tenant.oidc.authorize import PageError, RedirectError
from userdesk.tenant.oidc.cors import WebOriginsCors
from userdesk.tenant.oidc.errors import install_handlers
from userdesk.tenant.oidc.ratelimit import AuthLimits
from userdesk.tenant.oidc.router import router


def install(app: FastAPI) -> None:
    app.state.oidc_limits = AuthLimits(app.state.tenant.settings.auth_rate_limit_per_minute)
    install_handlers(app)
    app.add_exception_handler(PageError, authorize_routes.page_error_handler)
    app.add_exception_handler(RedirectError, authorize_routes.redirect_error_handler)
    app.include_router(router)
    app.include_router(authorize_routes.router)
    app.include_router(session_routes.router)
    app.add_middleware(WebOriginsCors, sessions=app.state.tenant.sessions)
