"""What ``GET /api/me`` answers (names are stable: the SPA's client is generated from them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StaffRoleRead(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    name: str


class StaffRead(BaseModel):
    sub: str
    email: str | None
    # As the desk applies them: ``manage:users`` already expanded to what it implies.
    permissions: list[str]
    roles: list[StaffRoleRead]
