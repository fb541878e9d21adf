"""Every way the user search can run (probe, index walk, planner fallback) gives one answer.

Runs the service on a real database of seeded users (SQLite and PostgreSQL) and compares each
plan with the order computed in Python from the rows themselves.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from userdesk.tenant.management.users.repository import WALK, UserRepository, WalkBudget
from userdesk.tenant.management.users.service import UserService
from userdesk.tenant.provisioning.demo import seed_users
from userdesk.tenant.store.db import make_sessionmaker, transaction
from userdesk.tenant.store.models import User

pytestmark = pytest.mark.both_stores


@pytest.fixture(scope="module")
def sessions(store_engine: Engine) -> sessionmaker[Session]:
    factory = make_sessionmaker(store_engine)
    with transaction(factory) as session:
        seed_users(session, 2500)
    return factory


@pytest.fixture(scope="module")
def everyone(sessions: sessionmaker[Session]) -> list[User]:
    with sessions() as session:
        return list(session.scalars(select(User)))


def expected(
    everyone: list[User], keep: Any, key: str | None, descending: bool, start: int, limit: int
) -> list[str]:
    users = [u for u in everyone if keep(u)]

    def order(u: User) -> tuple[Any, ...]:
        value = None if key is None else getattr(u, key)
        if isinstance(value, str):
            value = value.lower()
        return (False, u.pk) if value is None else (True, value, u.pk)

    users.sort(key=order, reverse=descending)
    return [u.user_id for u in users[start : start + limit]]


CASES = [
    # (q, keep, sort field, descending): broad ones exceed the 1000 cap, narrow ones do not.
    ("NOT blocked:true", lambda u: not u.blocked, "last_login", True),
    ("NOT blocked:true", lambda u: not u.blocked, None, False),
    ("email.domain:gmail.com", lambda u: u.email_domain == "gmail.com", "last_login", False),
    ("name:z*", lambda u: u.name.lower().startswith("z"), "email", False),
    # The first ~360 users by logins_count have none: a 300-user walk comes back empty and
    # the planner's plan answers instead.
    ("logins_count:[1 TO *]", lambda u: u.logins_count >= 1, "logins_count", False),
    (
        "name:z* OR NOT blocked:true",
        lambda u: True if not u.blocked else u.name.lower().startswith("z"),
        "email",
        True,
    ),
    ("logins_count:[1 TO *]", lambda u: u.logins_count >= 1, "logins_count", True),
]


@pytest.mark.parametrize(("q", "keep", "key", "descending"), CASES)
@pytest.mark.parametrize(
    "walk",
    [WalkBudget(ms=0), WalkBudget(ms=1e-6, check_steps=1), WALK],
    ids=["planner", "interrupted-walk", "walk"],
)
@pytest.mark.parametrize(("page", "per_page"), [(0, 50), (3, 100), (19, 50)])
def test_every_plan_gives_the_same_page(
    sessions: sessionmaker[Session],
    everyone: list[User],
    q: str,
    keep: Any,
    key: str | None,
    descending: bool,
    walk: WalkBudget,
    page: int,
    per_page: int,
) -> None:
    sort = None if key is None else f"{key}:{-1 if descending else 1}"
    with sessions() as session:
        result = UserService(session, walk=walk).search(
            q=q, page=page, per_page=per_page, sort=sort, connection=None, with_total=True
        )
    want = expected(everyone, keep, key, descending, page * per_page, per_page)
    total = sum(1 for u in everyone if keep(u))
    assert [u.user_id for u in result.users] == want
    assert result.total == min(total, 1000)


def on_sqlite(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's progress handler and query plans; PostgreSQL walks by windows")


def test_a_walk_past_its_budget_stops_and_leaves_the_session_usable(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        on_sqlite(session)
        order = [func.lower(User.email).asc(), User.pk.asc()]
        # An index finds these users: a walk that takes too long has a way out.
        condition = User.logins_count >= 1
        planner = UserRepository(session, WalkBudget(ms=0))._pks(condition, order, 100, 50)
        assert len(planner) == 50
        # A budget of a nanosecond, checked at every step: SQLite interrupts the walk.
        hasty = UserRepository(session, WalkBudget(ms=1e-6, check_steps=1))
        assert hasty._walk(condition, order, 100, 50, scans=False) is None
        # The interrupted statement left the transaction and the connection as they were.
        assert UserRepository(session)._walk(condition, order, 100, 50, scans=False) == planner
        assert session.scalar(select(func.count()).select_from(User)) == 2500


def test_a_walk_no_index_could_replace_reads_to_its_end(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        on_sqlite(session)
        order = [func.lower(User.email).asc(), User.pk.asc()]
        # No index finds unblocked users: the planner would read every user, so the walk,
        # however long, is the better way and is not stopped.
        condition = User.blocked.is_(False)
        hasty = UserRepository(session, WalkBudget(ms=1e-6, check_steps=1))
        assert hasty._scans(condition)
        assert not hasty._scans(User.logins_count >= 1)
        planner = UserRepository(session, WalkBudget(ms=0))._pks(condition, order, 100, 50)
        assert hasty._walk(condition, order, 100, 50, scans=True) == planner
