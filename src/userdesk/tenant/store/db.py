"""Engine, sessions and migrations of the tenant's database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from userdesk.locks import exclusive
from userdesk.private_files import prepare_sqlite, tighten_sqlite
from userdesk.sqlite_writes import BUSY_TIMEOUT_MS, begin_immediate

MIGRATIONS = Path(__file__).parent / "migrations"


# An execution option: transactions of an engine carrying it only read (see make_engine).
READ_ONLY = "userdesk_read_only"


# The driver a plain ``postgresql://`` (or ``postgres://``) URL gets: psycopg 3, synchronous
# like the rest of the tenant.
POSTGRESQL_DRIVER = "postgresql+psycopg"


def database_url(url: str) -> str:
    """``url`` with the driver the tenant uses when it names none (``postgresql://...``)."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in {"postgresql", "postgres"}:
        return f"{POSTGRESQL_DRIVER}://{rest}"
    return url


def make_engine(url: str) -> Engine:
    """The tenant's engine. On SQLite, several processes may share the database (WAL).

    Every transaction starts with ``BEGIN IMMEDIATE``, taking the write lock up front, unless
    its engine carries ``READ_ONLY`` (``make_read_sessionmaker``): a deferred transaction that
    reads and then writes fails at once (SQLITE_BUSY, no waiting) when another process wrote
    in between, while an immediate one waits its turn behind the writer that holds the lock.
    The driver's own transaction handling is off so that SQLAlchemy's BEGIN is the one sent.
    """
    # hide_parameters: a database error's text (logged or not) never carries user data.
    if url.startswith("sqlite"):
        database = prepare_sqlite(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=10,
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.close()
            if database is not None:
                tighten_sqlite(database)

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            if connection.get_execution_options().get(READ_ONLY, False):
                _map_for_reads(connection)
                connection.exec_driver_sql("BEGIN")
            else:
                begin_immediate(connection)

        return engine
    url = database_url(url)
    if make_url(url).get_backend_name() == "postgresql":
        return create_engine(url, pool_size=10, pool_pre_ping=True, hide_parameters=True)
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


# Reads of the database file through a memory map: a search that reads users along an index
# in another order than the table's touches pages all over the file, and a mapped page costs
# no copy into SQLite's own cache. Only connections that served a read-only transaction map
# the file: a bulk import's memory stays its own page cache, not the whole file it wrote.
# Every mapped page a process touched counts in its resident memory until the kernel needs
# it back, so the map is bounded: MMAP_DEFAULT_MB keeps a million-user tenant's searches
# under 300 MB resident (bench/README.md); USERDESK_TENANT_SQLITE_MMAP_MB sets another size
# (0: no map, every page read into SQLite's cache).
MMAP_DEFAULT_MB = 128


def _mmap_bytes() -> int:
    text = os.environ.get("USERDESK_TENANT_SQLITE_MMAP_MB", "").strip()
    megabytes = int(text) if text.isdigit() else MMAP_DEFAULT_MB
    return megabytes * 1024 * 1024


MMAP_BYTES = _mmap_bytes()
_MAPPED = "userdesk_mmap"


def _map_for_reads(connection: Any) -> None:
    info = connection.connection.info
    if not info.get(_MAPPED):
        connection.exec_driver_sql(f"PRAGMA mmap_size={MMAP_BYTES}")
        info[_MAPPED] = True


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


# Any constant: PostgreSQL's advisory locks are named by a number.
ADVISORY_LOCK_KEY = 0x75736572646B


def migrate(engine: Engine, data_dir: Path | None = None) -> None:
    """Bring the schema to the newest revision (idempotent), one process at a time.

    SQLite: a lock file in ``data_dir`` serializes processes that start together.
    PostgreSQL: an advisory lock, held for the migration, does the same across machines.
    """
    with exclusive(data_dir) if data_dir is not None else nullcontext():
        if engine.dialect.name != "postgresql":
            command.upgrade(alembic_config(engine), "head")
            return
        with engine.connect() as holder:
            holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            try:
                command.upgrade(alembic_config(engine), "head")
            finally:
                holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def make_read_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read: they take no write lock, and never wait for one."""
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session, session.begin():
        yield session
