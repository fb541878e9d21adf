"""/api/users: thin routes over the users service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import Actors, Audit, Desk, Directory, RequestId
from userdesk.desk.errors import INVALID_REQUEST, ErrorRead
from userdesk.desk.users.schemas import UserList, UserRead
from userdesk.desk.users.service import UserService
from userdesk.permissions import Permission

_upstream_errors: dict[int | str, dict[str, object]] = {
    **INVALID_REQUEST,
    401: {"model": ErrorRead},
    403: {"model": ErrorRead},
    429: {"model": ErrorRead, "description": "Rate limited by the identity provider"},
    502: {"model": ErrorRead, "description": "The identity provider failed"},
    503: {"model": ErrorRead, "description": "The identity provider is unreachable"},
}

router = APIRouter(prefix="/api/users", tags=["users"], responses=_upstream_errors)


async def get_service(
    desk: Desk, directory: Directory, audit: Audit, actors: Actors
) -> UserService:
    return UserService(
        directory, audit, actors, desk.accounts, staff_api=desk.settings.auth0_audience or ""
    )


Users = Annotated[UserService, Depends(get_service)]
CanReadUsers = Annotated[Staff, RequirePermission(Permission.READ_USERS)]
CanDeleteUsers = Annotated[
    Staff, RequirePermission(Permission.DELETE_USERS, audit_as="users.delete")
]


@router.get(
    "",
    response_model=UserList,
    summary="List or search users",
    responses={400: {"model": ErrorRead, "description": "Bad query, or past Auth0's 1000 cap"}},
)
async def list_users(
    _staff: CanReadUsers,
    users: Users,
    q: Annotated[
        str | None, Query(description="Auth0 user search (Lucene subset), passed through")
    ] = None,
    page: Annotated[int, Query(ge=1, description="Page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
    sort: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z_.]+:-?1$", description="field:1 or field:-1", examples=["email:1"]
        ),
    ] = None,
) -> Response:
    found = await users.search(q, page, per_page, sort)
    answer = UserList(
        users=UserRead.many_from_directory(found.users),
        total=found.total,
        total_is_capped=found.total_is_capped,
        page=page,
        per_page=per_page,
    )
    # Serialized once, by pydantic's own serializer: returned as a model, FastAPI would
    # validate the answer against response_model again before serializing it.
    return Response(answer.model_dump_json(), media_type="application/json")


@router.get(
    "/{user_id}",
    response_model=UserRead,
    summary="One user",
    responses={404: {"model": ErrorRead}},
)
async def get_user(_staff: CanReadUsers, users: Users, user_id: str) -> UserRead:
    return UserRead.from_directory(await users.get(user_id))


@router.delete(
    "/{user_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a user (recorded in the audit log, with the profile as it was)",
    responses={
        404: {"model": ErrorRead},
        409: {"model": ErrorRead, "description": "One's own account, or the last admin"},
    },
)
async def delete_user(
    staff: CanDeleteUsers, users: Users, user_id: str, request_id: RequestId
) -> Response:
    await users.delete(staff, user_id, request_id)
    return Response(status_code=204)
