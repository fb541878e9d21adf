"""Deterministic, realistic demo users, inserted in bulk (a million takes seconds, not hours).

Demo users have no password: they are there to be found and managed, not to sign in.
The same ``(seed, offset)`` always yields the same users, so test data and benchmarks repeat.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
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


def _avatar(email: str, initials: str) -> str:
    digest = hashlib.md5(email.encode()).hexdigest()  # noqa: S324 - gravatar's key, not security
    return (
        f"https://s.gravatar.com/avatar/{digest}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com"
        f"%2Favatars%2F{initials.lower()}.png"
    )


def demo_user(rng: random.Random, index: int, now: datetime) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    domain = rng.choice(DOMAINS)
    email = f"{first}.{last}{index}@{domain}".lower()
    created = now - timedelta(seconds=rng.randint(3600, 3 * 365 * 86400))
    logins = 0 if rng.random() < 0.15 else int(rng.expovariate(1 / 40)) + 1
    last_login = (
        None
        if logins == 0
        else created + timedelta(seconds=rng.randint(0, int((now - created).total_seconds())))
    )
    return {
        "user_id": f"auth0|{rng.getrandbits(96):024x}",
        "connection": CONNECTION,
        "provider": "auth0",
        "email": email,
        "email_domain": domain,
        "email_verified": rng.random() < 0.8,
        "username": None,
        "name": f"{first} {last}",
        "nickname": email.split("@", 1)[0],
        "given_name": first,
        "family_name": last,
        "picture": _avatar(email, first[0] + last[0]),
        "password_hash": None,
        "blocked": rng.random() < 0.02,
        "created_at": created,
        "updated_at": max(created, last_login or created),
        "last_login": last_login,
        "last_ip": f"203.0.113.{rng.randint(1, 254)}" if logins else None,
        "logins_count": logins,
        "app_metadata": {"plan": rng.choice(PLANS)},
        "user_metadata": {"locale": rng.choice(LOCALES)},
    }


def generate(count: int, *, seed: int = 0, offset: int = 0) -> Iterator[dict[str, Any]]:
    rng = random.Random(f"{seed}:{offset}")  # noqa: S311 - demo data must repeat
    # A fixed "now" keeps the output identical from one run to the next.
    now = datetime(2026, 1, 1)
    for index in range(offset, offset + count):
        yield demo_user(rng, index, now)


def seed_users(
    session: Session,
    count: int,
    *,
    seed: int = 0,
    batch: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``count`` more demo users after those already there; returns how many."""
    offset = session.scalar(select(func.count()).select_from(User)) or 0
    rows: list[dict[str, Any]] = []
    done = 0
    for row in generate(count, seed=seed, offset=offset):
        rows.append(row)
        if len(rows) >= batch:
            session.execute(insert(User), rows)
            done += len(rows)
            if progress:
                progress(len(rows))
            rows = []
    if rows:
        session.execute(insert(User), rows)
        done += len(rows)
        if progress:
            progress(len(rows))
    return done
