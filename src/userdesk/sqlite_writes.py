"""SQLite write transactions, for the tenant's store and the desk's audit log alike.

Every write transaction starts with ``BEGIN IMMEDIATE``: it takes the database's one write
lock up front, so it never fails half-way because another connection wrote first, and it
waits its turn (up to ``BUSY_TIMEOUT_MS``) when another writer holds the lock.

A short write (a few statements, nothing slow such as a password hash) may also run right on
the event loop, with ``transaction_now``: when the lock is free it takes a millisecond or
two, where a trip to a worker thread and back through a busy loop costs a whole turn of the
loop each way (measured: 35 to 75 ms each under the 50-staff soak). Another writer's
transaction is as short, so it waits for the lock up to ``SHORT_WAIT_MS`` (asleep in SQLite's
busy handler); past that it does nothing at all and says so (``WriteLockTaken``), and the
caller takes it to a worker thread, where ``transaction_soon`` tries again the same way until
it has the lock. (SQLite's own busy handler, which the other writes wait in, sleeps up to
100 ms between tries: writers that try every few milliseconds take every free moment from
such a waiter, which measured up to 2 s at the soak's p99.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

# An execution option: transactions of an engine carrying it begin only if the write lock is
# free within SHORT_WAIT_MS (see begin_immediate).
SHORT_WAIT = "userdesk_short_wait"
# How long a short write waits for the lock on the event loop. SQLite's busy handler sleeps
# 1, 2, 5, 10 and then 7 ms in between tries. Under the 50-staff soak on two processes, 25 ms
# took a delete's p99 from 1.4-2.0 s (0 and 10 ms) to 0.7 s.
SHORT_WAIT_MS = 25
# How long a write waits for the lock everywhere else, in a worker thread.
BUSY_TIMEOUT_MS = 30_000


class WriteLockTaken(Exception):
    """Another connection held the database's write lock too long; nothing was done."""


def begin_immediate(connection: Any) -> None:
    """The body of an engine's ``begin`` event: ``BEGIN IMMEDIATE``, which waits for the
    write lock, or with ``SHORT_WAIT`` fails (SQLITE_BUSY) if it is not free in time."""
    if not connection.get_execution_options().get(SHORT_WAIT, False):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    connection.exec_driver_sql(f"PRAGMA busy_timeout={SHORT_WAIT_MS}")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def short_write_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions of ``engine`` (whose ``begin`` event is ``begin_immediate``) that begin only if
    the write lock comes free within ``SHORT_WAIT_MS``: the sessions ``transaction_now`` and
    ``transaction_soon`` take."""
    return sessionmaker(engine.execution_options(**{SHORT_WAIT: True}), expire_on_commit=False)


def lock_taken(exc: OperationalError) -> bool:
    """Whether ``exc`` is SQLite's answer that another connection holds the lock."""
    name = getattr(exc.orig, "sqlite_errorname", "")
    return name.startswith("SQLITE_BUSY") or "database is locked" in str(exc.orig)


def transaction_now(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """``work`` in one committed transaction of ``sessions`` (an engine with ``SHORT_WAIT``),
    begun only if the write lock comes free in time; ``WriteLockTaken``, before ``work`` runs,
    if not."""
    with sessions() as session:
        try:
            session.connection()  # BEGIN IMMEDIATE, before anything of ``work``
        except OperationalError as exc:
            if lock_taken(exc):
                raise WriteLockTaken from exc
            raise
        result = work(session)
        session.commit()
        return result


def transaction_soon(
    sessions: sessionmaker[Session],
    work: Callable[[Session], T],
    timeout_ms: int = BUSY_TIMEOUT_MS,
) -> T:
    """``transaction_now`` tried again until it has the lock, for a worker thread; after
    ``timeout_ms`` the database's own "database is locked" error, as any write gets."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            return transaction_now(sessions, work)
        except WriteLockTaken as taken:
            if time.monotonic() >= deadline:
                assert isinstance(taken.__cause__, OperationalError)
                raise taken.__cause__ from None
