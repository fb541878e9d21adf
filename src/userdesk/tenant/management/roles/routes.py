"""/api/v2/roles and the role routes under /api/v2/users/{id}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from userdesk.tenant.context import DbSession
from userdesk.tenant.management.audit import ApiCall, RequireWriteScope
from userdesk.tenant.management.auth import Caller, RequireScope
from userdesk.tenant.management.params import Page, PerPage, Take
from userdesk.tenant.management.roles.schemas import (
    MembersCheckpoint,
    MembersPage,
    PermissionRead,
    PermissionsBody,
    PermissionsPage,
    RoleCreate,
    RoleMember,
    RoleRead,
    RolesBody,
    RolesPage,
    RoleUpdate,
    UsersBody,
)
from userdesk.tenant.management.roles.service import Listing, RoleService, role_json

router = APIRouter(tags=["roles"])

ReadRoles = Annotated[Caller, Depends(RequireScope("read:roles"))]
CreateRoles = Annotated[ApiCall, Depends(RequireWriteScope("create:roles"))]
UpdateRoles = Annotated[ApiCall, Depends(RequireWriteScope("update:roles"))]
DeleteRoles = Annotated[ApiCall, Depends(RequireWriteScope("delete:roles"))]
ReadMembers = Annotated[Caller, Depends(RequireScope("read:role_members", "read:roles"))]
AddMembers = Annotated[ApiCall, Depends(RequireWriteScope("create:role_members", "update:roles"))]
RemoveMembers = Annotated[
    ApiCall, Depends(RequireWriteScope("delete:role_members", "update:roles"))
]
ReadUsers = Annotated[Caller, Depends(RequireScope("read:users"))]
UpdateUsers = Annotated[ApiCall, Depends(RequireWriteScope("update:users"))]

Responses = dict[int | str, dict[str, Any]]
ROLE_LIST: Responses = {200: {"model": list[RoleRead] | RolesPage}}
PERMISSION_LIST: Responses = {200: {"model": list[PermissionRead] | PermissionsPage}}
MEMBER_LIST: Responses = {200: {"model": list[RoleMember] | MembersPage | MembersCheckpoint}}


def listed(listing: Listing, key: str, include_totals: bool) -> JSONResponse:
    if not include_totals:
        return JSONResponse(listing.items)
    return JSONResponse(
        {"start": listing.start, "limit": listing.limit, "total": listing.total, key: listing.items}
    )


@router.get("/roles", responses=ROLE_LIST, response_class=JSONResponse)
def list_roles(
    session: DbSession,
    _caller: ReadRoles,
    page: Page = None,
    per_page: PerPage = None,
    include_totals: bool = False,
    name_filter: str | None = None,
) -> JSONResponse:
    listing = RoleService(session).list_roles(name_filter, page, per_page)
    return listed(listing, "roles", include_totals)


@router.post("/roles", status_code=200)
def create_role(body: RoleCreate, session: DbSession, call: CreateRoles) -> RoleRead:
    role = RoleService(session).create(body, call)
    return RoleRead.model_validate(role_json(role))


@router.get("/roles/{role_id}")
def get_role(role_id: str, session: DbSession, _caller: ReadRoles) -> RoleRead:
    return RoleRead.model_validate(role_json(RoleService(session).get(role_id)))


@router.patch("/roles/{role_id}")
def update_role(role_id: str, body: RoleUpdate, session: DbSession, call: UpdateRoles) -> RoleRead:
    role = RoleService(session).update(role_id, body, call)
    return RoleRead.model_validate(role_json(role))


@router.delete("/roles/{role_id}", status_code=204)
def delete_role(role_id: str, session: DbSession, call: DeleteRoles) -> Response:
    RoleService(session).delete(role_id, call)
    return Response(status_code=204)


@router.get("/roles/{role_id}/permissions", responses=PERMISSION_LIST, response_class=JSONResponse)
def role_permissions(
    role_id: str,
    session: DbSession,
    _caller: ReadRoles,
    page: Page = None,
    per_page: PerPage = None,
    include_totals: bool = False,
) -> JSONResponse:
    listing = RoleService(session).permissions(role_id, page, per_page)
    return listed(listing, "permissions", include_totals)


@router.post("/roles/{role_id}/permissions", status_code=201)
def add_role_permissions(
    role_id: str, body: PermissionsBody, session: DbSession, call: UpdateRoles
) -> Response:
    RoleService(session).add_permissions(role_id, body.permissions, call)
    return Response(status_code=201)


@router.delete("/roles/{role_id}/permissions", status_code=204)
def remove_role_permissions(
    role_id: str, body: PermissionsBody, session: DbSession, call: UpdateRoles
) -> Response:
    RoleService(session).remove_permissions(role_id, body.permissions, call)
    return Response(status_code=204)


@router.get("/roles/{role_id}/users", responses=MEMBER_LIST, response_class=JSONResponse)
def role_users(
    role_id: str,
    session: DbSession,
    _caller: ReadMembers,
    page: Page = None,
    per_page: PerPage = None,
    include_totals: bool = False,
    from_: Annotated[str | None, Query(alias="from")] = None,
    take: Take = None,
) -> JSONResponse:
    service = RoleService(session)
    if from_ is not None or take is not None:
        users, following = service.members_after(role_id, from_, take or 50)
        body: dict[str, Any] = {"users": users}
        if following is not None:
            body["next"] = following
        return JSONResponse(body)
    return listed(service.members(role_id, page, per_page), "users", include_totals)


@router.post("/roles/{role_id}/users", status_code=201)
def add_role_users(role_id: str, body: UsersBody, session: DbSession, call: AddMembers) -> Response:
    RoleService(session).add_members(role_id, body.users, call)
    return Response(status_code=201)


@router.get("/users/{user_id}/roles", responses=ROLE_LIST, response_class=JSONResponse)
def user_roles(
    user_id: str,
    session: DbSession,
    _caller: ReadRoles,
    page: Page = None,
    per_page: PerPage = None,
    include_totals: bool = False,
) -> JSONResponse:
    return listed(RoleService(session).roles_of(user_id, page, per_page), "roles", include_totals)


@router.post("/users/{user_id}/roles", status_code=204)
def assign_user_roles(
    user_id: str, body: RolesBody, session: DbSession, call: AddMembers
) -> Response:
    RoleService(session).assign(user_id, body.roles, call)
    return Response(status_code=204)


@router.delete("/users/{user_id}/roles", status_code=204)
def remove_user_roles(
    user_id: str, body: RolesBody, session: DbSession, call: RemoveMembers
) -> Response:
    RoleService(session).unassign(user_id, body.roles, call)
    return Response(status_code=204)


@router.get("/users/{user_id}/permissions", responses=PERMISSION_LIST, response_class=JSONResponse)
def user_permissions(
    user_id: str,
    session: DbSession,
    _caller: ReadUsers,
    page: Page = None,
    per_page: PerPage = None,
    include_totals: bool = False,
) -> JSONResponse:
    listing = RoleService(session).user_permissions(user_id, page, per_page)
    return listed(listing, "permissions", include_totals)


@router.post("/users/{user_id}/permissions", status_code=201)
def grant_user_permissions(
    user_id: str, body: PermissionsBody, session: DbSession, call: UpdateUsers
) -> Response:
    RoleService(session).grant(user_id, body.permissions, call)
    return Response(status_code=201)


@router.delete("/users/{user_id}/permissions", status_code=204)
def revoke_user_permissions(
    user_id: str, body: PermissionsBody, session: DbSession, call: UpdateUsers
) -> Response:
    RoleService(session).revoke(user_id, body.permissions, call)
    return Response(status_code=204)
