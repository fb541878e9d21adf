"""Management API v2 routes under /api/v2."""

from fastapi import APIRouter

from userdesk.tenant.management.logs.routes import router as logs_router
from userdesk.tenant.management.roles.routes import router as roles_router
from userdesk.tenant.management.users.routes import router as users_router

router = APIRouter(prefix="/api/v2")
router.include_router(users_router)
router.include_router(roles_router)
router.include_router(logs_router)
