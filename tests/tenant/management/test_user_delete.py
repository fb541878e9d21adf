"""A user's delete, on both stores: one statement removes the user and names them for the log."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from userdesk.tenant.management.audit import ApiCall
from userdesk.tenant.management.auth import Caller
from userdesk.tenant.management.users.service import UserService
from userdesk.tenant.store.db import make_sessionmaker, transaction
from userdesk.tenant.store.models import LogEvent, User

pytestmark = pytest.mark.both_stores

CALL = ApiCall(
    caller=Caller(
        client_id="deleting-client", subject="deleting-client@clients", scopes=frozenset()
    ),
    method="delete",
    path="/api/v2/users/x",
)
DAY = datetime(2024, 5, 6, 7, 8, 9)


def add(session: Session, user_id: str, **names: str | None) -> None:
    session.add(
        User(
            user_id=user_id,
            connection="Username-Password-Authentication",
            created_at=DAY,
            updated_at=DAY,
            app_metadata={},
            user_metadata={},
            **names,
        )
    )


def deletions(session: Session, user_id: str) -> list[tuple[str | None, str | None, str | None]]:
    rows = session.execute(
        select(LogEvent.user_name, LogEvent.connection, LogEvent.client_id).where(
            LogEvent.type == "du", LogEvent.user_id == user_id
        )
    )
    return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    ("names", "logged_as"),
    [
        (
            {"email": "del.one@example.com", "username": "delone", "name": "Del One"},
            "del.one@example.com",
        ),
        ({"email": None, "username": "deltwo", "name": "Del Two"}, "deltwo"),
        ({"email": None, "username": None, "name": "Del Three"}, "Del Three"),
        ({"email": None, "username": None, "name": None}, None),
    ],
)
def test_a_delete_removes_the_user_and_logs_it_by_its_first_name_field(
    store_engine: Engine, names: dict[str, str | None], logged_as: str | None
) -> None:
    sessions = make_sessionmaker(store_engine)
    user_id = f"auth0|del-{sum(value is None for value in names.values())}"
    with transaction(sessions) as session:
        add(session, user_id, **names)
        add(session, f"{user_id}-kept")
    with transaction(sessions) as session:
        UserService(session).delete(user_id, CALL)
    with transaction(sessions) as session:
        assert session.scalar(select(User).where(User.user_id == user_id)) is None
        assert session.scalar(select(User).where(User.user_id == f"{user_id}-kept")) is not None
        assert deletions(session, user_id) == [
            (logged_as, "Username-Password-Authentication", "deleting-client")
        ]


def test_deleting_a_user_twice_logs_one_deletion(store_engine: Engine) -> None:
    sessions = make_sessionmaker(store_engine)
    user_id = "auth0|del-twice"
    with transaction(sessions) as session:
        add(session, user_id, email="twice@example.com")
    for _ in range(2):
        with transaction(sessions) as session:
            UserService(session).delete(user_id, CALL)
    with transaction(sessions) as session:
        assert len(deletions(session, user_id)) == 1
