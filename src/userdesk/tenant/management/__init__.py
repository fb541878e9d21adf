"""The Management API v2 under /api/v2, as Auth0's SDKs and the desk call it.

Every route takes a Bearer token signed by the tenant (RS256), issued by it (exact ``iss``)
for the Management API (``aud`` in either the http:// or https:// form of
``{origin}/api/v2/``), and needs one of its scopes: ``read:users`` to read users, user
blocks and user permissions; ``create:``/``update:``/``delete:users`` to write them;
``read:roles``, ``create:``/``update:``/``delete:roles``; ``read:role_members`` or
``create:role_members``/``delete:role_members`` (or ``update:roles``) for role members and
user roles; ``read:logs`` or ``read:logs_users`` for logs. Every answer carries
``x-ratelimit-*``; past a client's limit (``TenantSettings.rate_limit_burst`` and
``rate_limit_per_second``, on by default) it gets 429s.
"""

from fastapi import FastAPI

from userdesk.tenant.management.errors import install_handlers
from userdesk.tenant.management.ratelimit import RateLimiter, RateLimitHeaders
from userdesk.tenant.management.router import router


def install(app: FastAPI) -> None:
    settings = app.state.tenant.settings
    limiter = (
        RateLimiter.per_minute(settings.rate_limit_per_minute)
        if settings.rate_limit_per_minute is not None
        else RateLimiter(settings.rate_limit_burst, settings.rate_limit_per_second)
    )
    app.state.management_rate_limiter = limiter
    app.add_middleware(RateLimitHeaders, limiter=limiter)
    install_handlers(app)
    app.include_router(router)
