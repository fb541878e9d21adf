"""/api/users: thin routes over the users service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import RequestId
from userdesk.desk.directory.users import NewUser, UserChanges
from userdesk.desk.errors import UPSTREAM_ERRORS, BadQuery, ErrorRead
from userdesk.desk.rows import ENCODER
from userdesk.desk.users.schemas import (
    USER_LIST_ROW,
    USER_PAGE,
    BlockList,
    BlockRead,
    UserCreate,
    UserList,
    UserRead,
    UserUpdate,
)
from userdesk.desk.users.service import UserService
from userdesk.permissions import Permission

router = APIRouter(prefix="/api/users", tags=["users"], responses=UPSTREAM_ERRORS)


async def get_service(request: Request) -> UserService:
    # One service for the desk's lifetime (it holds no request's state): a dependency of
    # the request alone, where building it from four more cost every request their solving.
    service: UserService = request.app.state.desk.users
    return service


Users = Annotated[UserService, Depends(get_service)]
CanReadUsers = Annotated[Staff, RequirePermission(Permission.READ_USERS)]
CanUpdateUsers = Annotated[
    Staff, RequirePermission(Permission.UPDATE_USERS, audit_as="users.update")
]
CanCreateUsers = Annotated[
    Staff, RequirePermission(Permission.CREATE_USERS, audit_as="users.create")
]
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
    found = await users.search_as(USER_PAGE, q, page, per_page, sort)
    # The users were read once from the provider's JSON into UserRead's msgspec twin, and the
    # answer is written once from UserList's (returned as a model, FastAPI would validate it
    # against response_model once more, then serialize it).
    answer = USER_LIST_ROW(
        users=found.users,
        total=found.total,
        total_is_capped=found.total_is_capped,
        page=page,
        per_page=per_page,
    )
    return Response(ENCODER.encode(answer), media_type="application/json")


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


@router.post(
    "",
    status_code=201,
    response_model=UserRead,
    summary="Create a user in a database connection",
    responses={
        400: {"model": ErrorRead, "description": "Invalid input, or a password too weak"},
        409: {"model": ErrorRead, "description": "A user with that email exists"},
    },
)
async def create_user(
    staff: CanCreateUsers, users: Users, body: UserCreate, request_id: RequestId
) -> UserRead:
    new = NewUser(
        connection=body.connection or await users.default_connection(),
        email=body.email,
        password=body.password,
        name=body.name,
        email_verified=body.email_verified,
        app_metadata=body.app_metadata,
        user_metadata=body.user_metadata,
    )
    return UserRead.from_directory(await users.create(staff, new, request_id))


@router.patch(
    "/{user_id}",
    response_model=UserRead,
    summary="Change a user's profile, metadata or blocked state",
    responses={
        400: {"model": ErrorRead, "description": "Invalid input"},
        404: {"model": ErrorRead},
        409: {"model": ErrorRead, "description": "Another user has that email"},
    },
)
async def update_user(
    staff: CanUpdateUsers, users: Users, user_id: str, body: UserUpdate, request_id: RequestId
) -> UserRead:
    changes = UserChanges.model_validate(body.model_dump(exclude_unset=True))
    if not changes.body():
        raise BadQuery("Nothing to change: send at least one field")
    return UserRead.from_directory(await users.update(staff, user_id, changes, request_id))


@router.get(
    "/{user_id}/blocks",
    response_model=BlockList,
    summary="The user's brute-force blocks (sign-ins refused after failed attempts)",
    responses={404: {"model": ErrorRead}},
)
async def user_blocks(_staff: CanReadUsers, users: Users, user_id: str) -> BlockList:
    return BlockList(
        blocked_for=[BlockRead.model_validate(b.model_dump()) for b in await users.blocks(user_id)]
    )
