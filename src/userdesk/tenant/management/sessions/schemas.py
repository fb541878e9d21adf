"""Session shapes of the Management API (Auth0's ``SessionResponseContent``)."""

from __future__ import annotations

from pydantic import BaseModel


class SessionDevice(BaseModel):
    initial_user_agent: str | None = None
    initial_ip: str | None = None
    last_user_agent: str | None = None
    last_ip: str | None = None


class SessionClient(BaseModel):
    client_id: str


class AuthenticationMethod(BaseModel):
    name: str
    timestamp: str


class SessionAuthentication(BaseModel):
    methods: list[AuthenticationMethod]


class SessionRead(BaseModel):
    id: str
    user_id: str
    created_at: str
    updated_at: str
    authenticated_at: str
    last_interacted_at: str
    idle_expires_at: str
    expires_at: str
    device: SessionDevice
    clients: list[SessionClient]
    authentication: SessionAuthentication


class SessionsCheckpoint(BaseModel):
    """from/take paging: ``next`` is the cursor for the following call, absent at the end."""

    sessions: list[SessionRead]
    next: str | None = None
