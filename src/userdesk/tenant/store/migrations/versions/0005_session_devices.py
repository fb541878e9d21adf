"""login sessions and refresh tokens remember their device

The Management API's session and refresh-token objects show where each began and was last
used (IP, user agent), the clients a session signed in to, and a refresh token's session.
Rows from before this revision keep these empty.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_sessions") as batch:
        batch.add_column(sa.Column("initial_ip", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("initial_user_agent", sa.String(length=512), nullable=True))
        batch.add_column(sa.Column("last_ip", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("last_user_agent", sa.String(length=512), nullable=True))
        batch.add_column(sa.Column("last_interacted_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("clients", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.add_column(sa.Column("session_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("ip", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("user_agent", sa.String(length=512), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.drop_column("user_agent")
        batch.drop_column("ip")
        batch.drop_column("session_id")
    with op.batch_alter_table("login_sessions") as batch:
        batch.drop_column("clients")
        batch.drop_column("last_interacted_at")
        batch.drop_column("last_user_agent")
        batch.drop_column("last_ip")
        batch.drop_column("initial_user_agent")
        batch.drop_column("initial_ip")
