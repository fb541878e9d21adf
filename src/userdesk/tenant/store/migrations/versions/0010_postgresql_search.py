"""PostgreSQL: the users' searched columns collated "C", and indexes in the search's orders

Nothing changes on SQLite. On PostgreSQL:

- the text columns the user search compares, sorts or folds are collated "C", so that
  comparisons and sorting follow bytes and ``lower()`` folds ASCII only, as SQLite's do
  (whatever the database's own collation);
- each sort order's index ends with the pk and keeps NULLs first, the order SQLite gives an
  ascending sort: a page in that order is read straight from the index, either way round;
- the metadata index's strings get an index of their own text ("C"), for prefixes and ranges.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Column, length.
SEARCHED = {
    "user_id": 255,
    "connection": 128,
    "provider": 64,
    "email": 320,
    "email_domain": 255,
    "username": 128,
    "name": 255,
    "nickname": 255,
    "given_name": 255,
    "family_name": 255,
    "last_ip": 64,
}
# Index name, the sort key as PostgreSQL writes it, and the index 0001 made for it (if any).
ORDERS = [
    ("ix_users_email_lower", "lower(email)", "ix_users_email_lower"),
    ("ix_users_name_lower", "lower(name)", "ix_users_name_lower"),
    ("ix_users_nickname_lower", "lower(nickname)", "ix_users_nickname_lower"),
    ("ix_users_given_name_lower", "lower(given_name)", "ix_users_given_name_lower"),
    ("ix_users_family_name_lower", "lower(family_name)", "ix_users_family_name_lower"),
    ("ix_users_username", "username", "ix_users_username"),
    ("ix_users_created_at", "created_at", "ix_users_created_at"),
    ("ix_users_last_login", "last_login", "ix_users_last_login"),
    ("ix_users_logins_count", "logins_count", "ix_users_logins_count"),
    ("ix_users_user_id_pk", "user_id", None),
]
METADATA_TEXT = "ix_user_metadata_values_text"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for _name, _key, old in ORDERS:
        if old is not None:
            op.drop_index(old, table_name="users")
    for column, length in SEARCHED.items():
        # Indexes on the column (the unique ones included) are rebuilt with the new collation.
        op.alter_column(
            "users",
            column,
            type_=sa.String(length=length, collation="C"),
            existing_type=sa.String(length=length),
        )
    for name, key, _old in ORDERS:
        op.create_index(name, "users", [sa.text(f"{key} NULLS FIRST"), "pk"])
    op.create_index(
        METADATA_TEXT,
        "user_metadata_values",
        ["root", "path", sa.text('(value #>> ARRAY[]::text[]) COLLATE "C"'), "user_pk"],
        postgresql_where=sa.text("type = 'text'"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(METADATA_TEXT, table_name="user_metadata_values")
    for name, _key, _old in ORDERS:
        op.drop_index(name, table_name="users")
    for column, length in SEARCHED.items():
        op.alter_column(
            "users",
            column,
            type_=sa.String(length=length),
            existing_type=sa.String(length=length, collation="C"),
        )
    for _name, key, old in ORDERS:
        if old is not None:
            op.create_index(old, "users", [sa.text(key)])
