"""The audit database: an async engine (aiosqlite by default, psycopg 3 on PostgreSQL),
migrated by Alembic from ``userdesk migrate``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from userdesk.private_files import prepare_sqlite, tighten_sqlite
from userdesk.sqlite_writes import BUSY_TIMEOUT_MS, begin_immediate

MIGRATIONS = Path(__file__).parent / "migrations"
# Its own version table, so the audit log can share a database with other schemas.
VERSION_TABLE = "desk_alembic_version"


def make_engine(url: str) -> AsyncEngine:
    # hide_parameters: a database error's text (logged or not) never carries user data.
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)
    # The audit log names people: its files are the owner's only (created 0600 before SQLite).
    database = prepare_sqlite(url)
    engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

    event.listen(engine.sync_engine, "connect", _pragmas(database))
    return engine


def _pragmas(database: Path | None) -> Callable[[Any, Any], None]:
    """SQLite settings for each new connection, and the files kept the owner's only."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()
        if database is not None:
            tighten_sqlite(database)

    return on_connect


def make_write_engine(url: str) -> Engine | None:
    """A plain (sync) engine on the same SQLite file, for audit writes run whole at once: on
    the event loop when the write lock is free, else in one thread hop (``AuditLog``).

    Through aiosqlite each statement, the commit and the connection's reset are one trip to
    its thread and back through the event loop; a busy desk's loop makes every trip wait, so
    an audit write took several times longer than the write. None for other databases.
    Transactions begin with ``BEGIN IMMEDIATE`` (``sqlite_writes``).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = prepare_sqlite(url)
    engine = create_engine(
        parsed.set(drivername="sqlite"),
        connect_args={"check_same_thread": False, "timeout": 30},
        hide_parameters=True,
    )
    pragmas = _pragmas(database)

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        pragmas(dbapi_connection, record)
        # The driver's own transaction handling off: the BEGIN sent is begin_immediate's.
        dbapi_connection.isolation_level = None

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", begin_immediate)
    return engine


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _upgrade(connection: Connection) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


# PostgreSQL advisory locks are named by a number; not the tenant store's, so the two schemas
# may live in one database and still migrate independently.
ADVISORY_LOCK_KEY = 0x75736472617564  # "usdraud"


async def migrate(engine: AsyncEngine) -> None:
    """Bring the audit schema to the newest revision (idempotent).

    On PostgreSQL a session-level advisory lock is held for the migration, so replicas on
    several machines that run ``userdesk migrate`` together migrate once, one after the
    other (the later ones find the schema current). SQLite's callers hold a lock file.
    """
    if engine.dialect.name != "postgresql":
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
        return
    async with engine.connect() as connection:
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        await connection.commit()
        try:
            async with connection.begin():
                await connection.run_sync(_upgrade)
        finally:
            await connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
            await connection.commit()


class NotMigrated(RuntimeError):
    """The audit database is behind the desk's code: ``userdesk migrate`` brings it up."""


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE}
    ).get_current_revision()


def head() -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


async def ensure_current(engine: AsyncEngine) -> None:
    """Refuse to start on a schema other than the newest; migrating is ``userdesk migrate``'s.

    Several desk processes may start together: none of them changes the schema on its own.
    """
    async with engine.connect() as connection:
        current = await connection.run_sync(_revision)
    wanted = head()
    if current != wanted:
        raise NotMigrated(
            f"The audit database is at revision {current or 'none'}, the desk needs {wanted}: "
            "run `userdesk migrate` (userdesk serve does it on the embedded default)"
        )
