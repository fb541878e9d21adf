"""Users in the Management API: paths, parameters, answer shapes and Auth0's quirks.

- ``GET /users`` answers a bare array unless ``include_totals=true``, and then an envelope;
  a provider that ignores ``include_totals`` still gets a sensible page.
- Search stops at the first 1000 matches whatever the paging: ``total`` never passes 1000,
  and asking for a page past them is a 400 whose message names the limit.
- ``search_engine=v3`` is sent explicitly: older tenants default to v2, whose syntax differs.
- A user id holds ``|``, which must be percent-encoded in the path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import msgspec
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError

from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.errors import (
    BadQuery,
    DeskError,
    NotFound,
    SearchCapReached,
    UpstreamConflict,
    UpstreamFailed,
    UserExists,
    WeakPassword,
)
from userdesk.desk.rows import struct_of

# Auth0 returns only the first 1000 results of any user search, however it is paged.
SEARCH_CAP = 1000


class UserNotFound(NotFound):
    def __init__(self, user_id: str) -> None:
        super().__init__(f"No user with id {user_id}")
        self.upstream_status = 404


class Identity(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    connection: str
    user_id: str
    provider: str
    is_social: bool = Field(default=False, alias="isSocial")


class DirectoryUser(BaseModel):
    """A user as the Management API returns one.

    ``raw`` keeps the provider's whole answer, fields the desk does not model included (an
    audit snapshot must keep them), at no cost to the typed fields.
    """

    model_config = ConfigDict(extra="ignore")

    user_id: str
    email: str | None = None
    email_verified: bool | None = None
    username: str | None = None
    phone_number: str | None = None
    name: str | None = None
    nickname: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    picture: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_login: datetime | None = None
    last_ip: str | None = None
    logins_count: int | None = None
    blocked: bool = False
    identities: list[Identity] = Field(default_factory=list)
    app_metadata: dict[str, Any] = Field(default_factory=dict)
    user_metadata: dict[str, Any] = Field(default_factory=dict)

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def raw(self) -> dict[str, Any]:
        # Straight from pydantic's store of private attributes: the usual way, through
        # BaseModel.__getattr__, costs more than validating the user did.
        private = self.__pydantic_private__ or {}
        raw: dict[str, Any] = private.get("_raw", {})
        return raw

    def snapshot(self) -> dict[str, Any]:
        """The user as the provider described it, for the audit log."""
        return dict(self._raw)


class UserChanges(BaseModel):
    """A partial update, as ``PATCH /users/{id}`` takes it: only the fields set are sent.

    Metadata objects merge at their root on the provider's side, and a key set to ``None``
    is deleted there.
    """

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    nickname: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    picture: str | None = None
    email: str | None = None
    email_verified: bool | None = None
    blocked: bool | None = None
    app_metadata: dict[str, Any] | None = None
    user_metadata: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class NewUser(BaseModel):
    """What ``POST /users`` takes for a user of a database connection."""

    model_config = ConfigDict(extra="forbid")

    connection: str
    email: str
    password: str
    name: str | None = None
    email_verified: bool = False
    app_metadata: dict[str, Any] | None = None
    user_metadata: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class Block(BaseModel):
    """A brute-force block: sign-ins for ``identifier`` from ``ip`` are refused."""

    model_config = ConfigDict(extra="ignore")

    identifier: str
    ip: str | None = None
    connection: str | None = None


T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """A page of users as ``PageReader`` reads them: ``UserPage``'s shape, rows that are
    msgspec twins of a pydantic model (``userdesk.desk.rows``)."""

    users: list[Any]
    total: int
    total_is_capped: bool


class PageReader:
    """A ``GET /users`` answer read straight from its bytes into twins of ``row``.

    For pages that are only shown: msgspec reads the JSON itself, in one pass, checking each
    user as ``row`` would, with no dictionaries or ``DirectoryUser`` in between (``search``
    builds those, with ``raw``, for callers that keep the provider's own fields). Same rules
    as ``search``: the bare array of a provider that ignores ``include_totals`` is a page
    too, and a malformed answer is the provider's failure.
    """

    def __init__(self, row: type[BaseModel]) -> None:
        self.row = struct_of(row)
        # ``GET /users?include_totals=true``'s envelope; ``start``, ``limit``... are not needed.
        envelope = msgspec.defstruct(
            f"{row.__name__}Totals",
            [
                ("users", list[self.row], msgspec.field(default_factory=list)),  # type: ignore[name-defined]
                ("total", Annotated[int, msgspec.Meta(ge=0)] | None, None),
            ],
        )
        # strict=False: as lenient as pydantic's default ("lax") mode, "5" read as 5.
        self._envelope: msgspec.json.Decoder[Any] = msgspec.json.Decoder(envelope, strict=False)
        self._bare = msgspec.json.Decoder(list[self.row], strict=False)  # type: ignore[name-defined]

    def read(self, body: bytes, page: int, per_page: int) -> Page:
        try:
            if body.lstrip()[:1] == b"[":
                users: list[Any] = self._bare.decode(body)
                total = page * per_page + len(users)
            else:
                envelope = self._envelope.decode(body)
                users = envelope.users
                total = len(users) if envelope.total is None else envelope.total
        except msgspec.DecodeError as exc:  # not JSON, or not a page (ValidationError)
            raise _malformed("GET /users") from exc
        return Page(users=users, total=total, total_is_capped=total >= SEARCH_CAP)


@dataclass(frozen=True)
class UserPage:
    users: list[DirectoryUser]
    # When the provider's count stopped at SEARCH_CAP, ``total`` is a lower bound.
    total: int
    total_is_capped: bool


def user_path(user_id: str) -> str:
    return f"/users/{quote(user_id, safe='')}"


class UsersApi:
    def __init__(self, client: ManagementClient) -> None:
        self._client = client

    async def search(
        self, *, q: str | None, page: int, per_page: int, sort: str | None
    ) -> UserPage:
        """One page of a search; ``page`` counts from 0, as in Auth0."""
        body = await self._search(self._client.get, q, page, per_page, sort)
        if isinstance(body, list):  # a provider that ignores include_totals
            users = _users(body)
            total = page * per_page + len(users)
        elif isinstance(body, dict):
            users = _users(body.get("users", []))
            total = _count(body.get("total", len(users)))
        else:
            raise _malformed("GET /users")
        return UserPage(users=users, total=total, total_is_capped=total >= SEARCH_CAP)

    async def search_as(
        self,
        reader: PageReader,
        *,
        q: str | None,
        page: int,
        per_page: int,
        sort: str | None,
    ) -> Page:
        """``search``, each user read straight from the answer's JSON as ``reader``'s rows."""
        body = await self._search(self._client.get_bytes, q, page, per_page, sort)
        return reader.read(body, page, per_page)

    async def _search(
        self,
        fetch: Callable[[str, dict[str, Any]], Awaitable[T]],
        q: str | None,
        page: int,
        per_page: int,
        sort: str | None,
    ) -> T:
        params: dict[str, Any] = {
            "page": page,
            "per_page": per_page,
            "include_totals": "true",
            "search_engine": "v3",
        }
        if q:
            params["q"] = q
        if sort:
            params["sort"] = sort
        try:
            return await fetch("/users", params)
        except BadQuery as exc:
            if str(SEARCH_CAP) in exc.reason and "page" in exc.reason:
                raise SearchCapReached(
                    f"Only the first {SEARCH_CAP:,} matches of a search can be shown; "
                    "refine the search, or export every match."
                ) from exc
            raise

    async def created_between(self, q: str | None, low: str, high: str, per_page: int) -> UserPage:
        """The first page of ``q``'s matches created in ``[low, high)``, oldest first.

        The bounds are ISO-8601 instants, quoted because ``:`` is special in Lucene. Cutting a
        search into such slices, each under ``SEARCH_CAP``, is the only way the Management
        API offers to read every match of a search.
        """
        window = f'created_at:["{low}" TO "{high}"}}'
        query = f"({q}) AND {window}" if q else window
        return await self.search(q=query, page=0, per_page=per_page, sort="created_at:1")

    async def created_extent(self, q: str | None) -> tuple[datetime, datetime] | None:
        """When the first and the last match of ``q`` were created; None if nothing matches."""
        first = await self.search(q=q, page=0, per_page=1, sort="created_at:1")
        last = await self.search(q=q, page=0, per_page=1, sort="created_at:-1")
        if not first.users or not last.users:
            return None
        low, high = first.users[0].created_at, last.users[0].created_at
        if low is None or high is None:
            raise _malformed("a user's created_at")
        return low, high

    async def get(self, user_id: str) -> DirectoryUser:
        try:
            body = await self._client.get(user_path(user_id))
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        return _user(body)

    async def create(self, user: NewUser) -> DirectoryUser:
        try:
            return _user(await self._client.post("/users", user.body()))
        except UpstreamConflict as exc:
            raise UserExists(f"A user with the email {user.email} already exists") from exc
        except BadQuery as exc:
            raise _weak_password(exc) from exc

    async def update(self, user_id: str, changes: UserChanges) -> DirectoryUser:
        try:
            return _user(await self._client.patch(user_path(user_id), changes.body()))
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        except UpstreamConflict as exc:
            raise UserExists(f"Another user already has that email: {exc.reason}") from exc
        except BadQuery as exc:
            raise _weak_password(exc) from exc

    async def blocks(self, user_id: str) -> list[Block]:
        """Brute-force blocks of the user (``GET /user-blocks/{id}``)."""
        try:
            body = await self._client.get(f"/user-blocks/{quote(user_id, safe='')}")
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        rows = body.get("blocked_for") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise _malformed("the user's blocks")
        try:
            return [Block.model_validate(row) for row in rows]
        except ValidationError as exc:
            raise _malformed("the user's blocks") from exc

    async def lift_blocks(self, user_id: str) -> None:
        """Lift every brute-force block of the user; ``blocked`` itself is not touched."""
        try:
            await self._client.delete(f"/user-blocks/{quote(user_id, safe='')}")
        except NotFound as exc:
            raise UserNotFound(user_id) from exc

    async def delete(self, user_id: str) -> int:
        """The provider's status: Auth0 answers 204 whether or not the user still existed."""
        return await self._client.delete(user_path(user_id))


def _user(body: Any) -> DirectoryUser:
    try:
        user = DirectoryUser.model_validate(body)
    except ValidationError as exc:
        raise _malformed("a user") from exc
    user._raw = body
    return user


_USER_ROWS = TypeAdapter(list[DirectoryUser])


def _users(rows: Any) -> list[DirectoryUser]:
    if not isinstance(rows, list):
        raise _malformed("GET /users")
    # One validation call for the page, not one per user.
    try:
        users = _USER_ROWS.validate_python(rows)
    except ValidationError as exc:
        raise _malformed("a user") from exc
    for user, row in zip(users, rows, strict=True):
        user._raw = row
    return users


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _malformed("the user count")
    return value


def _weak_password(exc: BadQuery) -> DeskError:
    # Auth0 names the rule that failed ("PasswordStrengthError: Password is too weak").
    if "Password" in exc.reason and "Error" in exc.reason:
        return WeakPassword(exc.reason)
    return exc


def _malformed(what: str) -> UpstreamFailed:
    error = UpstreamFailed(f"The identity provider sent a malformed answer for {what}")
    error.upstream_status = 200
    return error
