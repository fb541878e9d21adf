"""Demo-user seeding: deterministic, readable by the ORM, indexes intact after a bulk load."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from userdesk.tenant.seed import generate, seed_users
from userdesk.tenant.store.db import make_engine, make_sessionmaker, migrate, transaction
from userdesk.tenant.store.models import User


def index_names(path: Path) -> set[str]:
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        names = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'")
        ).scalars()
        found = set(names)
    engine.dispose()
    return found


def test_the_same_seed_gives_the_same_users() -> None:
    assert list(generate(20, seed=3)) == list(generate(20, seed=3))
    assert list(generate(5, seed=3)) != list(generate(5, seed=4))
    emails = [u["email"] for u in generate(2000)]
    assert len(set(emails)) == 2000


@pytest.mark.parametrize("rebuild", [False, True])
def test_bulk_seeding_reads_back_and_keeps_the_indexes(tmp_path: Path, rebuild: bool) -> None:
    path = tmp_path / "seed.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    before = index_names(path)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        assert seed_users(session, 1500, batch=400, rebuild_indexes=rebuild) == 1500
    with transaction(sessions) as session:
        assert seed_users(session, 10) == 10
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1510
        user = session.scalars(select(User).where(User.last_login.is_not(None))).first()
        assert user is not None
        assert isinstance(user.created_at, datetime) and isinstance(user.last_login, datetime)
        assert user.created_at <= user.last_login <= datetime(2026, 1, 1)
        assert user.app_metadata["plan"] in {"free", "pro", "enterprise"}
        assert user.email is not None and user.email_domain == user.email.split("@")[1]
        expected = next(generate(1))
        first = session.scalars(select(User).order_by(User.pk)).first()
        assert first is not None and first.user_id == expected["user_id"]
        assert first.created_at == expected["created_at"]
    engine.dispose()
    assert index_names(path) == before
    assert "ix_users_email_lower" in before
