"""Health and the SPA's public configuration."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from userdesk.desk.context import Desk

router = APIRouter(prefix="/api", tags=["meta"])


class HealthRead(BaseModel):
    status: Literal["ok", "degraded"] = Field(
        description="degraded: serving, but without the shared state replicas rely on"
    )
    reason: str | None = Field(default=None, description="Why the desk is degraded")


class ConfigRead(BaseModel):
    """What auth0-vue needs: no secrets, ever."""

    domain: str = Field(description="Tenant domain, or origin when it is not https")
    clientId: str | None = Field(description="The SPA's client id")
    audience: str
    remoteAvatars: bool = Field(
        default=False, description="Show pictures hosted on other origins (USERDESK_REMOTE_AVATARS)"
    )


@router.get(
    "/health",
    response_model=HealthRead,
    response_model_exclude_none=True,
    summary="The desk is up (degraded: without the shared state, and why)",
)
async def health(desk: Desk) -> HealthRead:
    # Asks Redis (one PING) each time, so a recovery shows at the next check.
    shared = desk.shared
    reason = await shared.health() if shared is not None else None
    if reason is not None:
        return HealthRead(status="degraded", reason=reason)
    return HealthRead(status="ok")


@router.get(
    "/config",
    response_model=ConfigRead,
    summary="Public configuration for the SPA",
)
async def config(desk: Desk) -> ConfigRead:
    settings = desk.settings
    return ConfigRead(
        domain=settings.auth0_domain or "",
        clientId=settings.spa_client_id,
        audience=settings.auth0_audience or "",
        remoteAvatars=settings.remote_avatars,
    )
