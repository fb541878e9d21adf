"""bulk import and export jobs

The jobs table gains what bulk jobs need (connection, options, progress, summary, the
export's file and link key, the process running it), and ``job_errors`` keeps the entries an
import refused.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("connection_id", sa.String(length=64)),
    ("connection", sa.String(length=128)),
    ("external_id", sa.String(length=255)),
    ("upsert", sa.Boolean()),
    ("send_completion_email", sa.Boolean()),
    ("format", sa.String(length=8)),
    ("fields", sa.JSON()),
    ("row_limit", sa.Integer()),
    ("runner", sa.String(length=255)),
    ("started_at", sa.DateTime()),
    ("percentage_done", sa.Integer()),
    ("summary", sa.JSON()),
    ("status_details", sa.Text()),
    ("location", sa.String(length=255)),
    ("link_key", sa.String(length=128)),
)


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        "job_errors",
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_errors_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", "position", name=op.f("pk_job_errors")),
    )
    # The start-up sweep looks for the jobs left pending or processing.
    op.create_index(op.f("ix_jobs_status"), "jobs", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_jobs_status"), table_name="jobs")
    op.drop_table("job_errors")
    with op.batch_alter_table("jobs") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
