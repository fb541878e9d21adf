"""What the users routes answer (names are stable: the SPA's client is generated from them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from userdesk.desk.directory.users import DirectoryUser, PageReader
from userdesk.desk.rows import struct_of


class IdentityRead(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    connection: str
    user_id: str
    provider: str
    is_social: bool = Field(default=False, alias="isSocial")


class UserRead(BaseModel):
    """A user as Auth0's Management API describes one; absent fields stay null."""

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
    identities: list[IdentityRead] = Field(default_factory=list)
    app_metadata: dict[str, Any] = Field(default_factory=dict)
    user_metadata: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_directory(cls, user: DirectoryUser) -> UserRead:
        # From the provider's own answer: a second validation of a plain dict is several
        # times cheaper than reading the typed model's attributes.
        return cls.model_validate(user.raw)


# A page of users read from the provider's answer straight into UserRead's twin (list_users).
USER_PAGE = PageReader(UserRead)


class UserList(BaseModel):
    users: list[UserRead]
    # Auth0 counts at most the first 1000 matches of a search: when the count stopped there,
    # ``total_is_capped`` is true and ``total`` is a lower bound, never the number of matches.
    total: int
    total_is_capped: bool = False
    page: int
    per_page: int


# UserList's twin: the list answer written by msgspec, as FastAPI would write UserList.
USER_LIST_ROW = struct_of(UserList)


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    connection: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="A database connection (default: the provider's first one)",
    )
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1000)
    name: str | None = Field(default=None, max_length=300)
    email_verified: bool = False
    app_metadata: dict[str, Any] | None = None
    user_metadata: dict[str, Any] | None = None


class UserUpdate(BaseModel):
    """Any of these; metadata merges at the root and a key set to null is deleted."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=300)
    nickname: str | None = Field(default=None, max_length=300)
    given_name: str | None = Field(default=None, max_length=150)
    family_name: str | None = Field(default=None, max_length=150)
    picture: str | None = Field(default=None, max_length=2000)
    email: str | None = Field(default=None, min_length=3, max_length=320)
    email_verified: bool | None = None
    blocked: bool | None = None
    app_metadata: dict[str, Any] | None = None
    user_metadata: dict[str, Any] | None = None


class BlockRead(BaseModel):
    identifier: str
    ip: str | None = None
    connection: str | None = None


class BlockList(BaseModel):
    blocked_for: list[BlockRead]
