"""Queries over users and their brute-force records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, ColumnElement, delete, false, func, select

from userdesk.tenant.store.models import Connection, FailedLogin, User
from userdesk.tenant.store.repository import Repository


class UserRepository(Repository[User]):
    model = User

    def by_user_id(self, user_id: str) -> User | None:
        return self.session.scalar(select(User).where(User.user_id == user_id))

    def search(
        self,
        condition: ColumnElement[bool],
        order: Sequence[ColumnElement[Any]],
        offset: int,
        limit: int,
        walk: bool = False,
    ) -> list[User]:
        """``walk``: read in the sort order and filter on the way, rather than sort matches.

        SQLite's planner prefers the index that filters, then sorts every match; for a
        search matching a large share of a million users, walking the sort order's index
        finds the first page in milliseconds instead of seconds. Wrapping the condition in
        coalesce() hides its terms from the planner, which then picks the ORDER BY index.
        """
        if walk:
            condition = func.coalesce(condition, false(), type_=Boolean)
        query = select(User).where(condition).order_by(*order).offset(offset).limit(limit)
        return list(self.session.scalars(query))

    def count(self, condition: ColumnElement[bool], cap: int | None = None) -> int:
        matching = select(User.pk).where(condition)
        if cap is not None:
            # Counting stops at the cap: totals past it are never shown.
            matching = matching.limit(cap)
        total = self.session.scalar(select(func.count()).select_from(matching.subquery()))
        return int(total or 0)

    def by_email(self, email: str) -> list[User]:
        query = select(User).where(func.lower(User.email) == email.lower()).order_by(User.pk)
        return list(self.session.scalars(query))

    def email_taken(self, connection: str, email: str, except_pk: int | None = None) -> bool:
        query = select(User.pk).where(
            User.connection == connection, func.lower(User.email) == email.lower()
        )
        if except_pk is not None:
            query = query.where(User.pk != except_pk)
        return self.session.scalar(query.limit(1)) is not None

    def delete_by_user_id(self, user_id: str) -> int:
        result = self.session.execute(delete(User).where(User.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)

    def connection(self, name: str) -> Connection | None:
        return self.session.scalar(select(Connection).where(Connection.name == name))

    def blocks(self, user_id: str) -> list[FailedLogin]:
        query = select(FailedLogin).where(
            FailedLogin.user_id == user_id, FailedLogin.blocked_at.is_not(None)
        )
        return list(self.session.scalars(query))

    def clear_failed_logins(self, user_id: str) -> None:
        self.session.execute(delete(FailedLogin).where(FailedLogin.user_id == user_id))

    def by_identifier(self, identifier: str) -> list[User]:
        """Users an identifier (email or username) names, as /user-blocks takes it."""
        query = select(User).where(
            (func.lower(User.email) == identifier.lower()) | (User.username == identifier)
        )
        return list(self.session.scalars(query))
