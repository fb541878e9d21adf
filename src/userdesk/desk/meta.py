"""Health and the SPA's public configuration."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from userdesk.desk.context import Desk

router = APIRouter(prefix="/api", tags=["meta"])


class HealthRead(BaseModel):
    status: Literal["ok"]


class ConfigRead(BaseModel):
    """What auth0-vue needs: no secrets, ever."""

    domain: str = Field(description="Tenant domain, or origin when it is not https")
    clientId: str | None = Field(description="The SPA's client id")
    audience: str
    remoteAvatars: bool = Field(
        default=False, description="Show pictures hosted on other origins (USERDESK_REMOTE_AVATARS)"
    )


@router.get("/health", response_model=HealthRead, summary="The desk is up")
async def health() -> HealthRead:
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
