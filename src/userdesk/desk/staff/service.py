"""Roles of the signed-in staff member, looked up in the directory.

Access tokens carry permissions but not role names (Auth0 adds roles only through a custom
Action), so the desk asks the Management API, which works the same against any tenant.
"""

from __future__ import annotations

import time
from typing import Any

from userdesk.desk.auth import Staff
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.errors import NotFound
from userdesk.desk.staff.schemas import StaffRead, StaffRoleRead

# Role changes show up within this long; a page load costs no Management call meanwhile.
ROLES_TTL_SECONDS = 60.0
MAX_ENTRIES = 1000


class StaffService:
    def __init__(self, directory: ManagementClient, actors: ActorEmails) -> None:
        self._directory = directory
        self._actors = actors
        self._roles: dict[str, tuple[float, list[StaffRoleRead]]] = {}

    async def describe(self, staff: Staff) -> StaffRead:
        staff = await self._actors.complete(staff)
        return StaffRead(
            sub=staff.sub,
            email=staff.email,
            permissions=sorted(staff.permissions),
            roles=await self._roles_of(staff.sub),
        )

    async def _roles_of(self, sub: str) -> list[StaffRoleRead]:
        if sub.endswith("@clients"):
            return []  # a machine client holds grants, not roles
        now = time.monotonic()
        cached = self._roles.get(sub)
        if cached is not None and now - cached[0] < ROLES_TTL_SECONDS:
            return cached[1]
        try:
            body: Any = await self._directory.get(
                f"{ManagementClient.user_path(sub)}/roles", {"per_page": 100}
            )
        except NotFound:
            body = []
        rows = body.get("roles", []) if isinstance(body, dict) else body
        roles = sorted(
            (StaffRoleRead.model_validate(r) for r in rows if isinstance(r, dict)),
            key=lambda role: role.name,
        )
        if len(self._roles) >= MAX_ENTRIES:
            self._roles.clear()
        self._roles[sub] = (now, roles)
        return roles
