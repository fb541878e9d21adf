"""Roles in the Management API.

``GET /users/{id}/roles`` answers a bare array, or ``{start, limit, total, roles}`` when
totals are asked for; either is read. Reading a user's roles needs the ``read:roles`` scope.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
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
# Reads of several roles at once, at the most: the provider's rate limit is per client.
AT_ONCE = 8
# How long the holders of a permission are reused: finding them costs a read of every role
# and its permissions, and every delete asks (the last-admin check).
HOLDERS_TTL = 30.0
# Holders older than this are still answered, and read again meanwhile in the background:
# under a stream of deletes they are never found expired, which made every delete of the
# moment wait for the whole search (1 to 2 s under the 50-staff soak, every 30 s).
HOLDERS_REFRESH = HOLDERS_TTL / 2

log = logging.getLogger("userdesk.roles")


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
    def __init__(
        self,
        client: ManagementClient,
        news: CacheNews | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._news = news
        self._clock = clock
        if news is not None:
            news.on(HOLDERS_NEWS, self._drop)
        # (permission, API) -> (found at, holders)
        self._holders: dict[tuple[str, str], tuple[float, set[str]]] = {}
        # One search at a time: deletes arriving together wait for it rather than each
        # reading every role again.
        self._finding = asyncio.Lock()
        # The background search under way, if any (HOLDERS_REFRESH).
        self._refreshing: asyncio.Task[None] | None = None

    async def roles_granting(self, permission: str, api_identifier: str) -> set[str]:
        """Ids of the roles that grant ``permission`` of the API."""
        roles = await self._list("/roles", "roles", Role)
        # The roles' permissions read side by side: a few waits for the provider, not one
        # per role.
        grants = await self._side_by_side(
            [f"/roles/{quote(role.id, safe='')}/permissions" for role in roles],
            "permissions",
            _Grant,
        )
        return {
            role.id
            for role, granted in zip(roles, grants, strict=True)
            if any(
                g.permission_name == permission and g.resource_server_identifier == api_identifier
                for g in granted
            )
        }

    async def holders_of(
        self, permission: str, api_identifier: str, *, fresh: bool = False
    ) -> set[str]:
        """Ids of the users who hold ``permission`` of the API through one of their roles.

        The Management API cannot list users by a permission granted to them directly, so
        only holders through roles are found. Unless ``fresh``, the answer may be up to
        ``HOLDERS_TTL`` seconds old; ``forget_user`` takes a deleted user out of it at once.
        """
        key = (permission, api_identifier)
        asked_at = self._clock()
        known = self._holders.get(key)
        if not fresh and known is not None and asked_at - known[0] < HOLDERS_TTL:
            if asked_at - known[0] >= HOLDERS_REFRESH and self._refreshing is None:
                self._refreshing = asyncio.create_task(self._refresh(key))
            return set(known[1])
        async with self._finding:
            known = self._holders.get(key)
            if known is not None and (
                known[0] > asked_at or (not fresh and asked_at - known[0] < HOLDERS_TTL)
            ):
                # Found after this call began (by the call it waited for), or recent enough.
                return set(known[1])
            return set(await self._find(key))

    async def refreshed(self) -> None:
        """Wait for the background search under way, if any."""
        if self._refreshing is not None:
            await asyncio.shield(self._refreshing)

    async def _find(self, key: tuple[str, str]) -> set[str]:
        """Search the holders of ``key`` (the caller holds ``_finding``) and remember them."""
        found_at = self._clock()
        holders = await self._find_holders(*key)
        self._holders[key] = (found_at, holders)
        return holders

    async def _refresh(self, key: tuple[str, str]) -> None:
        try:
            async with self._finding:
                known = self._holders.get(key)
                if known is None or self._clock() - known[0] >= HOLDERS_REFRESH:
                    await self._find(key)
        except Exception as exc:  # the next call past HOLDERS_TTL searches, and reports
            log.warning("reading the holders of %s again failed: %s", key[0], exc)
        finally:
            self._refreshing = None

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
        granting = await self.roles_granting(permission, api_identifier)
        members = await self._side_by_side(
            [f"/roles/{quote(role_id, safe='')}/users" for role_id in sorted(granting)],
            "users",
            _Member,
        )
        return {member.user_id for role_members in members for member in role_members}

    async def _side_by_side(
        self, paths: list[str], key: str, model: type[_Row]
    ) -> list[list[_Row]]:
        """``_list`` of each path, ``AT_ONCE`` of them at a time, in the order of ``paths``."""
        turns = asyncio.Semaphore(AT_ONCE)

        async def one(path: str) -> list[_Row]:
            async with turns:
                return await self._list(path, key, model)

        return list(await asyncio.gather(*(one(path) for path in paths)))

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
