"""Deterministic, realistic demo users, inserted in bulk (a million takes seconds, not hours).

Demo users have no password: they are there to be found and managed, not to sign in.
The same ``(seed, offset)`` always yields the same users, so test data and benchmarks repeat.

Speed comes from three choices: rows are generated as tuples with cheap arithmetic on one
``random.Random``; on SQLite they go through the raw DBAPI cursor's ``executemany`` in the
caller's transaction; and a large load drops the users table's secondary indexes first and
rebuilds them afterwards (building an index from sorted data beats a million random inserts).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from userdesk.tenant.store.models import User

CONNECTION = "Username-Password-Authentication"

FIRST = [
    "Ada",
    "Alan",
    "Amara",
    "Anika",
    "Aram",
    "Ben",
    "Bianca",
    "Carlos",
    "Chen",
    "Chloe",
    "Daniel",
    "Dara",
    "Diego",
    "Elena",
    "Emeka",
    "Emma",
    "Farah",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jamal",
    "Jana",
    "Jonas",
    "Kai",
    "Kenji",
    "Lara",
    "Leila",
    "Liam",
    "Lucia",
    "Malik",
    "Maria",
    "Mateo",
    "Mei",
    "Mila",
    "Nadia",
    "Noah",
    "Nora",
    "Olga",
    "Omar",
    "Pablo",
    "Priya",
    "Quinn",
    "Rafael",
    "Rosa",
    "Sam",
    "Sara",
    "Sofia",
    "Tariq",
    "Tomas",
    "Uma",
    "Victor",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Abe",
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Bauer",
    "Becker",
    "Brown",
    "Castro",
    "Chen",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fernandez",
    "Fischer",
    "Garcia",
    "Gupta",
    "Haddad",
    "Hansen",
    "Ito",
    "Jansen",
    "Jones",
    "Kaur",
    "Khan",
    "Kim",
    "Kowalski",
    "Larsen",
    "Lee",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Torres",
    "Vargas",
    "Weber",
    "Williams",
    "Wong",
    "Yilmaz",
    "Zhang",
    "Zimmermann",
]
DOMAINS = [
    "example.com",
    "example.org",
    "acme.io",
    "globex.com",
    "initech.net",
    "umbrella.co",
    "hooli.xyz",
    "gmail.com",
    "outlook.com",
    "proton.me",
]
PLANS = ("free", "free", "free", "pro", "pro", "enterprise")
LOCALES = ("en", "en", "de", "fr", "es", "pt", "ja")


# The fixed "now" of the demo data keeps the output identical from one run to the next.
NOW = datetime(2026, 1, 1)
THREE_YEARS = 3 * 365 * 86400
ID_BASE = 0x65000000
COLUMNS = (
    "user_id",
    "connection",
    "provider",
    "email",
    "email_domain",
    "email_verified",
    "username",
    "name",
    "nickname",
    "given_name",
    "family_name",
    "picture",
    "password_hash",
    "blocked",
    "created_at",
    "updated_at",
    "last_login",
    "last_ip",
    "logins_count",
    "app_metadata",
    "user_metadata",
)
# Indexes worth rebuilding rather than maintaining row by row.
BULK_THRESHOLD = 50_000
# Column names come from the constant above, never from input.
_SQLITE_INSERT = "INSERT INTO users ({}) VALUES ({})".format(  # noqa: S608
    ", ".join(COLUMNS), ", ".join("?" * len(COLUMNS))
)
_PLAN_JSON = [json.dumps({"plan": p}) for p in PLANS]
_LOCALE_JSON = [json.dumps({"locale": loc}) for loc in LOCALES]


def _same(moment: datetime) -> datetime:
    return moment


def _sqlite_time(moment: datetime) -> str:
    # SQLAlchemy's SQLite DateTime storage format, so the ORM reads these rows back unchanged.
    return moment.isoformat(" ", "microseconds")


def _avatar(digest: str, initials: str) -> str:
    # Gravatar-shaped; the digest is random rather than md5(email): these addresses are fake
    # anyway and hashing a million of them costs more than the rest of a row.
    return (
        f"https://s.gravatar.com/avatar/{digest}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com"
        f"%2Favatars%2F{initials.lower()}.png"
    )


def rows(
    count: int, *, seed: int = 0, offset: int = 0, stamp: Callable[[datetime], Any] = _same
) -> Iterator[tuple[Any, ...]]:
    """Demo users as tuples in ``COLUMNS`` order; metadata as JSON text, dates through ``stamp``."""
    rng = random.Random(f"{seed}:{offset}")  # noqa: S311 - demo data must repeat
    rand, bits = rng.random, rng.getrandbits
    n_first, n_last, n_domain = len(FIRST), len(LAST), len(DOMAINS)
    n_plan, n_locale = len(PLANS), len(LOCALES)
    for index in range(offset, offset + count):
        first = FIRST[int(rand() * n_first)]
        last = LAST[int(rand() * n_last)]
        domain = DOMAINS[int(rand() * n_domain)]
        local = f"{first}.{last}{index}".lower()
        email = f"{local}@{domain}"
        created = NOW - timedelta(seconds=3600 + int(rand() * THREE_YEARS))
        logins = 0 if rand() < 0.15 else int(rng.expovariate(1 / 40)) + 1
        last_login = None
        if logins:
            last_login = stamp(
                created + timedelta(seconds=int(rand() * (NOW - created).total_seconds()))
            )
        created_stamp = stamp(created)
        yield (
            # ObjectId-shaped like Auth0's: a rising prefix, so rows append to the unique index.
            f"auth0|{ID_BASE + index:08x}{bits(64):016x}",
            CONNECTION,
            "auth0",
            email,
            domain,
            rand() < 0.8,
            None,
            f"{first} {last}",
            local,
            first,
            last,
            _avatar(f"{bits(128):032x}", first[0] + last[0]),
            None,
            rand() < 0.02,
            created_stamp,
            last_login or created_stamp,
            last_login,
            f"203.0.113.{1 + int(rand() * 254)}" if logins else None,
            logins,
            _PLAN_JSON[int(rand() * n_plan)],
            _LOCALE_JSON[int(rand() * n_locale)],
        )


def generate(count: int, *, seed: int = 0, offset: int = 0) -> Iterator[dict[str, Any]]:
    """The same users as ``rows``, as dictionaries with decoded metadata."""
    for row in rows(count, seed=seed, offset=offset):
        user = dict(zip(COLUMNS, row, strict=True))
        user["app_metadata"] = json.loads(user["app_metadata"])
        user["user_metadata"] = json.loads(user["user_metadata"])
        yield user


def seed_users(
    session: Session,
    count: int,
    *,
    seed: int = 0,
    batch: int = 50_000,
    progress: Callable[[int], None] | None = None,
    rebuild_indexes: bool | None = None,
) -> int:
    """Insert ``count`` more demo users after those already there; returns how many.

    ``rebuild_indexes`` (default: for ``BULK_THRESHOLD`` users or more) drops the users
    table's secondary indexes for the load and creates them again inside the same transaction.
    """
    offset = session.scalar(select(func.count()).select_from(User)) or 0
    if session.get_bind().dialect.name != "sqlite":
        return _insert_portable(session, rows(count, seed=seed, offset=offset), batch, progress)
    indexes: list[str] = []
    if count >= BULK_THRESHOLD if rebuild_indexes is None else rebuild_indexes:
        found = session.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'users' AND sql IS NOT NULL"
            )
        ).all()
        for name, _sql in found:
            session.execute(text(f'DROP INDEX "{name}"'))
        indexes = [sql for _name, sql in found]
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    done = 0
    prepared = rows(count, seed=seed, offset=offset, stamp=_sqlite_time)
    # One thread builds the next chunk while SQLite (which releases the GIL) writes this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(lambda: list(islice(prepared, batch)))
        while chunk := pending.result():
            pending = pool.submit(lambda: list(islice(prepared, batch)))
            cursor.executemany(_SQLITE_INSERT, chunk)
            done += len(chunk)
            if progress:
                progress(len(chunk))
    cursor.close()
    for sql in indexes:
        session.execute(text(sql))
    return done


def _insert_portable(
    session: Session,
    source: Iterator[tuple[Any, ...]],
    batch: int,
    progress: Callable[[int], None] | None,
) -> int:
    done = 0
    while chunk := list(islice(source, batch)):
        dicts = [dict(zip(COLUMNS, row, strict=True)) for row in chunk]
        for user in dicts:
            user["app_metadata"] = json.loads(user["app_metadata"])
            user["user_metadata"] = json.loads(user["user_metadata"])
        session.execute(insert(User), dicts)
        done += len(chunk)
        if progress:
            progress(len(chunk))
    return done
