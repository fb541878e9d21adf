"""The Management API's routes under /api/v2, its rate limit headers and error answers."""

from fastapi import APIRouter, FastAPI

from userdesk.tenant.management.auth import VerifiedTokens
from userdesk.tenant.management.connections.routes import router as connections_router
from userdesk.tenant.management.errors import install_handlers
from userdesk.tenant.management.jobs.routes import router as jobs_router
from userdesk.tenant.management.logs.routes import router as logs_router
from userdesk.tenant.management.ratelimit import RateLimiter, RateLimitHeaders
from userdesk.tenant.management.refresh_tokens.routes import router as refresh_tokens_router
from userdesk.tenant.management.roles.routes import router as roles_router
from userdesk.tenant.management.sessions.routes import router as sessions_router
from userdesk.tenant.management.tickets.routes import router as tickets_router
from userdesk.tenant.management.users.routes import router as users_router

router = APIRouter(prefix="/api/v2")
router.include_router(users_router)
router.include_router(roles_router)
router.include_router(logs_router)
router.include_router(connections_router)
router.include_router(sessions_router)
router.include_router(refresh_tokens_router)
router.include_router(tickets_router)
router.include_router(jobs_router)


def install(app: FastAPI) -> None:
    settings = app.state.tenant.settings
    shared = app.state.tenant.shared
    limiter = (
        RateLimiter.per_minute(settings.rate_limit_per_minute, shared)
        if settings.rate_limit_per_minute is not None
        else RateLimiter(settings.rate_limit_burst, settings.rate_limit_per_second, shared)
    )
    app.state.management_rate_limiter = limiter
    app.state.management_tokens = VerifiedTokens()
    app.add_middleware(RateLimitHeaders, limiter=limiter)
    install_handlers(app)
    app.include_router(router)
