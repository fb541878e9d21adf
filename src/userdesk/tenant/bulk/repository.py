"""The users table read and written in batches: the only database code of bulk work."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    String,
    Table,
    func,
    insert,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from userdesk.tenant.management.users.metadata_index import reindex, rows_for
from userdesk.tenant.store.models import User, UserMetadataValue

# The tables themselves: Core inserts, without the ORM's per-row bookkeeping.
USERS = cast(Table, User.__table__)
METADATA_VALUES = cast(Table, UserMetadataValue.__table__)

# Columns an export may read, by name. Dates and flags come as stored (SQLite: text and
# 0/1): the export writes them in its own form, cheaper than building a datetime for each.
EXPORT_COLUMNS: dict[str, ColumnElement[Any] | InstrumentedAttribute[Any]] = {
    column.key: column
    for column in (
        User.user_id,
        User.connection,
        User.provider,
        User.email,
        User.username,
        User.name,
        User.nickname,
        User.given_name,
        User.family_name,
        User.picture,
        User.password_hash,
        User.last_ip,
        User.logins_count,
        User.app_metadata,
        User.user_metadata,
    )
}
EXPORT_COLUMNS.update(
    {
        column.key: type_coerce(column, String).label(column.key)
        for column in (
            User.created_at,
            User.updated_at,
            User.last_login,
            User.last_password_reset,
        )
    }
)
EXPORT_COLUMNS.update(
    {
        column.key: type_coerce(column, Integer).label(column.key)
        for column in (User.email_verified, User.blocked)
    }
)


class BulkUserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, connection: str | None = None) -> int:
        query = select(func.count()).select_from(User)
        if connection:
            query = query.where(User.connection == connection)
        return int(self.session.scalar(query) or 0)

    def batches(
        self, columns: Sequence[str], size: int, connection: str | None = None
    ) -> Iterator[Sequence[Row[Any]]]:
        """Every user, in pk order, ``size`` at a time (keyset paging: each batch is cheap);
        a row holds the pk, then ``columns`` (names of ``EXPORT_COLUMNS``) in that order."""
        selected = [User.pk, *(EXPORT_COLUMNS[name] for name in columns)]
        after = 0
        while True:
            query = select(*selected).where(User.pk > after)
            if connection:
                query = query.where(User.connection == connection)
            rows = self.session.execute(query.order_by(User.pk).limit(size)).all()
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def existing(
        self, connection: str, emails: Sequence[str], user_ids: Sequence[str]
    ) -> tuple[dict[str, int], set[str]]:
        """Users of the batch already there: pk by lowercase email, and the user ids taken."""
        by_email: dict[str, int] = {}
        if emails:
            query = select(func.lower(User.email), User.pk).where(
                User.connection == connection, func.lower(User.email).in_(emails)
            )
            by_email = {str(email): int(pk) for email, pk in self.session.execute(query)}
        taken: set[str] = set()
        if user_ids:
            query_ids = select(User.user_id).where(User.user_id.in_(user_ids))
            taken = {str(u) for u in self.session.scalars(query_ids)}
        return by_email, taken

    def usernames_taken(self, connection: str, usernames: Sequence[str]) -> set[str]:
        if not usernames:
            return set()
        query = select(User.username).where(
            User.connection == connection, User.username.in_(usernames)
        )
        return {str(u) for u in self.session.scalars(query)}

    def use_large_cache(self, megabytes: int) -> None:
        """A bigger page cache for this connection: inserting into a million-row table's ten
        indexes misses SQLite's default 2 MB cache on almost every row."""
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.execute(text(f"PRAGMA cache_size = -{int(megabytes) * 1024}"))

    def insert_many(self, rows: list[dict[str, Any]]) -> None:
        """Insert, then index the new users' metadata from the rows themselves (a Core insert
        skips the ORM's flush, which would otherwise do it)."""
        if not rows:
            return
        self.session.execute(insert(USERS), rows)
        ids = [row["user_id"] for row in rows]
        found = self.session.execute(select(User.user_id, User.pk).where(User.user_id.in_(ids)))
        pk_of: dict[str, int] = {user_id: pk for user_id, pk in found}
        values = [
            value
            for row in rows
            for value in rows_for(pk_of[row["user_id"]], row["app_metadata"], row["user_metadata"])
        ]
        if values:
            self.session.execute(insert(METADATA_VALUES), values)

    def update_many(self, rows: list[dict[str, Any]]) -> None:
        """Rows keyed by ``pk``: an executemany UPDATE by primary key, metadata reindexed."""
        if not rows:
            return
        self.session.execute(update(User), rows)
        pks = [r["pk"] for r in rows if "app_metadata" in r or "user_metadata" in r]
        for start in range(0, len(pks), 500):
            reindex(self.session, pks[start : start + 500])
