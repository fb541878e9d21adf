"""The audit database: an async engine (aiosqlite by default) migrated by Alembic at startup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from userdesk.private_files import prepare_sqlite, tighten_sqlite

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

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        if database is not None:
            tighten_sqlite(database)

    return engine


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _upgrade(connection: Connection) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the audit schema to the newest revision (idempotent)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


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
