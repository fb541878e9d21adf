"""Demo-user seeding: deterministic, the same in SQL and Python, indexes intact after a load."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from tests.support.databases import store_url
from userdesk.tenant.management.query import parse
from userdesk.tenant.management.search import build
from userdesk.tenant.management.users.fields import user_search
from userdesk.tenant.provisioning.demo import seed_users
from userdesk.tenant.provisioning.demo_users import COLUMNS, generate
from userdesk.tenant.store.db import make_engine, make_sessionmaker, migrate, transaction
from userdesk.tenant.store.models import User


def index_names(engine: Engine) -> set[str]:
    sql = (
        "SELECT indexname FROM pg_indexes WHERE tablename = 'users'"
        if engine.dialect.name == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'"
    )
    with engine.connect() as connection:
        return set(connection.execute(text(sql)).scalars())


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


@pytest.mark.both_stores
@pytest.mark.parametrize("rebuild", [False, True])
def test_sql_seeding_writes_exactly_the_python_users_and_keeps_indexes(
    store: str, tmp_path: Path, rebuild: bool
) -> None:
    with store_url(store, tmp_path) as url:
        seed_and_compare(make_engine(url), rebuild)


def seed_and_compare(engine: Engine, rebuild: bool) -> None:
    migrate(engine)
    before = index_names(engine)
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
        # Every user's metadata is indexed, as a write through the ORM would index it.
        assert search_ids(session, "app_metadata.plan:pro") == {
            u.user_id for u in stored if u.app_metadata["plan"] == "pro"
        }
        assert search_ids(session, "user_metadata.locale:ja") == {
            u.user_id for u in stored if u.user_metadata["locale"] == "ja"
        }
    assert index_names(engine) == before
    engine.dispose()
    assert "ix_users_email_lower" in before


def search_ids(session: Session, q: str) -> set[str]:
    condition = build(parse(q), user_search(session))
    return set(session.scalars(select(User.user_id).where(condition)))
