"""Queries over users and their brute-force records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, func, literal, select

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
    ) -> list[User]:
        query = select(User).where(condition).order_by(*order).offset(offset).limit(limit)
        return list(self.session.scalars(query))

    def probe(
        self, condition: ColumnElement[bool], key: ColumnElement[Any] | None, cap: int
    ) -> list[tuple[int, Any]]:
        """Up to ``cap`` matches as (pk, sort key): all of them when fewer than ``cap``."""
        columns: list[Any] = [User.pk, key if key is not None else literal(None)]
        rows = self.session.execute(select(*columns).where(condition).limit(cap)).all()
        return [(int(row[0]), row[1]) for row in rows]

    def by_pks(self, pks: Sequence[int]) -> list[User]:
        found = {u.pk: u for u in self.session.scalars(select(User).where(User.pk.in_(pks)))}
        return [found[pk] for pk in pks if pk in found]

    def walk(
        self,
        condition: ColumnElement[bool],
        order: Sequence[ColumnElement[Any]],
        offset: int,
        limit: int,
        budget: int,
    ) -> list[User] | None:
        """A page read from the first ``budget`` users in sort order, or None if short.

        SQLite's planner prefers the index that filters, then sorts every match: for a
        search matching a large share of a million users that sort takes seconds. Walking
        the sort order's index over a bounded window and filtering there finds the page in
        milliseconds, unless the matches cluster late in that order; then the caller falls
        back to the planner's way.
        """
        window = select(User.pk.label("pk")).order_by(*order).limit(budget).subquery()
        query = (
            select(User)
            .join(window, User.pk == window.c.pk)
            .where(condition)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        )
        found = list(self.session.scalars(query))
        return found if len(found) == limit else None

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
