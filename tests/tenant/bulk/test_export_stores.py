"""An export reads SQLite's stored text and PostgreSQL's typed values: the same users give
the same bytes from both stores."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.support.databases import store_url
from userdesk.tenant.bulk.exporter import export_users, parse_fields
from userdesk.tenant.store.db import make_engine, make_sessionmaker, migrate, transaction
from userdesk.tenant.store.models import User

FIELDS = (
    "user_id,email,email_verified,username,given_name,family_name,name,nickname,picture,"
    "blocked,created_at,updated_at,last_login,last_password_reset,last_ip,logins_count,"
    "app_metadata.plan,user_metadata.deep.er"
)
JSON_FIELDS = FIELDS.replace("app_metadata.plan", "app_metadata,identities,custom_password_hash")


def users() -> list[User]:
    return [
        User(
            user_id="auth0|a1",
            connection="Username-Password-Authentication",
            provider="auth0",
            email="a@example.com",
            email_verified=True,
            name='Quote " and, comma',
            password_hash="$2b$10$abcdefghijklmnopqrstuv",
            blocked=False,
            created_at=datetime(2024, 1, 2, 3, 4, 5, 678_901),
            updated_at=datetime(2024, 1, 2, 3, 4, 5),
            last_login=datetime(2025, 12, 31, 23, 59, 59, 999_999),
            last_ip="203.0.113.9",
            logins_count=7,
            app_metadata={"plan": "gold", "n": [1, 2]},
            user_metadata={"deep": {"er": True}},
        ),
        User(
            user_id="b2",
            connection="Username-Password-Authentication",
            provider="auth0",
            blocked=True,
            created_at=datetime(2023, 6, 7, 8, 9, 10),
            updated_at=datetime(2023, 6, 7, 8, 9, 10),
            logins_count=0,
            app_metadata={},
            user_metadata={},
        ),
    ]


@pytest.fixture
def engines(postgresql_selected: None, tmp_path: Path) -> Iterator[dict[str, Engine]]:
    with store_url("sqlite", tmp_path) as lite, store_url("postgresql", tmp_path) as pg:
        made = {"sqlite": make_engine(lite), "postgresql": make_engine(pg)}
        for engine in made.values():
            migrate(engine)
            with transaction(make_sessionmaker(engine)) as session:
                session.add_all(users())
            with engine.begin() as connection:
                # A date written by hand, without the fraction SQLAlchemy always stores.
                connection.execute(
                    text("UPDATE users SET last_password_reset = '2024-05-06 07:08:09'")
                )
        yield made
        for engine in made.values():
            engine.dispose()


def export(engine: Engine, fmt: str, fields: str) -> str:
    out = io.StringIO()
    with transaction(make_sessionmaker(engine)) as session:
        export_users(session, out, fmt=fmt, fields=parse_fields(fields, fmt), batch=1)
    return out.getvalue()


def test_sqlite_and_postgresql_stores_export_the_same_bytes(engines: dict[str, Engine]) -> None:
    for fmt, fields in (("csv", FIELDS), ("json", JSON_FIELDS)):
        lite, pg = (export(engines[s], fmt, fields) for s in ("sqlite", "postgresql"))
        assert lite == pg
    lines = export(engines["sqlite"], "csv", FIELDS).splitlines()
    assert lines[1] == (
        '"\'a1","\'a@example.com",true,,,,"\'Quote "" and, comma",,,false,'
        "2024-01-02T03:04:05.678Z,2024-01-02T03:04:05.000Z,2025-12-31T23:59:59.999Z,"
        '2024-05-06T07:08:09.000Z,"\'203.0.113.9",7,"\'gold",true'
    )
    assert lines[2] == (
        '"\'b2",,false,,,,,,,true,2023-06-07T08:09:10.000Z,2023-06-07T08:09:10.000Z,,'
        "2024-05-06T07:08:09.000Z,,0,,"
    )
    assert len(lines) == 3
