"""Fresh databases for tests: a SQLite file, or a PostgreSQL database made for the occasion.

``USERDESK_TEST_POSTGRES`` names the server's maintenance database (default: the local
server's ``postgres`` database, trust authentication). Each database made here has a unique
name and is dropped afterwards, whoever still holds a connection to it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

SERVER = os.environ.get("USERDESK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
# The stores a test marked ``both_stores`` runs on (pytest --stores=sqlite to leave one out).
STORES = ("sqlite", "postgresql")


@contextmanager
def postgres_database(prefix: str = "userdesk_test") -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its ``postgresql://`` URL."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(SERVER, autocommit=True)
    except psycopg.OperationalError as exc:
        raise RuntimeError(
            f"no PostgreSQL server for the tests at USERDESK_TEST_POSTGRES ({exc}); start one, "
            "or leave PostgreSQL out with pytest --stores=sqlite"
        ) from None
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def store_url(store: str, directory: Path) -> Iterator[str]:
    """The URL of an empty tenant store of kind ``store`` ("sqlite" or "postgresql")."""
    if store == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{directory / 'tenant.sqlite3'}"
