"""Request and response shapes of roles, permissions and role members."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RoleRead(BaseModel):
    id: str
    name: str
    description: str


class RoleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1, max_length=255)
    description: str = ""


class RoleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = None


class PermissionRef(BaseModel):
    model_config = ConfigDict(strict=True)

    resource_server_identifier: str
    permission_name: str


class PermissionsBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    permissions: list[PermissionRef] = Field(min_length=1)


class RolesBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    roles: list[str] = Field(min_length=1)


class UsersBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    users: list[str] = Field(min_length=1)


class PermissionSource(BaseModel):
    source_id: str
    source_name: str
    source_type: str  # DIRECT | ROLE


class PermissionRead(BaseModel):
    resource_server_identifier: str
    permission_name: str
    resource_server_name: str
    description: str
    sources: list[PermissionSource] | None = None


class RoleMember(BaseModel):
    user_id: str
    email: str | None = None
    name: str | None = None
    picture: str | None = None


class RolesPage(BaseModel):
    start: int
    limit: int
    total: int
    roles: list[RoleRead]


class PermissionsPage(BaseModel):
    start: int
    limit: int
    total: int
    permissions: list[PermissionRead]


class MembersPage(BaseModel):
    start: int
    limit: int
    total: int
    users: list[RoleMember]


class MembersCheckpoint(BaseModel):
    """from/take paging: ``next`` is the cursor for the following call, absent at the end."""

    next: str | None = None
    users: list[RoleMember]
