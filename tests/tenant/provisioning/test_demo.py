"""Demo-user seeding: deterministic, the same in SQL and Python, indexes intact after a load."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from userdesk.tenant.provisioning.demo import seed_users
from userdesk.tenant.provisioning.demo_users import COLUMNS, generate
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


def test_the_same_seed_gives_the_same_realistic_users() -> None:
    assert list(generate(20, seed=3)) == list(generate(20, seed=3))
    assert list(generate(5, seed=3)) != list(generate(5, seed=4))
    users = list(generate(3000))
    assert len({u["email"] for u in users}) == len({u["user_id"] for u in users}) == 3000
    # Names vary independently: most first/last pairs appear.
    assert len({(u["given_name"], u["family_name"]) for u in users}) > 1500
    plans = Counter(u["app_metadata"]["plan"] for u in users)
    assert plans["free"] > plans["pro"] > plans["enterprise"] > 300
    never = sum(1 for u in users if u["logins_count"] == 0)
    assert 300 < never < 600
    assert all(u["last_login"] is None for u in users if u["logins_count"] == 0)
    assert all(u["created_at"] <= u["last_login"] for u in users if u["last_login"])


@pytest.mark.parametrize("rebuild", [False, True])
def test_sql_seeding_writes_exactly_the_python_users_and_keeps_indexes(
    tmp_path: Path, rebuild: bool
) -> None:
    path = tmp_path / "seed.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    before = index_names(path)
    sessions = make_sessionmaker(engine)
    steps: list[int] = []
    with transaction(sessions) as session:
        added = seed_users(session, 1500, batch=400, rebuild_indexes=rebuild, progress=steps.append)
        assert added == 1500
    # Progress is reported batch by batch, as the work is done.
    assert steps == [400, 400, 400, 300]
    with transaction(sessions) as session:
        assert seed_users(session, 10) == 10
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1510
        stored = session.scalars(select(User).order_by(User.pk)).all()
        for user, expected in zip(stored, generate(1510), strict=True):
            assert {c: getattr(user, c) for c in COLUMNS} == {c: expected[c] for c in COLUMNS}
        assert isinstance(stored[0].created_at, datetime)
    engine.dispose()
    assert index_names(path) == before
    assert "ix_users_email_lower" in before
