"""Users: the desk's paging over the provider's, and deletes recorded in the audit log."""

from __future__ import annotations

from userdesk.desk.audit.service import AuditLog
from userdesk.desk.auth import Staff
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.directory.users import SEARCH_CAP, DirectoryUser, UserNotFound, UserPage
from userdesk.desk.errors import SearchCapReached

__all__ = ["SEARCH_CAP", "UserNotFound", "UserService"]


class UserService:
    def __init__(self, directory: DirectoryGateway, audit: AuditLog, actors: ActorEmails) -> None:
        self._users = directory.users
        self._audit = audit
        self._actors = actors

    async def search(self, q: str | None, page: int, per_page: int, sort: str | None) -> UserPage:
        """``page`` counts from 1 here and from 0 in Auth0."""
        if (page - 1) * per_page >= SEARCH_CAP:
            raise SearchCapReached(
                f"Only the first {SEARCH_CAP:,} matches of a search can be shown, and page "
                f"{page} at {per_page} a page starts past them. Refine the search, or export "
                "every match."
            )
        return await self._users.search(q=q, page=page - 1, per_page=per_page, sort=sort)

    async def get(self, user_id: str) -> DirectoryUser:
        return await self._users.get(user_id)

    async def delete(self, staff: Staff, user_id: str, request_id: str) -> None:
        actor = await self._actors.complete(staff)
        async with self._audit.write(actor, "users.delete", user_id, request_id) as record:
            # Auth0's delete is idempotent (204 for a user already gone); the desk answers 404
            # for those, and the snapshot keeps what was deleted.
            record.snapshot = (await self._users.get(user_id)).snapshot()
            record.upstream_status = await self._users.delete(user_id)
