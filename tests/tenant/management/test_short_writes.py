"""A user's delete, or an update without a password, runs on the event loop when SQLite's
write lock is free or nearly (``sqlite_writes``). When another connection holds the lock
longer, the write waits its turn on the writer thread: it still happens, once, and only after
the lock is let go."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.support.management import new_user
from tests.support.servers import RunningTenant
from userdesk.sqlite_writes import (
    BUSY_TIMEOUT_MS,
    SHORT_WAIT,
    WriteLockTaken,
    begin_immediate,
    transaction_now,
)
from userdesk.tenant.store.models import LogEvent, User

HOLD_SECONDS = 0.5  # twenty times sqlite_writes.SHORT_WAIT_MS


def database_file(tenant: RunningTenant) -> str:
    database = tenant.app.state.tenant.engine.url.database
    assert database, "these tests hold the lock of a SQLite file"
    return str(database)


class HeldLock:
    """Another connection holding the database's write lock until ``release``."""

    def __init__(self, database: str) -> None:
        self.connection = sqlite3.connect(
            database, isolation_level=None, timeout=30, check_same_thread=False
        )
        self.connection.execute("BEGIN IMMEDIATE")
        self.released_at = 0.0

    def release(self) -> None:
        self.released_at = time.monotonic()
        self.connection.execute("ROLLBACK")
        self.connection.close()


def test_writes_wait_for_a_lock_held_longer_than_the_short_wait(
    api: httpx.Client, tenant: RunningTenant
) -> None:
    deleted, renamed = new_user(api, "short")["user_id"], new_user(api, "short")["user_id"]
    held = HeldLock(database_file(tenant))
    answers: dict[str, tuple[httpx.Response, float]] = {}

    def send(name: str, method: str, user_id: str, body: dict[str, str] | None) -> None:
        answer = api.request(method, f"/users/{user_id}", json=body)
        answers[name] = (answer, time.monotonic())

    calls = [
        threading.Thread(target=send, args=("delete", "DELETE", deleted, None)),
        threading.Thread(target=send, args=("update", "PATCH", renamed, {"name": "Renamed"})),
    ]
    for call in calls:
        call.start()
    time.sleep(HOLD_SECONDS)
    # Meanwhile reads are answered: the writes wait for the lock off the event loop.
    assert api.get("/users", params={"per_page": 1}, timeout=10).status_code == 200
    assert answers == {}, "a write went through while another connection held the lock"
    held.release()
    for call in calls:
        call.join(timeout=30)

    (delete, deleted_at), (update, updated_at) = answers["delete"], answers["update"]
    assert delete.status_code == 204, delete.text
    assert update.status_code == 200, update.text
    assert min(deleted_at, updated_at) >= held.released_at
    assert api.get(f"/users/{deleted}").status_code == 404
    assert api.get(f"/users/{renamed}").json()["name"] == "Renamed"


def test_a_short_write_is_made_once_when_the_lock_is_free(
    api: httpx.Client, tenant: RunningTenant
) -> None:
    user_id = new_user(api, "short")["user_id"]
    assert api.patch(f"/users/{user_id}", json={"nickname": "quick"}).status_code == 200
    assert api.delete(f"/users/{user_id}").status_code == 204
    with tenant.app.state.tenant.sessions() as session:
        assert session.scalar(select(User).where(User.user_id == user_id)) is None
        deletions = select(func.count()).where(LogEvent.type == "du", LogEvent.user_id == user_id)
        assert session.scalar(deletions) == 1
    assert api.get(f"/users/{user_id}").status_code == 404


def short_write_sessions(database: Path) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """Sessions on a plain SQLite file: (waiting for the lock, with SHORT_WAIT)."""
    engine = create_engine(f"sqlite:///{database}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _driver_transactions_off(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None

    event.listen(engine, "begin", begin_immediate)
    return (
        sessionmaker(engine),
        sessionmaker(engine.execution_options(**{SHORT_WAIT: True})),
    )


def test_transaction_now_does_nothing_while_another_writer_holds_on(tmp_path: Path) -> None:
    database = tmp_path / "short.sqlite3"
    waiting, short = short_write_sessions(database)
    with waiting() as session, session.begin():
        session.connection().exec_driver_sql("CREATE TABLE notes (text TEXT)")
    ran: list[str] = []

    def work(session: Session) -> str:
        ran.append("work")
        session.connection().exec_driver_sql("INSERT INTO notes VALUES ('short')")
        return "done"

    held = HeldLock(str(database))
    started = time.monotonic()
    with pytest.raises(WriteLockTaken):
        transaction_now(short, work)
    gave_up_after = time.monotonic() - started
    held.release()
    assert ran == [], "work ran without the lock"
    # It gave up after its short wait, not after the busy timeout of other writes (30 s).
    assert gave_up_after < BUSY_TIMEOUT_MS / 1000 / 2

    assert transaction_now(short, work) == "done"
    with waiting() as session:
        rows = session.connection().exec_driver_sql("SELECT text FROM notes").all()
    assert [tuple(row) for row in rows] == [("short",)]
