"""The users list answers from plain rows exactly what ``user_json`` answers from a ``User``.

The list reads only the columns its answer needs, dates and metadata as SQLite stores them;
every other route still serializes ORM objects. Both must agree, field for field.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import orjson
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from userdesk.tenant.management.paging import iso, select_fields
from userdesk.tenant.management.users.schemas import (
    iso_text,
    listed_columns,
    listed_users,
    user_json,
)
from userdesk.tenant.management.users.service import UserService
from userdesk.tenant.provisioning.demo import seed_users
from userdesk.tenant.store.db import make_sessionmaker, transaction
from userdesk.tenant.store.models import User

pytestmark = pytest.mark.both_stores


@pytest.fixture(scope="module")
def sessions(store_engine: Engine) -> Iterator[sessionmaker[Session]]:
    factory = make_sessionmaker(store_engine)
    with transaction(factory) as session:
        seed_users(session, 120)
        session.add(
            User(
                user_id="auth0|odd",
                email="odd@example.com",
                created_at=datetime(2024, 2, 3, 4, 5, 6, 789_123),
                updated_at=datetime(2024, 2, 3, 4, 5, 6),
                app_metadata={"roles": ["a", "b"], "n": 1.5, "nested": {"é": None}},
                user_metadata={},
            )
        )
    yield factory


def as_json(document: object) -> object:
    return orjson.loads(orjson.dumps(document))


@pytest.mark.parametrize(
    ("fields", "include"),
    [
        (None, True),
        (["user_id", "email"], True),
        (["identities", "app_metadata"], False),
        (["identities", "last_login"], True),
    ],
)
def test_rows_answer_what_user_json_answers(
    sessions: sessionmaker[Session], fields: list[str] | None, include: bool
) -> None:
    with sessions() as session:
        result = UserService(session).search(
            q=None,
            page=0,
            per_page=100,
            sort="email:1",
            connection=None,
            with_total=False,
            columns=listed_columns(fields, include),
        )
        listed = [select_fields(u, fields, include) for u in listed_users(result.users)]
        # Every row carries its pk, whatever the fields: the page's users, in its order.
        users = {u.pk: u for u in session.scalars(select(User))}
        expected = [select_fields(user_json(users[r.pk]), fields, include) for r in result.users]
    assert len(listed) == 100
    assert as_json(listed) == as_json(expected)


def test_odd_user_keeps_its_milliseconds_and_metadata(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        result = UserService(session).search(
            q="user_id:auth0|odd",
            page=0,
            per_page=5,
            sort=None,
            connection=None,
            with_total=True,
        )
        user = session.scalars(select(User).where(User.user_id == "auth0|odd")).one()
        [listed] = listed_users(result.users)
        assert as_json(listed) == as_json(user_json(user))
    assert as_json(listed)["created_at"] == "2024-02-03T04:05:06.789Z"


@pytest.mark.parametrize(
    "moment",
    [datetime(2024, 1, 2, 3, 4, 5), datetime(2024, 1, 2, 3, 4, 5, 6), datetime(1999, 12, 31)],
)
def test_iso_text_of_stored_text_is_iso_of_the_datetime(moment: datetime) -> None:
    stored = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    assert iso_text(stored) == iso(moment) == iso_text(moment)
    assert iso_text(moment.strftime("%Y-%m-%d %H:%M:%S")) == iso(moment.replace(microsecond=0))
