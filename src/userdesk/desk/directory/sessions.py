"""A user's login sessions and refresh tokens in the Management API.

Both lists page by checkpoint (``from``, ``take``) and answer ``{"sessions"|"tokens", "next"}``;
their deletes are asynchronous on Auth0 (202). "Sign out everywhere" is both deletes: ending
the sessions stops silent sign-in, revoking the refresh tokens stops the apps that hold them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.directory.users import UserNotFound, user_path
from userdesk.desk.errors import NotFound, UpstreamFailed

TAKE = 100
# Sessions shown for one user at most; a user with more is a case for the provider's tools.
MAX_SESSIONS = 500


class Device(BaseModel):
    model_config = ConfigDict(extra="ignore")

    initial_ip: str | None = None
    initial_user_agent: str | None = None
    last_ip: str | None = None
    last_user_agent: str | None = None


class SessionClient(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_id: str


class LoginSession(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    authenticated_at: datetime | None = None
    last_interacted_at: datetime | None = None
    expires_at: datetime | None = None
    device: Device = Field(default_factory=Device)
    clients: list[SessionClient] = Field(default_factory=list)


class SessionsApi:
    def __init__(self, client: ManagementClient) -> None:
        self._client = client

    async def of_user(self, user_id: str) -> list[LoginSession]:
        sessions: list[LoginSession] = []
        checkpoint: str | None = None
        while len(sessions) < MAX_SESSIONS:
            params: dict[str, Any] = {"take": TAKE}
            if checkpoint:
                params["from"] = checkpoint
            try:
                body = await self._client.get(f"{user_path(user_id)}/sessions", params)
            except NotFound as exc:
                raise UserNotFound(user_id) from exc
            rows = body.get("sessions") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise _malformed()
            try:
                sessions.extend(LoginSession.model_validate(row) for row in rows)
            except ValidationError as exc:
                raise _malformed() from exc
            checkpoint = body.get("next")
            if not rows or not isinstance(checkpoint, str) or not checkpoint:
                break
        return sessions

    async def end_everywhere(self, user_id: str) -> None:
        """End every login session of the user and revoke every refresh token."""
        try:
            await self._client.delete(f"{user_path(user_id)}/sessions")
            await self._client.delete(f"{user_path(user_id)}/refresh-tokens")
        except NotFound as exc:
            raise UserNotFound(user_id) from exc


def _malformed() -> UpstreamFailed:
    error = UpstreamFailed("The identity provider sent a malformed list of sessions")
    error.upstream_status = 200
    return error
