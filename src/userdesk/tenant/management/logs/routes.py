"""/api/v2/logs and /api/v2/users/{id}/logs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from userdesk.tenant.context import DbSession
from userdesk.tenant.management.auth import Caller, RequireScope
from userdesk.tenant.management.logs.repository import LogFilter
from userdesk.tenant.management.logs.service import LogService, log_json
from userdesk.tenant.management.paging import field_list, select_fields
from userdesk.tenant.management.params import Page, PerPage, Take

router = APIRouter(tags=["logs"])

ReadLogs = Annotated[Caller, Depends(RequireScope("read:logs", "read:logs_users"))]


class LogRead(BaseModel):
    """A log event; every attribute is optional because ``fields`` may leave any out."""

    log_id: str | None = None
    date: str | None = None
    type: str | None = None
    description: str | None = None
    client_id: str | None = None
    client_name: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    connection: str | None = None
    connection_id: str | None = None
    audience: str | None = None
    scope: str | None = None
    details: dict[str, Any] | None = None


class LogsPage(BaseModel):
    start: int
    limit: int
    length: int
    total: int
    logs: list[LogRead]


LOG_LIST: dict[int | str, dict[str, Any]] = {200: {"model": list[LogRead] | LogsPage}}


def _answer(
    service: LogService,
    where: LogFilter,
    *,
    page: int | None,
    per_page: int | None,
    sort: str | None,
    include_totals: bool,
    fields: str | None,
    include_fields: bool,
    from_: str | None,
    take: int | None,
) -> JSONResponse:
    names = field_list(fields)
    if from_ is not None or (take is not None and page is None):
        events = service.checkpoint(where, from_, take or 50)
        return JSONResponse([select_fields(log_json(e), names, include_fields) for e in events])
    result = service.page(where, page=page, per_page=per_page, sort=sort, with_total=include_totals)
    logs = [select_fields(log_json(e), names, include_fields) for e in result.logs]
    if not include_totals:
        return JSONResponse(logs)
    return JSONResponse(
        {
            "start": result.paging.start,
            "limit": result.paging.limit,
            "length": len(logs),
            "total": result.total,
            "logs": logs,
        }
    )


@router.get("/logs", responses=LOG_LIST, response_class=JSONResponse)
def list_logs(
    session: DbSession,
    _caller: ReadLogs,
    page: Page = None,
    per_page: PerPage = None,
    sort: str | None = None,
    fields: str | None = None,
    include_fields: bool = True,
    include_totals: bool = False,
    from_: Annotated[str | None, Query(alias="from")] = None,
    take: Take = None,
    q: str | None = None,
    search_engine: str | None = None,
) -> JSONResponse:
    service = LogService(session)
    return _answer(
        service,
        LogFilter(q=q),
        page=page,
        per_page=per_page,
        sort=sort,
        include_totals=include_totals,
        fields=fields,
        include_fields=include_fields,
        from_=from_,
        take=take,
    )


@router.get("/users/{user_id}/logs", responses=LOG_LIST, response_class=JSONResponse)
def user_logs(
    user_id: str,
    session: DbSession,
    _caller: ReadLogs,
    page: Page = None,
    per_page: PerPage = None,
    sort: str | None = None,
    include_totals: bool = False,
) -> JSONResponse:
    service = LogService(session)
    return _answer(
        service,
        service.of_user(user_id),
        page=page,
        per_page=per_page,
        sort=sort,
        include_totals=include_totals,
        fields=None,
        include_fields=True,
        from_=None,
        take=None,
    )
