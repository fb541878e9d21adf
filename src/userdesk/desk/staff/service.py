"""Roles of the signed-in staff member, looked up in the directory.

Access tokens carry permissions but not role names (Auth0 adds roles only through a custom
Action), so the desk asks the Management API, which works the same against any tenant.
"""

from __future__ import annotations

import time

from userdesk.desk.auth import Staff
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.directory.roles import Role
from userdesk.desk.directory.users import UserNotFound
from userdesk.desk.staff.schemas import StaffRead, StaffRoleRead

# Role changes show up within this long; a page load costs no Management call meanwhile.
ROLES_TTL_SECONDS = 60.0
MAX_ENTRIES = 1000


class StaffService:
    def __init__(self, directory: DirectoryGateway, actors: ActorEmails) -> None:
        self._roles_api = directory.roles
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
            found: list[Role] = await self._roles_api.of_user(sub)
        except UserNotFound:
            found = []
        roles = sorted(
            (StaffRoleRead(id=role.id, name=role.name) for role in found),
            key=lambda role: role.name,
        )
        if len(self._roles) >= MAX_ENTRIES:
            self._roles.clear()
        self._roles[sub] = (now, roles)
        return roles
