"""`userdesk migrate` on a PostgreSQL store: machines that start together, and runs again.

Two real processes with different data directories (so no shared lock file: two machines)
migrate one new PostgreSQL database at the same moment; the advisory lock lets one build the
schema while the other waits, and both succeed. A further run changes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from tests.support.databases import fresh_postgres_database
from userdesk.tenant.store.db import alembic_config, make_engine


@pytest.fixture
def database(postgresql_selected: None) -> Iterator[str]:
    with fresh_postgres_database("migrate") as url:
        yield url


def migrate_in(directory: Path, url: str) -> subprocess.Popen[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AUTH0_", "USERDESK_", "TENANT_")) and key != "DATABASE_URL"
    }
    env.update({"TENANT_DATABASE_URL": url, "USERDESK_DATA_DIR": str(directory)})
    return subprocess.Popen(
        [sys.executable, "-m", "userdesk.cli", "migrate"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def snapshot(engine: Engine) -> dict[str, Any]:
    """The schema as PostgreSQL describes it, the revision, and the rows migrations write."""
    with engine.connect() as db:
        return {
            "columns": db.execute(
                text(
                    "SELECT table_name, column_name, data_type, collation_name, is_nullable "
                    "FROM information_schema.columns WHERE table_schema = 'public' "
                    "ORDER BY table_name, column_name"
                )
            ).all(),
            "indexes": db.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                    "ORDER BY indexname"
                )
            ).all(),
            "revision": db.execute(text("SELECT version_num FROM alembic_version")).all(),
            "connections": db.execute(text("SELECT id, name FROM connections")).all(),
        }


def test_two_machines_migrating_together_both_succeed_and_a_rerun_changes_nothing(
    database: str, tmp_path: Path
) -> None:
    runs = [migrate_in(tmp_path / name, database) for name in ("one", "two")]
    for run in runs:
        output, _ = run.communicate(timeout=120)
        assert run.returncode == 0, output
    engine = make_engine(database)
    try:
        first = snapshot(engine)
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        assert first["revision"] == [(head,)]
        assert len(first["connections"]) == 1
        assert ("ix_users_email_lower",) in {(name,) for name, _ in first["indexes"]}
        again = migrate_in(tmp_path / "three", database)
        output, _ = again.communicate(timeout=120)
        assert again.returncode == 0, output
        assert snapshot(engine) == first
    finally:
        engine.dispose()
