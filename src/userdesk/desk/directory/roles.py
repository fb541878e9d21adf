"""Roles in the Management API.

``GET /users/{id}/roles`` answers a bare array, or ``{start, limit, total, roles}`` when
totals are asked for; either is read. Reading a user's roles needs the ``read:roles`` scope.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError

from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.directory.users import UserNotFound, user_path
from userdesk.desk.errors import NotFound, UpstreamFailed

# Auth0's page size limit; a staff member with more roles than this is not a real case.
PER_PAGE = 100


class Role(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    description: str | None = None


class RolesApi:
    def __init__(self, client: ManagementClient) -> None:
        self._client = client

    async def of_user(self, user_id: str) -> list[Role]:
        try:
            body = await self._client.get(f"{user_path(user_id)}/roles", {"per_page": PER_PAGE})
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        rows = body.get("roles", []) if isinstance(body, dict) else body
        if not isinstance(rows, list):
            raise _malformed()
        try:
            return [Role.model_validate(row) for row in rows]
        except ValidationError as exc:
            raise _malformed() from exc


def _malformed() -> UpstreamFailed:
    error = UpstreamFailed("The identity provider sent a malformed list of roles")
    error.upstream_status = 200
    return error
