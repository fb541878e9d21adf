"""The Management API v2 under /api/v2."""

from fastapi import FastAPI

from userdesk.tenant.management.router import router


def install(app: FastAPI) -> None:
    app.include_router(router)
