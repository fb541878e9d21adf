"""Refresh-token shapes of the Management API (Auth0's ``RefreshTokenResponseContent``)."""

from __future__ import annotations

from pydantic import BaseModel


class RefreshTokenDevice(BaseModel):
    initial_ip: str | None = None
    initial_asn: str | None = None
    initial_user_agent: str | None = None
    last_ip: str | None = None
    last_asn: str | None = None
    last_user_agent: str | None = None


class RefreshTokenResourceServer(BaseModel):
    audience: str
    scopes: str


class RefreshTokenRead(BaseModel):
    id: str
    user_id: str
    created_at: str
    idle_expires_at: str
    expires_at: str
    last_exchanged_at: str | None = None
    client_id: str
    session_id: str | None = None
    rotating: bool
    device: RefreshTokenDevice
    resource_servers: list[RefreshTokenResourceServer]


class RefreshTokensCheckpoint(BaseModel):
    """from/take paging: ``next`` is the cursor for the following call, absent at the end.

    node-auth0 4.x types this key as ``sessions``; Auth0 sends ``tokens``.
    """

    tokens: list[RefreshTokenRead]
    next: str | None = None
