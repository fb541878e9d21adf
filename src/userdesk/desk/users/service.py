"""Users: the desk's paging over the provider's, and deletes recorded in the audit log."""

from __future__ import annotations

import asyncio
from typing import Any

from userdesk.desk.audit.service import AuditLog, Recording
from userdesk.desk.auth import Staff
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.directory.users import (
    SEARCH_CAP,
    Block,
    DirectoryUser,
    NewUser,
    Page,
    PageReader,
    UserChanges,
    UserNotFound,
    UserPage,
)
from userdesk.desk.errors import BadQuery, Conflict, SearchCapReached
from userdesk.desk.staff.accounts import StaffAccounts
from userdesk.permissions import Permission

__all__ = ["SEARCH_CAP", "UserNotFound", "UserService"]


class UserService:
    def __init__(
        self,
        directory: DirectoryGateway,
        audit: AuditLog,
        actors: ActorEmails,
        accounts: StaffAccounts,
        staff_api: str,
    ) -> None:
        self._users = directory.users
        self._roles = directory.roles
        self._connections = directory.connections
        self._audit = audit
        self._actors = actors
        self._accounts = accounts
        # The desk API's identifier: the resource server that staff permissions belong to.
        self._staff_api = staff_api

    async def search(self, q: str | None, page: int, per_page: int, sort: str | None) -> UserPage:
        """``page`` counts from 1 here and from 0 in Auth0."""
        _within_cap(page, per_page)
        return await self._users.search(q=q, page=page - 1, per_page=per_page, sort=sort)

    async def search_as(
        self, reader: PageReader, q: str | None, page: int, per_page: int, sort: str | None
    ) -> Page:
        """``search`` for a page that is only shown, its users read as ``reader``'s rows."""
        _within_cap(page, per_page)
        return await self._users.search_as(reader, q=q, page=page - 1, per_page=per_page, sort=sort)

    async def get(self, user_id: str) -> DirectoryUser:
        return await self._users.get(user_id)

    async def blocks(self, user_id: str) -> list[Block]:
        return await self._users.blocks(user_id)

    async def default_connection(self) -> str:
        databases = await self._connections.databases()
        if not databases:
            raise BadQuery("The identity provider has no database connection to create users in")
        return databases[0].name

    async def create(self, staff: Staff, new: NewUser, request_id: str) -> DirectoryUser:
        actor = await self._actors.complete(staff)
        async with self._audit.write(actor, "users.create", new.email, request_id) as record:
            created = await self._users.create(new)
            record.after = _without_password(new.body()) | {"user_id": created.user_id}
        return created

    async def update(
        self, staff: Staff, user_id: str, changes: UserChanges, request_id: str
    ) -> DirectoryUser:
        actor = await self._actors.complete(staff)
        fields = changes.body()
        async with self._audit.write(actor, "users.update", user_id, request_id) as record:
            before = await self._users.get(user_id)
            record.before = {name: before.raw.get(name) for name in fields}
            updated = await self._users.update(user_id, changes)
            if fields.get("blocked") is False:
                # Unblocking means "let them in": brute-force blocks go too.
                await self._users.lift_blocks(user_id)
            record.after = {name: updated.raw.get(name) for name in fields}
        if "blocked" in fields:
            self._accounts.forget(user_id)
        return updated

    async def delete(self, staff: Staff, user_id: str, request_id: str) -> None:
        actor = await self._actors.complete(staff)
        # The user is read (for the snapshot) while the "attempted" entry is committed: a
        # read changes nothing upstream, and the delete itself still starts only once the
        # entry is on record. One round trip less for every delete.
        reading = asyncio.ensure_future(self._users.get(user_id))
        try:
            async with self._audit.write(actor, "users.delete", user_id, request_id) as record:
                # Auth0's delete is idempotent (204 for a user already gone); the desk answers
                # 404 for those, and the snapshot keeps what was deleted.
                user = await reading
                await self._delete(staff, user_id, user, record)
        finally:
            if not reading.done():
                reading.cancel()
            elif not reading.cancelled():
                reading.exception()  # retrieved: an audit failure is the error to report
        self._accounts.forget(user_id)
        self._roles.forget_user(user_id)

    async def _delete(
        self, staff: Staff, user_id: str, user: DirectoryUser, record: Recording
    ) -> None:
        if user_id == staff.sub:
            raise Conflict("Staff cannot delete their own account; ask another administrator")
        await self.ensure_not_last_admin(user_id)
        record.snapshot = user.snapshot()
        record.upstream_status = await self._users.delete(user_id)

    async def ensure_not_last_admin(self, user_id: str) -> None:
        """Refuse a change that would leave nobody holding ``manage:users``.

        Without such a holder nobody can sign in to the desk to repair anything. The holders
        may come from a few seconds ago when they clearly allow the change (the user is not
        among them, and others are); deleting a holder, or a refusal, reads them afresh.
        """
        manage = Permission.MANAGE_USERS.value
        holders = await self._roles.holders_of(manage, self._staff_api)
        if user_id in holders or not holders:
            holders = await self._roles.holders_of(manage, self._staff_api, fresh=True)
        if holders - {user_id}:
            return  # someone else holds it, whatever this user holds
        holds = user_id in holders or manage in await self._roles.direct_permissions(
            user_id, self._staff_api
        )
        if holds:
            raise Conflict(
                f"{user_id} is the last staff member who holds {manage}: give another "
                "staff member that permission first"
            )


def _within_cap(page: int, per_page: int) -> None:
    if (page - 1) * per_page >= SEARCH_CAP:
        raise SearchCapReached(
            f"Only the first {SEARCH_CAP:,} matches of a search can be shown, and page "
            f"{page} at {per_page} a page starts past them. Refine the search, or export "
            "every match."
        )


def _without_password(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "password"}
