"""/api/connections: the database connections a user can be created in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel

from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import Directory
from userdesk.desk.errors import UPSTREAM_ERRORS
from userdesk.permissions import Permission

router = APIRouter(prefix="/api", tags=["connections"], responses=UPSTREAM_ERRORS)

CanCreateUsers = Annotated[Staff, RequirePermission(Permission.CREATE_USERS)]


class ConnectionRead(BaseModel):
    id: str
    name: str
    strategy: str


class ConnectionList(BaseModel):
    connections: list[ConnectionRead]


@router.get(
    "/connections",
    response_model=ConnectionList,
    summary="Database connections users can be created in",
)
async def list_connections(_staff: CanCreateUsers, directory: Directory) -> ConnectionList:
    found = await directory.connections.databases()
    return ConnectionList(
        connections=[ConnectionRead(id=c.id, name=c.name, strategy=c.strategy) for c in found]
    )
