"""The Authentication API: discovery, JWKS, /authorize and login, /oauth/token, logout."""

from fastapi import FastAPI

from userdesk.tenant.oidc.errors import install_handlers
from userdesk.tenant.oidc.ratelimit import RateLimiter
from userdesk.tenant.oidc.router import router


def install(app: FastAPI) -> None:
    app.state.oidc_rate_limiter = RateLimiter(app.state.tenant.settings.auth_rate_limit_per_minute)
    install_handlers(app)
    app.include_router(router)
