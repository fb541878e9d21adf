"""/api/v2/users, /api/v2/users-by-email and /api/v2/user-blocks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from userdesk.tenant.context import DbSession, Tenant
from userdesk.tenant.management.audit import ApiCall, RequireWriteScope
from userdesk.tenant.management.auth import Caller, RequireScope
from userdesk.tenant.management.paging import field_list, select_fields
from userdesk.tenant.management.params import Page, PerPage
from userdesk.tenant.management.tickets.service import TicketService
from userdesk.tenant.management.users.schemas import (
    UserBlocks,
    UserCreate,
    UserRead,
    UsersPage,
    UserUpdate,
    listed_columns,
    listed_users,
    user_json,
)
from userdesk.tenant.management.users.service import UserService

router = APIRouter(tags=["users"])

ReadUsers = Annotated[Caller, Depends(RequireScope("read:users"))]
CreateUsers = Annotated[ApiCall, Depends(RequireWriteScope("create:users"))]
UpdateUsers = Annotated[ApiCall, Depends(RequireWriteScope("update:users"))]
DeleteUsers = Annotated[ApiCall, Depends(RequireWriteScope("delete:users"))]

Fields = Annotated[str | None, Query(description="Comma-separated fields to include or exclude")]
IncludeFields = Annotated[bool, Query()]
USER_LIST: dict[int | str, dict[str, Any]] = {200: {"model": list[UserRead] | UsersPage}}
ONE_USER: dict[int | str, dict[str, Any]] = {200: {"model": UserRead}}


def _shape(document: dict[str, Any], fields: str | None, include: bool) -> dict[str, Any]:
    return select_fields(document, field_list(fields), include)


@router.get("/users", responses=USER_LIST, response_class=JSONResponse)
async def list_users(
    tenant: Tenant,
    _caller: ReadUsers,
    page: Page = None,
    per_page: PerPage = None,
    include_totals: bool = False,
    sort: str | None = None,
    q: str | None = None,
    search_engine: Literal["v1", "v2", "v3"] | None = None,
    connection: str | None = None,
    fields: Fields = None,
    include_fields: IncludeFields = True,
    primary_order: bool | None = None,
) -> Response:
    # The hot path of every user directory: the dependencies above are async (no thread hop
    # each), and the answer is rendered once, from rows, by orjson. A listing of every user
    # reads a bounded number of rows, well under a millisecond's work for SQLite in this
    # process: it runs right here on the event loop, as the loop's other work does. A search
    # may take longer, and a database server answers over the network: those run on a worker
    # thread, so that other requests go on meanwhile. (Worker threads are not free: SQLite
    # hands the GIL back at every row, and under load the threads and the loop pass it to
    # and fro, which doubled the CPU of a page.)
    names = field_list(fields)

    def answer() -> bytes:
        with tenant.read_sessions() as session:
            result = UserService(session).search(
                q=q,
                page=page,
                per_page=per_page,
                sort=sort,
                connection=connection,
                with_total=include_totals,
                columns=listed_columns(names, include_fields),
            )
        users = listed_users(result.users)
        if names is not None:
            users = [select_fields(user, names, include_fields) for user in users]
        if not include_totals:
            return orjson.dumps(users)
        return orjson.dumps(
            {
                "start": result.paging.start,
                "limit": result.paging.limit,
                "length": len(users),
                "total": result.total,
                "users": users,
            }
        )

    if tenant.in_process_store and UserService.lists_plainly(q=q, connection=connection, sort=sort):
        body = answer()
    else:
        body = await run_in_threadpool(answer)
    return Response(body, media_type="application/json")


# The users' writes run whole on the tenant's writer thread (TenantContext.write).


@router.post("/users", status_code=201, responses={201: {"model": UserRead}})
async def create_user(body: UserCreate, tenant: Tenant, call: CreateUsers) -> JSONResponse:
    def create(session: Session) -> dict[str, Any]:
        user = UserService(session).create(body, call)
        TicketService(session, tenant.settings.origin).welcome(user, body.verify_email)
        return user_json(user)

    return JSONResponse(await tenant.write(create), status_code=201)


@router.get("/users/{user_id}", responses=ONE_USER, response_class=JSONResponse)
async def get_user(
    user_id: str,
    session: DbSession,
    _caller: ReadUsers,
    fields: Fields = None,
    include_fields: IncludeFields = True,
) -> JSONResponse:
    # On the event loop: one row by its key (and its identities) from a WAL database, which
    # never waits for a writer, costs less than the trip to a worker thread and back.
    user = UserService(session).get(user_id)
    return JSONResponse(_shape(user_json(user), fields, include_fields))


@router.patch("/users/{user_id}", responses=ONE_USER, response_class=JSONResponse)
async def update_user(
    user_id: str, body: UserUpdate, tenant: Tenant, call: UpdateUsers
) -> JSONResponse:
    def update(session: Session) -> dict[str, Any]:
        return user_json(UserService(session).update(user_id, body, call))

    # Without a new password to hash, an update is a few statements.
    return JSONResponse(await tenant.write(update, short=body.password is None))


@router.delete("/users/{user_id}", status_code=204)
async def delete_user(user_id: str, tenant: Tenant, call: DeleteUsers) -> Response:
    def delete(session: Session) -> None:
        UserService(session).delete(user_id, call)

    await tenant.write(delete, short=True)
    return Response(status_code=204)


@router.get("/users-by-email", responses={200: {"model": list[UserRead]}})
def users_by_email(
    session: DbSession,
    _caller: ReadUsers,
    email: str,
    fields: Fields = None,
    include_fields: IncludeFields = True,
) -> JSONResponse:
    users = UserService(session).by_email(email)
    return JSONResponse([_shape(user_json(u), fields, include_fields) for u in users])


@router.get("/user-blocks/{user_id}")
def get_user_blocks(user_id: str, session: DbSession, _caller: ReadUsers) -> UserBlocks:
    return UserBlocks.model_validate({"blocked_for": UserService(session).blocks_of(user_id)})


@router.delete("/user-blocks/{user_id}", status_code=204)
def delete_user_blocks(user_id: str, session: DbSession, call: UpdateUsers) -> Response:
    UserService(session).unblock(user_id, call)
    return Response(status_code=204)


@router.get("/user-blocks")
def get_blocks_by_identifier(identifier: str, session: DbSession, _caller: ReadUsers) -> UserBlocks:
    blocks = UserService(session).blocks_by_identifier(identifier)
    return UserBlocks.model_validate({"blocked_for": blocks})


@router.delete("/user-blocks", status_code=204)
def delete_blocks_by_identifier(identifier: str, session: DbSession, call: UpdateUsers) -> Response:
    UserService(session).unblock_identifier(identifier, call)
    return Response(status_code=204)
