"""Request and response shapes of the users endpoints.

Field for field as Auth0's Management API v2 takes and returns them: identities, both
metadata documents, ISO dates with milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Row

from userdesk.tenant.management.paging import iso
from userdesk.tenant.store.models import User


class Identity(BaseModel):
    connection: str
    user_id: str
    provider: str
    isSocial: bool


class UserRead(BaseModel):
    """A user as Auth0 serves it; absent optional attributes are left out, never null.

    Every attribute is optional here because ``fields``/``include_fields`` may leave any of
    them out; without those parameters ``user_id``, the dates, ``identities`` and the
    metadata are always present.
    """

    user_id: str | None = None
    email: str | None = None
    email_verified: bool | None = None
    username: str | None = None
    name: str | None = None
    nickname: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    picture: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    last_login: str | None = None
    last_ip: str | None = None
    last_password_reset: str | None = None
    logins_count: int | None = None
    blocked: bool | None = None
    identities: list[Identity] | None = None
    app_metadata: dict[str, Any] | None = None
    user_metadata: dict[str, Any] | None = None
    multifactor: list[str] | None = None


class UsersPage(BaseModel):
    start: int
    limit: int
    length: int
    total: int
    users: list[UserRead]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    connection: str
    email: str | None = None
    password: str | None = None
    username: str | None = None
    user_id: str | None = None
    email_verified: bool = False
    verify_email: bool | None = None
    blocked: bool = False
    name: str | None = None
    nickname: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    picture: str | None = None
    phone_number: str | None = None
    phone_verified: bool | None = None
    user_metadata: dict[str, Any] | None = None
    app_metadata: dict[str, Any] | None = None


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    email: str | None = None
    email_verified: bool | None = None
    verify_email: bool | None = None
    username: str | None = None
    name: str | None = None
    nickname: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    picture: str | None = None
    password: str | None = None
    blocked: bool | None = None
    connection: str | None = None
    client_id: str | None = None
    phone_number: str | None = None
    phone_verified: bool | None = None
    user_metadata: dict[str, Any] | None = None
    app_metadata: dict[str, Any] | None = None


class BlockedFor(BaseModel):
    identifier: str
    ip: str


class UserBlocks(BaseModel):
    blocked_for: list[BlockedFor]


def user_json(user: User) -> dict[str, Any]:
    provider, _, local_id = user.user_id.partition("|")
    document: dict[str, Any] = {
        "user_id": user.user_id,
        "email": user.email,
        "email_verified": bool(user.email_verified),
        "username": user.username,
        "name": user.name,
        "nickname": user.nickname,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "picture": user.picture,
        "created_at": iso(user.created_at),
        "updated_at": iso(user.updated_at),
        "last_login": iso(user.last_login),
        "last_ip": user.last_ip,
        "last_password_reset": iso(user.last_password_reset),
        "logins_count": user.logins_count or 0,
        "blocked": bool(user.blocked),
        "identities": [
            {
                "connection": user.connection,
                "user_id": local_id or user.user_id,
                "provider": user.provider or provider,
                "isSocial": False,
            }
        ],
        "app_metadata": user.app_metadata or {},
        "user_metadata": user.user_metadata or {},
        "multifactor": [],
    }
    return {k: v for k, v in document.items() if v is not None}


# The fields of ``user_json`` in its order, and the columns each is made from.
USER_FIELDS = (
    "user_id",
    "email",
    "email_verified",
    "username",
    "name",
    "nickname",
    "given_name",
    "family_name",
    "picture",
    "created_at",
    "updated_at",
    "last_login",
    "last_ip",
    "last_password_reset",
    "logins_count",
    "blocked",
    "identities",
    "app_metadata",
    "user_metadata",
    "multifactor",
)
_FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "identities": ("user_id", "connection", "provider"),
    "multifactor": (),
}


def listed_columns(fields: list[str] | None, include: bool) -> list[str] | None:
    """The columns a list answer with ``fields``/``include_fields`` needs; None for all."""
    if fields is None:
        return None
    kept = [f for f in USER_FIELDS if (f in fields) == include]
    return sorted({c for f in kept for c in _FIELD_COLUMNS.get(f, (f,))})


def iso_text(value: Any) -> str | None:
    """``iso`` of a date as the database returns it: SQLite's text is reshaped by slicing,
    which costs a fraction of parsing it into a ``datetime`` and formatting that."""
    if isinstance(value, str):
        if len(value) == 26 and value[19] == ".":  # as stored: microseconds, always
            return f"{value[:10]}T{value[11:23]}Z"
        if len(value) >= 19 and value[4] == "-" and value[10] in " T":
            fraction = value[20:23] if len(value) > 20 and value[19] == "." else ""
            return f"{value[:10]}T{value[11:19]}.{fraction.ljust(3, '0')}Z"
        value = datetime.fromisoformat(value)
    return iso(value)


# Stored metadata that reads as false in Python is answered as an empty object, as user_json does.
_EMPTY_JSON = frozenset({"", "null", "{}", "[]", '""', "0", "false"})


def _metadata(value: Any) -> Any:
    if isinstance(value, str):
        # SQLite hands back the stored document: embedded as it is, never parsed.
        return {} if value.strip() in _EMPTY_JSON else orjson.Fragment(value)
    return value or {}


# The columns ``listed_users`` reads: every column of a field of ``user_json``.
_LISTED = tuple(dict.fromkeys(c for f in USER_FIELDS for c in _FIELD_COLUMNS.get(f, (f,))))
# The fields of a listed user that always have a value (false, 0, an empty list or object);
# the others may be None, and are then left out, as user_json does.
_ALWAYS_SET = frozenset(
    {"user_id", "email_verified", "logins_count", "blocked", "identities", "multifactor"}
    | {"app_metadata", "user_metadata"}
)
_NULLABLE = tuple(f for f in USER_FIELDS if f not in _ALWAYS_SET)


def listed_users(rows: Sequence[Row[Any]]) -> list[dict[str, Any]]:
    """``user_json`` of each row read with the repository's ``LISTED_COLUMNS`` (or some of
    them: fields whose columns were not read come out wrong, and are the ones ``fields``
    drops). Every row of a page has the same columns, so each is found by its position once
    per page; a column not read points past the row, at the None appended to each."""
    if not rows:
        return []
    names = rows[0]._fields
    at = {name: names.index(name) if name in names else -1 for name in _LISTED}
    user_id_at, connection_at, provider_at = at["user_id"], at["connection"], at["provider"]
    email, email_verified, username = at["email"], at["email_verified"], at["username"]
    name, nickname, given_name = at["name"], at["nickname"], at["given_name"]
    family_name, picture, last_ip = at["family_name"], at["picture"], at["last_ip"]
    created_at, updated_at, last_login = at["created_at"], at["updated_at"], at["last_login"]
    last_password_reset, logins_count = at["last_password_reset"], at["logins_count"]
    blocked, app_metadata, user_metadata = at["blocked"], at["app_metadata"], at["user_metadata"]
    listed = []
    for row in rows:
        v = (*row, None)
        user_id = v[user_id_at] or ""
        provider, _, local_id = user_id.partition("|")
        document: dict[str, Any] = {
            "user_id": user_id,
            "email": v[email],
            "email_verified": bool(v[email_verified]),
            "username": v[username],
            "name": v[name],
            "nickname": v[nickname],
            "given_name": v[given_name],
            "family_name": v[family_name],
            "picture": v[picture],
            "created_at": iso_text(v[created_at]),
            "updated_at": iso_text(v[updated_at]),
            "last_login": iso_text(v[last_login]),
            "last_ip": v[last_ip],
            "last_password_reset": iso_text(v[last_password_reset]),
            "logins_count": v[logins_count] or 0,
            "blocked": bool(v[blocked]),
            "identities": [
                {
                    "connection": v[connection_at],
                    "user_id": local_id or user_id,
                    "provider": v[provider_at] or provider,
                    "isSocial": False,
                }
            ],
            "app_metadata": _metadata(v[app_metadata]),
            "user_metadata": _metadata(v[user_metadata]),
            "multifactor": [],
        }
        for key in _NULLABLE:
            if document[key] is None:
                del document[key]
        listed.append(document)
    return listed
