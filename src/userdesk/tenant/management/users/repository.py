"""The users table and its brute-force records: the only code that queries them.

``find()`` plans the user search. The ``q`` parser and ``management.search`` turn a query
into a condition over the columns ``fields`` maps; this module decides how to read the page.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    String,
    Text,
    bindparam,
    delete,
    false,
    func,
    insert,
    null,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from userdesk.tenant.management.query import parse
from userdesk.tenant.management.search import build
from userdesk.tenant.management.users import demo_sql, demo_sql_postgresql, plans_postgresql
from userdesk.tenant.management.users.fields import USER_SORT, USER_SORT_INDEXED, user_search
from userdesk.tenant.store.models import FailedLogin, User
from userdesk.tenant.store.repository import Repository


@dataclass(frozen=True)
class WalkBudget:
    """How long SQLite may read matches in an order it did not choose itself (along the sort
    order's index, or the table in pk order) before the statement is stopped and the planner
    answers its own way: CPU time of the thread running it, checked every ``check_steps``
    virtual-machine steps. ``ms=0``: never read that way.

    PostgreSQL has no progress handler to stop a statement: there a walk reads ``windows``
    of that many users in sort order, each larger than the last, until one holds the page."""

    ms: float = 20.0
    check_steps: int = 5_000
    windows: tuple[int, ...] = (2_000, 20_000)


# 20 ms of CPU reads about 15,000 users along an index at a million users: page 9 of matches
# one user in fifteen holds. A search whose matches are rarer than that (or cluster late in
# the order) has few enough of them for the planner to read and sort in about that time.
WALK = WalkBudget()

# What a listed user's answer is made of, read as plain rows: no ORM object per user. Dates
# and metadata come back as SQLite stores them (text), so the answer formats the dates by
# slicing and embeds the JSON documents without parsing them; on other databases the driver's
# own types arrive and the answer handles those too.
LISTED_COLUMNS: dict[str, Any] = {
    "pk": User.pk,
    "user_id": User.user_id,
    "email": User.email,
    "email_verified": User.email_verified,
    "username": User.username,
    "name": User.name,
    "nickname": User.nickname,
    "given_name": User.given_name,
    "family_name": User.family_name,
    "picture": User.picture,
    "created_at": type_coerce(User.created_at, String).label("created_at"),
    "updated_at": type_coerce(User.updated_at, String).label("updated_at"),
    "last_login": type_coerce(User.last_login, String).label("last_login"),
    "last_ip": User.last_ip,
    "last_password_reset": type_coerce(User.last_password_reset, String).label(
        "last_password_reset"
    ),
    "logins_count": User.logins_count,
    "blocked": User.blocked,
    "connection": User.connection,
    "provider": User.provider,
    "app_metadata": type_coerce(User.app_metadata, Text).label("app_metadata"),
    "user_metadata": type_coerce(User.user_metadata, Text).label("user_metadata"),
}


def _order(key: Any, descending: bool, nulls_low: bool) -> list[Any]:
    """The sort order, by ``key`` (None: no key) and then the pk, which breaks ties in the
    sort's own direction so that one index serves the whole order."""
    order = [] if key is None else [_direction(key, descending, nulls_low)]
    order.append(_direction(User.pk.expression, descending))
    return order


def _unindexed(key: Any, descending: bool, nulls_low: bool) -> list[Any]:
    """``_order``, in a form no index gives: ``coalesce(key, NULL)`` and ``pk + 0`` sort as the
    key and the pk do, so the planner finds the matches by the index that filters and sorts
    them, rather than walking the table or an index in that order past users that do not
    match."""
    order = [] if key is None else [_direction(func.coalesce(key, null()), descending, nulls_low)]
    order.append(_direction(User.pk + 0, descending))
    return order


# The count of a listing of every user, up to the cap.
_COUNT_ALL = select(func.count()).select_from(
    select(User.pk).limit(bindparam("cap", type_=Integer)).subquery()
)


@lru_cache(maxsize=256)
def _page_of_all(names: tuple[str, ...], sort: tuple[str, bool] | None, nulls_low: bool) -> Any:
    """A page of every user, ``names`` read, from ``start``, ``limit`` long. The most asked-for
    statement of all (a directory's first screen), so each form of it is built once: building
    and keying a statement of twenty columns costs more than running it."""
    key = None if sort is None else USER_SORT[sort[0]]
    descending = sort is not None and sort[1]
    return (
        select(*(LISTED_COLUMNS[name] for name in names))
        .order_by(*_order(key, descending, nulls_low))
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("start", type_=Integer))
    )


@dataclass(frozen=True)
class UserQuery:
    """A user search: ``q`` (Lucene subset), one connection, ``sort`` as (field, descending)."""

    q: str | None = None
    connection: str | None = None
    sort: tuple[str, bool] | None = None


