"""/api/v2/connections: the tenant's connections and their password policies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from userdesk.tenant.context import DbSession
from userdesk.tenant.management.auth import Caller, RequireScope
from userdesk.tenant.management.connections.schemas import (
    ConnectionRead,
    ConnectionsCheckpoint,
    ConnectionsPage,
)
from userdesk.tenant.management.connections.service import ConnectionService
from userdesk.tenant.management.paging import field_list, select_fields
from userdesk.tenant.management.params import Page, PerPage, Take

router = APIRouter(tags=["connections"])

ReadConnections = Annotated[Caller, Depends(RequireScope("read:connections"))]
Fields = Annotated[str | None, Query(description="Comma-separated fields to include or exclude")]
Strategies = Annotated[list[str] | None, Query(description="Only these strategies (repeatable)")]
CONNECTION_LIST: dict[int | str, dict[str, Any]] = {
    200: {"model": list[ConnectionRead] | ConnectionsPage | ConnectionsCheckpoint}
}
ONE_CONNECTION: dict[int | str, dict[str, Any]] = {200: {"model": ConnectionRead}}


@router.get("/connections", responses=CONNECTION_LIST, response_class=JSONResponse)
def list_connections(
    session: DbSession,
    _caller: ReadConnections,
    page: Page = None,
    per_page: PerPage = None,
    include_totals: bool = False,
    take: Take = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    strategy: Strategies = None,
    name: str | None = None,
    fields: Fields = None,
    include_fields: bool = True,
) -> JSONResponse:
    """The reply's shape follows the paging parameters, as at Auth0: none gives a bare array,
    ``include_totals`` an offset envelope, ``take``/``from`` a checkpoint (auth0-python 5
    always sends ``take``)."""
    service = ConnectionService(session)
    strategies = strategy or []
    selected = field_list(fields)
    if take is not None or from_ is not None:
        listing = service.after(strategies, name, from_, take or 50)
        body: dict[str, Any] = {
            "connections": [select_fields(c, selected, include_fields) for c in listing.connections]
        }
        if listing.next:
            body["next"] = listing.next
        return JSONResponse(body)
    listing = service.page(strategies, name, page, per_page, include_totals)
    items = [select_fields(c, selected, include_fields) for c in listing.connections]
    if not include_totals:
        return JSONResponse(items)
    envelope = {"start": listing.start, "limit": listing.limit, "total": listing.total}
    return JSONResponse({**envelope, "connections": items})


@router.get("/connections/{connection_id}", responses=ONE_CONNECTION, response_class=JSONResponse)
def get_connection(
    connection_id: str,
    session: DbSession,
    _caller: ReadConnections,
    fields: Fields = None,
    include_fields: bool = True,
) -> JSONResponse:
    connection = ConnectionService(session).get(connection_id)
    return JSONResponse(select_fields(connection, field_list(fields), include_fields))
