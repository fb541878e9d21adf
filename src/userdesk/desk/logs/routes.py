"""/api/users/{id}/logs: the user's log events at the provider, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import Directory
from userdesk.desk.errors import UPSTREAM_ERRORS, ErrorRead, SearchCapReached
from userdesk.permissions import Permission

router = APIRouter(prefix="/api/users", tags=["logs"], responses=UPSTREAM_ERRORS)

CanReadUsers = Annotated[Staff, RequirePermission(Permission.READ_USERS)]

# Auth0 pages through at most the first 1000 log events of a query.
LOGS_CAP = 1000


class LogEventRead(BaseModel):
    log_id: str | None
    date: datetime
    type: str
    type_label: str
    description: str | None
    client_name: str | None
    ip: str | None
    user_agent: str | None
    connection: str | None


class LogList(BaseModel):
    logs: list[LogEventRead]
    page: int
    per_page: int


@router.get(
    "/{user_id}/logs",
    response_model=LogList,
    summary="The user's log events (sign-ins, changes), newest first",
    responses={400: {"model": ErrorRead}, 404: {"model": ErrorRead}},
)
async def user_logs(
    _staff: CanReadUsers,
    directory: Directory,
    user_id: str,
    page: Annotated[int, Query(ge=1, description="Page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> LogList:
    if (page - 1) * per_page >= LOGS_CAP:
        raise SearchCapReached(
            f"Only the newest {LOGS_CAP:,} events of a user can be shown; page {page} starts "
            "past them"
        )
    events = await directory.logs.of_user(user_id, page=page - 1, per_page=per_page)
    return LogList(
        logs=[
            LogEventRead(
                log_id=e.log_id,
                date=e.date,
                type=e.type,
                type_label=e.type_label,
                description=e.description,
                client_name=e.client_name,
                ip=e.ip,
                user_agent=e.user_agent,
                connection=e.connection,
            )
            for e in events
        ],
        page=page,
        per_page=per_page,
    )
