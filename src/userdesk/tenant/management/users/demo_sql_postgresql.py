"""The demo users' generator in PostgreSQL: one ``INSERT ... SELECT`` over ``generate_series``.

The twin of ``demo_sql`` (SQLite): it computes exactly what
``provisioning.demo_users.user_values`` computes (the tests compare them row by row), so
PostgreSQL writes a million demo users without a Python object per row. The hash's products
stay below 2^63 in ``bigint``; the one logarithm is taken in ``float8``, as Python takes it.
"""

from __future__ import annotations

from userdesk.tenant.management.users.demo_sql import _h_sql, _padded
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
    ID_BASE,
    LAST,
    LOCALES,
    NOW_EPOCH,
    PLANS,
    THREE_YEARS,
)


def _choice_sql(values: tuple[str, ...] | list[str], slot: int) -> str:
    padded, width = _padded(values)
    index = f"((h{slot} / 65536) % {len(values)})"
    return f"rtrim(substr('{padded}', ({index} * {width} + 1)::int, {width}))"


def _hex8(value: str) -> str:
    # Every value written so is below 2^32: eight digits, as Python's "08x" writes them.
    return f"lpad(to_hex({value}), 8, '0')"


def _stamp(seconds_before_now: str) -> str:
    return f"(TIMESTAMP '1970-01-01' + ({NOW_EPOCH} - {seconds_before_now}) * INTERVAL '1 second')"


def insert_sql(seed: int) -> str:
    """The INSERT ... SELECT that writes users [:start, :stop) with ``user_values``' values.

    Built only from constants; the range travels as bound parameters.
    """
    hashes = ", ".join(f"{_h_sql(slot, seed)} AS h{slot}" for slot in range(16))
    return f"""
WITH hashed AS MATERIALIZED (
    SELECT i, {hashes}
    FROM generate_series(CAST(:start AS bigint), CAST(:stop AS bigint) - 1) AS counter(i)
),
picked AS (
    SELECT i, h7, h8, h11, h12, h13, h14, h15, h9, h10,
        {_choice_sql(FIRST, H_FIRST)} AS first,
        {_choice_sql(LAST, H_LAST)} AS last,
        {_choice_sql(DOMAINS, H_DOMAIN)} AS domain,
        {_choice_sql(PLANS, H_PLAN)} AS plan,
        {_choice_sql(LOCALES, H_LOCALE)} AS locale,
        3600 + h7 % {THREE_YEARS} AS created,
        CASE WHEN (h5 / 65536) % 100 >= 15
            THEN CAST(trunc(-40 * ln(CAST(h6 % 1000000 + 1 AS float8) / 1000001.0::float8))
                AS integer) + 1
            ELSE 0 END AS logins
    FROM hashed
),
named AS MATERIALIZED (
    SELECT *, lower(first || '.' || last || i) AS local,
        {_stamp("created")} AS created_at,
        CASE WHEN logins > 0 THEN {_stamp("h8 % created")} END AS last_login_at
    FROM picked
)
INSERT INTO users ({", ".join(COLUMNS)})
SELECT
    'auth0|' || {_hex8(f"{ID_BASE} + i")} || {_hex8("h12")} || {_hex8("h13")},
    '{CONNECTION}', 'auth0',
    local || '@' || domain, domain,
    (h9 / 65536) % 100 < 80,
    first || ' ' || last, local, first, last,
    '{AVATAR_HEAD}' || {_hex8("h14")} || {_hex8("h15")} || {_hex8("h13")} || {_hex8("h12")}
        || '{AVATAR_TAIL}' || lower(substr(first, 1, 1) || substr(last, 1, 1)) || '.png',
    (h10 / 65536) % 100 < 2,
    created_at,
    coalesce(last_login_at, created_at),
    last_login_at,
    CASE WHEN logins > 0 THEN '203.0.113.' || (1 + (h11 / 65536) % 254) END,
    logins,
    CAST('{{"plan": "' || plan || '"}}' AS json),
    CAST('{{"locale": "' || locale || '"}}' AS json)
FROM named
"""  # noqa: S608 - constants only; the range is bound


# Documents of top-level scalars (the demo seed's) indexed in SQL: what ``flatten`` lists
# for them, typed as SQLite's json_each types them.
FLAT_INDEX_SQL = """
INSERT INTO user_metadata_values (root, path, value, type, user_pk)
SELECT {root}, e.key,
    CASE json_typeof(e.value)
        WHEN 'boolean' THEN to_jsonb(CASE WHEN e.value::text = 'true' THEN 1 ELSE 0 END)
        ELSE e.value::jsonb END,
    CASE json_typeof(e.value)
        WHEN 'string' THEN 'text'
        WHEN 'boolean' THEN e.value::text
        WHEN 'number' THEN CASE WHEN e.value::text ~ '^-?[0-9]{{1,18}}$'
            THEN 'integer' ELSE 'real' END
    END,
    u.pk
FROM users AS u, json_each(u.{column}) AS e
WHERE u.pk > :after
    AND json_typeof(e.value) IN ('string', 'number', 'boolean')
    AND e.key ~ '^[A-Za-z0-9_-]+$'
ON CONFLICT DO NOTHING
"""

# The users table's indexes that no constraint owns (those can be dropped and rebuilt).
SECONDARY_INDEXES_SQL = """
SELECT i.relname, pg_get_indexdef(i.oid)
FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid
WHERE x.indrelid = CAST('users' AS regclass)
    AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.oid)
"""