class _Deadline:
    """A progress handler that interrupts the statement once its thread has used ``ms`` of
    CPU time from now (SQLite stops a statement whose handler answers non-zero)."""

    def __init__(self, ms: float) -> None:
        self.until = time.thread_time() + ms / 1000

    def __call__(self) -> int:
        return int(time.thread_time() > self.until)


class _QueryPlan(Executable, ClauseElement):
    """SQLite's ``EXPLAIN QUERY PLAN`` of a query: how it would read, without reading."""

    inherit_cache = False

    def __init__(self, query: Any) -> None:
        self.query = query


@compiles(_QueryPlan, "sqlite")
def _explain(element: _QueryPlan, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN QUERY PLAN " + compiler.process(element.query, **kw)


def _direction(column: Any, descending: bool, nulls_low: bool = False) -> Any:
    """``nulls_low``: spell out SQLite's NULL order (first up, last down) where the database's
    own is the other way round (PostgreSQL)."""
    if nulls_low:
        return column.desc().nulls_last() if descending else column.asc().nulls_first()
    return column.desc() if descending else column.asc()


class UserRepository(Repository[User]):
    model = User

    def __init__(self, session: Session, walk: WalkBudget = WALK) -> None:
        super().__init__(session)
        self.walk = walk

    def by_user_id(self, user_id: str) -> User | None:
        return self.session.scalar(select(User).where(User.user_id == user_id))

    def by_login(self, login: str, connection: str | None) -> User | None:
        """A user by email (case-insensitive) or username, optionally within one connection."""
        query = select(User).where(
            or_(func.lower(User.email) == login.lower(), User.username == login)
        )
        if connection is not None:
            query = query.where(User.connection == connection)
        return self.session.scalars(query.limit(1)).first()

    def by_email(self, email: str) -> list[User]:
        query = select(User).where(func.lower(User.email) == email.lower()).order_by(User.pk)
        return list(self.session.scalars(query))

    def by_identifier(self, identifier: str) -> list[User]:
        """Users an identifier (email or username) names, as /user-blocks takes it."""
        query = select(User).where(
            (func.lower(User.email) == identifier.lower()) | (User.username == identifier)
        )
        return list(self.session.scalars(query))

    def email_taken(self, connection: str, email: str, except_pk: int | None = None) -> bool:
        query = select(User.pk).where(
            User.connection == connection, func.lower(User.email) == email.lower()
        )
        if except_pk is not None:
            query = query.where(User.pk != except_pk)
        return self.session.scalar(query.limit(1)) is not None

    def delete_by_user_id(
        self, user_id: str
    ) -> Row[str | None, str | None, str | None, str] | None:
        """Deletes the user, in one statement; what the deletion's log entry names of them
        (``email``, ``username``, ``name``, ``connection``), or None if there was no such user.

        ``RETURNING`` (SQLite 3.35 and later, PostgreSQL): loading the whole user first, only to
        name it in the log, cost more than the delete itself.
        """
        statement = (
            delete(User)
            .where(User.user_id == user_id)
            .returning(User.email, User.username, User.name, User.connection)
            .execution_options(synchronize_session=False)
        )
        return self.session.execute(statement).first()

    def last_pk(self) -> int:
        return int(self.session.scalar(select(func.max(User.pk))) or 0)

    def count_all(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(User)) or 0)

    # The search.

    @staticmethod
    def plain(query: UserQuery) -> bool:
        """Whether ``query`` lists every user in no order or along an index: its page and its
        count read at most the cap and a page of index entries, however many users there are."""
        if query.connection or (query.q is not None and query.q.strip()):
            return False
        return query.sort is None or query.sort[0] in USER_SORT_INDEXED

    def find(
        self,
        query: UserQuery,
        start: int,
        limit: int,
        *,
        cap: int,
        with_total: bool,
        columns: Sequence[str] | None = None,
    ) -> tuple[list[Row[Any]], int | None]:
        """One page of matches as rows of ``columns`` (names of ``LISTED_COLUMNS``, all of
        them by default) and, ``with_total``, how many match (counted up to ``cap``).

        ``q`` syntax errors surface as ``QuerySyntaxError``.
        """
        # The pk is always read: _by_pks puts the page back in order by it.
        names = ("pk", *(c for c in columns or LISTED_COLUMNS if c != "pk"))
        nulls_low = self._dialect() == "postgresql"
        condition = self._condition(query)
        if condition is None:
            # Every user: the same few statements again and again, built once each.
            total = self._read(_COUNT_ALL, {"cap": cap}).scalar_one() if with_total else None
            if not limit:
                return [], total
            page = _page_of_all(names, query.sort, nulls_low)
            return self._read(page, {"start": start, "limit": limit}).all(), total
        read = [LISTED_COLUMNS[name] for name in names]
        key = None if query.sort is None else USER_SORT[query.sort[0]]
        descending = query.sort is not None and query.sort[1]
        order = _order(key, descending, nulls_low)
        # Whether SQLite finds the matches only by reading every user: then no other way is
        # cheaper than reading on in the order wanted, and those reads are not bounded.
        scans = self._on_sqlite() and self._scans(condition)
        if key is None and scans:
            # In pk order the first matches are the page, and up to the cap their number is
            # the total: one read of the table in its own order gives both.
            need = max(cap, start + limit) if with_total else start + limit
            in_order = select(User.pk).where(condition).order_by(*order).limit(need)
            pks = self._read(in_order).scalars().all() if need else []
            total = min(len(pks), cap) if with_total else None
            return self._by_pks(read, pks[start : start + limit]), total
        # Counting stops at the cap (a count that scans reads the table in pk order: the
        # metadata index, probed for each user, is then read in its own order too). Under
        # the cap the matches are few: the database sorts them in an order no index gives
        # (``_unindexed``). At the cap, read the page's pks in order, bounded: along the sort
        # order's index, or the table in pk order (which SQLite may prefer to an index that
        # would find the matches, then sort them); past the budget, the planner's way in an
        # order no index gives, so that its index finds them.
        total = self._count(condition, cap, in_pk_order=scans)
        if total < cap:
            # Few matches: found by the index that filters, sorted by the database, and only
            # the page's pks read out. (Read all to be sorted here, every row crossed into
            # Python: SQLite hands the GIL back at each row it steps through, and under load
            # each was a switch to another thread and back, costing more than the search.)
            pks = self._pks(condition, _unindexed(key, descending, nulls_low), start, limit)
        elif key is None:
            in_order = select(User.pk).where(condition).order_by(*order)
            walked = self._bounded(in_order.offset(start).limit(limit), scans) if limit else []
            fallback = _unindexed(None, descending, nulls_low)
            pks = self._pks(condition, fallback, start, limit) if walked is None else walked
        elif query.sort is None or query.sort[0] not in USER_SORT_INDEXED:
            pks = self._pks(condition, order, start, limit)
        else:
            walked = self._walk(condition, order, start, limit, scans)
            if walked is None and self._on_sqlite():
                order = _unindexed(key, descending, nulls_low)
            pks = self._pks(condition, order, start, limit) if walked is None else walked
        return self._by_pks(read, pks), total if with_total else None

    def _condition(self, query: UserQuery) -> ColumnElement[bool] | None:
        condition = None
        if query.q is not None and query.q.strip():
            condition = build(parse(query.q), user_search(self.session))
        if query.connection:
            by_connection = User.connection == query.connection
            condition = by_connection if condition is None else condition & by_connection
        return condition

    def _by_pks(self, read: list[Any], pks: Sequence[int]) -> list[Row[Any]]:
        query = select(*read).where(User.pk.in_(pks))
        found = {row.pk: row for row in self._read(query).all()}
        return [found[pk] for pk in pks if pk in found]

    def _pks(self, condition: Any, order: list[Any], start: int, limit: int) -> list[int]:
        """The pks of a page of matches, in the planner's way. Only the pks are read and
        sorted; the page's rows are read afterwards (``_by_pks``)."""
        if not limit:
            return []
        query = select(User.pk).where(condition).order_by(*order).offset(start).limit(limit)
        return self._read(query).scalars().all()

    def _walk(
        self, condition: Any, order: list[Any], start: int, limit: int, scans: bool
    ) -> list[int] | None:
        """The page's pks read along the sort order's index, or None past the budget.

        SQLite's planner prefers the index that filters, then sorts every match: for a
        search matching a large share of a million users that sort costs 50-100 ms. Read
        along the index of the sort order instead, the page is found after about
        (start + limit) / share users, unless the matches are few or cluster late in that
        order; the walk then stops at its budget and the caller falls back to the planner's
        way. The condition is wrapped in ``coalesce`` (the same rows pass: NULL and false
        both fail a WHERE) so that no index can serve it and the sort order's index is the
        one the planner reads.
        """
        if not limit:
            return None
        if self._dialect() == "postgresql":
            return self._walk_postgresql(condition, order, start, limit)
        if not self._on_sqlite():
            return None
        query = (
            select(User.pk)
            .where(func.coalesce(condition, false()))
            .order_by(*order)
            .offset(start)
            .limit(limit)
        )
        return self._bounded(query, scans)

    def _walk_postgresql(
        self, condition: Any, order: list[Any], start: int, limit: int
    ) -> list[int] | None:
        """PostgreSQL's walk: growing windows of users in sort order, filtered (see
        ``plans_postgresql``); None when no window holds the page (or the budget says never
        to walk)."""
        if self.walk.ms <= 0:
            return None
        for budget in (b for b in self.walk.windows if b >= start + limit):
            query = plans_postgresql.walk_query([User.pk], condition, order, budget, start, limit)
            found = self._read(query).scalars().all()
            if len(found) == limit:
                return found
        return None

    def _bounded(self, query: Any, scans: bool) -> list[int] | None:
        """The pks ``query`` reads, or None if SQLite needs more than the walk budget for them
        (its progress handler interrupts the statement). Other databases run it whole.

        When no index finds the matches (``scans``: the planner would read every user for
        them), the caller's fallback is no better than reading on: the query runs to its end.
        """
        if not self._on_sqlite():
            return self._read(query).scalars().all()
        if self.walk.ms <= 0:
            return None
        if scans:
            return self._read(query).scalars().all()
        driver = self.session.connection().connection.driver_connection
        assert driver is not None
        driver.set_progress_handler(_Deadline(self.walk.ms), self.walk.check_steps)
        try:
            return self._read(query).scalars().all()
        except OperationalError as exc:
            if "interrupted" not in str(exc.orig):
                raise
            return None
        finally:
            driver.set_progress_handler(None, 0)

    def _on_sqlite(self) -> bool:
        return self.session.get_bind().dialect.name == "sqlite"

    def _scans(self, condition: Any) -> bool:
        """Whether SQLite finds the matches of ``condition`` only by reading every user (or
        every entry of an index), no index narrowing them down."""
        plan = self._read(_QueryPlan(select(User.pk).where(condition)))
        return any(str(step[3]).startswith("SCAN users") for step in plan)

    def _count(self, condition: ColumnElement[bool], cap: int, in_pk_order: bool = False) -> int:
        # Counting stops at the cap: totals past it are never shown.
        matching = select(User.pk).where(condition).limit(cap)
        if in_pk_order:
            matching = matching.order_by(User.pk)
        total = self._read(select(func.count()).select_from(matching.subquery())).scalar()
        return int(total or 0)

    def _read(self, query: Any, params: dict[str, Any] | None = None) -> Any:
        """The rows of a read of columns, through the session's connection: the ORM has
        nothing to load from them, and its per-row work would cost more than the read."""
        return self.session.connection().execute(query, params or {})

    # Bulk loading (the demo seed).

    def insert_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        self.session.execute(insert(User), list(rows))

    def insert_demo(self, seed: int, start: int, stop: int) -> None:
        """Demo users ``[start, stop)``, generated by the database itself (see ``demo_sql``
        and ``demo_sql_postgresql``)."""
        postgresql = self._dialect() == "postgresql"
        sql = (demo_sql_postgresql if postgresql else demo_sql).insert_sql(seed)
        self.session.execute(text(sql), {"start": start, "stop": stop})

    def can_generate_in_database(self) -> bool:
        """PostgreSQL, or SQLite with its math functions, which the generated insert uses."""
        if self._dialect() == "postgresql":
            return True
        if self._dialect() != "sqlite":
            return False
        try:
            self.session.execute(text("SELECT ln(2.0)"))
        except OperationalError:
            return False
        return True

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def drop_secondary_indexes(self) -> list[str]:
        """Drop the table's secondary indexes; returns the statements that rebuild them."""
        if self._dialect() == "postgresql":
            found = self.session.execute(text(demo_sql_postgresql.SECONDARY_INDEXES_SQL)).all()
        else:
            found = self.session.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = 'users' AND sql IS NOT NULL"
                )
            ).all()
        for name, _sql in found:
            self.session.execute(text(f'DROP INDEX "{name}"'))
        return [str(sql) for _name, sql in found]

    def rebuild_indexes(self, statements: list[str]) -> None:
        for sql in statements:
            self.session.execute(text(sql))
        # Fresh statistics let the planner pick, e.g., the last_login index over a sort.
        self.session.execute(text("ANALYZE users"))
        if self._dialect() == "postgresql":
            # Its planner also weighs the metadata index by them (how common a value is).
            self.session.execute(text("ANALYZE user_metadata_values"))


class FailedLoginRepository(Repository[FailedLogin]):
    """Failed sign-ins per (user, IP): the brute-force counters and the blocks they set."""

    model = FailedLogin

    def for_pair(self, user_id: str, ip: str) -> FailedLogin | None:
        return self.session.get(FailedLogin, (user_id, ip))

    def clear(self, user_id: str, ip: str | None = None) -> None:
        """Forget a user's failures, from one IP or from all of them (lifting blocks)."""
        query = delete(FailedLogin).where(FailedLogin.user_id == user_id)
        if ip is not None:
            query = query.where(FailedLogin.ip == ip)
        self.session.execute(query)

    def blocks(self, user_id: str) -> list[FailedLogin]:
        query = select(FailedLogin).where(
            FailedLogin.user_id == user_id, FailedLogin.blocked_at.is_not(None)
        )
        return list(self.session.scalars(query))
