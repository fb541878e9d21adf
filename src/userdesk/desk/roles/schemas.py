"""What the roles routes take and answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RoleRead(BaseModel):
    id: str
    name: str
    description: str | None = None


class RoleList(BaseModel):
    roles: list[RoleRead]


class RoleAssignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: list[str] = Field(min_length=1, max_length=50, description="Role ids")
