"""user_metadata_values: the metadata index searches read

Every value a metadata search can match, one row per (path, type, value, user), filled from
the users already there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 20_000


def upgrade() -> None:
    from userdesk.tenant.management.users.metadata_index import rows_for
    from userdesk.tenant.store.models import MetadataAtom

    table = op.create_table(
        "user_metadata_values",
        sa.Column("root", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("value", MetadataAtom(), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("user_pk", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_pk"],
            ["users.pk"],
            name=op.f("fk_user_metadata_values_user_pk_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "root", "path", "value", "type", "user_pk", name=op.f("pk_user_metadata_values")
        ),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    after = 0
    while True:
        users = bind.execute(
            sa.text(
                "SELECT pk, app_metadata, user_metadata FROM users WHERE pk > :after "
                "ORDER BY pk LIMIT :size"
            ),
            {"after": after, "size": BATCH},
        ).all()
        if not users:
            break
        rows = [row for pk, app, user in users for row in rows_for(pk, app, user)]
        if rows:
            insert: sa.Insert = (
                postgresql.insert(table).on_conflict_do_nothing()
                if bind.dialect.name == "postgresql"
                else sa.insert(table).prefix_with("OR IGNORE")
            )
            bind.execute(insert, rows)
        after = users[-1][0]
    # Built after the load: one sorted pass instead of a million random inserts.
    op.create_index("ix_user_metadata_values_user_pk", "user_metadata_values", ["user_pk"])


def downgrade() -> None:
    op.drop_index("ix_user_metadata_values_user_pk", table_name="user_metadata_values")
    op.drop_table("user_metadata_values")
