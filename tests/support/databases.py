"""Real databases for tests: a fresh, uniquely named PostgreSQL database, dropped afterwards,
or a SQLite file, for the tenant's store.

The server is the machine's (127.0.0.1:5432, trust authentication, user ``postgres``);
``USERDESK_TEST_POSTGRES`` points the tests at another one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

SERVER = os.environ.get("USERDESK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")

# The audit log's databases, each test parametrized over both runs on each.
AUDIT_BACKENDS = ("sqlite", "postgresql")
# The tenant's stores a test marked ``both_stores`` runs on (pytest --stores=sqlite: one).
STORES = ("sqlite", "postgresql")


@contextmanager
def fresh_postgres_database(purpose: str) -> Iterator[str]:
    """A new empty database for ``purpose``; yields its plain ``postgresql://`` URL."""
    name = f"userdesk_test_{purpose}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def query(url: str, statement: str, parameters: dict[str, Any] | None = None) -> list[Any]:
    """Rows of ``statement`` (SQLAlchemy text, ``:name`` parameters) on the database at ``url``.

    Any of the desk's URL forms (``sqlite+aiosqlite://``, ``postgresql+psycopg://``...) is
    read through the matching sync driver, as another process reading the database would.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    sync = parsed.set(
        drivername="sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql+psycopg"
    )
    engine = create_engine(sync)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(statement), parameters or {})]
    finally:
        engine.dispose()


@contextmanager
def store_url(store: str, directory: Path) -> Iterator[str]:
    """The URL of an empty tenant store of kind ``store`` ("sqlite" or "postgresql")."""
    if store == "postgresql":
        with fresh_postgres_database("tenant") as url:
            yield url
    else:
        yield f"sqlite:///{directory / 'tenant.sqlite3'}"
