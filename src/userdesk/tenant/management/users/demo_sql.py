"""The demo users' generator in SQL: one ``INSERT ... SELECT`` over a recursive counter.

It computes exactly what ``provisioning.demo_users.user_values`` computes (the tests compare
them row by row), so SQLite writes a million demo users without a Python object per row.
"""

from __future__ import annotations

from typing import Any

from userdesk.tenant.provisioning.demo_users import (
    AVATAR_HEAD,
    AVATAR_TAIL,
    COLUMNS,
    CONNECTION,
    DOMAINS,
    FIRST,
    H_DOMAIN,
    H_FIRST,
    H_LAST,
    H_LOCALE,
    H_PLAN,
    HASH_A,
    HASH_B,
    HASH_C,
    HASH_M,
    ID_BASE,
    LAST,
    LOCALES,
    NOW_EPOCH,
    PLANS,
    THREE_YEARS,
    slot_key,
)


def _h_sql(slot: int, seed: int) -> str:
    x = f"((i * {HASH_A} + {slot_key(slot, seed)}) % {HASH_M})"
    return f"((({x} * {x} / 32768) % {HASH_M}) * {HASH_B} + {HASH_C}) % {HASH_M}"


def _padded(values: Any) -> tuple[str, int]:
    width = max(len(v) for v in values)
    return "".join(v.ljust(width) for v in values), width


def _choice_sql(values: Any, slot: int) -> str:
    # A fixed-width string and substr(): a list lookup without a table or JSON parsing.
    padded, width = _padded(values)
    index = f"((h{slot} / 65536) % {len(values)})"
    return f"rtrim(substr('{padded}', {index} * {width} + 1, {width}))"


def insert_sql(seed: int) -> str:
    """The INSERT ... SELECT that writes users [:start, :stop) with ``user_values``' values.

    Built only from the constants above; the range travels as bound parameters.
    """
    hashes = ", ".join(f"{_h_sql(slot, seed)} AS h{slot}" for slot in range(16))
    stamp = "datetime({} - {}, 'unixepoch') || '.000000'"
    created = f"{stamp.format(NOW_EPOCH, 'created')}"
    last_login = f"CASE WHEN logins > 0 THEN {stamp.format(NOW_EPOCH, 'h8 % created')} END"
    return f"""
WITH RECURSIVE counter(i) AS (
    SELECT :start UNION ALL SELECT i + 1 FROM counter WHERE i + 1 < :stop
),
hashed AS MATERIALIZED (SELECT i, {hashes} FROM counter),
picked AS (
    SELECT i, h7, h8, h11, h12, h13, h14, h15, h9, h10,
        {_choice_sql(FIRST, H_FIRST)} AS first,
        {_choice_sql(LAST, H_LAST)} AS last,
        {_choice_sql(DOMAINS, H_DOMAIN)} AS domain,
        {_choice_sql(PLANS, H_PLAN)} AS plan,
        {_choice_sql(LOCALES, H_LOCALE)} AS locale,
        3600 + h7 % {THREE_YEARS} AS created,
        CASE WHEN (h5 / 65536) % 100 >= 15
            THEN CAST(-40 * ln((h6 % 1000000 + 1) / 1000001.0) AS INTEGER) + 1 ELSE 0 END
            AS logins
    FROM hashed
),
named AS MATERIALIZED (
    SELECT *, lower(first || '.' || last || i) AS local,
        {created} AS created_at, {last_login} AS last_login_at
    FROM picked
)
INSERT INTO users ({", ".join(COLUMNS)})
SELECT
    'auth0|' || printf('%08x%08x%08x', {ID_BASE} + i, h12, h13),
    '{CONNECTION}', 'auth0',
    local || '@' || domain, domain,
    (h9 / 65536) % 100 < 80,
    first || ' ' || last, local, first, last,
    '{AVATAR_HEAD}' || printf('%08x%08x%08x%08x', h14, h15, h13, h12) || '{AVATAR_TAIL}'
        || lower(substr(first, 1, 1) || substr(last, 1, 1)) || '.png',
    (h10 / 65536) % 100 < 2,
    created_at,
    coalesce(last_login_at, created_at),
    last_login_at,
    CASE WHEN logins > 0 THEN '203.0.113.' || (1 + (h11 / 65536) % 254) END,
    logins,
    '{{"plan": "' || plan || '"}}',
    '{{"locale": "' || locale || '"}}'
FROM named
"""  # noqa: S608 - constants only; the range is bound
