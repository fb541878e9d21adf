"""Connections in the Management API: where users can be created.

``GET /connections`` without paging parameters answers a bare array; the desk asks for the
database connections only (``strategy=auth0``), the ones that hold passwords.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError

from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.errors import UpstreamFailed


class Connection(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    strategy: str


class ConnectionsApi:
    def __init__(self, client: ManagementClient) -> None:
        self._client = client

    async def databases(self) -> list[Connection]:
        body = await self._client.get(
            "/connections", {"strategy": "auth0", "fields": "id,name,strategy"}
        )
        rows = body.get("connections") if isinstance(body, dict) else body
        if not isinstance(rows, list):
            raise _malformed()
        try:
            return [Connection.model_validate(row) for row in rows]
        except ValidationError as exc:
            raise _malformed() from exc


def _malformed() -> UpstreamFailed:
    error = UpstreamFailed("The identity provider sent a malformed list of connections")
    error.upstream_status = 200
    return error
