"""Users: the desk's paging over Auth0's, and deletes recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from userdesk.desk.audit.service import AuditLog
from userdesk.desk.auth import Staff
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.errors import NotFound, SearchCapReached

# Auth0 returns only the first 1000 results of any user search, however it is paged.
SEARCH_CAP = 1000


class UserNotFound(NotFound):
    def __init__(self, user_id: str) -> None:
        super().__init__(f"No user with id {user_id}")
        self.upstream_status = 404


@dataclass(frozen=True)
class UserPage:
    users: list[dict[str, Any]]
    total: int


class UserService:
    def __init__(self, directory: ManagementClient, audit: AuditLog, actors: ActorEmails) -> None:
        self._directory = directory
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
        params: dict[str, Any] = {
            "page": page - 1,
            "per_page": per_page,
            "include_totals": "true",
            "search_engine": "v3",
        }
        if q:
            params["q"] = q
        if sort:
            params["sort"] = sort
        body = await self._directory.get("/users", params)
        if isinstance(body, list):  # a provider that ignores include_totals
            return UserPage(users=body, total=(page - 1) * per_page + len(body))
        return UserPage(users=list(body.get("users", [])), total=int(body.get("total", 0)))

    async def get(self, user_id: str) -> dict[str, Any]:
        try:
            user: dict[str, Any] = await self._directory.get(ManagementClient.user_path(user_id))
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        return user

    async def delete(self, staff: Staff, user_id: str, request_id: str) -> None:
        actor = await self._actors.complete(staff)
        async with self._audit.write(actor, "users.delete", user_id, request_id) as record:
            # Auth0's delete is idempotent (204 for a user already gone); the desk answers 404
            # for those, and the snapshot keeps what was deleted.
            record.snapshot = await self.get(user_id)
            record.upstream_status = await self._directory.delete(
                ManagementClient.user_path(user_id)
            )
