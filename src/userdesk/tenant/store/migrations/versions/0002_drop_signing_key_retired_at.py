"""drop signing_keys.retired_at

Nothing ever set it: a key leaves the JWKS by being deleted, and ``active`` says which signs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signing_keys") as batch:
        batch.drop_column("retired_at")


def downgrade() -> None:
    with op.batch_alter_table("signing_keys") as batch:
        batch.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))
