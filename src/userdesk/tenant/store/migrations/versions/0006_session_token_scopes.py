"""grant the desk's machine client the session and refresh-token scopes

Tenants created before these Management API routes existed get their scopes on the
Management API and on the desk backend's grant, as a new tenant has them from first start.
The backend's grant is the one for the Management API that holds ``read:users`` and
``delete:users``; other grants are left as their owners set them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 20:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_SCOPES = [
    "read:sessions",
    "delete:sessions",
    "read:refresh_tokens",
    "delete:refresh_tokens",
    "read:connections",
]

apis = sa.table(
    "resource_servers",
    sa.column("id", sa.String),
    sa.column("identifier", sa.String),
    sa.column("is_system", sa.Boolean),
    sa.column("scopes", sa.JSON),
)
grants = sa.table(
    "client_grants",
    sa.column("id", sa.String),
    sa.column("audience", sa.String),
    sa.column("scope", sa.JSON),
)


def upgrade() -> None:
    bind = op.get_bind()
    for api_id, identifier, scopes in bind.execute(
        sa.select(apis.c.id, apis.c.identifier, apis.c.scopes).where(apis.c.is_system)
    ).all():
        known = {entry.get("value") for entry in scopes or []}
        added = [{"value": s, "description": s} for s in NEW_SCOPES if s not in known]
        if added:
            bind.execute(
                apis.update().where(apis.c.id == api_id).values(scopes=[*(scopes or []), *added])
            )
        for grant_id, scope in bind.execute(
            sa.select(grants.c.id, grants.c.scope).where(grants.c.audience == identifier)
        ).all():
            held = list(scope or [])
            if {"read:users", "delete:users"} <= set(held):
                extra = [s for s in NEW_SCOPES if s not in held]
                if extra:
                    bind.execute(
                        grants.update().where(grants.c.id == grant_id).values(scope=[*held, *extra])
                    )


def downgrade() -> None:
    """Scopes granted stay granted: removing them could take away what an operator gave."""
