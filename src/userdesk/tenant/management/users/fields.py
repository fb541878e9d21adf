"""What ``q`` may search and ``sort`` may order by, mapped onto the users table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func

from userdesk.tenant.management.search import JsonRoot, Kind, SearchField, SearchSchema
from userdesk.tenant.store.models import User


def _ci(column: Any) -> SearchField:
    # Auth0 folds case for these five; lower(column) is what the expression indexes hold.
    return SearchField(Kind.TEXT, func.lower(column), fold=True)


USER_SEARCH = SearchSchema(
    fields={
        "email": _ci(User.email),
        "name": _ci(User.name),
        "given_name": _ci(User.given_name),
        "family_name": _ci(User.family_name),
        "nickname": _ci(User.nickname),
        # Stored lowercase when the user is written.
        "email.domain": SearchField(Kind.TEXT, User.email_domain, fold=True),
        "user_id": SearchField(Kind.TEXT, User.user_id),
        "username": SearchField(Kind.TEXT, User.username),
        "last_ip": SearchField(Kind.TEXT, User.last_ip),
        "identities.connection": SearchField(Kind.TEXT, User.connection),
        "identities.provider": SearchField(Kind.TEXT, User.provider),
        "logins_count": SearchField(Kind.INT, User.logins_count),
        "created_at": SearchField(Kind.DATE, User.created_at),
        "updated_at": SearchField(Kind.DATE, User.updated_at),
        "last_login": SearchField(Kind.DATE, User.last_login),
        "last_password_reset": SearchField(Kind.DATE, User.last_password_reset),
        "blocked": SearchField(Kind.BOOL, User.blocked),
        "email_verified": SearchField(Kind.BOOL, User.email_verified),
    },
    # A term without a field searches the normalized profile, never metadata.
    defaults=("email", "name", "nickname", "given_name", "family_name", "username", "user_id"),
    json_roots={
        "app_metadata": JsonRoot(User.app_metadata),
        "user_metadata": JsonRoot(User.user_metadata, exact_only=True),
    },
)

USER_SORT: dict[str, ColumnElement[Any]] = {
    "email": func.lower(User.email),
    "name": func.lower(User.name),
    "nickname": func.lower(User.nickname),
    "given_name": func.lower(User.given_name),
    "family_name": func.lower(User.family_name),
    "user_id": User.user_id.expression,
    "username": User.username.expression,
    "created_at": User.created_at.expression,
    "updated_at": User.updated_at.expression,
    "last_login": User.last_login.expression,
    "logins_count": User.logins_count.expression,
    "blocked": User.blocked.expression,
    "email_verified": User.email_verified.expression,
}

# Sort orders an index can walk; a broad search follows one of them instead of sorting.
USER_SORT_INDEXED = frozenset(
    {
        "email",
        "name",
        "nickname",
        "given_name",
        "family_name",
        "username",
        "user_id",
        "created_at",
        "last_login",
        "logins_count",
    }
)
