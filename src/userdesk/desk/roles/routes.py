"""/api/roles and /api/users/{id}/roles: thin routes over the role service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import Actors, Audit, Desk, Directory, RequestId
from userdesk.desk.directory.roles import Role
from userdesk.desk.errors import UPSTREAM_ERRORS, ErrorRead
from userdesk.desk.roles.schemas import RoleAssignment, RoleList, RoleRead
from userdesk.desk.roles.service import RoleService
from userdesk.permissions import Permission

router = APIRouter(prefix="/api", tags=["roles"], responses=UPSTREAM_ERRORS)


def get_service(desk: Desk, directory: Directory, audit: Audit, actors: Actors) -> RoleService:
    return RoleService(directory, audit, actors, staff_api=desk.settings.auth0_audience or "")


Roles = Annotated[RoleService, Depends(get_service)]
CanReadUsers = Annotated[Staff, RequirePermission(Permission.READ_USERS)]
CanAssignRoles = Annotated[
    Staff, RequirePermission(Permission.UPDATE_ROLES, audit_as="roles.assign")
]
CanRemoveRoles = Annotated[
    Staff, RequirePermission(Permission.UPDATE_ROLES, audit_as="roles.remove")
]


def _list(roles: list[Role]) -> RoleList:
    return RoleList(
        roles=[RoleRead(id=r.id, name=r.name, description=r.description) for r in roles]
    )


@router.get("/roles", response_model=RoleList, summary="The tenant's roles")
async def list_roles(_staff: CanReadUsers, roles: Roles) -> RoleList:
    return _list(await roles.all())


@router.get(
    "/users/{user_id}/roles",
    response_model=RoleList,
    summary="The roles a user holds",
    responses={404: {"model": ErrorRead}},
)
async def user_roles(_staff: CanReadUsers, roles: Roles, user_id: str) -> RoleList:
    return _list(await roles.of_user(user_id))


@router.post(
    "/users/{user_id}/roles",
    status_code=204,
    response_class=Response,
    summary="Give a user roles",
    responses={400: {"model": ErrorRead}, 404: {"model": ErrorRead}},
)
async def assign_roles(
    staff: CanAssignRoles, roles: Roles, user_id: str, body: RoleAssignment, request_id: RequestId
) -> Response:
    await roles.assign(staff, user_id, body.roles, request_id)
    return Response(status_code=204)


@router.delete(
    "/users/{user_id}/roles",
    status_code=204,
    response_class=Response,
    summary="Take roles from a user (never the last holder's manage:users)",
    responses={
        400: {"model": ErrorRead},
        404: {"model": ErrorRead},
        409: {"model": ErrorRead, "description": "It would leave nobody with manage:users"},
    },
)
async def remove_roles(
    staff: CanRemoveRoles, roles: Roles, user_id: str, body: RoleAssignment, request_id: RequestId
) -> Response:
    await roles.remove(staff, user_id, body.roles, request_id)
    return Response(status_code=204)
