"""Roles in the Management API.

``GET /users/{id}/roles`` answers a bare array, or ``{start, limit, total, roles}`` when
totals are asked for; either is read. Reading a user's roles needs the ``read:roles`` scope.
"""

from __future__ import annotations

import asyncio
import time
from typing import TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationError

from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.directory.users import UserNotFound, user_path
from userdesk.desk.errors import NotFound, UpstreamFailed
from userdesk.desk.news import EVERYTHING, CacheNews

# The cache news topic of the role holders remembered (news.py).
HOLDERS_NEWS = "role-holders"

# Auth0's page size limit; a staff member with more roles than this is not a real case.
PER_PAGE = 100
# How long the holders of a permission are reused: finding them costs a read of every role
# and its permissions, and every delete asks (the last-admin check).
HOLDERS_TTL = 30.0


class Role(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    description: str | None = None


class _Source(BaseModel):
    model_config = ConfigDict(extra="ignore")

    source_type: str


class _Grant(BaseModel):
    model_config = ConfigDict(extra="ignore")

    permission_name: str
    resource_server_identifier: str
    # A user's permission list says where each came from (DIRECT or ROLE); a role's has none.
    sources: list[_Source] | None = None

    @property
    def direct(self) -> bool:
        return self.sources is None or any(s.source_type == "DIRECT" for s in self.sources)


class _Member(BaseModel):
    model_config = ConfigDict(extra="ignore")

    user_id: str


_Row = TypeVar("_Row", bound=BaseModel)


class RolesApi:
    def __init__(self, client: ManagementClient, news: CacheNews | None = None) -> None:
        self._client = client
        self._news = news
        if news is not None:
            news.on(HOLDERS_NEWS, self._drop)
        # (permission, API) -> (found at, holders)
        self._holders: dict[tuple[str, str], tuple[float, set[str]]] = {}
        # One search at a time: deletes arriving together wait for it rather than each
        # reading every role again.
        self._finding = asyncio.Lock()

    async def roles_granting(self, permission: str, api_identifier: str) -> set[str]:
        """Ids of the roles that grant ``permission`` of the API."""
        granting: set[str] = set()
        for role in await self._list("/roles", "roles", Role):
            granted = await self._list(
                f"/roles/{quote(role.id, safe='')}/permissions", "permissions", _Grant
            )
            if any(
                g.permission_name == permission and g.resource_server_identifier == api_identifier
                for g in granted
            ):
                granting.add(role.id)
        return granting

    async def holders_of(
        self, permission: str, api_identifier: str, *, fresh: bool = False
    ) -> set[str]:
        """Ids of the users who hold ``permission`` of the API through one of their roles.

        The Management API cannot list users by a permission granted to them directly, so
        only holders through roles are found. Unless ``fresh``, the answer may be up to
        ``HOLDERS_TTL`` seconds old; ``forget_user`` takes a deleted user out of it at once.
        """
        key = (permission, api_identifier)
        asked_at = time.monotonic()
        async with self._finding:
            known = self._holders.get(key)
            if known is not None and (
                known[0] >= asked_at or (not fresh and asked_at - known[0] < HOLDERS_TTL)
            ):
                # Found after this call began (by the call it waited for), or recent enough.
                return set(known[1])
            found_at = time.monotonic()
            holders = await self._find_holders(permission, api_identifier)
            self._holders[key] = (found_at, holders)
            return set(holders)

    def forget_holders(self) -> None:
        """Drop the holders remembered: roles changed, the next check reads them afresh.

        With cache news, every replica drops them (news.py)."""
        self._announce(EVERYTHING)

    def forget_user(self, user_id: str) -> None:
        """Take a user who no longer exists out of the holders remembered."""
        self._announce(user_id)

    def _announce(self, key: str) -> None:
        if self._news is None:
            self._drop(key)
        else:
            self._news.announce(HOLDERS_NEWS, key)

    def _drop(self, key: str) -> None:
        if key == EVERYTHING:
            self._holders.clear()
            return
        for _found_at, holders in self._holders.values():
            holders.discard(key)

    async def _find_holders(self, permission: str, api_identifier: str) -> set[str]:
        holders: set[str] = set()
        for role_id in await self.roles_granting(permission, api_identifier):
            members = await self._list(f"/roles/{quote(role_id, safe='')}/users", "users", _Member)
            holders.update(member.user_id for member in members)
        return holders

    async def direct_permissions(self, user_id: str, api_identifier: str) -> set[str]:
        """The permissions of the API granted to the user directly (not through roles)."""
        try:
            granted = await self._list(f"{user_path(user_id)}/permissions", "permissions", _Grant)
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        return {
            g.permission_name
            for g in granted
            if g.resource_server_identifier == api_identifier and g.direct
        }

    async def _list(self, path: str, key: str, model: type[_Row]) -> list[_Row]:
        """Every row of a paged list, whether the provider answers an envelope or an array."""
        rows: list[_Row] = []
        page = 0
        while True:
            body = await self._client.get(
                path, {"page": page, "per_page": PER_PAGE, "include_totals": "true"}
            )
            batch = body.get(key, []) if isinstance(body, dict) else body
            if not isinstance(batch, list):
                raise _malformed()
            try:
                rows.extend(model.model_validate(row) for row in batch)
            except ValidationError as exc:
                raise _malformed() from exc
            total = body.get("total") if isinstance(body, dict) else None
            done = isinstance(total, int) and len(rows) >= total
            # Auth0 pages through at most 1000 rows of any list.
            if done or len(batch) < PER_PAGE or len(rows) >= 1000:
                return rows
            page += 1

    async def all(self) -> list[Role]:
        return await self._list("/roles", "roles", Role)

    async def assign(self, user_id: str, role_ids: list[str]) -> None:
        """Give the user these roles. An unknown role id is the provider's 404 or 400."""
        await self._client.post(f"{user_path(user_id)}/roles", {"roles": role_ids})

    async def remove(self, user_id: str, role_ids: list[str]) -> None:
        # Auth0 takes the roles to remove in a DELETE's JSON body.
        await self._client.delete(f"{user_path(user_id)}/roles", {"roles": role_ids})

    async def of_user(self, user_id: str) -> list[Role]:
        try:
            body = await self._client.get(f"{user_path(user_id)}/roles", {"per_page": PER_PAGE})
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        rows = body.get("roles", []) if isinstance(body, dict) else body
        if not isinstance(rows, list):
            raise _malformed()
        try:
            return [Role.model_validate(row) for row in rows]
        except ValidationError as exc:
            raise _malformed() from exc


def _malformed() -> UpstreamFailed:
    error = UpstreamFailed("The identity provider sent a malformed list of roles")
    error.upstream_status = 200
    return error
