"""connection options: the database connection's password policy

Adds ``display_name`` and ``options`` to ``connections``, gives the database connection the
"fair" policy of a new tenant, and creates that connection where a tenant has none yet.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 20:00:00
"""

import secrets
import string
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "Username-Password-Authentication"
OPTIONS = {"passwordPolicy": "fair", "password_complexity_options": {"min_length": 8}}

connections = sa.table(
    "connections",
    sa.column("id", sa.String),
    sa.column("name", sa.String),
    sa.column("strategy", sa.String),
    sa.column("options", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("connections") as batch:
        batch.add_column(sa.Column("display_name", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("options", sa.JSON(), nullable=False, server_default="{}"))
    bind = op.get_bind()
    found = bind.execute(sa.select(connections.c.id).where(connections.c.name == NAME)).first()
    if found is None:
        alphabet = string.ascii_letters + string.digits
        con_id = "con_" + "".join(secrets.choice(alphabet) for _ in range(16))
        bind.execute(
            connections.insert().values(id=con_id, name=NAME, strategy="auth0", options=OPTIONS)
        )
    else:
        bind.execute(connections.update().where(connections.c.name == NAME).values(options=OPTIONS))


def downgrade() -> None:
    with op.batch_alter_table("connections") as batch:
        batch.drop_column("options")
        batch.drop_column("display_name")
