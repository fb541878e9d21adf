"""What ``q`` may search and ``sort`` may order by, mapped onto the users table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal, select
from sqlalchemy.orm import Session

from userdesk.tenant.management.search import JsonRoot, Kind, Lookup, SearchField, SearchSchema
from userdesk.tenant.management.search_postgresql import MetadataItem
from userdesk.tenant.management.users.metadata_index import ROOTS
from userdesk.tenant.store.models import User, UserMetadataValue


def _ci(column: Any) -> SearchField:
    # Auth0 folds case for these five; lower(column) is what the expression indexes hold.
    return SearchField(Kind.TEXT, func.lower(column), fold=True)


# From this many matching values on, a metadata term is checked user by user (EXISTS) rather
# than read as a list of users (IN): measured at a million users, the list of a value one user
# in six holds costs 50-300 ms to build, where checking the few thousand users a page walks
# costs milliseconds; a rare value is the other way round.
COMMON_VALUE = 20_000


def _indexed(root: str, session: Session | None) -> Lookup:
    """Metadata searches read ``user_metadata_values`` (see ``metadata_index``)."""
    code = ROOTS[root]
    postgresql = session is not None and session.get_bind().dialect.name == "postgresql"

    def lookup(path: str, condition: Callable[[Any, Any], ColumnElement[bool]]) -> Any:
        v = UserMetadataValue
        # PostgreSQL keeps the values as jsonb: MetadataItem compares them as SQLite would.
        item = MetadataItem(v.value) if postgresql else v.value
        where = (v.root == code, v.path == path, condition(v.type, item))
        if session is not None and _at_least(session, where, COMMON_VALUE):
            per_user = select(literal(1)).where(*where, v.user_pk == User.pk)
            if postgresql:
                # OFFSET 0 keeps PostgreSQL checking user by user, as meant: otherwise its
                # planner hashes every user holding the value first (costed as if the whole
                # table were read, the page's LIMIT unseen), 100-300 ms for a common value.
                per_user = per_user.offset(0)
            return exists(per_user)
        return User.pk.in_(select(v.user_pk).where(*where))

    return lookup


def _at_least(session: Session, where: tuple[Any, ...], count: int) -> bool:
    rows = select(literal(1)).select_from(UserMetadataValue).where(*where).limit(count)
    found = session.scalar(select(func.count()).select_from(rows.subquery()))
    return int(found or 0) >= count


def user_search(session: Session | None = None) -> SearchSchema:
    """The search schema; with a ``session``, metadata terms are planned by how common
    their value is (the answers are the same either way)."""
    return replace(
        USER_SEARCH,
        json_roots={
            name: replace(root, lookup=_indexed(name, session))
            for name, root in USER_SEARCH.json_roots.items()
        },
    )


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
        "app_metadata": JsonRoot(User.app_metadata, lookup=_indexed("app_metadata", None)),
        "user_metadata": JsonRoot(
            User.user_metadata, exact_only=True, lookup=_indexed("user_metadata", None)
        ),
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
