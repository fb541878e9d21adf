"""PostgreSQL answers every user search exactly as SQLite does.

The same random users (mixed case, non-ASCII letters, LIKE's special characters, missing
values) go into a SQLite store and a PostgreSQL store; random searches and sorts must give
the same users in the same order on both, through every plan the repository has: the probe
sorted in Python, the walk along an index, and the database's own ORDER BY (a small cap
sends searches down the last two).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from tests.support.databases import store_url
from userdesk.tenant.management.query import QuerySyntaxError
from userdesk.tenant.management.users.fields import USER_SORT
from userdesk.tenant.management.users.repository import UserQuery, UserRepository, WalkBudget
from userdesk.tenant.store.db import make_engine, migrate
from userdesk.tenant.store.models import User

LETTERS = ["a", "A", "b", "B", "z", "é", "É", "_", "%", "1", " "]
WORDS = ["ab", "Ab", "aB", "éa", "Éa", "zz", "a_", "a%", "b1", "1", "abc", "aBC", "éab", "a_b"]
# Names made of the searched words and letters, so that searches find something.
TEXT = st.lists(st.sampled_from(WORDS + LETTERS), min_size=1, max_size=3).map("".join)
MAYBE_TEXT = st.none() | TEXT
DAY = datetime(2024, 1, 1)

people = st.lists(
    st.fixed_dictionaries(
        {
            "name": MAYBE_TEXT,
            "given_name": MAYBE_TEXT,
            "nickname": MAYBE_TEXT,
            "local": TEXT,
            "username": MAYBE_TEXT,
            "logins_count": st.integers(0, 5),
            "last_login": st.none() | st.integers(0, 5).map(lambda d: DAY + timedelta(days=d)),
            "blocked": st.booleans(),
            "plan": st.sampled_from(["gold", "Gold", "silver", 3, None]),
        }
    ),
    min_size=1,
    max_size=12,
)


@st.composite
def searches(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(WORDS))
    field = draw(st.sampled_from(["name", "given_name", "nickname", "email", "username"]))
    clause = draw(
        st.sampled_from(
            [
                f"{field}:{word}",
                f"{field}:{word}*",
                f"{field}:*{word}*",
                f'{field}:"{word}"',
                f"{field}:{{{word} TO *}}",
                f"{word}*",
                f"_exists_:{field}",
                "blocked:true",
                "logins_count:[1 TO 3]",
                "last_login:[2024-01-02 TO 2024-01-04]",
                "app_metadata.plan:gold",
                "app_metadata.plan:3",
                "app_metadata.plan:[Gold TO h]",
                "app_metadata.plan:G*",
            ]
        )
    )
    return draw(
        st.sampled_from([clause, f"NOT {clause}", f"{clause} OR blocked:false", f"({clause})"])
    )


@pytest.fixture(scope="module")
def engines(
    postgresql_selected: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, Engine]]:
    directory = tmp_path_factory.mktemp("parity")
    with store_url("sqlite", directory) as lite, store_url("postgresql", directory) as pg:
        made = (make_engine(lite), make_engine(pg))
        for engine in made:
            migrate(engine)
        yield made
        for engine in made:
            engine.dispose()


def fill(session: Session, rows: list[dict[str, Any]]) -> None:
    session.execute(delete(User))
    for i, row in enumerate(rows):
        email = f"{row['local']}{i}@Example.COM"
        session.add(
            User(
                user_id=f"auth0|{i:04d}",
                email=email,
                email_domain="example.com",
                name=row["name"],
                given_name=row["given_name"],
                nickname=row["nickname"],
                username=row["username"],
                logins_count=row["logins_count"],
                last_login=row["last_login"],
                blocked=row["blocked"],
                created_at=DAY,
                updated_at=DAY,
                app_metadata={} if row["plan"] is None else {"plan": row["plan"]},
                user_metadata={},
            )
        )
    session.flush()


def answer(session: Session, query: UserQuery, cap: int, walks: tuple[int, ...]) -> Any:
    # No windows: the planner's way. Windows: a walk (PostgreSQL reads those windows in sort
    # order; SQLite walks the sort order's index within its CPU budget).
    walk = WalkBudget(windows=walks) if walks else WalkBudget(ms=0)
    try:
        rows, total = UserRepository(session, walk).find(
            query, 0, 5, cap=cap, with_total=True, columns=["user_id"]
        )
    except QuerySyntaxError as exc:
        return ("refused", str(exc))
    return [row.user_id for row in rows], total


PLANS = ((1000, ()), (2, (4, 50)), (2, ()))


def agree(one: Session, two: Session, query: UserQuery, label: Any) -> None:
    """Both stores answer ``query`` alike through every plan, and on each store every plan
    pages the same users in the same order (the totals differ: each counts to its cap)."""
    answers = [answer(one, query, cap, walks) for cap, walks in PLANS]
    for (cap, walks), expected in zip(PLANS, answers, strict=True):
        assert answer(two, query, cap, walks) == expected, (label, cap, walks)
    assert len({str(found) for found, _total in answers}) == 1, (label, answers)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=people,
    qs=st.lists(searches(), min_size=1, max_size=4),
    sort=st.sampled_from([None, *USER_SORT]),
    descending=st.booleans(),
)
def test_postgresql_finds_and_orders_as_sqlite_does(
    engines: tuple[Engine, Engine],
    rows: list[dict[str, Any]],
    qs: list[str],
    sort: str | None,
    descending: bool,
) -> None:
    lite, pg = engines
    with Session(lite) as one, one.begin(), Session(pg) as two, two.begin():
        fill(one, rows)
        fill(two, rows)
        for q in qs:
            query = UserQuery(q=q, sort=None if sort is None else (sort, descending))
            # cap 1000: fewer matches than the cap, sorted by the database with no index's
            # help; cap 2: the walk, then ORDER BY.
            agree(one, two, query, (q, sort))
        two.rollback()
        one.rollback()


FIXED = [
    {
        "name": name,
        "given_name": given,
        "nickname": None if i % 4 == 0 else name.upper(),
        "local": f"{given}.{i}".replace(" ", ""),
        "username": None if i % 3 == 0 else f"{given}{name}",
        "logins_count": i % 5,
        "last_login": None if i % 3 == 1 else DAY + timedelta(days=i % 6),
        "blocked": i % 7 == 0,
        "plan": ["gold", "Gold", "silver", 3, None, "éclair"][i % 6],
    }
    for i, (name, given) in enumerate(
        (name, given)
        for name in ["abc", "aBC", "ABC", "Émile", "émile", "zz", "a_b", "a%b", "a b"]
        for given in ["Ab", "éa", "Zz", "1"]
    )
]


def test_every_search_form_agrees_on_fixed_users(engines: tuple[Engine, Engine]) -> None:
    lite, pg = engines
    forms = ["{f}:{w}", "{f}:{w}*", "{f}:*{w}", "{f}:*{w}*", '{f}:"{w}"', "{f}:[{w} TO *]"]
    fields = ["name", "nickname", "email", "username", "user_id"]
    words = ["abc", "aBC", "émi", "Émi", "a_b", "a%b", "zz", "Ab"]
    qs = [form.format(f=f, w=w) for form in forms for f in fields for w in words]
    qs += [f"app_metadata.plan:{v}" for v in ["gold", "Gold", "G*", "é*", "3", "[A TO h]"]]
    qs += ["émi*", "*zz", "NOT _exists_:nickname", "last_login:[* TO 2024-01-03]"]
    with Session(lite) as one, one.begin(), Session(pg) as two, two.begin():
        fill(one, FIXED)
        fill(two, FIXED)
        for q in qs:
            for sort in (None, ("name", False), ("nickname", True), ("last_login", False)):
                query = UserQuery(q=q, sort=sort)
                agree(one, two, query, (q, sort))
        two.rollback()
        one.rollback()
