"""hash client secrets

The store keeps a SHA-256 hash of each confidential client's secret instead of the secret
(``tenant.json``, mode 0600, keeps the secrets it handed out). Secrets already stored in plain
text are hashed in place; the clients keep authenticating with the secrets they have.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 19:40:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept here rather than imported: a migration must not change when the application does.
SCHEME = "sha256$"

clients = sa.table(
    "clients",
    sa.column("client_id", sa.String),
    sa.column("client_secret", sa.String),
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        # Overwrite the replaced values on disk rather than leave them in free pages.
        connection.exec_driver_sql("PRAGMA secure_delete=ON")
    rows = connection.execute(
        sa.select(clients.c.client_id, clients.c.client_secret).where(
            clients.c.client_secret.is_not(None)
        )
    ).all()
    for client_id, secret in rows:
        if secret.startswith(SCHEME):
            continue
        digest = SCHEME + hashlib.sha256(secret.encode()).hexdigest()
        connection.execute(
            clients.update().where(clients.c.client_id == client_id).values(client_secret=digest)
        )


def downgrade() -> None:
    # A hash cannot be turned back into the secret; confidential clients need new secrets
    # after a downgrade.
    pass
