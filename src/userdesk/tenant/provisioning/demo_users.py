"""Deterministic, realistic demo users: who user number ``i`` is.

Demo users have no password: they are there to be found and managed, not to sign in.
The same ``(seed, offset)`` always yields the same users, so test data and benchmarks repeat.

Every attribute of user ``i`` comes from a small integer hash of ``(i, attribute, seed)``.
The hash uses only integer arithmetic that Python and SQLite compute identically, so on
SQLite the users repository generates the rows in the database itself
(``management/users/demo_sql.py``, no Python per row), and ``generate()`` yields exactly the
same users for other databases and for tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from userdesk.tenant.store.models import DEFAULT_CONNECTION

CONNECTION = DEFAULT_CONNECTION

FIRST = (
    "Ada Alan Amara Anika Aram Ben Bianca Carlos Chen Chloe Daniel Dara Diego Elena Emeka Emma "
    "Farah Felix Grace Hana Hugo Ines Ivan Jamal Jana Jonas Kai Kenji Lara Leila Liam Lucia "
    "Malik Maria Mateo Mei Mila Nadia Noah Nora Olga Omar Pablo Priya Quinn Rafael Rosa Sam "
    "Sara Sofia Tariq Tomas Uma Victor Wei Yara Yusuf Zoe"
).split()
LAST = (
    "Abe Adeyemi Alvarez Andersen Bauer Becker Brown Castro Chen Costa Dubois Eriksen Fernandez "
    "Fischer Garcia Gupta Haddad Hansen Ito Jansen Jones Kaur Khan Kim Kowalski Larsen Lee Lopez "
    "Martin Meyer Moreau Murphy Nakamura Nguyen Novak Okafor Olsen Patel Petrov Quinn Rossi "
    "Santos Schmidt Silva Singh Smith Suzuki Tanaka Taylor Torres Vargas Weber Williams Wong "
    "Yilmaz Zhang Zimmermann"
).split()
DOMAINS = (
    "example.com example.org acme.io globex.com initech.net umbrella.co hooli.xyz gmail.com "
    "outlook.com proton.me"
).split()
PLANS = ("free", "free", "free", "pro", "pro", "enterprise")
LOCALES = ("en", "en", "de", "fr", "es", "pt", "ja")

# The fixed "now" of the demo data keeps the output identical from one run to the next.
NOW = datetime(2026, 1, 1)
NOW_EPOCH = 1767225600
THREE_YEARS = 3 * 365 * 86400
ID_BASE = 0x65000000
AVATAR_HEAD = "https://s.gravatar.com/avatar/"
AVATAR_TAIL = "?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F"
COLUMNS = (
    "user_id",
    "connection",
    "provider",
    "email",
    "email_domain",
    "email_verified",
    "name",
    "nickname",
    "given_name",
    "family_name",
    "picture",
    "blocked",
    "created_at",
    "updated_at",
    "last_login",
    "last_ip",
    "logins_count",
    "app_metadata",
    "user_metadata",
)

# The hash: x = i*A + K (mod 2^31), square and keep middle bits, one LCG step. Every product
# stays below 2^63, so SQLite never falls back to floating point.
HASH_M = 2147483648
HASH_A, HASH_B, HASH_C = 1597334677, 1103515245, 12345
# Hash slots, one per attribute.
(H_FIRST, H_LAST, H_DOMAIN, H_PLAN, H_LOCALE, H_ACTIVE, H_LOGINS, H_CREATED, H_LAST_LOGIN) = range(
    9
)
(H_VERIFIED, H_BLOCKED, H_IP, H_ID1, H_ID2, H_PIC1, H_PIC2) = range(9, 16)


def slot_key(slot: int, seed: int) -> int:
    return (slot * 2654435761 + seed * 40503 + 7) % HASH_M


def hash31(i: int, slot: int, seed: int) -> int:
    x = (i * HASH_A + slot_key(slot, seed)) % HASH_M
    x = (x * x // 32768) % HASH_M
    return (x * HASH_B + HASH_C) % HASH_M


def _pick(h: int, n: int) -> int:
    # The high bits: the low bits of an LCG step repeat with short periods.
    return (h // 65536) % n


def _stamp(seconds_before_now: int) -> datetime:
    return NOW - timedelta(seconds=seconds_before_now)


def user_values(i: int, seed: int = 0) -> dict[str, Any]:
    """Demo user number ``i``, computed exactly as the SQL below computes it."""

    def h(slot: int) -> int:
        return hash31(i, slot, seed)

    first, last = FIRST[_pick(h(H_FIRST), len(FIRST))], LAST[_pick(h(H_LAST), len(LAST))]
    domain = DOMAINS[_pick(h(H_DOMAIN), len(DOMAINS))]
    local = f"{first}.{last}{i}".lower()
    created = 3600 + h(H_CREATED) % THREE_YEARS
    logins = 0
    if _pick(h(H_ACTIVE), 100) >= 15:
        logins = int(-40 * math.log((h(H_LOGINS) % 1000000 + 1) / 1000001.0)) + 1
    last_login = _stamp(h(H_LAST_LOGIN) % created) if logins else None
    digest = f"{h(H_PIC1):08x}{h(H_PIC2):08x}{h(H_ID2):08x}{h(H_ID1):08x}"
    return {
        "user_id": f"auth0|{ID_BASE + i:08x}{h(H_ID1):08x}{h(H_ID2):08x}",
        "connection": CONNECTION,
        "provider": "auth0",
        "email": f"{local}@{domain}",
        "email_domain": domain,
        "email_verified": _pick(h(H_VERIFIED), 100) < 80,
        "name": f"{first} {last}",
        "nickname": local,
        "given_name": first,
        "family_name": last,
        "picture": f"{AVATAR_HEAD}{digest}{AVATAR_TAIL}{(first[0] + last[0]).lower()}.png",
        "blocked": _pick(h(H_BLOCKED), 100) < 2,
        "created_at": _stamp(created),
        "updated_at": last_login or _stamp(created),
        "last_login": last_login,
        "last_ip": f"203.0.113.{1 + _pick(h(H_IP), 254)}" if logins else None,
        "logins_count": logins,
        "app_metadata": {"plan": PLANS[_pick(h(H_PLAN), len(PLANS))]},
        "user_metadata": {"locale": LOCALES[_pick(h(H_LOCALE), len(LOCALES))]},
    }


def generate(count: int, *, seed: int = 0, offset: int = 0) -> Iterator[dict[str, Any]]:
    for i in range(offset, offset + count):
        yield user_values(i, seed)
