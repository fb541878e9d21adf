"""Roles of users: reading them, and assigning or removing them with an audit entry.

Removing roles may take ``manage:users`` away from its last holder, which would leave nobody
able to administer the desk: that is refused before anything is changed.
"""

from __future__ import annotations

from userdesk.desk.audit.service import AuditLog
from userdesk.desk.auth import Staff
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.directory.roles import Role
from userdesk.desk.errors import BadQuery, Conflict
from userdesk.permissions import Permission


class RoleService:
    def __init__(
        self, directory: DirectoryGateway, audit: AuditLog, actors: ActorEmails, staff_api: str
    ) -> None:
        self._roles = directory.roles
        self._users = directory.users
        self._audit = audit
        self._actors = actors
        self._staff_api = staff_api

    async def all(self) -> list[Role]:
        return sorted(await self._roles.all(), key=lambda role: role.name)

    async def of_user(self, user_id: str) -> list[Role]:
        await self._users.get(user_id)  # 404 for an unknown user, whatever the provider says
        return sorted(await self._roles.of_user(user_id), key=lambda role: role.name)

    async def assign(
        self, staff: Staff, user_id: str, role_ids: list[str], request_id: str
    ) -> None:
        actor = await self._actors.complete(staff)
        async with self._audit.write(actor, "roles.assign", user_id, request_id) as record:
            before = await self.of_user(user_id)
            await self._known(role_ids)
            await self._roles.assign(user_id, role_ids)
            record.before = {"roles": [role.name for role in before]}
            record.after = {"roles": [role.name for role in await self.of_user(user_id)]}

    async def remove(
        self, staff: Staff, user_id: str, role_ids: list[str], request_id: str
    ) -> None:
        actor = await self._actors.complete(staff)
        async with self._audit.write(actor, "roles.remove", user_id, request_id) as record:
            before = await self.of_user(user_id)
            await self._ensure_an_admin_remains(user_id, set(role_ids))
            await self._roles.remove(user_id, role_ids)
            record.before = {"roles": [role.name for role in before]}
            record.after = {"roles": [role.name for role in await self.of_user(user_id)]}

    async def _known(self, role_ids: list[str]) -> None:
        known = {role.id for role in await self._roles.all()}
        unknown = sorted(set(role_ids) - known)
        if unknown:
            raise BadQuery(f"No role with id {', '.join(unknown)}")

    async def _ensure_an_admin_remains(self, user_id: str, removed: set[str]) -> None:
        manage = Permission.MANAGE_USERS.value
        granting = await self._roles.roles_granting(manage, self._staff_api)
        if not granting & removed:
            return  # none of the removed roles carries it
        if manage in await self._roles.direct_permissions(user_id, self._staff_api):
            return  # held directly, not only through roles
        kept = {role.id for role in await self._roles.of_user(user_id)} - removed
        if kept & granting:
            return  # still held through another role
        holders = await self._roles.holders_of(manage, self._staff_api)
        if holders - {user_id}:
            return
        raise Conflict(
            f"{user_id} is the last staff member who holds {manage}: give another staff "
            "member that permission first"
        )
