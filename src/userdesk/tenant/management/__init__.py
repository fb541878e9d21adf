"""The Management API v2 under /api/v2."""

from fastapi import FastAPI

from userdesk.tenant.management.errors import install_handlers
from userdesk.tenant.management.ratelimit import RateLimiter, RateLimitHeaders
from userdesk.tenant.management.router import router


def install(app: FastAPI) -> None:
    limiter = RateLimiter(app.state.tenant.settings.rate_limit_per_minute)
    app.state.management_rate_limiter = limiter
    app.add_middleware(RateLimitHeaders, limiter=limiter)
    install_handlers(app)
    app.include_router(router)
