"""A user's log events in the Management API (``GET /users/{id}/logs``).

Auth0 answers a bare array unless totals are asked for, newest first with ``sort=date:-1``,
at most 100 a page. Event types are short codes ("s", "fp", "sapi"); ``TYPE_LABELS`` says them
in words for people.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.directory.users import UserNotFound, user_path
from userdesk.desk.errors import NotFound, UpstreamFailed

TYPE_LABELS = {
    "s": "Successful login",
    "f": "Failed login",
    "fp": "Failed login (wrong password)",
    "fu": "Failed login (unknown user)",
    "ss": "Successful signup",
    "fs": "Failed signup",
    "slo": "Successful logout",
    "seacft": "Authorization code exchanged for a token",
    "feacft": "Failed exchange of an authorization code",
    "seccft": "Client credentials exchanged for a token",
    "feccft": "Failed exchange of client credentials",
    "sepft": "Password exchanged for a token",
    "fepft": "Failed exchange of a password for a token",
    "sertft": "Refresh token exchanged for a token",
    "fertft": "Failed exchange of a refresh token",
    "ssa": "Successful silent authentication",
    "fsa": "Failed silent authentication",
    "sapi": "Management API operation",
    "fapi": "Failed Management API operation",
    "du": "User deleted",
    "scp": "Password changed",
    "fcp": "Failed password change",
    "scpr": "Password change requested",
    "fcpr": "Failed password change request",
    "sv": "Email verified",
    "fv": "Failed to send verification email",
    "svr": "Verification email requested",
    "fvr": "Failed verification email request",
    "limit_wc": "Account blocked after too many failed logins",
    "limit_mu": "IP address blocked after too many failed logins",
    "ublkdu": "Account unblocked",
}


class LogEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    log_id: str | None = None
    date: datetime
    type: str
    description: str | None = None
    client_id: str | None = None
    client_name: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    connection: str | None = None

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.type, f"Event {self.type}")


class LogsApi:
    def __init__(self, client: ManagementClient) -> None:
        self._client = client

    async def of_user(self, user_id: str, *, page: int, per_page: int) -> list[LogEvent]:
        """One page, newest first; ``page`` counts from 0."""
        try:
            body: Any = await self._client.get(
                f"{user_path(user_id)}/logs",
                {"page": page, "per_page": per_page, "sort": "date:-1"},
            )
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        rows = body.get("logs", []) if isinstance(body, dict) else body
        if not isinstance(rows, list):
            raise _malformed()
        try:
            return [LogEvent.model_validate(row) for row in rows]
        except ValidationError as exc:
            raise _malformed() from exc


def _malformed() -> UpstreamFailed:
    error = UpstreamFailed("The identity provider sent a malformed list of log events")
    error.upstream_status = 200
    return error
